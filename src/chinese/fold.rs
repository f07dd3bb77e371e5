//! Text folding shared by the search index and the browser client.
//!
//! Folding makes search script-, width- and case-insensitive: NFKC (full-width → half-width,
//! compatibility forms), then a *character-level* Traditional → Simplified map, then lowercase.
//! The map is character-level on purpose: the JS client must fold queries exactly as the index
//! folded pages, and a 4,000-entry char map is small enough to ship, whereas OpenCC's phrase
//! dictionaries are not. The map is derived from `ferrous-opencc`'s T2S configuration (kept in
//! `t2s_table.rs`, checked against OpenCC by a test) and written into the index
//! (`search/t2s/<block>.json`), so Rust and JS always use the same table.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// Code-point ranges probed for Traditional characters (CJK unified + ext. A + compatibility).
#[cfg(test)]
const PROBE_RANGES: [(u32, u32); 4] = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)];

/// The CJK Unified Ideographs block, where [`CharMap`] keeps a bitset of mapped characters.
pub const CJK_UNIFIED: std::ops::RangeInclusive<u32> = 0x4E00..=0x9FFF;

/// The Traditional → Simplified character map, sorted by Traditional code point.
pub struct CharMap {
    pairs: Vec<(char, char)>,
    /// Dense lookup for the BMP, the hot path while indexing (0 = unmapped).
    bmp: Vec<u16>,
    /// Bit `c − 0x4E00` set when CJK Unified Ideograph `c` is mapped ([`CJK_UNIFIED`]).
    cjk_bits: Vec<u64>,
    astral: HashMap<char, char>,
}

impl CharMap {
    /// The mapped character, if `c` is a Traditional form with a distinct Simplified form.
    #[inline]
    pub fn get(&self, c: char) -> Option<char> {
        let cp = c as u32;
        if CJK_UNIFIED.contains(&cp) {
            // Most text is Simplified: a 2.6 KB bitset (cache-resident) answers before the
            // 128 KB table is touched.
            let i = (cp - CJK_UNIFIED.start()) as usize;
            if self.cjk_bits[i >> 6] >> (i & 63) & 1 == 0 {
                return None;
            }
        }
        if cp < 0x10000 {
            match self.bmp[cp as usize] {
                0 => None,
                s => char::from_u32(u32::from(s)),
            }
        } else {
            self.astral.get(&c).copied()
        }
    }

    /// All (Traditional, Simplified) pairs, sorted: the data the client receives.
    pub fn pairs(&self) -> &[(char, char)] {
        &self.pairs
    }

    /// Which characters of [`CJK_UNIFIED`] are mapped, as bytes: bit `c − 0x4E00`, least
    /// significant bit first (what the search manifest ships as `trad`).
    pub fn cjk_bitset(&self) -> Vec<u8> {
        self.cjk_bits.iter().flat_map(|w| w.to_le_bytes()).collect()
    }
}

/// The shared map, built on first use from the table derived from OpenCC T2S (`t2s_table.rs`).
pub fn char_map() -> &'static CharMap {
    static MAP: OnceLock<CharMap> = OnceLock::new();
    MAP.get_or_init(build_char_map)
}

fn build_char_map() -> CharMap {
    let pairs: Vec<(char, char)> =
        super::t2s_table::TRADITIONAL.chars().zip(super::t2s_table::SIMPLIFIED.chars()).collect();
    let mut bmp = vec![0u16; 0x10000];
    let mut cjk_bits = vec![0u64; CJK_UNIFIED.clone().count().div_ceil(64)];
    let mut astral = HashMap::new();
    for &(t, s) in &pairs {
        if CJK_UNIFIED.contains(&(t as u32)) {
            let i = (t as u32 - CJK_UNIFIED.start()) as usize;
            cjk_bits[i >> 6] |= 1 << (i & 63);
        }
        match (u16::try_from(t as u32), u16::try_from(s as u32)) {
            (Ok(ti), Ok(si)) => bmp[ti as usize] = si,
            _ => {
                astral.insert(t, s);
            }
        }
    }
    CharMap { pairs, bmp, cjk_bits, astral }
}

