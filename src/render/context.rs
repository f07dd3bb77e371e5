//! Template variables: the site model turned into the JSON shapes of docs/templates.md.
//!
//! Summaries of every case are built once and shared by all list pages, so a term page
//! costs what its own cases cost, never the whole site.

use super::templates::TemplateValue;
use crate::chinese;
use crate::site::taxonomy::case_values;
use crate::site::{Case, Compilation, Site, Taxonomy, Term};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Per-site values computed once before rendering.
pub struct Shared {
    pub site: Value,
    /// `site` as templates hold it, made once for every page.
    pub site_value: TemplateValue,
    /// Per case, its summary as lists show it: once the theme's case partials are rendered
    /// ([`Shared::set_partials`]), with their markup (`item_html`, `card_html`), so a page
    /// listing the case clones one value.
    pub summaries: Vec<Value>,
    /// The same, as templates hold them: a page listing a case takes it without a copy.
    listed_values: Vec<TemplateValue>,
    /// (taxonomy key, folded term) → (taxonomy index, term index)
    pub term_index: HashMap<(String, String), (usize, usize)>,
    /// `0..cases.len()`, the list every all-cases page slices.
    pub all_cases: Vec<usize>,
    /// `serve` only: a hash of each case as lists show it, so a page key covers a listed
    /// case by 32 bytes instead of its whole summary (see [`Shared::add_to_key`]).
    listed_digests: Vec<blake3::Hash>,
    site_digest: blake3::Hash,
}

/// The key under which a page's variables refer to a listed case (`{"$case": 3}`, see
/// [`CaseRef`]), replaced by the case's summary and partials just before rendering.
const CASE_REF: &str = "$case";

impl Shared {
    pub fn new(site: &Site) -> Shared {
        let mut term_index = HashMap::new();
        for (ti, tax) in site.taxonomies.iter().enumerate() {
            for (k, term) in tax.terms.iter().enumerate() {
                term_index.insert((tax.key.clone(), term.key.clone()), (ti, k));
            }
        }
        let site_json = site_value(site);
        let mut shared = Shared {
            site_digest: blake3::hash(site_json.to_string().as_bytes()),
            site_value: TemplateValue::of(&site_json),
            site: site_json,
            listed_values: Vec::new(),
            summaries: Vec::new(),
            term_index,
            all_cases: (0..site.cases.len()).collect(),
            listed_digests: Vec::new(),
        };
        shared.summaries = site.cases.par_iter().map(|case| case_summary(site, case)).collect();
        shared
    }

    /// Sets the rendered partials (one map per case, or none when the theme has no case
    /// partials), and (when pages are cached) the digests of listed cases.
    pub fn set_partials(&mut self, partials: Vec<Map<String, Value>>, caching: bool) {
        for (summary, partials) in self.summaries.iter_mut().zip(partials) {
            add_partials(summary, partials);
        }
        self.listed_values = self.summaries.par_iter().map(TemplateValue::of).collect();
        if caching {
            self.listed_digests = (0..self.summaries.len()).into_par_iter().map(|i| self.listed_digest(i)).collect();
        } else {
            // `build`: lists take the Tera values, and a case's own page does not show its list
            // markup, so the JSON need not hold it twice over.
            for summary in &mut self.summaries {
                if let Some(map) = summary.as_object_mut() {
                    PARTIAL_KEYS.iter().for_each(|key| drop(map.remove(*key)));
                }
            }
        }
    }

    /// Case `i` anew: its summary and partials, as lists show it from now on.
    pub fn set_case(&mut self, i: usize, mut summary: Value, partials: Option<Map<String, Value>>) {
        add_partials(&mut summary, partials.unwrap_or_default());
        if let Some(value) = self.listed_values.get_mut(i) {
            *value = TemplateValue::of(&summary);
        }
        self.summaries[i] = summary;
    }

    pub fn site_digest(&self) -> blake3::Hash {
        self.site_digest
    }

    /// The case a reference in page variables stands for, as lists show it (see [`CaseRef`]).
    pub fn listed_value(&self, reference: &Map<String, Value>) -> Option<TemplateValue> {
        let i = case_ref_index(reference)?;
        match self.listed_values.get(i) {
            Some(value) => Some(value.clone()),
            None => self.summaries.get(i).map(TemplateValue::of),
        }
    }

