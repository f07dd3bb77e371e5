//! Rendering: every page of the site through Tera, in parallel, into an in-memory output.
//!
//! One list of jobs (home, gallery pages, cases, taxonomy pages, compilations, pages, aliases)
//! is rendered with rayon. Contexts are small: a page gets its own data and the summaries it
//! lists, never the whole site.

pub mod context;
mod memo;
mod page_vars;
mod recursion;
mod templates;

use crate::content::model::CaseStatus;
use crate::diagnostics::Diagnostic;
use crate::linkcheck::{LinkChecker, PageLinks};
use crate::output::{Entry, Output, PageSink};
use crate::site::paths::{self, Claim, Owner};
use crate::site::taxonomy::most_used;
use crate::site::Site;
use context::{
    case_view, compilation_summary, compilation_view, term_link, term_tree, to_json, CaseRef, Keyed, Shared,
};
use memo::PageKey;
pub use memo::{PageMemo, TemplateMemo};
use rayon::prelude::*;
use serde_json::Value;
pub use templates::{RenderContext, TemplateSet, TemplateValue};

/// One page to render.
enum Job {
    Home,
    Brands {
        page: usize,
    },
    CaseList {
        page: usize,
    },
    Case(usize),
    TaxonomyList(usize),
    Term {
        tax: usize,
        term: usize,
        page: usize,
    },
    CompilationList,
    Compilation(usize),
    Page(usize),
    Search,
    NotFound,
    /// `Site::redirects[i]`.
    Alias(usize),
}

/// Every page of a site, with its output path, known before anything is rendered.
pub struct Plan {
    jobs: Vec<(Job, String)>,
}

impl Plan {
    pub fn new(site: &Site) -> Plan {
        Plan {
            jobs: plan(site)
                .into_iter()
                .map(|job| {
                    let path = output_path(site, &job);
                    (job, path)
                })
                .collect(),
        }
    }

    /// The output path of job `k`.
    pub fn path(&self, k: usize) -> &str {
        &self.jobs[k].1
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.jobs.iter().map(|(_, p)| p.as_str())
    }

    /// Every page of the plan as a claim on its output path, with who makes it (for
    /// `site::paths::check_claims`).
    pub fn claims(&self, site: &Site) -> Vec<Claim> {
        self.jobs
            .iter()
            .map(|(job, path)| Claim { path: path.clone(), folder: false, owner: owner(site, job) })
            .collect()
    }
}

/// Who makes a job's page: its content file (with the field that places it), or xianfeng.
fn owner(site: &Site, job: &Job) -> Owner {
    let slug = |has_slug: bool| has_slug.then(|| "slug".to_string());
    match job {
        Job::Case(i) => {
            let c = &site.cases[*i];
            Owner::file(&c.rel_path, slug(c.meta.slug.is_some()), ("案例页面", "the case page"))
        }
        Job::Compilation(i) => {
            let c = &site.compilations[*i];
            Owner::file(&c.rel_path, slug(c.meta.slug.is_some()), ("汇编页面", "the compilation page"))
        }
        Job::Page(i) => {
            let p = &site.pages[*i];
            Owner::file(&p.rel_path, slug(p.meta.slug.is_some()), ("页面", "the page"))
        }
        Job::Alias(r) => {
            let r = &site.redirects[*r];
            Owner::file(&r.source, Some(format!("aliases[{}]", r.index)), ("一个跳转页面", "a redirect page"))
        }
        Job::Term { tax, term, .. } => term_owner(site, *tax, *term),
        other => {
            let (zh, en) = job_name(other);
            Owner::generated((format!("{zh}页面"), format!("the {en} page")))
        }
    }
}

/// A term page is placed by the first case naming the term (and the field naming it there).
fn term_owner(site: &Site, tax: usize, term: usize) -> Owner {
    let taxonomy = &site.taxonomies[tax];
    let t = &taxonomy.terms[term];
    let what = crate::lang::Text::new(
        format!("{}“{}”的页面", taxonomy.name, t.name),
        format!("the {} page of `{}`", taxonomy.name, t.name),
    );
    let Some(&case) = t.cases.last() else { return Owner::generated(what) };
    let values = crate::site::taxonomy::case_values(site, case, &taxonomy.key);
    let at = values.iter().position(|v| site.term_key(v) == t.key);
    let field = match (taxonomy.key.as_str(), at) {
        ("year", _) => "year".to_string(),
        ("honours", Some(k)) => format!("honours[{k}]"),
        (key, Some(k)) if values.len() > 1 => format!("{key}[{k}]"),
        (key, _) => key.to_string(),
    };
    Owner::file(&site.cases[case].rel_path, Some(field), what)
}

