//! The typed content model: what a case, a compilation and a plain page hold after loading.
//!
//! These are plain data. `frontmatter` fills them from YAML (with diagnostics), `site` links
//! them together, templates receive them serialised. Optional text fields are `None` when the
//! file leaves them out or sets them to `null`.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Values passed through to templates untouched (`extra:` plus unknown keys).
pub type Extra = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-Hans")]
    Hans,
    #[serde(rename = "zh-Hant")]
    Hant,
}

impl Lang {
    /// The value for the HTML `lang` attribute.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Hans => "zh-CN",
            Lang::Hant => "zh-Hant",
        }
    }
}

pub use crate::config::CASE_KEYS;

/// Front matter of a case (`content/cases/*.md`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct CaseMeta {
    pub title: String,
    pub brand: String,
    /// 单位. A list is accepted; the first is the case's own organisation.
    pub org: Vec<String>,
    pub date: NaiveDate,
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    /// Defaults to `date`'s year.
    pub year: i32,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// From province down: `[广东省, 珠海市]`.
    pub region: Vec<String>,
    pub level: Vec<String>,
    pub sector: Vec<String>,
    pub party_org: Option<String>,
    pub branch: Option<String>,
    pub tags: Vec<String>,
    pub honours: Vec<Honour>,
    pub metrics: Vec<Metric>,
    pub sources: Vec<Source>,
    pub cover: Option<Cover>,
    pub related: Vec<String>,
    pub lang: Lang,
    pub featured: bool,
    pub weight: i64,
    pub draft: bool,
    pub aliases: Vec<String>,
    /// The brand's identity by the 五有 standard (名称、标识、内涵、载体、影响).
    pub identity: Identity,
    pub status: CaseStatus,
    /// Values of the fields site.yaml declares (`fields:`), in declaration order; only those
    /// the case gives.
    pub fields: Vec<DeclaredValue>,
    pub extra: Extra,
}

/// The value a case gives for one of the site's declared fields.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeclaredValue {
    pub key: String,
    pub value: FieldValue,
}

/// A declared field's value, of its declared type.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    List(Vec<String>),
    /// The number, and its text as written (`1.50` stays `1.50`).
    Number {
        number: f64,
        written: String,
    },
    Date(NaiveDate),
    Url(String),
    /// Named texts, in the order written.
    Map(Vec<(String, String)>),
}

impl FieldValue {
    /// The value as a reader sees it in one line: lists joined by 、, a date as 2021年5月1日.
    pub fn display(&self) -> String {
        match self {
            FieldValue::Text(t) | FieldValue::Url(t) => t.clone(),
            FieldValue::List(items) => items.join("、"),
            FieldValue::Number { written, .. } => written.clone(),
            FieldValue::Date(d) => crate::chinese::zh_date(&d.to_string()),
            FieldValue::Map(pairs) => pairs.iter().map(|(k, v)| format!("{k}：{v}")).collect::<Vec<_>>().join("；"),
        }
    }

    /// The texts a facet groups by: each item of a list, else the value itself.
    pub fn terms(&self) -> Vec<String> {
        match self {
            FieldValue::List(items) => items.clone(),
            FieldValue::Map(_) | FieldValue::Url(_) | FieldValue::Date(_) => Vec::new(),
            other => vec![other.display()],
        }
    }
}

/// What makes a brand a brand: its slogan, logo, meaning, framework, carriers, the
/// sub-brands or branch methods it gathers, and its people.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Identity {
    /// 口号
    pub slogan: Option<String>,
    /// 标识, with its 释义
    pub logo: Option<Logo>,
    /// 内涵释义
    pub meaning: Option<String>,
    /// 理念体系: named parts with their text
    pub framework: Vec<NamedText>,
    /// 载体、平台
    pub carriers: Vec<NamedText>,
    /// 子品牌、支部工作法
    pub highlights: Vec<Highlight>,
    /// 人物
    pub people: Vec<Person>,
}

