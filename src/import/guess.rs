//! Guessing a case's front matter from a cleaned article: title, brand, org, date, language,
//! description and the source (publication, URL, issue, editors), each with where it came from.

use super::clean::{Cleaned, Fact};
use crate::lang::Text;
use regex::Regex;
use std::collections::HashMap;

/// A guessed value and where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub value: String,
    pub from: Text,
}

/// Every field the import fills; `None` is a field left for the editor.
#[derive(Debug, Default)]
pub struct Fields {
    pub title: Option<Guess>,
    pub brand: Option<Guess>,
    pub org: Option<Guess>,
    pub date: Option<Guess>,
    pub description: Option<Guess>,
    /// `type`: what the title calls the case (党建工作法, 党建品牌, 工作机制…).
    pub kind: Option<Guess>,
    pub hant: Option<Guess>,
    /// `region`: `[省, 市]` as YAML flow list text.
    pub region: Option<Guess>,
    pub source_title: Option<Guess>,
    pub publication: Option<Guess>,
    pub url: Option<Guess>,
    pub issue: Option<Guess>,
    pub editor: Option<Guess>,
    pub responsible_editor: Option<Guess>,
}

/// The patterns, compiled once per run.
pub struct Patterns {
    quoted: Regex,
    org: Regex,
    bare_org: Regex,
    city: Regex,
    column: Regex,
    full_date: Regex,
}