/// What rendering the site made besides its pages.
pub struct SiteRendered {
    /// Template and write errors, together.
    pub errors: Vec<Diagnostic>,
    /// Per job of the plan, what checking its links found.
    pub page_links: Vec<PageLinks>,
    /// With a memo (`serve`): what patching the render after an edit needs.
    pub state: Option<RenderState>,
    /// Pages Tera rendered rather than took from the memo.
    pub fresh: usize,
}

/// Rendering one site's plan: what every page of it needs, in one value. The full build
/// renders the whole plan ([`Renderer::render_site`]); `serve`'s patch renders some jobs
/// again into the kept [`RenderState`].
#[derive(Clone, Copy)]
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub plan: &'a Plan,
    pub templates: &'a TemplateSet,
    /// Checks each page's links as it is rendered.
    pub links: &'a LinkChecker<'a>,
    /// `serve`'s page memo; `build` and `check` have none.
    pub memo: Option<&'a PageMemo>,
    /// The compilation PDFs the pages link (see [`PdfSizes`]).
    pub pdfs: &'a PdfSizes,
}

/// The compilation PDFs as the pages link them: per compilation (in site order) the size of
/// its PDF in bytes, or None where it has none (`pdf: false`, no Chinese font, a typst error).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfSizes(pub Vec<Option<u64>>);

impl PdfSizes {
    /// The sizes of the PDFs `output` holds.
    pub fn of(site: &Site, output: &Output) -> PdfSizes {
        PdfSizes::by_path(site, |path| Some(output.get(path)?.read().ok()?.len()))
    }

    /// The sizes of `files` (output path → PDF bytes), as made.
    pub fn of_files(site: &Site, files: &[(String, Vec<u8>)]) -> PdfSizes {
        PdfSizes::by_path(site, |path| files.iter().find(|(p, _)| p == path).map(|(_, bytes)| bytes.len()))
    }

    fn by_path(site: &Site, size_of: impl Fn(&str) -> Option<usize>) -> PdfSizes {
        PdfSizes(site.compilations.iter().map(|c| size_of(&c.pdf_path()).map(|n| n as u64)).collect())
    }

    /// Compilation `ci`'s PDF for a template, if it has one.
    fn link(&self, site: &Site, ci: usize) -> Option<PdfLink> {
        let bytes = self.0.get(ci).copied().flatten()?;
        Some(PdfLink { url: site.url(&site.compilations[ci].pdf_path()), size: bytes, size_text: file_size(bytes) })
    }
}

/// A compilation's PDF as a page links it: `{url, size, size_text}`.
#[derive(serde::Serialize)]
pub struct PdfLink {
    url: String,
    size: u64,
    size_text: String,
}

