//! Chinese text rules in one place: script folding (OpenCC for terms, the character map of
//! [`fold`] for search), term keys, numerals, script detection.
//!
//! Taxonomy terms are compared after folding Traditional to Simplified (黨建+業務融合 and
//! 党建+业务融合 are one term), with OpenCC's dictionaries through the pure-Rust
//! `ferrous-opencc` port. Pages keep the script they were written in.

pub mod fold;
mod t2s_table;

use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use unicode_normalization::UnicodeNormalization;

fn t2s() -> Option<&'static OpenCC> {
    static T2S: OnceLock<Option<OpenCC>> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok()).as_ref()
}

/// Traditional → Simplified (phrase-aware, OpenCC). Text without Chinese is returned as is.
pub fn to_simplified(text: &str) -> String {
    if !text.chars().any(is_han) {
        return text.to_string();
    }
    t2s().map_or_else(|| text.to_string(), |cc| cc.convert(text))
}

/// The key under which a taxonomy value is grouped: Simplified script, NFKC (full-width
/// letters and digits become ASCII), whitespace trimmed and collapsed.
pub fn term_key(value: &str) -> String {
    let normalised: String = value.nfkc().collect();
    to_simplified(&collapse_spaces(&normalised))
}

/// [`term_key`] remembered: a large site repeats the same few hundred terms tens of thousands
/// of times. One per site model (`Site::term_key`), so it lives and dies with the build.
#[derive(Default)]
pub struct TermKeys(RwLock<HashMap<String, String>>);

impl TermKeys {
    pub fn key(&self, value: &str) -> String {
        if let Some(hit) = self.0.read().ok().and_then(|c| c.get(value).cloned()) {
            return hit;
        }
        let key = term_key(value);
        if let Ok(mut c) = self.0.write() {
            c.insert(value.to_string(), key.clone());
        }
        key
    }
}

/// How a term is shown: the value as written, whitespace trimmed and collapsed, in Simplified
/// script (the site's UI script) but keeping full-width punctuation and digits, which
/// [`term_key`] folds away: “浏阳市绩效考核一类单位（连续多年）” keeps its （）.
pub fn display_name(value: &str) -> String {
    to_simplified(&collapse_spaces(value))
}

/// `value` trimmed, each run of whitespace (full-width spaces too) made one space.
pub fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Pinyin order, as Chinese dictionaries and government lists sort: the Unicode collation
/// for `zh` (ICU4X, CLDR's pinyin tailoring), digits first, then Han characters, then Latin letters (CLDR's order for zh). Code-point order would put 财政局 (U+8D22) after
/// 司法局 and 住建局. Made once per sort and asked for one key per value.
pub struct PinyinOrder(icu_collator::CollatorBorrowed<'static>);

impl PinyinOrder {
    pub fn new() -> PinyinOrder {
        let collator = icu_collator::Collator::try_new(icu_locale_core::locale!("zh").into(), Default::default())
            .or_else(|_| icu_collator::Collator::try_new(Default::default(), Default::default()))
            .expect("the root collation is compiled in");
        PinyinOrder(collator)
    }

    /// The bytes that sort `text` in this order (compare keys instead of strings to sort by it).
    pub fn key(&self, text: &str) -> Vec<u8> {
        let mut key = Vec::new();
        let _ = self.0.write_sort_key_to(&read_as_places_are_read(text), &mut key);
        key
    }

    pub fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        self.key(a).cmp(&self.key(b))
    }
}

/// CLDR sorts a character by one reading: 长 as zhǎng, 重 as zhòng, 厦 as shà. City names read
/// them otherwise (长沙 cháng, 重庆 chóng, 厦门 xià), and lists of units are mostly city
/// names, so for sorting only, these places are spelt with a character of their reading.
const PLACE_READINGS: [(&str, &str); 10] = [
    ("长春", "常春"),
    ("长沙", "常沙"),
    ("长治", "常治"),
    ("长宁", "常宁"),
    ("长安", "常安"),
    ("重庆", "崇庆"),
    ("厦门", "夏门"),
    ("蚌埠", "泵埠"),
    ("六安", "陆安"),
    ("单县", "善县"),
];

