//! Taxonomies: cases grouped by organisation, region, type, theme, year, honour...
//!
//! Terms are keyed after folding script and width (`chinese::term_key`), so Traditional and
//! Simplified spellings meet in one term. A site's declared fields with `facet: true` are
//! taxonomies like the built-in ones. Each term keeps the list of its cases, so a term
//! page costs O(cases in the term). Regions form a tree from province down. A term is shown
//! under its name as a Simplified case writes it (full-width punctuation kept), and terms
//! are listed in pinyin order (years newest first).

use super::Site;
use crate::chinese;
use crate::content::model::Lang;
use rayon::prelude::*;
use std::collections::HashMap;

pub struct Taxonomy {
    /// Front-matter field and URL segment: `org`, `tags`.
    pub key: String,
    /// Display name from site.yaml: 单位, 主题.
    pub name: String,
    /// Root-relative URL with base path: `/showcase/org/`.
    pub url: String,
    pub out_dir: String,
    /// In pinyin order of their names; years newest first.
    pub terms: Vec<Term>,
}

pub struct Term {
    /// The folded name the term is grouped and addressed by (`chinese::term_key`).
    pub key: String,
    /// The name shown: as the first Simplified case writes it (`chinese::display_name`).
    pub name: String,
    /// Whether `name` comes from a Simplified case; until one names the term, a
    /// Traditional case's spelling (converted) stands in.
    named_by_simplified: bool,
    pub out_dir: String,
    pub url: String,
    /// Indices into `Site::cases`, newest first.
    pub cases: Vec<usize>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

/// The values a case has for a taxonomy, in the order written.
pub fn case_values(site: &Site, case: usize, key: &str) -> Vec<String> {
    let m = &site.cases[case].meta;
    match key {
        "org" => m.org.clone(),
        "region" => m.region.clone(),
        "type" => m.types.clone(),
        "sector" => m.sector.clone(),
        "level" => m.level.clone(),
        "tags" => m.tags.clone(),
        "year" => vec![m.year.to_string()],
        "honours" => m.honours.iter().map(|h| h.name.clone()).collect(),
        // A declared field with `facet: true` (site.yaml `fields:`).
        declared => m.fields.iter().find(|f| f.key == declared).map(|f| f.value.terms()).unwrap_or_default(),
    }
}

pub fn build_taxonomies(site: &Site) -> Vec<Taxonomy> {
    // Each taxonomy reads every case; they are independent of one another.
    let all: Vec<(&str, &str)> = site.config.all_taxonomies().collect();
    all.par_iter().map(|(key, name)| build_one(site, key, name)).collect()
}

fn build_one(site: &Site, key: &str, name: &str) -> Taxonomy {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut terms: Vec<Term> = Vec::new();
    for case in 0..site.cases.len() {
        let mut parent: Option<usize> = None;
        let simplified = site.cases[case].lang == Lang::Hans;
        for value in case_values(site, case, key) {
            let folded = site.term_key(&value);
            if folded.is_empty() {
                continue;
            }
            let t = *index.entry(folded.clone()).or_insert_with(|| {
                terms.push(Term {
                    key: folded,
                    name: chinese::display_name(&value),
                    named_by_simplified: simplified,
                    out_dir: String::new(),
                    url: String::new(),
                    cases: Vec::new(),
                    parent: None,
                    children: Vec::new(),
                });
                terms.len() - 1
            });
            if simplified && !terms[t].named_by_simplified {
                terms[t].name = chinese::display_name(&value);
                terms[t].named_by_simplified = true;
            }
            if terms[t].cases.last() != Some(&case) {
                terms[t].cases.push(case);
            }
            if key == "region" {
                if terms[t].parent.is_none() && parent != Some(t) {
                    terms[t].parent = parent;
                }
                parent = Some(t);
            }
        }
    }
    let order = sort_order(&terms, key);
    let mut terms = reorder(terms, &order);
    for t in 0..terms.len() {
        if let Some(p) = terms[t].parent {
            terms[p].children.push(t);
        }
    }
    assign_urls(&mut terms, key, &site.base_path);
    Taxonomy {
        key: key.to_string(),
        name: name.to_string(),
        url: format!("{}/{key}/", site.base_path),
        out_dir: key.to_string(),
        terms,
    }
}

fn sort_order(terms: &[Term], key: &str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..terms.len()).collect();
    if key == "year" {
        order.sort_by(|&a, &b| terms[b].key.cmp(&terms[a].key));
    } else {
        let pinyin = chinese::PinyinOrder::new();
        order.sort_by_cached_key(|&t| (pinyin.key(&terms[t].name), terms[t].key.clone()));
    }
    order
}

/// The first `n` terms by number of cases (most first, then in the taxonomy's order): what a
/// home page or an empty search offers to click.
pub fn most_used(tax: &Taxonomy, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..tax.terms.len()).collect();
    order.sort_by_key(|&t| std::cmp::Reverse(tax.terms[t].cases.len()));
    order.truncate(n);
    order
}

/// Puts terms in `order`, remapping parent indices.
fn reorder(terms: Vec<Term>, order: &[usize]) -> Vec<Term> {
    let mut new_index = vec![0; terms.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Term>> = terms.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&old| {
            let mut t = slots[old].take().expect("each index appears once in the order");
            t.parent = t.parent.map(|p| new_index[p]);
            t
        })
        .collect()
}

/// Term folders keep Chinese; two names that clean up to the same folder get `-2`, `-3`.
fn assign_urls(terms: &mut [Term], key: &str, base_path: &str) {
    let mut used: HashMap<String, usize> = HashMap::new();
    for term in terms.iter_mut() {
        let base = chinese::path_segment(&term.key);
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        let segment = if *n == 1 { base } else { format!("{base}-{n}") };
        term.out_dir = format!("{key}/{segment}");
        term.url = format!("{base_path}/{key}/{}/", chinese::encode_segment(&segment));
    }
}
