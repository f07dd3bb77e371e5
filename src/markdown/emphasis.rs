//! CJK-friendly emphasis: makes `**一是明确一个理念。**正文` and `这是**“让我先来”**工作法` bold.
//!
//! CommonMark decides whether a `*` run can open or close emphasis from the characters on either
//! side ("flanking"). A run with punctuation on one side and a letter on the other only counts on
//! the punctuation's side, which is right for English (`a*"b"*`) and wrong for Chinese, where
//! full-width punctuation sits right against the text with no space. pulldown-cmark has no option
//! for this, so we follow the CommonMark CJK-friendly amendment (tats-u/markdown-cjk-friendly):
//!
//! * left-flanking: not followed by whitespace, and either not followed by *non-CJK* punctuation,
//!   or preceded by whitespace, punctuation or a CJK character;
//! * right-flanking: not preceded by whitespace, and either not preceded by *non-CJK*
//!   punctuation, or followed by whitespace, punctuation or a CJK character.
//!
//! Working it through, a run is flanking under the amendment but not under CommonMark in exactly
//! two situations, both needing a CJK character on one side of the run:
//!
//! * **opening**: followed by punctuation, preceded by a non-space non-punctuation character;
//! * **closing**: preceded by punctuation, followed by a non-space non-punctuation character.
//!
//! Rather than re-implement the delimiter algorithm, we pre-process the source: in those two
//! situations we put a neutral marker character ([`MARK`], a Unicode noncharacter that is neither
//! whitespace nor punctuation) between the run and its punctuation neighbour. CommonMark then
//! sees a letter there and classifies the run exactly as the amendment does, while the other
//! flank is unchanged (checked case by case in the comments of [`repair_at`]). pulldown-cmark's
//! own delimiter stack then pairs the runs, so nesting, the rule of three and links behave as
//! usual. The marker is removed from every event afterwards (see `strip_mark`), and byte offsets
//! are mapped back to the original source with [`Prepared::original_offset`].
//!
//! Only `*` runs are repaired: `_` has intraword rules that Chinese text does not need, and `~~`
//! is not affected in practice. A run whose punctuation neighbour is `_`, `~`, `|` or `>` is left
//! alone, since the marker would change how that neighbour itself parses. A source that already
//! contains [`MARK`] is left alone. Once a repaired run pairs, CommonMark's delimiter algorithm
//! drops `_`/`~` delimiters inside the new emphasis, as it does for any emphasis.
//!
//! Tests: `tests/markdown_emphasis.rs` (every Chinese punctuation mark on both sides, and a
//! random differential test against plain pulldown-cmark) and `tests/markdown_conformance.rs`
//! (the 132 CommonMark emphasis examples).

use std::borrow::Cow;

/// The neutral character inserted next to a delimiter run (U+FDD0, a noncharacter: never in
/// real text, not whitespace, not punctuation to pulldown-cmark).
pub const MARK: char = '\u{FDD0}';
const MARK_LEN: usize = MARK.len_utf8();

/// The source as handed to pulldown-cmark, and where markers were inserted.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub source: Cow<'a, str>,
    /// Byte offsets, in `source`, of the inserted markers, ascending.
    pub inserted: Vec<usize>,
}

impl Prepared<'_> {
    /// Maps a byte offset in the prepared source back to the original text.
    pub fn original_offset(&self, offset: usize) -> usize {
        let before = self.inserted.partition_point(|&at| at < offset);
        offset.saturating_sub(before * MARK_LEN)
    }

    /// Whether a marker was inserted within `range` of the prepared source, so that an event
    /// from there may carry one.
    pub fn marks_in(&self, range: &std::ops::Range<usize>) -> bool {
        let first = self.inserted.partition_point(|&at| at < range.start);
        self.inserted.get(first).is_some_and(|&at| at < range.end)
    }
}

/// Where a marker goes relative to a delimiter run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repair {
    Before,
    After,
}

/// Inserts markers where the CJK-friendly rules accept a `*` run that CommonMark rejects.
pub fn prepare(source: &str) -> Prepared<'_> {
    let unchanged = || Prepared { source: Cow::Borrowed(source), inserted: Vec::new() };
    if !source.contains('*') || source.contains(MARK) {
        return unchanged();
    }
    let repairs = find_repairs(source);
    if repairs.is_empty() {
        return unchanged();
    }
    let mut out = String::with_capacity(source.len() + repairs.len() * MARK_LEN);
    let mut inserted = Vec::with_capacity(repairs.len());
    let mut copied = 0;
    for at in repairs {
        out.push_str(&source[copied..at]);
        inserted.push(out.len());
        out.push(MARK);
        copied = at;
    }
    out.push_str(&source[copied..]);
    Prepared { source: Cow::Owned(out), inserted }
}