/// `356 KB`, `1.2 MB`, as a download link shows a file's size (1 KB = 1024 bytes, as Windows
/// counts).
fn file_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB * KB {
        format!("{} KB", (b / KB).ceil().max(1.0) as u64)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

impl Renderer<'_> {
    /// Renders every page of the plan and hands it to `sink`; each page's links are checked as it
    /// is rendered. With a memo (`serve`), pages whose key is unchanged are taken from it.
    ///
    /// The pages linking a compilation PDF show its size, known only once it is made: `beside`
    /// (which makes the PDFs) runs while every other page renders, and those pages after it.
    pub fn render_site<R: Send>(
        &self,
        sink: &PageSink,
        out: &mut Output,
        beside: impl FnOnce() -> (R, PdfSizes) + Send,
    ) -> (SiteRendered, R) {
        let Renderer { site, plan, memo, .. } = *self;
        let mut shared = Shared::new(site);
        let (partials, partial_errors) = self.case_partials(&shared);
        if !partial_errors.is_empty() {
            let (made, _) = beside();
            return (SiteRendered { errors: partial_errors, page_links: Vec::new(), state: None, fresh: 0 }, made);
        }
        let serving = memo.is_some();
        shared.set_partials(partials, serving);
        let timings = std::env::var_os("XIANFENG_PROFILE").map(|_| JobTimings::default());
        let (late, early): (Vec<usize>, Vec<usize>) = (0..plan.jobs.len()).partition(|&k| self.links_pdf(k));
        let (mut results, (made, sizes)) =
            rayon::join(|| self.write_pages(&shared, sink, timings.as_ref(), &early), beside);
        let with_sizes = Renderer { pdfs: &sizes, ..*self };
        results.extend(with_sizes.write_pages(&shared, sink, timings.as_ref(), &late));
        results.sort_by_key(|(k, _)| *k);
        let results = results.into_iter().map(|(_, r)| r);
        if let Some(timings) = timings {
            for (name, (n, us)) in timings.into_inner().unwrap_or_else(|e| e.into_inner()) {
                eprintln!(
                    "render {name:>16}: {n:>6} pages {:>8} ms total {:>6} us/page",
                    us / 1000,
                    us / n.max(1) as u128
                );
            }
        }
        let mut errors = Vec::new();
        let mut checked = Vec::with_capacity(plan.jobs.len());
        let mut fresh = 0;
        let mut listed_by_job = Vec::with_capacity(if serving { plan.jobs.len() } else { 0 });
        for r in results {
            match r {
                Ok(page) => {
                    // No static file has a page's path (`site::paths::check_claims`).
                    out.insert(plan.path(page.job).to_string(), page.content);
                    checked.push(page.links);
                    fresh += usize::from(page.fresh);
                    if serving {
                        listed_by_job.push(page.listed);
                    }
                }
                Err(d) => errors.push(d),
            }
        }
        let state = (serving && errors.is_empty()).then_some(RenderState { shared, listed_by_job });
        (SiteRendered { errors, page_links: checked, state, fresh }, made)
    }

    /// Whether job `k`'s page links a compilation PDF: the compilation's own page and those
    /// of the cases it includes.
    fn links_pdf(&self, k: usize) -> bool {
        let site = self.site;
        site.config.pdf
            && match &self.plan.jobs[k].0 {
                Job::Compilation(_) => true,
                Job::Case(i) => !site.cases[*i].compilations.is_empty(),
                _ => false,
            }
    }

    /// The jobs whose pages link compilation `ci`'s PDF (`serve`, once it is made again).
    pub fn jobs_linking_pdf(&self, ci: usize) -> Vec<usize> {
        let site = self.site;
        if !site.config.pdf {
            return Vec::new();
        }
        (0..self.plan.jobs.len())
            .filter(|&k| match &self.plan.jobs[k].0 {
                Job::Compilation(c) => *c == ci,
                Job::Case(i) => site.cases[*i].compilations.iter().any(|(c, _)| *c == ci),
                _ => false,
            })
            .collect()
    }

    /// The `jobs` of the plan rendered, link-checked and handed to `sink`, each with its index.
    fn write_pages(
        &self,
        shared: &Shared,
        sink: &PageSink,
        timings: Option<&JobTimings>,
        jobs: &[usize],
    ) -> Vec<(usize, Result<RenderedPage<Entry>, Diagnostic>)> {
        jobs.par_iter()
            // Small pieces, so that an idle thread can take work from a busy one up to the end
            // (the default split can leave one thread with hundreds of pages at the end).
            .with_max_len(8)
            .map(|&k| {
                let (job, path) = &self.plan.jobs[k];
                let start = std::time::Instant::now();
                let r = self.render_page(shared, k).and_then(|page| {
                    let content = sink.store_bytes(path, page.content).map_err(|e| {
                        Diagnostic::error(
                            "write",
                            path,
                            (format!("无法写出页面：{e}"), format!("could not write the page: {e}")),
                        )
                        .hint((
                            "检查输出文件夹是否可写、磁盘是否已满",
                            "check that the output folder is writable and the disk is not full",
                        ))
                    })?;
                    Ok(RenderedPage {
                        job: page.job,
                        content,
                        links: page.links,
                        listed: page.listed,
                        fresh: page.fresh,
                    })
                });
                if let Some(timings) = timings {
                    let mut t = timings.lock().unwrap_or_else(|e| e.into_inner());
                    let e = t.entry(job_name(job).1).or_default();
                    e.0 += 1;
                    e.1 += start.elapsed().as_micros();
                }
                (k, r)
            })
            .collect()
    }

    /// Makes case `i` anew in `state`'s shared values (summary, partials); whether lists show it
    /// differently now.
    pub fn refresh_case(&self, state: &mut RenderState, i: usize) -> Result<bool, Diagnostic> {
        let Renderer { site, templates, .. } = *self;
        let before = state.shared.listed(i);
        let summary = context::case_summary(site, &site.cases[i]);
        let present = present_partials(templates);
        let partials =
            (!present.is_empty()).then(|| self.partials_of(&summary, &state.shared, &present, i)).transpose()?;
        state.shared.set_case(i, summary, partials);
        let changed = state.shared.listed(i) != before;
        if changed {
            state.shared.refresh_digest(i);
        }
        Ok(changed)
    }

    /// Renders the `jobs` of the plan again, with their link checks.
    pub fn render_jobs(
        &self,
        state: &mut RenderState,
        jobs: &[usize],
    ) -> Result<Vec<RenderedPage<Vec<u8>>>, Diagnostic> {
        let rendered: Vec<Result<RenderedPage<Vec<u8>>, Diagnostic>> =
            jobs.par_iter().map(|&k| self.render_page(&state.shared, k)).collect();
        let pages = rendered.into_iter().collect::<Result<Vec<_>, _>>()?;
        for page in &pages {
            state.listed_by_job[page.job].clone_from(&page.listed);
        }
        Ok(pages)
    }
    /// Job `k` of the plan rendered, with its links checked.
    fn render_page(&self, shared: &Shared, k: usize) -> Result<RenderedPage<Vec<u8>>, Diagnostic> {
        let (job, path) = &self.plan.jobs[k];
        let (html, listed, fresh) = self.render_job(shared, job, path)?;
        let checked = self.links.check_page_cached(path, &html);
        Ok(RenderedPage { job: k, content: html, links: checked, listed, fresh })
    }

    /// Every case's partials (see `CASE_PARTIALS`), or the first error.
    fn case_partials(&self, shared: &Shared) -> (Vec<serde_json::Map<String, Value>>, Vec<Diagnostic>) {
        let Renderer { site, templates, .. } = *self;
        let present = present_partials(templates);
        if present.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let rendered: Vec<Result<serde_json::Map<String, Value>, Diagnostic>> = (0..site.cases.len())
            .into_par_iter()
            .map(|i| self.partials_of(&shared.summaries[i], shared, &present, i))
            .collect();
        let mut partials = Vec::with_capacity(rendered.len());
        let mut errors = Vec::new();
        for r in rendered {
            match r {
                Ok(p) => partials.push(p),
                Err(d) if errors.is_empty() => errors.push(d),
                Err(_) => {}
            }
        }
        (partials, errors)
    }

    /// Case `i`'s partials: key (`item_html`) → markup.
    fn partials_of(
        &self,
        summary: &Value,
        shared: &Shared,
        present: &[(&str, &str)],
        i: usize,
    ) -> Result<serde_json::Map<String, Value>, Diagnostic> {
        let Renderer { site, templates, memo, .. } = *self;
        let lang = site.cases[i].lang.html_lang();
        let vars = [
            ("c", TemplateValue::of(summary)),
            ("site", shared.site_value.clone()),
            ("lang", TemplateValue::of(&lang.into())),
        ];
        let context = RenderContext::of_page(&Value::Null, &|_| None, &vars);
        let mut out = serde_json::Map::new();
        for (template, key) in present {
            // `serve` only: unchanged summaries reuse their markup.
            let cache_path = format!("\0{template}\0{}", site.cases[i].slug);
            let mut page_key = PageKey::new(memo, templates.fingerprint(template), template);
            if let Some(k) = page_key.as_mut() {
                k.add_json(summary).add_json(&shared.site).add_str(lang);
            }
            let remembered = memo.zip(page_key.as_ref()).and_then(|(m, k)| m.get(&cache_path, k));
            let html = match remembered.and_then(|b| String::from_utf8(b).ok()) {
                Some(html) => html,
                None => {
                    let html = templates.render(template, &context)?;
                    if let (Some(m), Some(k)) = (memo, &page_key) {
                        m.put(&cache_path, k, html.as_bytes());
                    }
                    html
                }
            };
            out.insert((*key).to_string(), Value::String(html));
        }
        Ok(out)
    }

    /// A page's HTML, (in `serve`) the cases it lists, and whether Tera rendered it (rather than
    /// the memo holding it).
    fn render_job(&self, shared: &Shared, job: &Job, path: &str) -> Result<(Vec<u8>, Vec<usize>, bool), Diagnostic> {
        let Renderer { site, templates, memo, .. } = *self;
        let cfg = &site.config;
        let summaries = |ids: &[usize]| ids.iter().map(|&i| CaseRef::to(i)).collect::<Vec<_>>();
        let all = &shared.all_cases;
        let compilations = || site.compilations.iter().map(|c| compilation_summary(site, c)).collect();
        let (template, vars, lang): (&str, Value, &str) = match job {
            Job::Home => {
                let featured: Vec<usize> = all.iter().copied().filter(|&i| site.cases[i].meta.featured).collect();
                let vars = page_vars::Home {
                    featured: summaries(&featured),
                    latest: summaries(&all[..all.len().min(10)]),
                    counts: per_taxonomy(site.taxonomies.iter(), |tax| most_used(tax, 12)),
                    compilations: compilations(),
                    total_cases: site.cases.iter().filter(|c| c.meta.status == CaseStatus::Full).count(),
                    other_cases: site.cases.iter().filter(|c| c.meta.status != CaseStatus::Full).count(),
                    total_orgs: site.taxonomy("org").map_or(0, |t| t.terms.len()),
                    section: page_vars::Section::of(site, ""),
                };
                ("index.html", to_json(vars), "zh-CN")
            }
            Job::Brands { page } => {
                let filters = ["org", "type", "region", "year", "tags"].iter().filter_map(|key| site.taxonomy(key));
                let vars = page_vars::Brands {
                    cases: summaries(slice(all, *page, cfg.paginate_brands)),
                    paginator: paginator(&site.url("brands/"), *page, all.len(), cfg.paginate_brands),
                    facets: per_taxonomy(filters, |tax| (0..tax.terms.len()).collect()),
                    data_url: site.url("brands/brands.json"),
                    total_cases: all.len(),
                    section: page_vars::Section::of(site, "brands"),
                };
                ("brands.html", to_json(vars), "zh-CN")
            }
            Job::CaseList { page } => {
                let vars = page_vars::CaseList {
                    cases: summaries(slice(all, *page, cfg.paginate)),
                    paginator: paginator(&site.url("cases/"), *page, all.len(), cfg.paginate),
                    section: page_vars::Section::of(site, "cases"),
                };
                ("cases.html", to_json(vars), "zh-CN")
            }
            Job::Case(i) => {
                let mut case = case_view(site, shared, *i);
                case.qr_svg = qr_of(site, &site.cases[*i].url, &site.cases[*i].meta.brand);
                for (cp, (ci, _)) in case.compilations.iter_mut().zip(&site.cases[*i].compilations) {
                    cp.pdf = self.pdfs.link(site, *ci);
                }
                ("case.html", to_json(page_vars::CasePage { case }), site.cases[*i].lang.html_lang())
            }
            Job::TaxonomyList(ti) => {
                let tax = &site.taxonomies[*ti];
                let roots = (0..tax.terms.len()).filter(|&k| tax.terms[k].parent.is_none()).map(|k| term_tree(tax, k));
                let vars =
                    page_vars::TaxonomyList { taxonomy: page_vars::TaxonomyRef::of(tax), terms: roots.collect() };
                ("taxonomy_list.html", to_json(vars), "zh-CN")
            }
            Job::Term { tax, term, page } => {
                let taxonomy = &site.taxonomies[*tax];
                let t = &taxonomy.terms[*term];
                let vars = page_vars::TermPage {
                    taxonomy: page_vars::TaxonomyRef::of(taxonomy),
                    term: page_vars::TermWithParent {
                        tree: term_tree(taxonomy, *term),
                        parent: t.parent.map(|p| term_link(&taxonomy.terms[p])),
                    },
                    profile: (taxonomy.key == "org").then(|| context::org_profile(site, t)),
                    cases: summaries(slice(&t.cases, *page, cfg.paginate)),
                    paginator: paginator(&t.url, *page, t.cases.len(), cfg.paginate),
                };
                ("taxonomy_term.html", to_json(vars), "zh-CN")
            }
            Job::CompilationList => {
                let vars = page_vars::CompilationList {
                    compilations: compilations(),
                    section: page_vars::Section::of(site, "compilations"),
                };
                ("compilations.html", to_json(vars), "zh-CN")
            }
            Job::Compilation(ci) => {
                let mut compilation = compilation_view(site, shared, *ci);
                compilation.qr_svg = qr_of(site, &site.compilations[*ci].url, &site.compilations[*ci].meta.title);
                compilation.pdf = self.pdfs.link(site, *ci);
                let vars = to_json(page_vars::CompilationPage { compilation });
                ("compilation.html", vars, site.compilations[*ci].meta.lang.html_lang())
            }
            Job::Page(pi) => {
                let p = &site.pages[*pi];
                let template = p.meta.template.as_deref().unwrap_or("page.html");
                (template, to_json(page_vars::PlainPage { page: page_vars::PageView::of(p) }), "zh-CN")
            }
            Job::Search => {
                let by_use = |tax: &crate::site::Taxonomy| {
                    let mut terms: Vec<usize> = (0..tax.terms.len()).collect();
                    terms.sort_by_key(|&t| std::cmp::Reverse(tax.terms[t].cases.len()));
                    terms.truncate(12);
                    terms
                };
                (
                    "search.html",
                    to_json(page_vars::Search {
                        popular: per_taxonomy(["tags", "org"].iter().filter_map(|key| site.taxonomy(key)), by_use),
                    }),
                    "zh-CN",
                )
            }
            Job::NotFound => ("404.html", to_json(page_vars::NotFound {}), "zh-CN"),
            Job::Alias(r) => {
                let to = &site.redirects[*r].to;
                ("alias.html", to_json(page_vars::Alias { target: to, permalink: site.permalink(to) }), "zh-CN")
            }
        };
        let current_path = url_of_output(site, path);
        let current_url = site.permalink(&current_path);
        // `serve` only: skip Tera when everything this page is made of is unchanged.
        let listed = if memo.is_some() { context::case_refs(&vars) } else { Vec::new() };
        let mut key = PageKey::new(memo, templates.fingerprint(template), template);
        if let Some(k) = key.as_mut() {
            shared.add_to_key(k, &vars, &listed);
            k.add_bytes(shared.site_digest().as_bytes()).add_str(lang).add_str(&current_url).add_str(&current_path);
        }
        if let Some(html) = memo.zip(key.as_ref()).and_then(|(m, k)| m.get(path, k)) {
            return Ok((html, listed, false));
        }
        let page = [
            ("site", shared.site_value.clone()),
            ("lang", TemplateValue::of(&lang.into())),
            ("current_url", TemplateValue::of(&current_url.into())),
            ("current_path", TemplateValue::of(&current_path.into())),
            ("xianfeng_version", TemplateValue::of(&env!("CARGO_PKG_VERSION").into())),
        ];
        let context = RenderContext::of_page(&vars, &|reference| shared.listed_value(reference), &page);
        let html = templates.render_bytes(template, &context)?;
        if let (Some(m), Some(k)) = (memo, &key) {
            m.put(path, k, &html);
        }
        Ok((html, listed, true))
    }
}

