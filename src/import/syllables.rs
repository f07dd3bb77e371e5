//! Pinyin syllables of Chinese text, the one rule both import's file names (an image's name,
//! images.rs) and a draft's slug (write.rs) are made from. A leaf of import/: it uses no other
//! import module, so the two users need not import each other.

use pinyin::ToPinyin;

/// Pinyin of a Chinese phrase, one syllable per character; other letters and digits kept.
pub(super) fn syllables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        if let Some(p) = p {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            // ü as v (lv, nv), the way pinyin is typed: slugs stay ASCII.
            out.push(p.plain().replace('ü', "v"));
        } else if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}