    /// Adds what a page's variables stand for to its cache key: the variables themselves
    /// (with case references, so small) and the digest of every case they refer to.
    pub fn add_to_key(&self, key: &mut super::memo::PageKey, v: &Value, refs: &[usize]) {
        key.add_json(v);
        for &i in refs {
            if let Some(d) = self.listed_digests.get(i) {
                key.add_bytes(d.as_bytes());
            }
        }
    }

    /// Works out case `i`'s listed digest again after its summary or partials changed.
    pub fn refresh_digest(&mut self, i: usize) {
        if i < self.listed_digests.len() {
            self.listed_digests[i] = self.listed_digest(i);
        }
    }

    fn listed_digest(&self, i: usize) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        super::memo::hash_json(&mut h, &self.listed(i));
        h.finalize()
    }

    /// A case as lists show it: its summary plus its rendered partials.
    pub fn listed(&self, index: usize) -> Value {
        self.summaries[index].clone()
    }

    /// The term of taxonomy `key` that `value` belongs to.
    pub fn term<'a>(&self, site: &'a Site, key: &str, value: &str) -> Option<&'a Term> {
        let folded = site.term_key(value);
        let &(ti, k) = self.term_index.get(&(key.to_string(), folded))?;
        Some(&site.taxonomies[ti].terms[k])
    }
}

/// The keys of the case partials' markup in a listed summary (see `render::CASE_PARTIALS`).
pub const PARTIAL_KEYS: [&str; 2] = ["item_html", "card_html"];

fn add_partials(summary: &mut Value, partials: Map<String, Value>) {
    if let Some(obj) = summary.as_object_mut() {
        obj.extend(partials);
    }
}

fn case_ref_index(map: &Map<String, Value>) -> Option<usize> {
    if map.len() != 1 {
        return None;
    }
    map.get(CASE_REF)?.as_u64().map(|i| i as usize)
}

/// The cases `v` refers to, in order of appearance.
pub fn case_refs(v: &Value) -> Vec<usize> {
    let mut refs = Vec::new();
    collect_case_refs(v, &mut refs);
    refs
}

fn collect_case_refs(v: &Value, out: &mut Vec<usize>) {
    match v {
        Value::Object(map) => match case_ref_index(map) {
            Some(i) => out.push(i),
            None => map.values().for_each(|x| collect_case_refs(x, out)),
        },
        Value::Array(items) => items.iter().for_each(|x| collect_case_refs(x, out)),
        _ => {}
    }
}

/// `site` in every template.
#[derive(Serialize)]
struct SiteVars<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    timezone: &'a str,
    organiser: &'a Option<String>,
    icp: &'a Option<String>,
    police_record: &'a Option<String>,
    police_record_code: Option<String>,
    site_code: &'a Option<String>,
    gov_badge: &'a Option<crate::config::GovBadge>,
    noindex: bool,
    taxonomies: Vec<TaxonomyLink<'a>>,
    nav: Vec<NavLink<'a>>,
    pages: Vec<PageLink<'a>>,
    search: bool,
    /// The site's declared case fields, for themes.
    fields: Vec<FieldInfo<'a>>,
    extra: &'a Map<String, Value>,
}

#[derive(Serialize)]
struct TaxonomyLink<'a> {
    key: &'a str,
    name: &'a str,
    url: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct NavLink<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct PageLink<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct FieldInfo<'a> {
    key: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    kind: crate::config::FieldType,
    facet: bool,
    search: bool,
}

fn site_value(site: &Site) -> Value {
    let c = &site.config;
    let taxonomies =
        site.taxonomies.iter().map(|t| TaxonomyLink { key: &t.key, name: &t.name, url: &t.url, count: t.terms.len() });
    let top_pages = site.pages.iter().filter(|p| !p.out_dir.contains('/'));
    let fields = c.fields.iter().map(|f| FieldInfo {
        key: &f.key,
        label: &f.label,
        kind: f.kind(),
        facet: f.facet,
        search: f.search,
    });
    to_json(SiteVars {
        title: &c.title,
        description: &c.description,
        base_url: c.base_url_trimmed(),
        base_path: &site.base_path,
        language: &c.language,
        timezone: &c.timezone,
        organiser: &c.organiser,
        icp: &c.icp,
        police_record: &c.police_record,
        police_record_code: c.police_record.as_deref().map(|r| r.chars().filter(char::is_ascii_digit).collect()),
        site_code: &c.site_code,
        gov_badge: &c.gov_badge,
        noindex: c.noindex,
        taxonomies: taxonomies.collect(),
        nav: nav(site),
        pages: top_pages.map(|p| PageLink { title: &p.meta.title, url: &p.url }).collect(),
        search: c.search,
        fields: fields.collect(),
        extra: &c.extra,
    })
}