impl Default for Patterns {
    fn default() -> Self {
        let re = |p: &str| Regex::new(p).expect("a valid pattern");
        let body = concat!(
            r"(?:直属机关工作委员会|直屬機關工作委員會|直机关工委|直機關工委|级机关工委|級機關工委|直属机关工委|直屬機關工委",
            r"|\p{Han}{1,6}?(?:局|厅|廳|委员会|委員會|工委|办公室|辦公室|法院|检察院|檢察院|税务局|稅務局))"
        );
        Patterns {
            quoted: re(r"[“「『\x22]([^”」』\x22]{2,16})[”」』\x22]"),
            org: re(&format!(r"\p{{Han}}{{2}}(?:省|市|县|縣|区|區){body}|\p{{Han}}{{2}}海[关關]")),
            bare_org: re(r"(?:市|省)(?:直机关工委|直機關工委|级机关工委|級機關工委|直属机关工委|直屬機關工委)"),
            city: re(r"(\p{Han}{2})市"),
            column: re(r"^[^|｜]{2,8}\s*[|｜]\s*"),
            full_date: re(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日"),
        }
    }
}

fn guess(value: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Option<Guess> {
    Some(Guess { value: value.into(), from: Text::new(zh, en) })
}

fn first_fact(facts: &[Fact], field: &str) -> Option<Guess> {
    facts
        .iter()
        .find(|f| f.field == field && !f.value.trim().is_empty())
        .map(|f| Guess { value: f.value.trim().to_string(), from: f.from.clone() })
}

/// The fields of one article; `page_facts` come from an HTML page's head, `stem` is the file name.
pub fn fields(p: &Patterns, cleaned: &Cleaned, page_facts: &[Fact], stem: &str) -> Fields {
    let mut facts: Vec<Fact> = page_facts.to_vec();
    facts.extend(cleaned.facts.iter().cloned());
    let body = cleaned.blocks.join("\n");
    let source_title = first_fact(&facts, "title")
        .or_else(|| cleaned.title.clone().and_then(|t| guess(t, "第一行（标题）", "the first line (the title)")))
        .or_else(|| {
            cleaned
                .blocks
                .iter()
                .find_map(|b| b.strip_prefix("## "))
                .and_then(|h| guess(h, "第一个小标题", "the first heading"))
        });
    let title = source_title.as_ref().map(|t| {
        // 「创新案例 | 标题」: the column name is not part of the title.
        let bare = p.column.replace(&t.value, "").trim().to_string();
        Guess { value: bare, from: t.from.clone() }
    });
    let title = title.or_else(|| guess(stem, "文件名", "the file name"));
    let title_text = title.as_ref().map(|t| t.value.clone()).unwrap_or_default();
    let date = first_fact(&facts, "date")
        .or_else(|| {
            first_fact(&facts, "url")
                .and_then(|u| super::html::date_in_url(&u.value))
                .and_then(|d| guess(d, "网址中的日期", "the date in the URL"))
        })
        .or_else(|| {
            cleaned.blocks.iter().take(3).find_map(|b| p.full_date.captures(b)).and_then(|c| {
                let d = format!("{}-{:0>2}-{:0>2}", &c[1], &c[2], &c[3]);
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()?;
                guess(d, "正文开头的日期", "a date at the start of the text")
            })
        });
    let org = org(p, &title_text, &body);
    Fields {
        brand: brand(p, &title_text, &cleaned.blocks),
        region: region(p, org.as_ref(), &body),
        description: description(&cleaned.blocks, org.as_ref().map(|g| g.value.as_str())),
        org,
        kind: kind(&title_text),
        hant: is_traditional(&body).then(|| Guess {
            value: "zh-Hant".into(),
            from: Text::new("正文为繁体字", "the text is in Traditional characters"),
        }),
        date,
        title,
        source_title,
        publication: first_fact(&facts, "publication"),
        url: first_fact(&facts, "url"),
        issue: first_fact(&facts, "issue"),
        editor: first_fact(&facts, "editor"),
        responsible_editor: first_fact(&facts, "responsible_editor"),
    }
}

/// The quoted name in the title (“让我先来”), else the title's lead before a dash, else the
/// first quoted name in the first paragraph.
fn brand(p: &Patterns, title: &str, blocks: &[String]) -> Option<Guess> {
    if let Some(c) = p.quoted.captures(title) {
        return guess(&c[1], "标题中的引号", "the quoted name in the title");
    }
    if let Some((lead, _)) = title.split_once("——").or_else(|| title.split_once("—")) {
        let lead = lead.trim();
        if (2..=12).contains(&lead.chars().count()) {
            return guess(lead, "标题破折号前的部分", "the title's part before the dash");
        }
    }
    let first = blocks.iter().find(|b| !b.starts_with('#'))?;
    let c = p.quoted.captures(first)?;
    guess(&c[1], "第一段中的引号", "the first quoted name in the first paragraph")
}

/// The issuing unit with its city: from the title, else the text; a bare 市直机关工委 gets the
/// city the text names most.
fn org(p: &Patterns, title: &str, body: &str) -> Option<Guess> {
    if let Some(m) = p.org.find(title) {
        return guess(m.as_str(), "标题", "the title");
    }
    let cities = || {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for c in p.city.captures_iter(body) {
            *counts.entry(c.get(1).map_or("", |m| m.as_str())).or_default() += 1;
        }
        counts.into_iter().max_by_key(|(name, n)| (*n, std::cmp::Reverse(*name))).map(|(name, _)| name)
    };
    let full = p.org.find(body);
    let bare = p.bare_org.find(body);
    match (full, bare) {
        (Some(f), Some(b)) if b.start() < f.start() => cities().and_then(|city| {
            guess(
                format!("{city}{}", b.as_str()),
                "正文（城市取正文中最常提到的）",
                "the text (with the city it names most)",
            )
        }),
        (Some(f), _) => guess(f.as_str(), "正文", "the text"),
        (None, Some(b)) => cities().and_then(|city| {
            guess(
                format!("{city}{}", b.as_str()),
                "正文（城市取正文中最常提到的）",
                "the text (with the city it names most)",
            )
        }),
        (None, None) => None,
    }
}

/// Provinces and their prefecture-level cities (without 市), shipped as data.
const GAZETTEER: &str = include_str!("gazetteer.txt");

/// `[广东省, 珠海市]` for a city name, `[天津市]` for a municipality.
fn region_of(place: &str) -> Option<String> {
    let place = place.trim_end_matches('市');
    for line in GAZETTEER.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut names = line.split_whitespace();
        let province = names.next()?;
        if province.trim_end_matches('市') == place && province.ends_with('市') {
            return Some(format!("[{province}]"));
        }
        if names.any(|city| city == place) {
            return Some(format!("[{province}, {place}市]"));
        }
    }
    None
}

/// The city before the org's first 市, tried at four, three and two characters (乌鲁木齐, 哈尔滨, 珠海).
fn org_city(org: &str) -> Option<String> {
    let (before, _) = org.split_once('市')?;
    let chars: Vec<char> = before.chars().collect();
    (2..=4.min(chars.len())).rev().find_map(|n| region_of(&chars[chars.len() - n..].iter().collect::<String>()))
}

/// The region: from the org's city, else from the city the text names most.
pub fn region(p: &Patterns, org: Option<&Guess>, body: &str) -> Option<Guess> {
    if let Some(found) = org.and_then(|o| org_city(&o.value)) {
        return guess(found, "单位名称中的城市", "the city in the organisation's name");
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in p.city.captures_iter(body) {
        let name = c.get(1).map_or("", |m| m.as_str());
        if region_of(name).is_some() {
            *counts.entry(name).or_default() += 1;
        }
    }
    let (city, _) = counts.into_iter().max_by_key(|(name, n)| (*n, std::cmp::Reverse(*name)))?;
    guess(region_of(city)?, "正文中最常提到的城市", "the city the text names most")
}

/// The kinds a title names, in the words the demo cases use for `type`.
const KINDS: &[(&str, &str)] = &[
    ("工作法", "党建工作法"),
    ("品牌", "党建品牌"),
    ("机制", "工作机制"),
    ("機制", "工作機制"),
    ("阵地", "阵地平台"),
    ("陣地", "陣地平台"),
    ("交流发言", "经验交流"),
    ("经验交流", "经验交流"),
    ("創建", "創建活動"),
    ("创建", "创建活动"),
];

fn kind(title: &str) -> Option<Guess> {
    let (_, kind) = KINDS.iter().find(|(word, _)| title.contains(word))?;
    guess(*kind, "标题中的类型词", "the kind the title names")
}

/// The first sentences of the first paragraph, up to about 120 characters.
/// The first sentences of the first paragraph, from the first one that names the unit when
/// one does: an opening such as 机关党建是党的建设新的伟大工程的重要组成部分。 says nothing of
/// the case.
fn description(blocks: &[String], org: Option<&str>) -> Option<Guess> {
    let first = blocks.iter().find(|b| !b.starts_with(['#', '!', '[', '|', '-']) && b.chars().count() >= 20)?;
    let plain = first.replace("**", "");
    let sentences: Vec<&str> = plain.split_inclusive(['。', '！', '？']).collect();
    let named = org.and_then(|org| sentences.iter().position(|s| s.contains(org)));
    let mut out = String::new();
    for sentence in &sentences[named.unwrap_or(0)..] {
        if !out.is_empty() && out.chars().count() + sentence.chars().count() > 120 {
            break;
        }
        out.push_str(sentence);
    }
    let out: String = out.chars().take(150).collect();
    match named {
        Some(n) if n > 0 => guess(
            out.trim(),
            "正文第一段中首次提到单位的句子",
            "the first paragraph, from the sentence naming the unit",
        ),
        _ => guess(out.trim(), "正文第一段的前几句", "the first sentences of the first paragraph"),
    }
}

/// Characters only Traditional script writes, against their Simplified forms.
const TRADITIONAL: &str = "們這個為對與發機關黨會國學實說過時還點體進動開經現題總記務組織於從產業當區將義優級導設數廣";
const SIMPLIFIED: &str = "们这个为对与发机关党会国学实说过时还点体进动开经现题总记务组织于从产业当区将义优级导设数广";

pub fn is_traditional(text: &str) -> bool {
    let (mut hant, mut hans) = (0usize, 0usize);
    for c in text.chars() {
        if TRADITIONAL.contains(c) {
            hant += 1;
        } else if SIMPLIFIED.contains(c) {
            hans += 1;
        }
    }
    hant > 10 && hant > hans * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_org_comes_with_its_city() {
        let p = Patterns::default();
        assert_eq!(
            org(&p, "发挥党员主观能动性!珠海市财政局提出“让我先来”党建工作法", "").unwrap().value,
            "珠海市财政局"
        );
        let body = "市委、市直机关工委认真贯彻。珠海市各单位，珠海市的机关。";
        assert_eq!(org(&p, "建设党的坚强战斗堡垒", body).unwrap().value, "珠海市直机关工委");
    }

    #[test]
    fn the_region_comes_from_the_org_or_the_city_the_text_names_most() {
        let p = Patterns::default();
        let org = |v: &str| Guess { value: v.into(), from: Text::new("", "") };
        assert_eq!(region(&p, Some(&org("珠海市财政局")), "").unwrap().value, "[广东省, 珠海市]");
        assert_eq!(region(&p, Some(&org("天津市級機關工委")), "").unwrap().value, "[天津市]");
        assert_eq!(
            region(&p, Some(&org("浏阳市财政局")), "获评长沙市文明单位，长沙市示范点").unwrap().value,
            "[湖南省, 长沙市]"
        );
        assert_eq!(region(&p, Some(&org("哈尔滨市委组织部")), "").unwrap().value, "[黑龙江省, 哈尔滨市]");
        assert_eq!(region(&p, None, "没有城市"), None);
    }

    #[test]
    fn the_brand_is_the_quoted_name_in_the_title() {
        let p = Patterns::default();
        assert_eq!(brand(&p, "珠海市财政局提出“让我先来”党建工作法", &[]).unwrap().value, "让我先来");
        assert_eq!(brand(&p, "小实招 大实效——浏阳市财政局党建工作纪实", &[]).unwrap().value, "小实招 大实效");
    }

    #[test]
    fn the_description_starts_at_the_sentence_naming_the_unit() {
        let blocks =
            vec!["机关党建是党的建设新的伟大工程的重要组成部分。浏阳市财政局以党的政治建设为统领，出实招、促实干。"
                .to_string()];
        let d = description(&blocks, Some("浏阳市财政局")).unwrap();
        assert_eq!(d.value, "浏阳市财政局以党的政治建设为统领，出实招、促实干。");
        assert!(description(&blocks, None).unwrap().value.starts_with("机关党建是"));
    }
}