/// Per kind of job (`XIANFENG_PROFILE`): pages rendered and microseconds spent.
type JobTimings = std::sync::Mutex<std::collections::BTreeMap<&'static str, (usize, u128)>>;

/// The gallery's data file: every brand, so its filters work across all pages.
pub const BRANDS_JSON: &str = "brands/brands.json";

/// A page of the plan, rendered: its content (the HTML, or where the sink put it), what
/// checking its links found, and (in `serve`) the cases it lists.
pub struct RenderedPage<T> {
    pub job: usize,
    pub content: T,
    pub links: PageLinks,
    listed: Vec<usize>,
    /// Rendered by Tera, not taken from the memo.
    pub fresh: bool,
}

/// What `serve` keeps of a rendered site, to render parts of it again after an edit.
pub struct RenderState {
    pub shared: Shared,
    /// Per job of the plan: the cases its variables list (as `{"$case": i}`).
    listed_by_job: Vec<Vec<usize>>,
}

impl RenderState {
    /// The jobs showing any of `cases` in full (its own page, compilations printing it), and,
    /// for those in `relisted`, every job listing it (lists, term pages, neighbours).
    pub fn jobs_showing(&self, site: &Site, plan: &Plan, cases: &[usize], relisted: &[usize]) -> Vec<usize> {
        let mut jobs = std::collections::BTreeSet::new();
        for (k, (job, _)) in plan.jobs.iter().enumerate() {
            let full = match job {
                Job::Case(i) => cases.contains(i),
                Job::Compilation(ci) => {
                    site.compilations[*ci].chapters.iter().flat_map(|ch| &ch.entries).any(|e| cases.contains(&e.case))
                }
                _ => false,
            };
            let lists = self.listed_by_job.get(k).is_some_and(|l| l.iter().any(|i| relisted.contains(i)));
            if full || lists {
                jobs.insert(k);
            }
        }
        jobs.into_iter().collect()
    }
}