/// The main navigation: gallery, cases, the organisation, theme and year taxonomies (those the
/// site has), compilations. Worked out once here: each page's template only compares URLs.
fn nav(site: &Site) -> Vec<NavLink<'_>> {
    let mut nav =
        vec![NavLink { name: "品牌", url: site.url("brands/") }, NavLink { name: "案例", url: site.url("cases/") }];
    for key in ["org", "tags", "year"] {
        if let Some(tax) = site.taxonomy(key) {
            nav.push(NavLink { name: &tax.name, url: tax.url.clone() });
        }
    }
    nav.push(NavLink { name: "案例汇编", url: site.url("compilations/") });
    nav
}

/// A link to a term page: `{name, key, url, count}`.
#[derive(Serialize, Clone)]
pub struct TermLink<'a> {
    pub name: std::borrow::Cow<'a, str>,
    pub key: &'a str,
    pub url: &'a str,
    pub count: usize,
}

pub fn term_link(term: &Term) -> TermLink<'_> {
    TermLink { name: term.name.as_str().into(), key: &term.key, url: &term.url, count: term.cases.len() }
}

/// What an organisation's term page opens with.
#[derive(Serialize)]
pub struct OrgProfile {
    cases: usize,
    other_cases: usize,
    types: Vec<NameCount>,
    honours: usize,
    honours_by_level: Vec<LevelCount>,
    first_year: Option<i32>,
    last_year: Option<i32>,
    region: Vec<String>,
}

#[derive(Serialize)]
struct NameCount {
    name: String,
    count: usize,
}

#[derive(Serialize)]
struct LevelCount {
    level: &'static str,
    count: usize,
}

/// What an organisation's term page opens with: its cases (full ones and 存目), the kinds of
/// case, its honours by level, the years and the places it spans.
pub fn org_profile(site: &Site, term: &Term) -> OrgProfile {
    let cases: Vec<&Case> = term.cases.iter().map(|&i| &site.cases[i]).collect();
    let full = cases.iter().filter(|c| c.meta.status == crate::content::model::CaseStatus::Full).count();
    let mut types: Vec<NameCount> = Vec::new();
    for t in cases.iter().flat_map(|c| &c.meta.types) {
        match types.iter_mut().find(|nc| nc.name == *t) {
            Some(nc) => nc.count += 1,
            None => types.push(NameCount { name: t.clone(), count: 1 }),
        }
    }
    let honours: Vec<&crate::content::model::Honour> = cases.iter().flat_map(|c| &c.meta.honours).collect();
    let by_level = honour_groups(honours.iter().map(|h| (*h, ())))
        .into_iter()
        .map(|g| LevelCount { level: g.level, count: g.honours.len() })
        .collect();
    let years = cases.iter().map(|c| c.meta.year);
    OrgProfile {
        cases: full,
        other_cases: cases.len() - full,
        types,
        honours: honours.len(),
        honours_by_level: by_level,
        first_year: years.clone().min(),
        last_year: years.max(),
        region: cases.first().map(|c| c.meta.region.clone()).unwrap_or_default(),
    }
}

/// A term with its children, recursively (regions).
#[derive(Serialize)]
pub struct TermTree<'a> {
    #[serde(flatten)]
    pub link: TermLink<'a>,
    pub children: Vec<TermTree<'a>>,
}

pub fn term_tree(tax: &Taxonomy, k: usize) -> TermTree<'_> {
    let term = &tax.terms[k];
    TermTree { link: term_link(term), children: term.children.iter().map(|&c| term_tree(tax, c)).collect() }
}

