//! What the search index sees of each page: everything a visitor sees on a case page
//! (title, brand, organisation, description, text, tags, honours, sources, and the site's
//! declared fields with `search: true`), and compilations. Declared fields with
//! `facet: true` are facets beside org, region, type, year and tags.

use crate::search::SearchDoc;
use crate::site::taxonomy::case_values;
use crate::site::Site;

/// The documents of the site's search index.
pub fn search_docs(site: &Site) -> Vec<SearchDoc> {
    let texts = site.cases.iter().map(|c| c.rendered.text.clone()).collect();
    let compilation_texts = site.compilations.iter().map(|c| c.rendered.text.clone()).collect();
    docs_with(site, texts, compilation_texts)
}

/// [`search_docs`], moving the pages' plain text out of the site instead of copying it: no
/// later stage reads it, and a large site need not hold it twice.
pub fn take_search_docs(site: &mut Site) -> Vec<SearchDoc> {
    let texts = site.cases.iter_mut().map(|c| std::mem::take(&mut c.rendered.text)).collect();
    let compilation_texts = site.compilations.iter_mut().map(|c| std::mem::take(&mut c.rendered.text)).collect();
    docs_with(site, texts, compilation_texts)
}

/// The document of case `i`, moving its plain text out as [`take_search_docs`] does (`serve`,
/// after the case was made again from an edit).
pub fn take_case_doc(site: &mut Site, i: usize) -> SearchDoc {
    let text = std::mem::take(&mut site.cases[i].rendered.text);
    case_doc(site, i, text)
}

fn docs_with(site: &Site, texts: Vec<String>, compilation_texts: Vec<String>) -> Vec<SearchDoc> {
    use rayon::prelude::*;
    let mut docs: Vec<SearchDoc> = texts.into_par_iter().enumerate().map(|(i, text)| case_doc(site, i, text)).collect();
    docs.extend(site.compilations.iter().zip(compilation_texts).map(|(c, body)| SearchDoc {
        url: c.url.clone(),
        title: c.meta.title.clone(),
        brand: c.meta.subtitle.clone().unwrap_or_default(),
        org: Vec::new(),
        description: c.meta.description.clone().unwrap_or_default(),
        body,
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

fn case_doc(site: &Site, i: usize, text: String) -> SearchDoc {
    let case = &site.cases[i];
    let m = &case.meta;
    let mut body = text;
    for part in [&m.subtitle, &m.party_org, &m.branch].into_iter().flatten() {
        body.push('\n');
        body.push_str(part);
    }
    for value in &m.fields {
        if site.config.field(&value.key).is_some_and(|d| d.search) {
            body.push('\n');
            body.push_str(&value.value.display());
        }
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
    let declared_facets = site.config.fields.iter().filter(|f| f.facet).map(|f| f.key.as_str());
    let facets = ["org", "region", "type", "year", "tags"]
        .into_iter()
        .chain(declared_facets)
        .map(|k| (k.to_string(), case_values(site, i, k).iter().map(|v| site.term_key(v)).collect()))
        .collect();
    SearchDoc {
        url: case.url.clone(),
        title: m.title.clone(),
        brand: m.brand.clone(),
        org: m.org.clone(),
        description: case.description.clone(),
        body,
        tags: m.tags.iter().chain(&m.types).chain(&m.region).chain(&m.sector).chain(&m.level).cloned().collect(),
        honours: m.honours.iter().map(|h| h.name.clone()).collect(),
        sources,
        facets,
        date: m.date.to_string(),
        kind: "case".into(),
    }
}
