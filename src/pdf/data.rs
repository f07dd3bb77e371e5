//! What one compilation PDF shows, as plain data: the cover, the preface, chapters with their
//! cases (facts, figures, body, honours, sources, QR code) and the two indexes. The typst
//! template receives it as `/data.json` and only walks it; every text in it is a value.

use super::fonts::Chosen;
use super::nodes::{self, Node, Resolve};
use crate::chinese;
use crate::config::PdfStyle;
use crate::content::model::{CaseStatus, Lang, Numbering, Source};
use crate::site::{Case, Compilation, Site};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The whole compilation.
#[derive(Debug, Serialize)]
pub struct Book {
    pub style: PdfStyle,
    pub fonts: Chosen,
    pub fonts_hant: Chosen,
    pub title: String,
    pub subtitle: Option<String>,
    pub edition: Option<String>,
    pub organiser: Option<String>,
    pub description: Option<String>,
    pub date: Date,
    /// `2024年7月`, as a cover prints it.
    pub date_text: String,
    /// The document language, `zh-CN` or `zh-Hant`.
    pub lang: &'static str,
    pub preface: Vec<Node>,
    pub chapters: Vec<Chapter>,
    pub index_orgs: Vec<IndexEntry>,
    pub index_honours: Vec<IndexEntry>,
    /// The image URLs the preface shows, for diagnostics.
    #[serde(skip)]
    pub preface_images: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

#[derive(Debug, Serialize)]
pub struct Chapter {
    /// `第一部分`.
    pub label: String,
    pub title: String,
    pub intro: Option<String>,
    /// The typst label of its heading.
    pub key: String,
    pub entries: Vec<Entry>,
}

/// One case of a chapter.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// The typst label of its title (`case-3`).
    pub key: String,
    /// `一、` or `3. `; None for a 存目 entry.
    pub label: Option<String>,
    /// `存目` or `资料不全` for an entry listed without its text.
    pub stub: Option<&'static str>,
    pub note: Option<String>,
    pub title: String,
    pub subtitle: Option<String>,
    pub brand: String,
    pub org: Option<String>,
    pub lang: &'static str,
    pub hant: bool,
    /// (label, value) rows of the facts table.
    pub facts: Vec<(String, String)>,
    pub metrics: Vec<Metric>,
    pub description: String,
    pub body: Vec<Node>,
    /// Each honour with the typst label of where it is printed (the index points there).
    pub honours: Vec<(String, String)>,
    pub sources: Vec<String>,
    /// The QR code of the case's page, an SVG document.
    pub qr: Option<String>,
    pub url: String,
    /// The case (index in the site) and the image URLs its body shows, for diagnostics.
    #[serde(skip)]
    pub case: usize,
    #[serde(skip)]
    pub images: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Metric {
    pub label: String,
    /// `33个`, `14.1%`.
    pub value: String,
    /// `2019年以来`, `2021年`.
    pub note: String,
}

/// An organisation or honour with the cases naming it.
#[derive(Debug, Serialize)]
pub struct IndexEntry {
    pub name: String,
    /// Typst labels of the cases, in compilation order.
    pub keys: Vec<String>,
}

/// The images and links of the pages, as the PDF holds them.
pub struct Links<'a> {
    pub site: &'a Site,
    /// Image URL of the site → path the world serves it under.
    pub images: &'a BTreeMap<String, String>,
    /// Image URLs typst cannot decode: their descriptions are printed instead.
    pub undecodable: &'a BTreeSet<String>,
    /// The image URLs resolved since it was last taken (see [`Links::take_shown`]).
    shown: RefCell<Vec<String>>,
}

impl<'a> Links<'a> {
    pub fn new(site: &'a Site, images: &'a BTreeMap<String, String>, undecodable: &'a BTreeSet<String>) -> Self {
        Links { site, images, undecodable, shown: RefCell::default() }
    }

    /// The image URLs shown since the last call.
    fn take_shown(&self) -> Vec<String> {
        self.shown.take()
    }
}

