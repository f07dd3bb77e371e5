//! Patching the last good build after an edit to existing case files, instead of building the
//! whole site again: `serve`'s fast path for the commonest edit, an editor saving the case
//! they are writing.
//!
//! It applies only when the edit leaves the site's structure as it was: every changed path is
//! a case file the last build published, it still parses and renders without a diagnostic,
//! and what places the case among the others (slug, date, weight, terms, relations, cover,
//! brand, aliases, featured, draft) is unchanged; the text and the display fields (title,
//! subtitle, description, sources, metrics, extra...) may change. Then the case's page, the
//! compilations printing it and, when lists show it differently, every page listing it are
//! rendered again, and the link check runs again over the kept results of every page.
//! Anything else gives `None`, and `serve` runs the full build. Tests compare the served site
//! with a fresh build, file by file, after patched and full rebuilds alike.

use crate::content::load::load_one;
use crate::content::model::{CaseMeta, Kind, Meta};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::linkcheck::LinkChecker;
use crate::output::{Entry, Output};
use crate::pipeline::{BuildMemo, BuildOptions, Kept};
use crate::render::{PdfSizes, Renderer};
use crate::search::SearchDoc;
use crate::site::{anchor_errors, is_published, remade_case};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A patched build.
pub struct Patched {
    pub output: Output,
    pub search_docs: Vec<Arc<SearchDoc>>,
    pub warnings: Vec<Diagnostic>,
    /// Pages rendered again.
    pub rendered: usize,
    /// Of those, pages the page memo held unchanged.
    pub reused: usize,
    /// The compilations printing the edited cases, whose PDFs `remake_pdfs` makes again.
    pub pdfs: Vec<usize>,
}

/// Front-matter fields that only change how the case itself reads: editing them moves no
/// case to another list, term or position. Everything else counts as structure.
const DISPLAY_FIELDS: [&str; 9] =
    ["title", "subtitle", "description", "party_org", "branch", "metrics", "sources", "extra", "lang"];

/// Patches `kept` and `previous` for the `changed` site-relative paths, or `None` when the
/// edit needs a full build. `kept` may be half-updated after `None`: the caller drops it.
pub fn patch(
    kept: &mut Kept,
    changed: &BTreeSet<PathBuf>,
    opts: &BuildOptions,
    previous: &Output,
    docs: &[Arc<SearchDoc>],
    memo: &BuildMemo,
) -> Option<Patched> {
    let root = &opts.site_root;
    // Past midnight other cases may come out of the future: the published set is rebuilt.
    if crate::site::today(kept.model_opts.today, &kept.site.config) != kept.site.today {
        return None;
    }
    let mut edited = Vec::new();
    for path in changed {
        let i = case_index(kept, path)?;
        let file = loaded_case(kept, root, path, memo)?;
        let Meta::Case(meta) = &file.meta else { return None };
        if !same_structure(&kept.site.cases[i].meta, meta) {
            return None;
        }
        let (case, diagnostics) = remade_case(&kept.site, i, file, Some(&memo.markdown))?;
        if !diagnostics.is_empty() {
            return None;
        }
        let anchors_may_break = case.rendered.heading_ids != kept.site.cases[i].rendered.heading_ids
            || case.rendered.internal_links.iter().any(|l| l.anchor.is_some());
        kept.site.cases[i] = case;
        edited.push((i, anchors_may_break));
    }
    if edited.iter().any(|(_, maybe)| *maybe) && !anchor_errors(&kept.site).is_empty() {
        return None;
    }
    let cases: Vec<usize> = edited.iter().map(|(i, _)| *i).collect();
    let mut search_docs = docs.to_vec();
    if kept.site.config.search {
        for &i in &cases {
            *search_docs.get_mut(i)? = Arc::new(crate::search_docs::take_case_doc(&mut kept.site, i));
        }
    }
    let checker = LinkChecker::new(&kept.site, root, &kept.known, opts.strict_links, Some(&memo.links));
    // The PDFs are made again after the pages are served (`remake_pdfs`): until then the pages
    // link the ones served now.
    let pdfs = PdfSizes::of(&kept.site, previous);
    let renderer = Renderer {
        site: &kept.site,
        plan: &kept.plan,
        templates: &kept.templates,
        links: &checker,
        memo: Some(&memo.pages),
        pdfs: &pdfs,
    };
    let mut relisted = Vec::new();
    for &i in &cases {
        if renderer.refresh_case(&mut kept.render, i).ok()? {
            relisted.push(i);
        }
    }
    let jobs = kept.render.jobs_showing(&kept.site, &kept.plan, &cases, &relisted);
    let pages = renderer.render_jobs(&mut kept.render, &jobs).ok()?;
    let reused = pages.iter().filter(|p| !p.fresh).count();
    let mut output = previous.clone();
    for page in pages {
        let path = kept.plan.path(page.job);
        // A static file of the same name wins over a page, as in the full build.
        if matches!(output.get(path), None | Some(Entry::Bytes(_))) {
            output.insert_bytes(path.to_string(), page.content);
        }
        *kept.page_links.get_mut(page.job)? = page.links;
    }
    let compilations: BTreeSet<usize> =
        cases.iter().flat_map(|&i| kept.site.cases[i].compilations.iter().map(|(c, _)| *c)).collect();
    if !relisted.is_empty() {
        crate::pipeline::add_derived(&mut output, &kept.site);
    }
    let report = checker.finish(&output, &kept.page_links);
    let mut diagnostics = Diagnostics(kept.warnings_before_links.clone());
    diagnostics.extend(report.diagnostics);
    if diagnostics.has_errors() {
        return None;
    }
    let warnings = crate::pipeline::finish(diagnostics, root).0;
    let pdfs = compilations.into_iter().collect();
    Some(Patched { output, search_docs, warnings, rendered: jobs.len(), reused, pdfs })
}