/// A case as lists show it (before its partials are added).
#[derive(Serialize)]
struct CaseSummary<'a> {
    slug: &'a str,
    url: &'a str,
    title: &'a str,
    subtitle: &'a Option<String>,
    brand: &'a str,
    org: Option<&'a String>,
    orgs: &'a [String],
    date: String,
    year: i32,
    description: &'a str,
    types: &'a [String],
    region: &'a [String],
    level: &'a [String],
    tags: &'a [String],
    honours: Vec<&'a str>,
    cover: Option<CoverView<'a>>,
    featured: bool,
    status: Option<&'static str>,
    lang: &'static str,
    permalink: String,
}

pub fn case_summary(site: &Site, case: &Case) -> Value {
    let m = &case.meta;
    to_json(CaseSummary {
        slug: &case.slug,
        url: &case.url,
        title: &m.title,
        subtitle: &m.subtitle,
        brand: &m.brand,
        org: m.org.first(),
        orgs: &m.org,
        date: m.date.to_string(),
        year: m.year,
        description: &case.description,
        types: &m.types,
        region: &m.region,
        level: &m.level,
        tags: &m.tags,
        honours: m.honours.iter().map(|h| h.name.as_str()).collect(),
        cover: cover_view(case),
        featured: m.featured,
        status: m.status.label(),
        lang: case.lang.html_lang(),
        permalink: site.permalink(&case.url),
    })
}

#[derive(Serialize)]
struct CoverView<'a> {
    url: &'a str,
    alt: String,
    caption: &'a Option<String>,
    // The processed copies (empty or null for an image published as it is).
    width: Option<u32>,
    height: Option<u32>,
    srcset: &'a str,
    webp_srcset: &'a str,
}

fn cover_view(case: &Case) -> Option<CoverView<'_>> {
    let (c, url) = case.meta.cover.as_ref().zip(case.cover_url.as_ref())?;
    let p = case.cover_picture.as_ref();
    Some(CoverView {
        url,
        alt: c.alt.clone().unwrap_or_else(|| case.meta.brand.clone()),
        caption: &c.caption,
        width: p.and_then(|p| p.width),
        height: p.and_then(|p| p.height),
        srcset: p.map_or("", |p| p.srcset.as_str()),
        webp_srcset: p.map_or("", |p| p.webp_srcset.as_str()),
    })
}

/// What a case page shows beyond the case's summary (whose keys it shares; `honours` here
/// replaces the summary's list of names with the honours in full).
#[derive(Serialize)]
pub struct CaseView<'a> {
    #[serde(flatten)]
    summary: Map<String, Value>,
    content: &'a str,
    toc: &'a [crate::markdown::TocEntry],
    char_count: usize,
    reading_minutes: usize,
    party_org: &'a Option<String>,
    branch: &'a Option<String>,
    sector: &'a [String],
    terms: Keyed<'a, Vec<TermLink<'a>>>,
    honour_groups: Vec<HonourGroup<HonourView<'a>>>,
    honours: Vec<HonourView<'a>>,
    metrics: &'a [crate::content::model::Metric],
    sources: &'a [crate::content::model::Source],
    related: Vec<CaseRef>,
    related_compilations: Vec<CompilationSummary<'a>>,
    /// Set by the renderer: each with its PDF's link.
    pub compilations: Vec<CaseCompilation<'a>>,
    previous: Option<CaseRef>,
    next: Option<CaseRef>,
    identity: Option<IdentityView<'a>>,
    fields: Vec<FieldView<'a>>,
    extra: &'a crate::content::model::Extra,
    extra_items: Vec<KeyValue<'a>>,
    draft: bool,
    scheduled: bool,
    /// Set by the renderer (the 扫码阅读 code).
    pub qr_svg: Option<String>,
}

/// A compilation printing the case, on the case's page.
#[derive(Serialize)]
pub struct CaseCompilation<'a> {
    title: &'a str,
    url: &'a str,
    number_label: &'a Option<String>,
    pub pdf: Option<super::PdfLink>,
}

/// An honour in full, with the link to its term page (two references: copied into its
/// level's group as well).
#[derive(Serialize, Clone)]
pub struct HonourView<'a> {
    #[serde(flatten)]
    honour: &'a crate::content::model::Honour,
    url: Option<&'a str>,
}