/// Theme partials rendered once per case, so lists print each case's markup instead of
/// calling a macro for it on every page that lists it: `partials/case_item.html` becomes
/// `item_html`, `partials/case_card.html` becomes `card_html`. Each sees `c` (the summary),
/// `site` and `lang`.
const CASE_PARTIALS: [(&str, &str); 2] =
    [("partials/case_item.html", context::PARTIAL_KEYS[0]), ("partials/case_card.html", context::PARTIAL_KEYS[1])];

/// The case partials the theme has.
fn present_partials(templates: &TemplateSet) -> Vec<(&'static str, &'static str)> {
    CASE_PARTIALS.iter().copied().filter(|(template, _)| templates.has(template)).collect()
}

/// What a job renders, in Chinese and in English (for messages; the English also names the
/// job in the timing lines).
fn job_name(job: &Job) -> (&'static str, &'static str) {
    match job {
        Job::Home => ("首页", "home"),
        Job::Brands { .. } => ("品牌墙", "brands"),
        Job::CaseList { .. } => ("案例列表", "case list"),
        Job::Case(_) => ("案例", "case"),
        Job::TaxonomyList(_) => ("分类列表", "taxonomy list"),
        Job::Term { .. } => ("分类", "term"),
        Job::CompilationList => ("汇编列表", "compilation list"),
        Job::Compilation(_) => ("汇编", "compilation"),
        Job::Page(_) => ("", "page"),
        Job::Search => ("搜索", "search"),
        Job::NotFound => ("404 ", "404"),
        Job::Alias { .. } => ("跳转", "alias"),
    }
}