/// The PDFs of compilations `which` made again after a patch or a build deferring them, into a
/// copy of `served`, with the pages linking them rendered again when a PDF's size changed: the
/// same files a full build would make. The PDFs' diagnostics come back too; `None` if a page
/// fails to render.
pub fn remake_pdfs(
    kept: &mut Kept,
    which: &[usize],
    opts: &BuildOptions,
    served: &Output,
    memo: &BuildMemo,
) -> Option<(Output, Vec<Diagnostic>)> {
    let root = &opts.site_root;
    let cache = (!opts.no_cache).then(|| crate::pdf::cache_folder(root));
    let made = crate::pdf::make(&kept.site, &kept.pdf_images, cache.as_deref(), which);
    let mut output = served.clone();
    let before = PdfSizes::of(&kept.site, served);
    // A PDF that could not be made now is not served stale.
    for &ci in which {
        output.files.remove(&kept.site.compilations[ci].pdf_path());
    }
    for (path, bytes) in made.files {
        output.insert_bytes(path, bytes);
    }
    let pdfs = PdfSizes::of(&kept.site, &output);
    if pdfs != before {
        let checker = LinkChecker::new(&kept.site, root, &kept.known, opts.strict_links, Some(&memo.links));
        let renderer = Renderer {
            site: &kept.site,
            plan: &kept.plan,
            templates: &kept.templates,
            links: &checker,
            memo: Some(&memo.pages),
            pdfs: &pdfs,
        };
        let jobs: BTreeSet<usize> = which.iter().flat_map(|&ci| renderer.jobs_linking_pdf(ci)).collect();
        let jobs: Vec<usize> = jobs.into_iter().collect();
        for page in renderer.render_jobs(&mut kept.render, &jobs).ok()? {
            let path = kept.plan.path(page.job);
            if matches!(output.get(path), None | Some(Entry::Bytes(_))) {
                output.insert_bytes(path.to_string(), page.content);
            }
            *kept.page_links.get_mut(page.job)? = page.links;
        }
    }
    memo.pdfs.remember(&kept.site, &output);
    Some((output, made.diagnostics))
}

/// The index of the published case whose file is `path`.
fn case_index(kept: &Kept, path: &Path) -> Option<usize> {
    kept.site.cases.iter().position(|c| c.rel_path == path)
}

/// The case file at `path` as the full build would load it, if it loads without a
/// diagnostic and is still published.
fn loaded_case(kept: &Kept, root: &Path, path: &Path, memo: &BuildMemo) -> Option<crate::content::model::SourceFile> {
    let under_content = path.strip_prefix("content").ok()?;
    let (file, diagnostics) = load_one(root, under_content, &kept.site.config.fields, Some(&memo.parsed));
    let file = file.filter(|f| f.kind == Kind::Case && diagnostics.is_empty())?;
    is_published(&file, kept.model_opts.drafts, kept.site.today).then_some(file)
}

/// Whether two versions of a case's front matter differ at most in display fields.
fn same_structure(old: &CaseMeta, new: &CaseMeta) -> bool {
    let structure = |meta: &CaseMeta| {
        let mut v = serde_json::to_value(meta).unwrap_or(serde_json::Value::Null);
        if let Some(map) = v.as_object_mut() {
            for field in DISPLAY_FIELDS {
                map.remove(field);
            }
        }
        v
    };
    let (a, b) = (structure(old), structure(new));
    !a.is_null() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_fields_are_not_structure() {
        let old = CaseMeta { title: "让我先来".into(), tags: vec!["先锋".into()], ..CaseMeta::default() };
        let retitled =
            CaseMeta { title: "让我先来党建工作法".into(), subtitle: Some("副题".into()), ..old.clone() };
        assert!(same_structure(&old, &retitled));
        let retagged = CaseMeta { tags: vec!["示范".into()], ..old.clone() };
        assert!(!same_structure(&old, &retagged));
        let moved = CaseMeta { slug: Some("other".into()), ..old.clone() };
        assert!(!same_structure(&old, &moved));
    }
}