/// Everything a case page shows.
pub fn case_view<'a>(site: &'a Site, shared: &'a Shared, index: usize) -> CaseView<'a> {
    let case = &site.cases[index];
    let m = &case.meta;
    let honours = case_honours(site, shared, index);
    // A case page shows the case itself, not its list markup (not copied, then).
    let summary: Map<String, Value> = match &shared.summaries[index] {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !PARTIAL_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => Map::new(),
    };
    let compilations = case
        .compilations
        .iter()
        .map(|(ci, label)| {
            let c = &site.compilations[*ci];
            CaseCompilation { title: &c.meta.title, url: &c.url, number_label: label, pdf: None }
        })
        .collect();
    CaseView {
        summary,
        content: &case.rendered.html,
        toc: &case.rendered.toc,
        char_count: case.char_count,
        reading_minutes: chinese::reading_minutes(case.char_count),
        party_org: &m.party_org,
        branch: &m.branch,
        sector: &m.sector,
        terms: case_terms(site, shared, index),
        honour_groups: honour_groups(m.honours.iter().zip(honours.iter().cloned())),
        honours,
        metrics: &m.metrics,
        sources: &m.sources,
        related: case.related.iter().map(|&r| CaseRef::to(r)).collect(),
        related_compilations: case
            .related_compilations
            .iter()
            .map(|&c| compilation_summary(site, &site.compilations[c]))
            .collect(),
        compilations,
        previous: case.previous.map(CaseRef::to),
        next: case.next.map(CaseRef::to),
        identity: identity_view(case),
        fields: declared_fields(site, shared, index),
        extra: &m.extra,
        extra_items: extra_items(&m.extra),
        draft: m.draft,
        scheduled: m.date > site.today,
        qr_svg: None,
    }
}

/// The case's honours in full, each with the link to its term page.
fn case_honours<'a>(site: &'a Site, shared: &'a Shared, index: usize) -> Vec<HonourView<'a>> {
    let honours = &site.cases[index].meta.honours;
    let url = |h: &crate::content::model::Honour| shared.term(site, "honours", &h.name).map(|t| t.url.as_str());
    honours.iter().map(|h| HonourView { honour: h, url: url(h) }).collect()
}

/// A declared field's value on a case page.
#[derive(Serialize)]
struct FieldView<'a> {
    key: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    kind: crate::config::FieldType,
    value: FieldJson<'a>,
    display: String,
    url: Option<String>,
    terms: Vec<TermLink<'a>>,
}

/// A declared field's typed value: text, a list, a number, a date "YYYY-MM-DD", or a map as
/// `[{name, text}]`.
#[derive(Serialize)]
#[serde(untagged)]
enum FieldJson<'a> {
    Text(&'a str),
    List(&'a [String]),
    Number(f64),
    Date(String),
    Map(Vec<NameText<'a>>),
}

#[derive(Serialize)]
struct NameText<'a> {
    name: &'a str,
    text: &'a str,
}

/// The case's values of the site's declared fields, in declaration order, as
/// `[{key, label, type, value, display, url, terms}]`: a theme shows them without knowing the
/// keys. `display` is one line of text, `url` is the address of a url field, `terms` the term
/// links of a facet.
fn declared_fields<'a>(site: &'a Site, shared: &'a Shared, index: usize) -> Vec<FieldView<'a>> {
    use crate::content::model::FieldValue;
    let case = &site.cases[index];
    let items = case.meta.fields.iter().filter_map(|given| {
        let decl = site.config.field(&given.key)?;
        let value = match &given.value {
            FieldValue::Text(t) | FieldValue::Url(t) => FieldJson::Text(t),
            FieldValue::List(items) => FieldJson::List(items),
            FieldValue::Number { number, .. } => FieldJson::Number(*number),
            FieldValue::Date(d) => FieldJson::Date(d.to_string()),
            FieldValue::Map(pairs) => {
                FieldJson::Map(pairs.iter().map(|(name, text)| NameText { name, text }).collect())
            }
        };
        let url = match &given.value {
            // A path of this site (`/cases/x/`) is under the base path, like a Markdown link.
            FieldValue::Url(u) if u.starts_with('/') && !u.starts_with("//") => Some(site.url(u)),
            FieldValue::Url(u) => Some(u.clone()),
            _ => None,
        };
        let terms = if decl.facet {
            // Named as the case writes it: a Traditional page keeps its script, the link leads to
            // the one (folded) term.
            let link = |t: String| {
                let term = shared.term(site, &decl.key, &t)?;
                Some(TermLink { name: t.into(), ..term_link(term) })
            };
            given.value.terms().into_iter().filter_map(link).collect()
        } else {
            Vec::new()
        };
        Some(FieldView {
            key: &decl.key,
            label: &decl.label,
            kind: decl.kind(),
            value,
            display: given.value.display(),
            url,
            terms,
        })
    });
    items.collect()
}

/// Honours of one level: `{level: "全国", honours: [...]}`.
#[derive(Serialize)]
struct HonourGroup<T> {
    level: &'static str,
    honours: Vec<T>,
}

/// Honours grouped by level, highest first. The level is the honour's `level:` (国家级 and 中央
/// count as 全国), else what its name says (全国…, 全省…, 广东省…, 全市…); one with neither goes
/// under 其他.
fn honour_groups<'a, T>(honours: impl Iterator<Item = (&'a crate::content::model::Honour, T)>) -> Vec<HonourGroup<T>> {
    const LEVELS: [&str; 5] = ["全国", "省级", "市级", "县级", "其他"];
    let mut groups: Vec<(usize, Vec<T>)> = Vec::new();
    for (h, v) in honours {
        let rank = honour_level(h.level.as_deref().unwrap_or(""), &h.name);
        match groups.iter_mut().find(|(r, _)| *r == rank) {
            Some((_, items)) => items.push(v),
            None => groups.push((rank, vec![v])),
        }
    }
    groups.sort_by_key(|(rank, _)| *rank);
    groups.into_iter().map(|(rank, honours)| HonourGroup { level: LEVELS[rank], honours }).collect()
}