impl Identity {
    pub fn is_empty(&self) -> bool {
        self == &Identity::default()
    }
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Logo {
    pub src: String,
    pub alt: Option<String>,
    /// 标识释义
    pub meaning: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct NamedText {
    pub name: String,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Highlight {
    pub name: String,
    pub org: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Person {
    pub name: String,
    pub role: Option<String>,
}

/// Whether a case is written out in full, or only listed (存目) or still short of material
/// (资料不全): such cases are shown as such and not counted among the full cases.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    #[default]
    Full,
    Listed,
    Incomplete,
}

impl CaseStatus {
    /// The label a reader sees, none for a full case.
    pub fn label(self) -> Option<&'static str> {
        match self {
            CaseStatus::Full => None,
            CaseStatus::Listed => Some("存目"),
            CaseStatus::Incomplete => Some("资料不全"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Honour {
    pub name: String,
    pub year: Option<i32>,
    pub years: Vec<i32>,
    pub level: Option<String>,
    pub recipient: Option<String>,
    pub count: Option<u32>,
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Metric {
    pub label: String,
    /// Kept as written: `33`, `1.2`, `100%`.
    pub value: String,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
    pub year: Option<i32>,
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Source {
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub publication: Option<String>,
    /// Kept as written: `2021年第5期`, `9`.
    pub issue: Option<String>,
    /// Kept as written (a date or free text).
    pub published: Option<String>,
    pub url: Option<String>,
    pub credits: Credits,
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Credits {
    pub editor: Option<String>,
    pub responsible_editor: Option<String>,
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Cover {
    pub src: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    /// Unknown keys inside `cover:`, passed through like every other `extra`.
    pub extra: Extra,
}

/// Front matter of a compilation (`content/compilations/*.md`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct CompilationMeta {
    pub title: String,
    pub date: NaiveDate,
    pub description: Option<String>,
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    pub edition: Option<String>,
    pub numbering: Numbering,
    /// The script the compilation's own text is written in (its cases keep theirs).
    pub lang: Lang,
    pub chapters: Vec<Chapter>,
    pub draft: bool,
    pub weight: i64,
    pub aliases: Vec<String>,
    pub extra: Extra,
}

#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Numbering {
    #[default]
    Chinese,
    Arabic,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Chapter {
    pub title: String,
    pub intro: Option<String>,
    pub cases: Vec<ChapterEntry>,
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChapterEntry {
    pub slug: String,
    pub note: Option<String>,
    /// `false` lists the case as 存目 without a number.
    pub numbered: bool,
    /// 1-based line of the entry in the .md file, for "missing case" errors.
    #[serde(skip)]
    pub line: usize,
    #[serde(skip)]
    pub column: usize,
}

/// Front matter of a plain page (`content/*.md`) or of a section's `_index.md`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PageMeta {
    pub title: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    pub slug: Option<String>,
    pub template: Option<String>,
    pub weight: i64,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub extra: Extra,
}

/// What kind of file a content path is, decided by where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Case,
    Compilation,
    Page,
    /// `_index.md` of a section (`content/_index.md`, `content/cases/_index.md`).
    Section,
}

/// Where a field sat in the .md file, for diagnostics raised after parsing
/// (a `related` slug that does not exist, a duplicate slug).
#[derive(Debug, Clone, Default)]
pub struct FieldPositions(pub BTreeMap<String, (usize, usize)>);

impl FieldPositions {
    /// 1-based (line, column) of `field` (`related[2]`, `slug`), or of the front matter start.
    pub fn get(&self, field: &str) -> (usize, usize) {
        self.0.get(field).copied().unwrap_or((1, 1))
    }
}

/// Front matter of any kind.
#[derive(Debug, Clone)]
pub enum Meta {
    Case(Box<CaseMeta>),
    Compilation(Box<CompilationMeta>),
    Page(Box<PageMeta>),
}

/// One content file after loading and front-matter parsing, before Markdown rendering.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Path relative to the site root, for messages (`content/cases/a.md`).
    pub rel_path: PathBuf,
    pub kind: Kind,
    pub meta: Meta,
    /// The Markdown after the front matter.
    pub body: String,
    /// 1-based line of the body's first line in the file (for Markdown diagnostics).
    pub body_line: usize,
    pub positions: FieldPositions,
    /// The folder holding colocated assets (`content/cases/<slug>/`), for `index.md` cases.
    pub asset_dir: Option<PathBuf>,
    /// blake3 of the raw bytes, for caches.
    pub hash: [u8; 32],
}