/// The map derived from OpenCC: T2S run over every probed character, one per line (phrases never
/// span a newline, so OpenCC applies only its single-character entries, which is exactly the
/// mapping the client can mirror). `t2s_table.rs` holds its result.
#[cfg(test)]
fn opencc_pairs() -> Vec<(char, char)> {
    let probe: Vec<char> = PROBE_RANGES.iter().flat_map(|&(a, b)| (a..=b).filter_map(char::from_u32)).collect();
    let mut input = String::with_capacity(probe.len() * 4);
    for c in &probe {
        input.push(*c);
        input.push('\n');
    }
    let cc = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).expect("OpenCC T2S");
    let converted = cc.convert(&input);
    let mut pairs = Vec::new();
    for (t, line) in probe.iter().zip(converted.split('\n')) {
        let mut it = line.chars();
        if let (Some(s), None) = (it.next(), it.next()) {
            if s != *t {
                pairs.push((*t, s));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

/// True for characters NFKC maps to themselves that are neither combining marks nor able to
/// combine with a following mark in a way that matters for CJK text: the common case (CJK,
/// ASCII, Chinese punctuation) then skips the normaliser, which is the indexing hot spot.
#[inline]
fn nfkc_inert(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E | 0x4E00..=0x9FFF | 0xB7 | 0x2013 | 0x2014 | 0x2018 | 0x2019 | 0x201C
        | 0x201D | 0x3001 | 0x3002 | 0x3008..=0x3011)
}

/// NFKC of the full-width ASCII block and the ideographic space: a plain offset.
#[inline]
fn fullwidth(c: char) -> Option<char> {
    match c as u32 {
        cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0),
        0x3000 => Some(' '),
        _ => None,
    }
}

/// Folds text for matching: NFKC, Traditional → Simplified (per character), lowercase.
///
/// The client (`xianfeng-search.js`) performs the same three steps in the same order, on the
/// whole string; here runs of characters that need the normaliser are normalised together with
/// the inert character before them (a possible composition starter), which gives the same result
/// because an inert character never composes with what precedes it.
pub fn fold(text: &str) -> String {
    let map = char_map();
    let mut out = String::with_capacity(text.len());
    // `run` starts the pending stretch of characters that fold to themselves (copied as a
    // slice); `prev` is the previous character if it was inert, with its folded length in `out`.
    let mut run = 0;
    let mut prev: Option<(usize, usize)> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if nfkc_inert(c) {
            let f = map.get(c).unwrap_or(c).to_ascii_lowercase();
            if f != c {
                out.push_str(&text[run..i]);
                out.push(f);
                run = i + c.len_utf8();
            }
            prev = Some((i, f.len_utf8()));
            continue;
        }
        if let Some(f) = fullwidth(c) {
            out.push_str(&text[run..i]);
            push_folded(&mut out, std::iter::once(f), map);
            run = i + c.len_utf8();
            prev = None;
            continue;
        }
        // Slow path: the run of non-inert characters, with the inert one before it.
        out.push_str(&text[run..i]);
        let start = match prev.take() {
            Some((pi, len)) => {
                out.truncate(out.len() - len);
                pi
            }
            None => i,
        };
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if nfkc_inert(d) || fullwidth(d).is_some() {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        push_folded(&mut out, text[start..end].nfkc(), map);
        run = end;
    }
    out.push_str(&text[run..]);
    out
}

fn push_folded(out: &mut String, chars: impl Iterator<Item = char>, map: &CharMap) {
    for c in chars {
        let c = map.get(c).unwrap_or(c);
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_becomes_simplified() {
        assert_eq!(fold("讓我先來"), "让我先来");
        assert_eq!(fold("黨建示範點"), "党建示范点");
    }

    #[test]
    fn width_and_case_fold() {
        assert_eq!(fold("ＡＢＣ１"), "abc1");
        assert_eq!(fold("XianFeng 先鋒"), "xianfeng 先锋");
        assert_eq!(fold("，：（）"), ",:()");
    }

    #[test]
    fn fast_path_matches_full_nfkc() {
        let samples = ["e\u{301}x", "党建，“品牌”……㈱ｶﾞ", "ｱ\u{3099}Å", "第①期　２０２３年", "讓我先來。"];
        for s in samples {
            let slow: String = s.nfkc().map(|c| char_map().get(c).unwrap_or(c)).flat_map(char::to_lowercase).collect();
            assert_eq!(fold(s), slow, "{s}");
        }
    }

    #[test]
    fn simplified_is_unchanged() {
        assert_eq!(fold("党建工作品牌"), "党建工作品牌");
    }

    #[test]
    fn table_matches_opencc() {
        let table = char_map().pairs();
        let derived = opencc_pairs();
        assert_eq!(table.len(), derived.len(), "regenerate src/chinese/t2s_table.rs from opencc_pairs()");
        assert!(table == derived.as_slice(), "regenerate src/chinese/t2s_table.rs from opencc_pairs()");
    }

    #[test]
    fn map_agrees_with_opencc_on_characters() {
        let cc = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).unwrap();
        for t in ["讓", "黨", "範", "點", "鋒", "來", "關", "機"] {
            assert_eq!(fold(t), cc.convert(t), "{t}");
        }
        assert!(char_map().pairs().len() > 2000);
    }
}