/// The rank in 全国, 省级, 市级, 县级, 其他 of an honour with this `level:` and name.
fn honour_level(level: &str, name: &str) -> usize {
    let said = |text: &str| -> Option<usize> {
        let text = chinese::to_simplified(text);
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| text.starts_with(p));
        if starts(&["全国", "国家", "中央", "中国"]) {
            Some(0)
        } else if starts(&["全省", "省"]) || text.contains("省级") {
            Some(1)
        } else if starts(&["全市", "市"]) || text.contains("市级") || text.contains("地市") {
            Some(2)
        } else if starts(&["全县", "县", "区"]) || text.contains("县级") || text.contains("区级") {
            Some(3)
        } else {
            None
        }
    };
    said(level).or_else(|| said(name)).or_else(|| place_level(name)).unwrap_or(4)
}

/// 广东省“先锋杯”… is provincial, 长沙市文明单位 municipal: the level of a name that opens
/// with a place.
fn place_level(name: &str) -> Option<usize> {
    let head: String = name.chars().take(6).collect();
    if head.contains('省') || head.contains("自治区") {
        Some(1)
    } else if head.contains('市') {
        Some(2)
    } else if head.contains('县') || head.contains('区') {
        Some(3)
    } else {
        None
    }
}

/// The brand identity for the page: null when the case gives none, so a theme writes
/// `{% if case.identity %}`; the logo with its URL in the output (in place of the logo as the
/// front matter gives it).
#[derive(Serialize)]
struct IdentityView<'a> {
    #[serde(flatten)]
    identity: &'a crate::content::model::Identity,
    logo: Option<LogoView<'a>>,
}

#[derive(Serialize)]
struct LogoView<'a> {
    url: &'a str,
    alt: String,
    meaning: &'a Option<String>,
    // Its size, so the page does not jump as it loads (null for an SVG without one).
    width: Option<u32>,
    height: Option<u32>,
}

fn identity_view(case: &Case) -> Option<IdentityView<'_>> {
    let identity = &case.meta.identity;
    if identity.is_empty() {
        return None;
    }
    let logo = identity.logo.as_ref().zip(case.logo_url.as_ref()).map(|(l, url)| LogoView {
        url,
        alt: l.alt.clone().unwrap_or_else(|| format!("{}标识", case.meta.brand)),
        meaning: &l.meaning,
        width: case.logo_picture.as_ref().and_then(|p| p.width),
        height: case.logo_picture.as_ref().and_then(|p| p.height),
    });
    Some(IdentityView { identity, logo })
}

#[derive(Serialize)]
struct KeyValue<'a> {
    key: &'a str,
    value: String,
}

