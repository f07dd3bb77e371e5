//! Template variables: the site model turned into the JSON shapes of docs/templates.md.
//!
//! Summaries of every case are built once and shared by all list pages, so a term page
//! costs what its own cases cost, never the whole site.

use crate::chinese;
use crate::site::taxonomy::case_values;
use crate::site::{Case, Compilation, Site, Taxonomy, Term};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Per-site values computed once before rendering.
pub struct Shared {
    pub site: Value,
    /// Per case, its summary as lists show it: once the theme's case partials are rendered
    /// ([`Shared::set_partials`]), with their markup (`item_html`, `card_html`), so a page
    /// listing the case clones one value.
    pub summaries: Vec<Value>,
    /// (taxonomy key, folded term) → (taxonomy index, term index)
    pub term_index: HashMap<(String, String), (usize, usize)>,
    /// `0..cases.len()`, the list every all-cases page slices.
    pub all_cases: Vec<usize>,
    /// `serve` only: a hash of each case as lists show it, so a page key covers a listed
    /// case by 32 bytes instead of its whole summary (see [`Shared::add_to_key`]).
    listed_digests: Vec<blake3::Hash>,
    site_digest: blake3::Hash,
}

/// The key under which a page's variables refer to a listed case (`{"$case": 3}`), replaced
/// by the case's summary and partials just before rendering.
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
            site: site_json,
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
        if caching {
            self.listed_digests = (0..self.summaries.len()).into_par_iter().map(|i| self.listed_digest(i)).collect();
        }
    }

    /// Case `i` anew: its summary and partials, as lists show it from now on.
    pub fn set_case(&mut self, i: usize, mut summary: Value, partials: Option<Map<String, Value>>) {
        add_partials(&mut summary, partials.unwrap_or_default());
        self.summaries[i] = summary;
    }

    pub fn site_digest(&self) -> blake3::Hash {
        self.site_digest
    }

    /// A reference to a listed case, for page variables (see [`Shared::expand`]).
    pub fn case_ref(index: usize) -> Value {
        json!({ CASE_REF: index })
    }

    /// Replaces every case reference in `v` by the case as lists show it.
    pub fn expand(&self, v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(i) = case_ref_index(map) {
                    *v = self.listed(i);
                } else {
                    map.values_mut().for_each(|x| self.expand(x));
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|x| self.expand(x)),
            _ => {}
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

    pub fn term_link(&self, site: &Site, key: &str, value: &str) -> Option<Value> {
        let folded = site.term_key(value);
        let &(ti, k) = self.term_index.get(&(key.to_string(), folded))?;
        Some(term_link(&site.taxonomies[ti].terms[k]))
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

fn site_value(site: &Site) -> Value {
    let c = &site.config;
    let taxonomies: Vec<Value> = site
        .taxonomies
        .iter()
        .map(|t| json!({"key": t.key, "name": t.name, "url": t.url, "count": t.terms.len()}))
        .collect();
    json!({
        "title": c.title,
        "description": c.description,
        "base_url": c.base_url_trimmed(),
        "base_path": site.base_path,
        "language": c.language,
        "timezone": c.timezone,
        "organiser": c.organiser,
        "icp": c.icp,
        "police_record": c.police_record,
        "police_record_code": c.police_record.as_deref().map(|r| r.chars().filter(char::is_ascii_digit).collect::<String>()),
        "site_code": c.site_code,
        "gov_badge": c.gov_badge,
        "noindex": c.noindex,
        "taxonomies": taxonomies,
        "nav": nav(site),
        "pages": site
            .pages
            .iter()
            .filter(|p| !p.out_dir.contains('/'))
            .map(|p| json!({"title": p.meta.title, "url": p.url}))
            .collect::<Vec<_>>(),
        "search": c.search,
        // The site's declared case fields, for themes: [{key, label, type, facet, search}].
        "fields": c.fields.iter().map(|f| json!({
            "key": f.key, "label": f.label, "type": f.kind(), "facet": f.facet, "search": f.search,
        })).collect::<Vec<_>>(),
        "extra": c.extra,
    })
}

/// The main navigation: gallery, cases, the organisation, theme and year taxonomies (those the
/// site has), compilations. Worked out once here: each page's template only compares URLs.
fn nav(site: &Site) -> Vec<Value> {
    let mut nav =
        vec![json!({"name": "品牌", "url": site.url("brands/")}), json!({"name": "案例", "url": site.url("cases/")})];
    for key in ["org", "tags", "year"] {
        if let Some(tax) = site.taxonomy(key) {
            nav.push(json!({"name": tax.name, "url": tax.url}));
        }
    }
    nav.push(json!({"name": "案例汇编", "url": site.url("compilations/")}));
    nav
}

pub fn term_link(term: &Term) -> Value {
    json!({"name": term.name, "key": term.key, "url": term.url, "count": term.cases.len()})
}

/// What an organisation's term page opens with: its cases (full ones and 存目), the kinds of
/// case, its honours by level, the years and the places it spans.
pub fn org_profile(site: &Site, term: &Term) -> Value {
    let cases: Vec<&Case> = term.cases.iter().map(|&i| &site.cases[i]).collect();
    let full = cases.iter().filter(|c| c.meta.status == crate::content::model::CaseStatus::Full).count();
    let mut types: Vec<(String, usize)> = Vec::new();
    for t in cases.iter().flat_map(|c| &c.meta.types) {
        match types.iter_mut().find(|(name, _)| name == t) {
            Some((_, n)) => *n += 1,
            None => types.push((t.clone(), 1)),
        }
    }
    let honours: Vec<&crate::content::model::Honour> = cases.iter().flat_map(|c| &c.meta.honours).collect();
    let groups = honour_groups(honours.iter().map(|h| (*h, json!(h.name))));
    let by_level: Vec<Value> = groups
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| json!({"level": g["level"], "count": g["honours"].as_array().map_or(0, Vec::len)}))
        .collect();
    let years: Vec<i32> = cases.iter().map(|c| c.meta.year).collect();
    json!({
        "cases": full,
        "other_cases": cases.len() - full,
        "types": types.into_iter().map(|(name, count)| json!({"name": name, "count": count})).collect::<Vec<_>>(),
        "honours": honours.len(),
        "honours_by_level": by_level,
        "first_year": years.iter().min(),
        "last_year": years.iter().max(),
        "region": cases.first().map(|c| c.meta.region.clone()).unwrap_or_default(),
    })
}

/// A term with its children, recursively (regions).
pub fn term_tree(tax: &Taxonomy, k: usize) -> Value {
    let term = &tax.terms[k];
    let mut v = term_link(term);
    v["children"] = Value::Array(term.children.iter().map(|&c| term_tree(tax, c)).collect());
    v
}

pub fn case_summary(site: &Site, case: &Case) -> Value {
    let m = &case.meta;
    json!({
        "slug": case.slug,
        "url": case.url,
        "title": m.title,
        "subtitle": m.subtitle,
        "brand": m.brand,
        "org": m.org.first(),
        "orgs": m.org,
        "date": m.date.to_string(),
        "year": m.year,
        "description": case.description,
        "types": m.types,
        "region": m.region,
        "level": m.level,
        "tags": m.tags,
        "honours": m.honours.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        "cover": cover_value(case),
        "featured": m.featured,
        "status": m.status.label(),
        "lang": case.lang.html_lang(),
        "permalink": site.permalink(&case.url),
    })
}

fn cover_value(case: &Case) -> Value {
    match (&case.meta.cover, &case.cover_url) {
        (Some(c), Some(url)) => {
            let p = case.cover_picture.as_ref();
            json!({
                "url": url,
                "alt": c.alt.clone().unwrap_or_else(|| case.meta.brand.clone()),
                "caption": c.caption,
                // The processed copies (empty or null for an image published as it is).
                "width": p.and_then(|p| p.width),
                "height": p.and_then(|p| p.height),
                "srcset": p.map_or("", |p| p.srcset.as_str()),
                "webp_srcset": p.map_or("", |p| p.webp_srcset.as_str()),
            })
        }
        _ => Value::Null,
    }
}

/// Everything a case page shows.
pub fn case_view(site: &Site, shared: &Shared, index: usize) -> Value {
    let case = &site.cases[index];
    let m = &case.meta;
    let mut v = shared.summaries[index].clone();
    let obj = v.as_object_mut().expect("summaries are objects");
    // A case page shows the case itself, not its list markup.
    for key in PARTIAL_KEYS {
        obj.remove(key);
    }
    obj.insert("content".into(), json!(case.rendered.html));
    obj.insert("toc".into(), json!(case.rendered.toc));
    obj.insert("char_count".into(), json!(case.char_count));
    obj.insert("reading_minutes".into(), json!(chinese::reading_minutes(case.char_count)));
    obj.insert("party_org".into(), json!(m.party_org));
    obj.insert("branch".into(), json!(m.branch));
    obj.insert("sector".into(), json!(m.sector));
    obj.insert("terms".into(), case_terms(site, shared, index));
    let honours: Vec<Value> = m
        .honours
        .iter()
        .map(|h| {
            let mut hv = serde_json::to_value(h).unwrap_or(Value::Null);
            hv["url"] = shared.term_link(site, "honours", &h.name).map_or(Value::Null, |t| t["url"].clone());
            hv
        })
        .collect();
    obj.insert("honour_groups".into(), honour_groups(m.honours.iter().zip(honours.iter().cloned())));
    obj.insert("honours".into(), Value::Array(honours));
    obj.insert("metrics".into(), json!(m.metrics));
    obj.insert("sources".into(), json!(m.sources));
    obj.insert("related".into(), Value::Array(case.related.iter().map(|&r| Shared::case_ref(r)).collect()));
    let related_compilations =
        case.related_compilations.iter().map(|&c| compilation_summary(site, &site.compilations[c])).collect();
    obj.insert("related_compilations".into(), Value::Array(related_compilations));
    let compilations: Vec<Value> = case
        .compilations
        .iter()
        .map(|(ci, label)| {
            let c = &site.compilations[*ci];
            json!({"title": c.meta.title, "url": c.url, "number_label": label})
        })
        .collect();
    obj.insert("compilations".into(), Value::Array(compilations));
    obj.insert("previous".into(), case.previous.map_or(Value::Null, Shared::case_ref));
    obj.insert("next".into(), case.next.map_or(Value::Null, Shared::case_ref));
    obj.insert("identity".into(), identity_value(case));
    obj.insert("fields".into(), declared_fields(site, shared, index));
    obj.insert("extra".into(), json!(m.extra));
    obj.insert("extra_items".into(), extra_items(&m.extra));
    obj.insert("draft".into(), json!(m.draft));
    obj.insert("scheduled".into(), json!(m.date > site.today));
    v
}

/// The case's values of the site's declared fields, in declaration order, as
/// `[{key, label, type, value, display, url, terms}]`: a theme shows them without knowing the
/// keys. `value` is typed (a list, a number, a date "YYYY-MM-DD", a map as [{name, text}]),
/// `display` is one line of text, `url` is the address of a url field, `terms` the term links
/// of a facet.
fn declared_fields(site: &Site, shared: &Shared, index: usize) -> Value {
    use crate::content::model::FieldValue;
    let case = &site.cases[index];
    let items = case.meta.fields.iter().filter_map(|given| {
        let decl = site.config.field(&given.key)?;
        let value = match &given.value {
            FieldValue::Text(t) | FieldValue::Url(t) => json!(t),
            FieldValue::List(items) => json!(items),
            FieldValue::Number { number, .. } => json!(number),
            FieldValue::Date(d) => json!(d.to_string()),
            FieldValue::Map(pairs) => {
                Value::Array(pairs.iter().map(|(name, text)| json!({"name": name, "text": text})).collect())
            }
        };
        let url = match &given.value {
            // A path of this site (`/cases/x/`) is under the base path, like a Markdown link.
            FieldValue::Url(u) if u.starts_with('/') && !u.starts_with("//") => json!(site.url(u)),
            FieldValue::Url(u) => json!(u),
            _ => Value::Null,
        };
        let terms: Vec<Value> = if decl.facet {
            // Named as the case writes it: a Traditional page keeps its script, the link leads to
            // the one (folded) term.
            let link = |t: &String| {
                let mut link = shared.term_link(site, &decl.key, t)?;
                link["name"] = json!(t);
                Some(link)
            };
            given.value.terms().iter().filter_map(link).collect()
        } else {
            Vec::new()
        };
        Some(json!({
            "key": decl.key,
            "label": decl.label,
            "type": decl.kind(),
            "value": value,
            "display": given.value.display(),
            "url": url,
            "terms": terms,
        }))
    });
    Value::Array(items.collect())
}

/// Honours grouped by level, highest first: `[{level: "全国", honours: [...]}]`. The level is
/// the honour's `level:` (国家级 and 中央 count as 全国), else what its name says (全国…, 全省…,
/// 广东省…, 全市…); one with neither goes under 其他.
fn honour_groups<'a>(honours: impl Iterator<Item = (&'a crate::content::model::Honour, Value)>) -> Value {
    const LEVELS: [&str; 5] = ["全国", "省级", "市级", "县级", "其他"];
    let mut groups: Vec<(usize, Vec<Value>)> = Vec::new();
    for (h, v) in honours {
        let rank = honour_level(h.level.as_deref().unwrap_or(""), &h.name);
        match groups.iter_mut().find(|(r, _)| *r == rank) {
            Some((_, items)) => items.push(v),
            None => groups.push((rank, vec![v])),
        }
    }
    groups.sort_by_key(|(rank, _)| *rank);
    Value::Array(groups.into_iter().map(|(rank, items)| json!({"level": LEVELS[rank], "honours": items})).collect())
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
/// `{% if case.identity %}`; the logo with its URL in the output.
fn identity_value(case: &Case) -> Value {
    let identity = &case.meta.identity;
    if identity.is_empty() {
        return Value::Null;
    }
    let mut v = json!(identity);
    v["logo"] = match (&identity.logo, &case.logo_url) {
        (Some(l), Some(url)) => json!({
            "url": url,
            "alt": l.alt.clone().unwrap_or_else(|| format!("{}标识", case.meta.brand)),
            "meaning": l.meaning,
            // Its size, so the page does not jump as it loads (null for an SVG without one).
            "width": case.logo_picture.as_ref().and_then(|p| p.width),
            "height": case.logo_picture.as_ref().and_then(|p| p.height),
        }),
        _ => Value::Null,
    };
    v
}

/// Extra front-matter values a reader can see as text (`contact: 张三`, `branch_count: 12`,
/// lists of such), so fields the theme does not know are still shown, not lost.
fn extra_items(extra: &crate::content::model::Extra) -> Value {
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
    Value::Array(extra.iter().filter_map(|(k, v)| text(v).map(|t| json!({"key": k, "value": t}))).collect())
}

/// The case's term links, each named as the case writes it: a Traditional case shows 創建活動
/// in its own breadcrumb and 基本信息, not the folded Simplified name of the term page.
fn case_terms(site: &Site, shared: &Shared, index: usize) -> Value {
    let mut terms = Map::new();
    for tax in &site.taxonomies {
        let links: Vec<Value> = case_values(site, index, &tax.key)
            .iter()
            .filter_map(|v| {
                let mut link = shared.term_link(site, &tax.key, v)?;
                link["name"] = json!(chinese::collapse_spaces(v));
                Some(link)
            })
            .collect();
        terms.insert(tax.key.clone(), Value::Array(links));
    }
    Value::Object(terms)
}

pub fn compilation_summary(site: &Site, c: &Compilation) -> Value {
    let case_count: usize = c.chapters.iter().map(|ch| ch.entries.len()).sum();
    json!({
        "title": c.meta.title,
        "subtitle": c.meta.subtitle,
        "url": c.url,
        "permalink": site.permalink(&c.url),
        "description": c.meta.description,
        "date": c.meta.date.to_string(),
        "edition": c.meta.edition,
        "case_count": case_count,
    })
}

/// The whole compilation: chapters with every case in full, and the indexes at the end.
pub fn compilation_view(site: &Site, shared: &Shared, ci: usize) -> Value {
    let c = &site.compilations[ci];
    let mut chapters = Vec::new();
    let mut org_index: Vec<(String, Value)> = Vec::new();
    let mut honour_index: Vec<(String, Value)> = Vec::new();
    for (n, chapter) in c.chapters.iter().enumerate() {
        let meta = &c.meta.chapters[chapter.index];
        let mut entries = Vec::new();
        for entry in &chapter.entries {
            let case = &site.cases[entry.case];
            let label = entry.number.map(|k| crate::site::number_label(k, c.meta.numbering));
            let id = format!("case-{}", case.slug);
            let reference = json!({"label": label, "title": case.meta.title, "id": id});
            for org in case.meta.org.iter().take(1) {
                org_index.push((org.clone(), reference.clone()));
            }
            for h in &case.meta.honours {
                honour_index.push((h.name.clone(), reference.clone()));
            }
            let mut item = json!({
                "label": label.map(|l| match c.meta.numbering {
                    crate::content::model::Numbering::Chinese => format!("{l}、"),
                    crate::content::model::Numbering::Arabic => format!("{l}. "),
                }),
                "numbered": entry.number.is_some(),
                "note": entry.note,
                "id": id,
            });
            // Moved in: `json!` would serialise the whole case into a copy.
            item["case"] = case_view(site, shared, entry.case);
            entries.push(item);
        }
        let mut chapter = json!({
            "title": meta.title,
            "intro": meta.intro,
            "label": format!("第{}部分", chinese::cn_number(n as u64 + 1)),
            "id": format!("chapter-{}", n + 1),
        });
        chapter["entries"] = Value::Array(entries);
        chapters.push(chapter);
    }
    let mut v = compilation_summary(site, c);
    let obj = v.as_object_mut().expect("summary is an object");
    obj.insert("preface".into(), json!(c.rendered.html));
    obj.insert("toc".into(), json!(c.rendered.toc));
    obj.insert("numbering".into(), json!(c.meta.numbering));
    obj.insert("chapters".into(), Value::Array(chapters));
    obj.insert("index_orgs".into(), grouped_index(site, shared, "org", org_index));
    obj.insert("index_honours".into(), grouped_index(site, shared, "honours", honour_index));
    obj.insert("extra".into(), json!(c.meta.extra));
    v
}

/// `[{name, url, entries: [...]}]` in pinyin order of the names, entries in compilation order.
/// Values are grouped as terms are (Traditional and Simplified spellings meet) and named as
/// the term is, full-width punctuation kept.
fn grouped_index(site: &Site, shared: &Shared, key: &str, items: Vec<(String, Value)>) -> Value {
    let mut groups: Vec<(String, Value, Vec<Value>)> = Vec::new();
    for (value, reference) in items {
        let folded = site.term_key(&value);
        match groups.iter_mut().find(|(k, _, _)| *k == folded) {
            Some((_, _, refs)) => refs.push(reference),
            None => {
                let link = shared
                    .term_link(site, key, &value)
                    .unwrap_or_else(|| json!({"name": chinese::display_name(&value), "url": Value::Null}));
                groups.push((folded, link, vec![reference]));
            }
        }
    }
    let pinyin = chinese::PinyinOrder::new();
    groups.sort_by_cached_key(|(folded, link, _)| {
        (pinyin.key(link["name"].as_str().unwrap_or_default()), folded.clone())
    });
    Value::Array(
        groups
            .into_iter()
            .map(|(_, link, entries)| json!({"name": link["name"], "url": link["url"], "entries": entries}))
            .collect(),
    )
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