fn read_as_places_are_read(text: &str) -> std::borrow::Cow<'_, str> {
    let mut text = std::borrow::Cow::Borrowed(text);
    for (place, reading) in PLACE_READINGS {
        if text.contains(place) {
            text = std::borrow::Cow::Owned(text.replace(place, reading));
        }
    }
    text
}

impl Default for PinyinOrder {
    fn default() -> Self {
        PinyinOrder::new()
    }
}

/// 字数 as a Chinese word processor counts it: each Han character and each full-width
/// punctuation mark is one, a run of letters or digits (a Latin word, 2023) is one.
pub fn char_count(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        // Han first: most characters are, and `is_alphanumeric` is a slow table lookup for them.
        if is_han(c) {
            count += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            count += usize::from(!in_word);
            in_word = true;
        } else {
            in_word = false;
            count += usize::from(is_full_width_punctuation(c));
        }
    }
    count
}

/// Minutes a reader needs for `chars` characters of Chinese, at about 400 a minute (the pace
/// reading studies and Chinese news sites use), at least one.
pub fn reading_minutes(chars: usize) -> usize {
    chars.div_ceil(400).max(1)
}

fn is_full_width_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x2014 | 0x2026 | 0x2018..=0x201D | 0x00B7)
}

/// Whether the text is written in Traditional script: a noticeable share of its first 160 Han
/// characters are Traditional forms (the character map the search index folds with, so this
/// costs a table lookup per character rather than a dictionary conversion).
pub fn looks_traditional(text: &str) -> bool {
    let map = fold::char_map();
    let (mut total, mut changed) = (0usize, 0usize);
    for c in text.chars().filter(|c| is_han(*c)).take(160) {
        total += 1;
        changed += usize::from(map.get(c).is_some());
    }
    total > 0 && changed >= 2 && changed * 20 >= total
}

/// The first `max` characters of `text` on one line, cut after a sentence end when possible.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    match cut.rfind(['。', '！', '？']) {
        Some(i) if i > cut.len() / 2 => cut[..i + '。'.len_utf8()].to_string(),
        _ => format!("{cut}…"),
    }
}

/// A Han ideograph: CJK Unified Ideographs, Extension A, the compatibility ideographs, and the
/// supplementary planes' Extensions B to I with the compatibility supplement. The one test of
/// "is this a Chinese character" (script detection, search n-grams; the search client repeats
/// these ranges). Emphasis and line breaks ask a wider question, `markdown::is_cjk`: any East
/// Asian wide character, punctuation included.
#[inline]
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// Chinese numeral for section numbering: 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 100 → 一百.
pub fn cn_number(n: u64) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!("十{}", if n.is_multiple_of(10) { "" } else { DIGITS[(n % 10) as usize] }),
        20..=99 => {
            format!(
                "{}十{}",
                DIGITS[(n / 10) as usize],
                if n.is_multiple_of(10) { "" } else { DIGITS[(n % 10) as usize] }
            )
        }
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest as usize]),
                10..=19 => format!("一{}", cn_number(rest)),
                _ => cn_number(rest),
            };
            format!("{}百{tail}", DIGITS[(n / 100) as usize])
        }
        _ => n.to_string(),
    }
}

/// `2021-05-01` → `2021年5月1日`; other text is returned unchanged.
pub fn zh_date(date: &str) -> String {
    match chrono::NaiveDate::parse_from_str(date.get(..10).unwrap_or(date), "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            format!("{}年{}月{}日", d.year(), d.month(), d.day())
        }
        Err(_) => date.to_string(),
    }
}