/// Extra front-matter values a reader can see as text (`contact: 张三`, `branch_count: 12`,
/// lists of such), so fields the theme does not know are still shown, not lost.
fn extra_items(extra: &crate::content::model::Extra) -> Vec<KeyValue<'_>> {
    fn text(v: &Value) -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "是" } else { "否" }.to_string()),
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().filter_map(text).collect();
                (!parts.is_empty() && parts.len() == items.len()).then(|| parts.join("、"))
            }
            _ => None,
        }
    }
    extra.iter().filter_map(|(k, v)| text(v).map(|value| KeyValue { key: k, value })).collect()
}

/// The case's term links, each named as the case writes it: a Traditional case shows 創建活動
/// in its own breadcrumb and 基本信息, not the folded Simplified name of the term page.
fn case_terms<'a>(site: &'a Site, shared: &'a Shared, index: usize) -> Keyed<'a, Vec<TermLink<'a>>> {
    let terms = site.taxonomies.iter().map(|tax| {
        let links = case_values(site, index, &tax.key)
            .iter()
            .filter_map(|v| {
                let term = shared.term(site, &tax.key, v)?;
                Some(TermLink { name: chinese::collapse_spaces(v).into(), ..term_link(term) })
            })
            .collect();
        (tax.key.as_str(), links)
    });
    Keyed(terms.collect())
}

/// A compilation as lists show it.
#[derive(Serialize)]
pub struct CompilationSummary<'a> {
    title: &'a str,
    subtitle: &'a Option<String>,
    url: &'a str,
    permalink: String,
    description: &'a Option<String>,
    date: String,
    edition: &'a Option<String>,
    case_count: usize,
}

pub fn compilation_summary<'a>(site: &Site, c: &'a Compilation) -> CompilationSummary<'a> {
    CompilationSummary {
        title: &c.meta.title,
        subtitle: &c.meta.subtitle,
        url: &c.url,
        permalink: site.permalink(&c.url),
        description: &c.meta.description,
        date: c.meta.date.to_string(),
        edition: &c.meta.edition,
        case_count: c.chapters.iter().map(|ch| ch.entries.len()).sum(),
    }
}

/// The whole compilation: its summary, chapters with every case in full, and the indexes at
/// the end.
#[derive(Serialize)]
pub struct CompilationView<'a> {
    #[serde(flatten)]
    summary: CompilationSummary<'a>,
    preface: &'a str,
    toc: &'a [crate::markdown::TocEntry],
    numbering: crate::content::model::Numbering,
    chapters: Vec<ChapterView<'a>>,
    index_orgs: Vec<IndexGroup<'a>>,
    index_honours: Vec<IndexGroup<'a>>,
    extra: &'a crate::content::model::Extra,
    /// Set by the renderer (the 扫码阅读 code).
    pub qr_svg: Option<String>,
    /// Set by the renderer: the compilation's PDF.
    pub pdf: Option<super::PdfLink>,
}

#[derive(Serialize)]
struct ChapterView<'a> {
    title: &'a str,
    intro: &'a Option<String>,
    label: String,
    id: String,
    entries: Vec<EntryView<'a>>,
}

#[derive(Serialize)]
struct EntryView<'a> {
    label: Option<String>,
    numbered: bool,
    note: &'a Option<String>,
    id: String,
    case: CaseView<'a>,
}

/// Where an index entry points: the case's number, title and anchor in the compilation.
#[derive(Serialize, Clone)]
struct EntryRef<'a> {
    label: Option<String>,
    title: &'a str,
    id: String,
}

/// One line of an index: the organisation or honour, its term page, the cases.
#[derive(Serialize)]
struct IndexGroup<'a> {
    name: std::borrow::Cow<'a, str>,
    url: Option<&'a str>,
    entries: Vec<EntryRef<'a>>,
}