impl Resolve for Links<'_> {
    fn image(&self, url: &str) -> Option<String> {
        if self.undecodable.contains(url) {
            return None;
        }
        let served = self.images.get(url).cloned()?;
        self.shown.borrow_mut().push(url.to_string());
        Some(served)
    }

    fn link(&self, url: &str) -> Option<String> {
        if url.starts_with('#') || url.is_empty() {
            return None;
        }
        if crate::urls::check(url).is_err() {
            return None;
        }
        if url.starts_with('/') && !url.starts_with("//") {
            return Some(self.site.permalink(url));
        }
        (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:"))
            .then(|| url.to_string())
    }
}

/// The book of compilation `c`.
pub fn book(site: &Site, c: &Compilation, fonts: (Chosen, Chosen), links: &Links) -> Book {
    use chrono::Datelike;
    let date = c.meta.date;
    let mut chapters = Vec::new();
    let mut orgs: Vec<(String, String)> = Vec::new();
    let mut honours: Vec<(String, String)> = Vec::new();
    let mut n = 0;
    for (ci, chapter) in c.chapters.iter().enumerate() {
        let meta = &c.meta.chapters[chapter.index];
        let mut entries = Vec::new();
        for resolved in &chapter.entries {
            n += 1;
            let case = &site.cases[resolved.case];
            let key = format!("case-{n}");
            orgs.extend(case.meta.org.first().map(|o| (o.clone(), key.clone())));
            let honour_keys = (0..case.meta.honours.len()).map(|i| format!("{key}-honour-{i}"));
            honours.extend(case.meta.honours.iter().map(|h| h.name.clone()).zip(honour_keys));
            let label = resolved.number.map(|k| {
                let l = crate::site::number_label(k, c.meta.numbering);
                match c.meta.numbering {
                    Numbering::Chinese => format!("{l}、"),
                    Numbering::Arabic => format!("{l}. "),
                }
            });
            let stub = match (resolved.number, case.meta.status) {
                (Some(_), _) => None,
                (None, CaseStatus::Incomplete) => Some("资料不全"),
                (None, _) => Some("存目"),
            };
            let mut e = entry(site, case, key, label, stub, resolved.note.clone(), links);
            e.case = resolved.case;
            e.images = links.take_shown();
            entries.push(e);
        }
        chapters.push(Chapter {
            label: format!("第{}部分", chinese::cn_number(ci as u64 + 1)),
            title: meta.title.clone(),
            intro: meta.intro.clone(),
            key: format!("chapter-{}", ci + 1),
            entries,
        });
    }
    let preface = nodes::from_html(&c.rendered.html, links);
    Book {
        preface_images: links.take_shown(),
        preface,
        style: site.config.pdf_style,
        fonts: fonts.0,
        fonts_hant: fonts.1,
        title: c.meta.title.clone(),
        subtitle: c.meta.subtitle.clone(),
        edition: c.meta.edition.clone(),
        organiser: site.config.organiser.clone(),
        description: c.meta.description.clone(),
        date: Date { year: date.year(), month: date.month(), day: date.day() },
        date_text: format!("{}年{}月", date.year(), date.month()),
        lang: c.meta.lang.html_lang(),
        chapters,
        index_orgs: grouped(orgs),
        index_honours: grouped(honours),
    }
}

fn entry(
    site: &Site,
    case: &Case,
    key: String,
    label: Option<String>,
    stub: Option<&'static str>,
    note: Option<String>,
    links: &Links,
) -> Entry {
    let m = &case.meta;
    let permalink = site.permalink(&case.url);
    // A 存目 entry says so once: in its title, not again as its note.
    let note = note.filter(|n| Some(n.as_str()) != stub);
    Entry {
        label,
        stub,
        note,
        title: m.title.clone(),
        subtitle: m.subtitle.clone(),
        brand: m.brand.clone(),
        org: m.org.first().cloned(),
        lang: case.lang.html_lang(),
        hant: case.lang == Lang::Hant,
        facts: facts(case),
        metrics: m.metrics.iter().map(metric).collect(),
        description: case.description.clone(),
        body: if stub.is_some() { Vec::new() } else { nodes::from_html(&case.rendered.html, links) },
        honours: m.honours.iter().enumerate().map(|(i, h)| (honour(h), format!("{key}-honour-{i}"))).collect(),
        sources: m.sources.iter().map(source).collect(),
        qr: crate::qr::svg(&permalink, &format!("扫码阅读：{}", m.title)),
        url: permalink,
        key,
        case: 0,
        images: Vec::new(),
    }
}