/// A URL path segment that keeps Chinese: characters unsafe in a path or a file name are
/// dropped, spaces become `-`. `党建+业务融合` stays as is (percent-encoded only in hrefs).
pub fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.trim().chars() {
        match c {
            '/' | '\\' | '?' | '#' | '%' | '"' | '<' | '>' | '|' | ':' | '*' | '`' | '^' | '{' | '}' | '[' | ']' => {}
            c if c.is_whitespace() => {
                if !out.ends_with('-') {
                    out.push('-');
                }
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_string();
    if out.is_empty() {
        "-".to_string()
    } else {
        out
    }
}

/// Percent-encodes one path segment for an href (Chinese becomes `%E5%85%9A…`).
pub fn encode_segment(segment: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'?')
        .add(b'{')
        .add(b'}')
        .add(b'/')
        .add(b'%')
        .add(b'+')
        .add(b'&');
    utf8_percent_encode(segment, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_and_simplified_terms_share_a_key() {
        assert_eq!(term_key("黨建+業務融合"), term_key("党建+业务融合"));
        assert_eq!(term_key("示範點"), "示范点");
        assert_eq!(term_key(" 模范机关　创建 "), "模范机关 创建");
    }

    #[test]
    fn full_width_digits_fold_in_keys() {
        assert_eq!(term_key("２０２１"), "2021");
    }

    #[test]
    fn detects_traditional_script() {
        assert!(looks_traditional("天津市級機關工委連續3年組織開展選樹黨建工作示範點"));
        assert!(!looks_traditional("珠海市财政局提出“让我先来”党建工作法"));
        assert!(!looks_traditional("English only"));
    }

    #[test]
    fn chinese_numerals() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 21, 99, 100, 101, 110, 115, 250].map(cn_number).to_vec();
        assert_eq!(
            got,
            [
                "一",
                "九",
                "十",
                "十一",
                "二十",
                "二十一",
                "九十九",
                "一百",
                "一百零一",
                "一百一十",
                "一百一十五",
                "二百五十"
            ]
        );
    }

    #[test]
    fn path_segments_keep_chinese_and_drop_unsafe_characters() {
        assert_eq!(path_segment("党建+业务融合"), "党建+业务融合");
        assert_eq!(path_segment("../etc/passwd"), "etcpasswd");
        assert_eq!(path_segment("a b"), "a-b");
        assert_eq!(encode_segment("党建+x"), "%E5%85%9A%E5%BB%BA%2Bx");
    }

    #[test]
    fn display_names_keep_full_width_punctuation_but_not_traditional_script() {
        assert_eq!(display_name(" 浏阳市绩效考核一类单位（连续多年） "), "浏阳市绩效考核一类单位（连续多年）");
        assert_eq!(term_key("浏阳市绩效考核一类单位（连续多年）"), "浏阳市绩效考核一类单位(连续多年)");
        assert_eq!(display_name("示範點"), "示范点");
    }

    #[test]
    fn pinyin_order_puts_cai_before_si_and_zhu() {
        let order = PinyinOrder::new();
        let mut units = vec!["住建局", "司法局", "财政局", "公安局", "Amazon", "2022年"];
        units.sort_by_cached_key(|u| order.key(u));
        assert_eq!(units, ["2022年", "财政局", "公安局", "司法局", "住建局", "Amazon"]);
        // 长春 and 长沙 are read cháng, so they sort among the c's, before 天津 and 珠海.
        let mut cities = vec!["珠海市", "天津市", "长春市", "拱北海关", "长沙市", "浏阳市"];
        cities.sort_by_cached_key(|u| order.key(u));
        assert_eq!(cities, ["长春市", "长沙市", "拱北海关", "浏阳市", "天津市", "珠海市"]);
        assert_eq!(order.compare("擦", "才"), std::cmp::Ordering::Less);
    }

    #[test]
    fn characters_are_counted_as_a_chinese_editor_counts_them() {
        assert_eq!(char_count("党建引领，2023年服务 GDP 增长。"), 13);
        assert_eq!(char_count(""), 0);
        assert_eq!((reading_minutes(0), reading_minutes(400), reading_minutes(401)), (1, 1, 2));
    }

    #[test]
    fn zh_dates() {
        assert_eq!(zh_date("2021-05-01"), "2021年5月1日");
        assert_eq!(zh_date("2021年第5期"), "2021年第5期");
    }
}
