//! Tokenising folded text.
//!
//! Chinese has no spaces and any dictionary split loses some substrings, so CJK runs are indexed
//! as overlapping character n-grams: unigrams (single-character queries), bigrams (two-character
//! queries and the relaxed match) and trigrams (exact-phrase evidence: a phrase of n ≥ 3
//! characters must contain all of its n − 2 trigrams, which almost never co-occur by chance).
//! Runs of letters and digits (Latin, numbers, other scripts) are indexed as whole words.
//!
//! The client tokenises queries with the same rules (see `xianfeng-search.js`).

/// The Han ideographs form CJK runs (the client uses the same ranges).
use crate::chinese::is_han as is_cjk;

/// True for characters that form word runs (letters and digits that are not Han).
#[inline]
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !is_cjk(c) && !is_cjk_punct(c) && c.is_alphanumeric())
}

/// CJK and general punctuation blocks: never letters, and common in Chinese text, so they
/// skip the (slow) Unicode alphabetic lookup.
#[inline]
fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F | 0xFF00..=0xFF0F)
}

/// A token of folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Token<'a> {
    /// A CJK n-gram (1–3 characters) packed 21 bits per character, see [`pack`].
    Gram(u64),
    /// A run of letters/digits.
    Word(&'a str),
}

/// Packs up to three characters into one key; the character count is implied because every
/// packed character is non-zero.
#[inline]
pub fn pack(chars: &[char]) -> u64 {
    chars.iter().fold(0u64, |k, &c| (k << 21) | u64::from(c as u32))
}

/// Unpacks a key produced by [`pack`] back into its string.
pub fn unpack(mut key: u64) -> String {
    let mut chars = Vec::with_capacity(3);
    while key != 0 {
        chars.push(char::from_u32((key & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}'));
        key >>= 21;
    }
    chars.iter().rev().collect()
}

/// Calls `emit` for every token of already-folded `text`.
pub fn tokenize<'a>(text: &'a str, mut emit: impl FnMut(Token<'a>)) {
    // The last three CJK characters of the current run, packed (21 bits each), and the run
    // length so far (capped at 3): enough to emit the uni-, bi- and trigram ending here.
    let (mut window, mut run) = (0u64, 0u8);
    let mut word_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_cjk(c) {
            window = ((window << 21) | u64::from(c as u32)) & ((1 << 63) - 1);
            run = (run + 1).min(3);
            emit(Token::Gram(u64::from(c as u32)));
            if run >= 2 {
                emit(Token::Gram(window & ((1 << 42) - 1)));
            }
            if run == 3 {
                emit(Token::Gram(window));
            }
            if let Some(s) = word_start.take() {
                emit(Token::Word(&text[s..i]));
            }
            continue;
        }
        run = 0;
        match (is_word_char(c), word_start) {
            (true, None) => word_start = Some(i),
            (false, Some(s)) => {
                emit(Token::Word(&text[s..i]));
                word_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = word_start {
        emit(Token::Word(&text[s..]));
    }
}

/// The token's text, as stored in shards and looked up by the client.
pub fn token_text(t: &Token<'_>) -> String {
    match t {
        Token::Gram(k) => unpack(*k),
        Token::Word(w) => (*w).to_string(),
    }
}

/// FNV-1a over code points: the shard a token lives in is `hash(text) & (shards - 1)`.
/// The client computes the same function (`Math.imul`).
pub fn hash(text: &str) -> u32 {
    text.chars().fold(0x811c_9dc5u32, |h, c| (h ^ c as u32).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        tokenize(s, |t| v.push(token_text(&t)));
        v
    }

    #[test]
    fn cjk_runs_give_uni_bi_trigrams() {
        assert_eq!(toks("党建品"), ["党", "建", "党建", "品", "建品", "党建品"]);
    }

    #[test]
    fn words_and_cjk_mix() {
        let mut t = toks("ab 12党x");
        t.sort();
        assert_eq!(t, ["12", "ab", "x", "党"]);
    }

    #[test]
    fn punctuation_breaks_runs() {
        assert_eq!(toks("党,建"), ["党", "建"]);
    }

    #[test]
    fn pack_round_trips() {
        for s in ["党", "党建", "党建品", "𠀀建"] {
            let cs: Vec<char> = s.chars().collect();
            assert_eq!(unpack(pack(&cs)), s);
        }
    }

    #[test]
    fn hash_is_fnv1a_over_code_points() {
        assert_eq!(hash(""), 0x811c_9dc5);
        assert_eq!(hash("a"), 0xe40c_292c);
    }
}