/// The whole compilation: chapters with every case in full, and the indexes at the end.
pub fn compilation_view<'a>(site: &'a Site, shared: &'a Shared, ci: usize) -> CompilationView<'a> {
    let c = &site.compilations[ci];
    let mut chapters = Vec::new();
    let mut org_index: Vec<(&str, EntryRef)> = Vec::new();
    let mut honour_index: Vec<(&str, EntryRef)> = Vec::new();
    for (n, chapter) in c.chapters.iter().enumerate() {
        let meta = &c.meta.chapters[chapter.index];
        let mut entries = Vec::new();
        for entry in &chapter.entries {
            let case = &site.cases[entry.case];
            let label = entry.number.map(|k| crate::site::number_label(k, c.meta.numbering));
            let id = format!("case-{}", case.slug);
            let reference = EntryRef { label: label.clone(), title: &case.meta.title, id: id.clone() };
            for org in case.meta.org.iter().take(1) {
                org_index.push((org, reference.clone()));
            }
            for h in &case.meta.honours {
                honour_index.push((&h.name, reference.clone()));
            }
            entries.push(EntryView {
                label: label.map(|l| match c.meta.numbering {
                    crate::content::model::Numbering::Chinese => format!("{l}、"),
                    crate::content::model::Numbering::Arabic => format!("{l}. "),
                }),
                numbered: entry.number.is_some(),
                note: &entry.note,
                id,
                case: case_view(site, shared, entry.case),
            });
        }
        chapters.push(ChapterView {
            title: &meta.title,
            intro: &meta.intro,
            label: format!("第{}部分", chinese::cn_number(n as u64 + 1)),
            id: format!("chapter-{}", n + 1),
            entries,
        });
    }
    CompilationView {
        summary: compilation_summary(site, c),
        preface: &c.rendered.html,
        toc: &c.rendered.toc,
        numbering: c.meta.numbering,
        chapters,
        index_orgs: grouped_index(site, shared, "org", org_index),
        index_honours: grouped_index(site, shared, "honours", honour_index),
        extra: &c.meta.extra,
        qr_svg: None,
        pdf: None,
    }
}

/// `[{name, url, entries: [...]}]` in pinyin order of the names, entries in compilation order.
/// Values are grouped as terms are (Traditional and Simplified spellings meet) and named as
/// the term is, full-width punctuation kept.
fn grouped_index<'a>(
    site: &'a Site,
    shared: &'a Shared,
    key: &str,
    items: Vec<(&'a str, EntryRef<'a>)>,
) -> Vec<IndexGroup<'a>> {
    let mut groups: Vec<(String, IndexGroup)> = Vec::new();
    for (value, reference) in items {
        let folded = site.term_key(value);
        match groups.iter_mut().find(|(k, _)| *k == folded) {
            Some((_, group)) => group.entries.push(reference),
            None => {
                let group = match shared.term(site, key, value) {
                    Some(t) => IndexGroup { name: t.name.as_str().into(), url: Some(&t.url), entries: vec![reference] },
                    None => {
                        IndexGroup { name: chinese::display_name(value).into(), url: None, entries: vec![reference] }
                    }
                };
                groups.push((folded, group));
            }
        }
    }
    let pinyin = chinese::PinyinOrder::new();
    groups.sort_by_cached_key(|(folded, group)| (pinyin.key(&group.name), folded.clone()));
    groups.into_iter().map(|(_, group)| group).collect()
}

/// A map whose keys come from the site (taxonomy keys), in the order given.
pub struct Keyed<'a, T>(pub Vec<(&'a str, T)>);

impl<T: Serialize> Serialize for Keyed<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A listed case in page variables, `{"$case": 3}`: replaced by the case's summary and
/// partials just before rendering (see [`Shared::listed_value`]).
#[derive(Serialize, Clone, Copy)]
pub struct CaseRef {
    #[serde(rename = "$case")]
    index: usize,
}

impl CaseRef {
    pub fn to(index: usize) -> CaseRef {
        CaseRef { index }
    }
}

/// Typed variables as the JSON a template context is made of. Nothing here serialises a map
/// with keys that are not strings, the one way this could fail.
pub fn to_json(vars: impl Serialize) -> Value {
    serde_json::to_value(vars).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::honour_level;

    #[test]
    fn honours_are_ranked_by_their_level_or_by_what_their_name_says() {
        let cases = [
            ("", "全国司法行政先进集体", 0),
            ("", "中央和国家机关工委第四届党建创新成果全国“百优案例”", 0),
            ("省级", "全市先进基层党组织", 1),
            ("", "广东省“先锋杯”工作创新大赛省决赛一、二、三等奖", 1),
            ("", "全省最具传播影响力案例", 1),
            ("", "长沙市文明单位", 2),
            ("国家级", "优秀审计项目", 0),
            ("", "经验做法刊登于《旗帜》杂志", 4),
        ];
        for (level, name, rank) in cases {
            assert_eq!(honour_level(level, name), rank, "{level} {name}");
        }
    }
}