/// Byte offsets (in `source`) where a marker must be inserted, ascending.
fn find_repairs(source: &str) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut repairs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // A backslash escapes the next ASCII punctuation character (`\*` is literal).
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => i += 2,
            b'*' => {
                let end = i + bytes[i..].iter().take_while(|&&b| b == b'*').count();
                let prev = source[..i].chars().next_back();
                let next = source[end..].chars().next();
                match repair_at(prev, next) {
                    Some(Repair::Before) => repairs.push(i),
                    Some(Repair::After) => repairs.push(end),
                    None => {}
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    repairs
}

/// Decides the repair for a `*` run between `prev` and `next` (`None` = start/end of text).
///
/// Only the two situations described in the module docs qualify:
/// * opening (`是**“`): CommonMark says not left-flanking because `next` is punctuation and
///   `prev` is not. A marker after the run makes `next` a letter, so it becomes left-flanking;
///   right-flanking depended only on `prev` (a non-punctuation letter), so it is unchanged.
/// * closing (`。**机`): symmetric, a marker before the run.
///
/// `is_punct` over-approximates Unicode punctuation, which is safe: on the punctuation side it
/// at worst adds a marker next to a run CommonMark already accepts, and on the other side it at
/// worst skips a repair.
fn repair_at(prev: Option<char>, next: Option<char>) -> Option<Repair> {
    let (p, n) = (prev?, next?);
    if is_space(p) || is_space(n) {
        return None;
    }
    let (p_punct, n_punct) = (is_punct(p), is_punct(n));
    let cjk_involved = is_cjk(p) || is_cjk(n);
    if !cjk_involved || p_punct == n_punct {
        return None;
    }
    let (repair, neighbour) = if n_punct { (Repair::After, n) } else { (Repair::Before, p) };
    // The marker becomes the punctuation neighbour's own neighbour. That matters when the
    // neighbour is itself a delimiter (`_`, `~`), a table pipe (pulldown-cmark has special
    // rules next to `|`), or a blockquote marker (`>**` at a line start, where the run really
    // starts the text). Those are ASCII, never CJK: leave them to CommonMark.
    if matches!(neighbour, '_' | '~' | '|' | '>') {
        return None;
    }
    Some(repair)
}

/// Whitespace as pulldown-cmark tests it (`char::is_whitespace`, which includes U+3000).
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Unicode punctuation or symbol (CommonMark 0.31), over-approximated as "not a letter, digit
/// or space" so that no real punctuation is ever classed as a letter.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    c != MARK && !c.is_alphanumeric() && !c.is_whitespace() && !is_variation_selector(c)
}

/// Variation selectors (marks, not punctuation). An ideographic one (IVS) follows a CJK
/// character, so the amendment counts it as CJK.
fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// CJK character: East Asian Width W/F/H (ideographs, kana, Hangul, CJK and full-width
/// punctuation), leaving out emoji. Ranges cover what Chinese text uses; see the spec's ranges.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F      // Hangul Jamo (leading)
        | 0x2E80..=0x303E    // CJK radicals, Kangxi, ideographic description, CJK symbols & punctuation
        | 0x3041..=0x33FF    // kana, Bopomofo, Hangul compatibility, Kanbun, enclosed CJK, compatibility
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4DC0..=0x4DFF    // Yijing hexagrams
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xA000..=0xA4CF    // Yi
        | 0xA960..=0xA97F    // Hangul Jamo Extended-A
        | 0xAC00..=0xD7A3    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xFE10..=0xFE19    // vertical forms
        | 0xFE30..=0xFE6F    // CJK compatibility forms, small form variants
        | 0xFF01..=0xFF60    // full-width forms
        | 0xFF61..=0xFFDC    // half-width forms
        | 0xFFE0..=0xFFEE    // full-width signs, half-width symbols
        | 0x16FE0..=0x16FFF  // ideographic symbols
        | 0x17000..=0x18CFF  // Tangut, Khitan
        | 0x1AFF0..=0x1B2FF  // kana supplements
        | 0x1F200..=0x1F2FF  // enclosed ideographic supplement
        | 0x20000..=0x3FFFD  // CJK Extensions B–I, compatibility supplement
        | 0xE0100..=0xE01EF  // ideographic variation selectors (follow a CJK character)
    )
}

/// Removes every [`MARK`] from `s` (a no-op borrow when there is none).
pub fn strip_mark(s: &str) -> Option<String> {
    s.contains(MARK).then(|| s.replace(MARK, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &str) -> String {
        prepare(s).source.replace(MARK, "|")
    }

    #[test]
    fn closing_after_full_width_punctuation() {
        assert_eq!(marked("**一是明确一个理念。**机关"), "**一是明确一个理念。|**机关");
    }

    #[test]
    fn opening_before_quote_and_closing_after_quote() {
        assert_eq!(marked("这是**“让我先来”**工作法"), "这是**|“让我先来”|**工作法");
    }

    #[test]
    fn ideographic_variation_selector_counts_as_cjk() {
        assert_eq!(marked("葛\u{E0100}**“x”**工"), "葛\u{E0100}**|“x”|**工");
    }

    #[test]
    fn english_is_untouched() {
        let s = "a*\"foo\"*b and **bold** and *it*.";
        assert!(matches!(prepare(s).source, Cow::Borrowed(_)));
    }

    #[test]
    fn escaped_asterisks_are_not_runs() {
        assert_eq!(marked(r"是\*“x”\*工"), r"是\*“x”\*工");
    }

    #[test]
    fn offsets_map_back() {
        let p = prepare("这是**“让”**工");
        let original = "这是**“让”**工";
        let in_prepared = p.source.find('工').unwrap();
        assert_eq!(p.original_offset(in_prepared), original.find('工').unwrap());
    }

    #[test]
    fn source_with_mark_is_left_alone() {
        let s = "这是**“让”**工\u{FDD0}";
        assert!(prepare(s).inserted.is_empty());
    }
}