fn plan(site: &Site) -> Vec<Job> {
    let cfg = &site.config;
    let mut jobs = vec![Job::Home, Job::CompilationList, Job::NotFound];
    if cfg.search {
        jobs.push(Job::Search);
    }
    jobs.extend((1..=page_count(site.cases.len(), cfg.paginate_brands)).map(|page| Job::Brands { page }));
    jobs.extend((1..=page_count(site.cases.len(), cfg.paginate)).map(|page| Job::CaseList { page }));
    jobs.extend((0..site.cases.len()).map(Job::Case));
    for (ti, tax) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(ti));
        for (k, term) in tax.terms.iter().enumerate() {
            jobs.extend((1..=page_count(term.cases.len(), cfg.paginate)).map(|page| Job::Term {
                tax: ti,
                term: k,
                page,
            }));
        }
    }
    jobs.extend((0..site.compilations.len()).map(Job::Compilation));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend((0..site.redirects.len()).map(Job::Alias));
    jobs
}

/// Where a job's page goes in the output.
fn output_path(site: &Site, job: &Job) -> String {
    let index_of = paths::index_of;
    match job {
        Job::Home => "index.html".into(),
        Job::Brands { page } => paged(site, "brands", *page).0,
        Job::CaseList { page } => paged(site, "cases", *page).0,
        Job::Case(i) => index_of(&site.cases[*i].out_dir),
        Job::TaxonomyList(ti) => index_of(&site.taxonomies[*ti].out_dir),
        Job::Term { tax, term, page } => paged(site, &site.taxonomies[*tax].terms[*term].out_dir, *page).0,
        Job::CompilationList => "compilations/index.html".into(),
        Job::Compilation(ci) => index_of(&site.compilations[*ci].out_dir),
        Job::Page(pi) => index_of(&site.pages[*pi].out_dir),
        Job::Search => "search/index.html".into(),
        Job::NotFound => "404.html".into(),
        Job::Alias(r) => site.redirects[*r].path.clone(),
    }
}

fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// `dir/` + page → `dir/index.html` or `dir/page/N/index.html`, and its URL.
fn paged(site: &Site, dir: &str, page: usize) -> (String, String) {
    let (path, url_path) = paths::paged(dir, page);
    (path, site.url(&url_path))
}

/// Links for one page of a list. `pages` is a window of at most 9 page numbers around the
/// current one (plus `first`/`last`), so a list of N pages costs O(N) in total, not O(N²).
fn paginator(url_of_dir: &str, page: usize, total: usize, per_page: usize) -> page_vars::Paginator {
    let pages = page_count(total, per_page);
    let url_of = |n: usize| format!("{url_of_dir}{}", paths::page_below_list(n));
    let start = page.saturating_sub(4).max(1);
    let end = (start + 8).min(pages);
    let start = end.saturating_sub(8).max(1);
    page_vars::Paginator {
        current: page,
        total_pages: pages,
        total_items: total,
        per_page,
        previous: (page > 1).then(|| url_of(page - 1)),
        next: (page < pages).then(|| url_of(page + 1)),
        first: url_of(1),
        last: url_of(pages),
        pages: (start..=end).map(|n| page_vars::PageNumber { number: n, url: url_of(n), current: n == page }).collect(),
    }
}

/// Per taxonomy, the links to the terms `terms_of` picks (in its order).
fn per_taxonomy<'a>(
    taxonomies: impl Iterator<Item = &'a crate::site::Taxonomy>,
    terms_of: impl Fn(&crate::site::Taxonomy) -> Vec<usize>,
) -> Keyed<'a, Vec<context::TermLink<'a>>> {
    let links = |tax: &'a crate::site::Taxonomy| terms_of(tax).into_iter().map(|t| term_link(&tax.terms[t])).collect();
    Keyed(taxonomies.map(|tax| (tax.key.as_str(), links(tax))).collect())
}

