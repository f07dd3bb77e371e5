//! Taxonomies: cases grouped by organisation, region, type, theme, year, honour...
//!
//! Terms are keyed after folding script and width (`chinese::term_key`), so Traditional and
//! Simplified spellings meet in one term. A site's declared fields with `facet: true` are
//! taxonomies like the built-in ones. Each term keeps the list of its cases, so a term
//! page costs O(cases in the term). Regions form a tree from province down.

use super::Site;
use crate::chinese;
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
    /// Sorted by number of cases (most first), then by name; years newest first.
    pub terms: Vec<Term>,
}

pub struct Term {
    /// The folded (Simplified) name.
    pub name: String,
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
        for value in case_values(site, case, key) {
            let folded = chinese::term_key(&value);
            if folded.is_empty() {
                continue;
            }
            let t = *index.entry(folded.clone()).or_insert_with(|| {
                terms.push(Term {
                    name: folded,
                    out_dir: String::new(),
                    url: String::new(),
                    cases: Vec::new(),
                    parent: None,
                    children: Vec::new(),
                });
                terms.len() - 1
            });
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
        order.sort_by(|&a, &b| terms[b].name.cmp(&terms[a].name));
    } else {
        order.sort_by(|&a, &b| {
            terms[b].cases.len().cmp(&terms[a].cases.len()).then_with(|| terms[a].name.cmp(&terms[b].name))
        });
    }
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
        let base = chinese::path_segment(&term.name);
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        let segment = if *n == 1 { base } else { format!("{base}-{n}") };
        term.out_dir = format!("{key}/{segment}");
        term.url = format!("{base_path}/{key}/{}/", chinese::encode_segment(&segment));
    }
}