/// The facts a reader checks first, in the order of the case page's 基本信息.
fn facts(case: &Case) -> Vec<(String, String)> {
    let m = &case.meta;
    let list = |items: &[String]| (!items.is_empty()).then(|| items.join("、"));
    let rows = [
        ("品牌", Some(m.brand.clone()).filter(|b| !b.is_empty())),
        ("单位", list(&m.org)),
        ("党组织", m.party_org.clone()),
        ("支部", m.branch.clone()),
        ("地区", (!m.region.is_empty()).then(|| m.region.join(""))),
        ("类型", list(&m.types)),
        ("行业系统", list(&m.sector)),
        ("层级", list(&m.level)),
        ("年度", Some(format!("{}年", m.year))),
    ];
    rows.into_iter().filter_map(|(label, value)| Some((label.to_string(), value?))).collect()
}

fn metric(m: &crate::content::model::Metric) -> Metric {
    let note = [m.qualifier.clone(), m.year.map(|y| format!("{y}年"))].into_iter().flatten().collect::<Vec<_>>();
    Metric {
        label: m.label.clone(),
        value: format!("{}{}", m.value, m.unit.as_deref().unwrap_or("")),
        note: note.join("，"),
    }
}

/// `全市先进基层党组织（2019、2020、2021年，珠海市财政局机关党委）`.
fn honour(h: &crate::content::model::Honour) -> String {
    let mut years: Vec<String> = h.year.iter().chain(&h.years).map(|y| y.to_string()).collect();
    years.dedup();
    let mut parts = Vec::new();
    if !years.is_empty() {
        parts.push(format!("{}年", years.join("、")));
    }
    parts.extend(h.recipient.clone());
    if parts.is_empty() {
        h.name.clone()
    } else {
        format!("{}（{}）", h.name, parts.join("，"))
    }
}

/// `《标题》，观海融媒，2022-03-22（编辑：周晓晴；责任编辑：宋显晖）`.
fn source(s: &Source) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(s.title.as_ref().map(|t| format!("《{t}》")));
    parts.extend(s.publication.clone());
    parts.extend(s.publisher.clone());
    parts.extend(s.issue.clone());
    parts.extend(s.published.clone());
    let mut text = parts.join("，");
    let credits: Vec<String> = [("编辑", &s.credits.editor), ("责任编辑", &s.credits.responsible_editor)]
        .into_iter()
        .filter_map(|(role, name)| name.as_ref().map(|n| format!("{role}：{n}")))
        .collect();
    if !credits.is_empty() {
        text.push_str(&format!("（{}）", credits.join("；")));
    }
    if let Some(url) = s.url.as_ref().filter(|u| crate::urls::check(u).is_ok()) {
        text.push_str(&format!(" {url}"));
    }
    text
}

/// Values grouped as taxonomy terms are (Traditional and Simplified spellings meet), named
/// as the term is, in pinyin order.
fn grouped(items: Vec<(String, String)>) -> Vec<IndexEntry> {
    let mut groups: Vec<(String, IndexEntry)> = Vec::new();
    for (value, key) in items {
        let folded = chinese::term_key(&value);
        match groups.iter_mut().find(|(k, _)| *k == folded) {
            Some((_, e)) if e.keys.contains(&key) => {}
            Some((_, e)) => e.keys.push(key),
            None => groups.push((folded, IndexEntry { name: chinese::display_name(&value), keys: vec![key] })),
        }
    }
    let pinyin = chinese::PinyinOrder::new();
    groups.sort_by_cached_key(|(folded, e)| (pinyin.key(&e.name), folded.clone()));
    groups.into_iter().map(|(_, e)| e).collect()
}