fn slice(items: &[usize], page: usize, per_page: usize) -> &[usize] {
    let start = ((page - 1) * per_page).min(items.len());
    let end = (start + per_page).min(items.len());
    &items[start..end]
}

/// The 扫码阅读 code of a page (inline SVG), or null when the site has no absolute `base_url`.
fn qr_of(site: &Site, url: &str, name: &str) -> Option<String> {
    crate::qr::svg(&site.permalink(url), &format!("扫码阅读“{name}”"))
}

/// `cases/x/index.html` → `/base/cases/x/`.
fn url_of_output(site: &Site, path: &str) -> String {
    site.url(paths::dir_of_page(path))
}

/// Every brand in one compact file (`BRANDS_JSON`), so the gallery filters across all pages.
pub fn brands_json(site: &Site) -> Vec<u8> {
    let rows: Vec<BrandRow<'_>> = site
        .cases
        .iter()
        .map(|c| {
            let m = &c.meta;
            BrandRow {
                b: &m.brand,
                c: &c.cover_url,
                d: &c.description,
                g: &m.tags,
                k: FilterKeys::of(site, m),
                o: m.org.first(),
                r: &m.region,
                t: &m.title,
                ty: &m.types,
                u: &c.url,
                y: m.year,
            }
        })
        .collect();
    serde_json::to_vec(&rows).unwrap_or_else(|_| b"[]".to_vec())
}

/// One brand of `brands.json`, borrowed from the model: brand, cover, description, tags
/// (`g`), filter keys (`k`), first org, region, title, types, url, year. The short keys keep
/// the file small; they are in sorted order, as the gallery script has always received them.
#[derive(serde::Serialize)]
struct BrandRow<'a> {
    b: &'a str,
    c: &'a Option<String>,
    d: &'a str,
    g: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    k: Option<FilterKeys>,
    o: Option<&'a String>,
    r: &'a [String],
    t: &'a str,
    ty: &'a [String],
    u: &'a str,
    y: i32,
}

/// The term keys a brand is filtered by (the gallery's options are term keys), given only when
/// some differ from the values as written: a Traditional 黨建 or a full-width （） is filtered
/// as its term, while the card still shows the case's own spelling.
#[derive(serde::Serialize)]
struct FilterKeys {
    g: Vec<String>,
    o: Option<String>,
    r: Vec<String>,
    ty: Vec<String>,
}

impl FilterKeys {
    fn of(site: &Site, m: &crate::content::model::CaseMeta) -> Option<FilterKeys> {
        let keys = |values: &[String]| values.iter().map(|v| site.term_key(v)).collect::<Vec<_>>();
        let k = FilterKeys {
            g: keys(&m.tags),
            o: m.org.first().map(|o| site.term_key(o)),
            r: keys(&m.region),
            ty: keys(&m.types),
        };
        let same = k.g == m.tags && k.o.as_ref() == m.org.first() && k.r == m.region && k.ty == m.types;
        (!same).then_some(k)
    }
}
