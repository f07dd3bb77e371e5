//! What the search index sees of each page: everything a visitor sees on a case page
//! (title, brand, organisation, description, text, tags, honours, sources), and compilations.

use crate::render::context::description_of;
use crate::search::SearchDoc;
use crate::site::taxonomy::case_values;
use crate::site::Site;

pub fn search_docs(site: &Site) -> Vec<SearchDoc> {
    let mut docs: Vec<SearchDoc> = (0..site.cases.len()).map(|i| case_doc(site, i)).collect();
    docs.extend(site.compilations.iter().map(|c| SearchDoc {
        url: c.url.clone(),
        title: c.meta.title.clone(),
        brand: c.meta.subtitle.clone().unwrap_or_default(),
        org: Vec::new(),
        description: c.meta.description.clone().unwrap_or_default(),
        body: c.rendered.text.clone(),
        tags: Vec::new(),
        honours: Vec::new(),
        sources: c.meta.edition.iter().cloned().collect(),
        facets: vec![
            ("type".into(), vec!["案例汇编".into()]),
            ("year".into(), vec![c.meta.date.format("%Y").to_string()]),
        ],
        date: c.meta.date.to_string(),
        kind: "compilation".into(),
    }));
    docs
}

fn case_doc(site: &Site, i: usize) -> SearchDoc {
    let case = &site.cases[i];
    let m = &case.meta;
    let mut body = case.rendered.text.clone();
    for part in [&m.subtitle, &m.party_org, &m.branch].into_iter().flatten() {
        body.push('\n');
        body.push_str(part);
    }
    for metric in &m.metrics {
        body.push_str(&format!("\n{} {}{}", metric.label, metric.value, metric.unit.as_deref().unwrap_or("")));
    }
    let sources = m
        .sources
        .iter()
        .flat_map(|s| {
            [
                &s.title,
                &s.publisher,
                &s.publication,
                &s.issue,
                &s.published,
                &s.credits.editor,
                &s.credits.responsible_editor,
            ]
            .into_iter()
            .flatten()
            .cloned()
        })
        .collect();
    let facets = ["org", "region", "type", "year", "tags"]
        .iter()
        .map(|k| (k.to_string(), case_values(site, i, k).iter().map(|v| crate::chinese::term_key(v)).collect()))
        .collect();
    SearchDoc {
        url: case.url.clone(),
        title: m.title.clone(),
        brand: m.brand.clone(),
        org: m.org.clone(),
        description: description_of(case),
        body,
        tags: m.tags.iter().chain(&m.types).chain(&m.region).chain(&m.sector).chain(&m.level).cloned().collect(),
        honours: m.honours.iter().map(|h| h.name.clone()).collect(),
        sources,
        facets,
        date: m.date.to_string(),
        kind: "case".into(),
    }
}
