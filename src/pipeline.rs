//! The build, stage by stage: config → theme → content → site model → render → output.
//!
//! `build` writes the result; `check` stops before writing; `serve` keeps the `Output` in
//! memory. All three go through `build_output`, so they agree on every page and every error.

use crate::cache::BuildCache;
use crate::config::load_config;
use crate::content::{load_content, ParseMemo};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::{Lang, Text};
use crate::linkcheck::external::{check_external, ExternalOptions};
use crate::linkcheck::PageLinks;
use crate::linkcheck::{LinkChecker, LinkMemo};
pub use crate::options::BuildOptions;
use crate::output::{Entry, Output, PageSink, Refusal, Staging, MARKER};
use crate::render::{
    PageMemo, PdfSizes, Plan, RenderState, Renderer, SiteRendered, TemplateMemo, TemplateSet, BRANDS_JSON,
};
use crate::site::paths::{check_claims, Claim, Owner};
use crate::site::{build_model, MarkdownMemo, ModelOptions, Site};
use crate::theme::{load_theme, Origin};
use crate::{feeds, fingerprint, search, sitecheck};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What a successful build made.
pub struct Built {
    pub output: Output,
    pub warnings: Vec<Diagnostic>,
    pub cases: usize,
    pub pages: usize,
    /// Pages Tera rendered; with a memo (`serve`) the others were unchanged and reused.
    pub rendered: usize,
    pub files: usize,
    pub millis: u128,
    /// Nothing changed since the last build: its output was kept as it was.
    pub up_to_date: bool,
    /// The warnings of the last build, as printed then, when this one was skipped.
    pub cached_warnings: Vec<String>,
    /// With `defer_search`: the documents to index with [`search_output`].
    pub search_docs: Vec<Arc<search::SearchDoc>>,
    /// With `defer_pdfs`: the compilations whose PDFs are still to make (`serve` makes them
    /// after publishing the pages, see `serve::patch::remake_pdfs`).
    pub deferred_pdfs: Vec<usize>,
    /// With `keep_state`: the build's model and render state.
    pub kept: Option<Box<Kept>>,
    /// External URLs of the output → the file first linking them (for `check --external`).
    pub external_links: BTreeMap<String, String>,
}

impl Built {
    /// `构建完成：N 个页面（M 个案例，K 个文件），用时 T 毫秒` (`built N pages (M cases, K files)
    /// in T ms`), as build and serve print it.
    pub fn summary(&self, lang: Lang) -> String {
        let (pages, cases, files, ms) = (self.pages, self.cases, self.files, self.millis);
        match (lang, self.up_to_date) {
            (Lang::Zh, false) => format!("构建完成：{pages} 个页面（{cases} 个案例，{files} 个文件），用时 {ms} 毫秒"),
            (Lang::Zh, true) => {
                format!("没有改动：{pages} 个页面（{cases} 个案例，{files} 个文件）保持不变，用时 {ms} 毫秒")
            }
            (Lang::En, false) => format!("built {pages} pages ({cases} cases, {files} files) in {ms} ms"),
            (Lang::En, true) => format!("nothing changed: {pages} pages ({cases} cases, {files} files) in {ms} ms"),
        }
    }
}

/// What `serve` keeps of a successful build to patch it after an edit (see `serve::patch`).
pub struct Kept {
    pub site: Site,
    pub model_opts: ModelOptions,
    pub plan: Plan,
    pub templates: Arc<TemplateSet>,
    pub render: RenderState,
    /// Per job of the plan, what checking its links found.
    pub page_links: Vec<PageLinks>,
    /// Output paths known before rendering (the link checker's).
    pub known: HashSet<String>,
    /// The build's warnings except the link check's, which a patch runs again.
    pub warnings_before_links: Vec<Diagnostic>,
    /// The images the compilation PDFs may show, to make them again after an edit.
    pub pdf_images: crate::pdf::ServedImages,
}

/// What `serve` keeps from build to build, one memo per stage (see `memo`), so a full
/// rebuild after an edit redoes only the work whose inputs changed. `build` and `check`
/// keep none.
#[derive(Default)]
pub struct BuildMemo {
    pub parsed: ParseMemo,
    pub markdown: MarkdownMemo,
    pub links: LinkMemo,
    pub pages: PageMemo,
    pub templates: TemplateMemo,
    pub pdfs: crate::pdf::LastPdfs,
}

impl BuildMemo {
    /// After a successful build: forgets what it did not use.
    pub fn finish_build(&self) {
        self.parsed.sweep();
        self.markdown.sweep();
        self.links.sweep();
        self.pages.sweep();
        self.templates.sweep();
    }
}

/// Builds the site in memory, through `memo` when there is one. Err holds every diagnostic
/// of the run (errors and warnings).
pub fn build_output(opts: &BuildOptions, memo: Option<&BuildMemo>) -> Result<Built, Diagnostics> {
    build_into(opts, &PageSink::Memory, memo)
}

/// Builds the site; rendered pages go to `sink`, everything else stays in the output map.
fn build_into(opts: &BuildOptions, sink: &PageSink, memo: Option<&BuildMemo>) -> Result<Built, Diagnostics> {
    let started = Instant::now();
    let root = &opts.site_root;
    let mut diagnostics = Diagnostics::default();

    let (mut config, config_diags) = load_config(root);
    diagnostics.extend(config_diags);
    if let Some(base_url) = &opts.base_url {
        match crate::urls::check_base_url(base_url) {
            Ok(()) => config.base_url = base_url.clone(),
            Err(problem) => {
                let d = crate::config::base_url_error(problem, Path::new("--base-url"), "base-url");
                diagnostics.push(d.hint((
                    "--base-url 要写网站的完整网址，例如 --base-url https://host/jgdj/showcase",
                    "give --base-url the site's full address, e.g. --base-url https://host/jgdj/showcase",
                )));
            }
        }
    }
    let theme = match load_theme(root, &config.theme) {
        Ok(mut t) => {
            diagnostics.extend(std::mem::take(&mut t.diagnostics));
            Some(t)
        }
        Err(d) => {
            diagnostics.push(d);
            None
        }
    };
    let stage = StageTimer::new();
    let loaded = load_content(root, &config.fields, memo.map(|m| &m.parsed));
    stage.lap("load content");
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    let image_cache = (!opts.no_cache).then(|| crate::images::cache_folder(root));
    let (images, mut image_diags) = crate::images::process_assets(root, &loaded.assets, image_cache.as_deref());
    stage.lap("images");
    let model_opts = ModelOptions { drafts: opts.drafts, today: opts.today };
    let (mut site, model_diags) = build_model(config, loaded, root, &model_opts, memo.map(|m| &m.markdown), &images);
    diagnostics.extend(model_diags);
    let case_sources: Vec<_> = site.cases.iter().map(|c| (c.rel_path.as_path(), &c.meta)).collect();
    crate::images::name_cases(&mut image_diags, &images.failed, &case_sources);
    diagnostics.extend(image_diags);
    stage.lap("site model (markdown, taxonomies)");

    // Fingerprinted names are known before rendering: templates print them through asset().
    let asset_plan = match &theme {
        Some(t) if !opts.no_fingerprint => fingerprint::plan(&t.statics),
        _ => Default::default(),
    };
    let asset_urls: HashMap<String, String> = asset_plan.clone().into_iter().collect();
    let templates =
        theme.as_ref().map(|t| TemplateSet::load(t, &site.base_path, asset_urls, memo.map(|m| &m.templates)));
    let templates = match templates {
        Some(Ok(t)) => Some(t),
        Some(Err(errors)) => {
            diagnostics.extend(errors);
            None
        }
        None => None,
    };
    stage.lap("templates");
    let (Some(theme), Some(templates)) = (theme, templates) else {
        return Err(finish(diagnostics, root));
    };

    let plan = Plan::new(&site);
    let claims = output_claims(&plan, &site, &theme.statics, &asset_plan, root, &images);
    diagnostics.extend(locate_fields(root, check_claims(&claims)));
    // A build that already failed still renders and checks the rest, so every error of the
    // run is reported at once (files that failed are left out, and nothing names them
    // again); its pages are checked and thrown away.
    let failing = diagnostics.has_errors();
    let sink = if failing { &PageSink::Discard } else { sink };
    let mut output = Output::default();
    // The index first: its working memory is freed before the pages' is taken.
    let deferred_search = site.config.search && (opts.defer_search || failing);
    let mut search_docs = Vec::new();
    if deferred_search {
        search_docs = crate::search_docs::take_search_docs(&mut site).into_iter().map(Arc::new).collect();
    } else if site.config.search {
        let docs = crate::search_docs::take_search_docs(&mut site);
        output.files.extend(write_search_index(&docs, sink)?);
        stage.lap("search index");
    }
    add_statics(&mut output, &theme.statics, &site, &images, root);
    fingerprint::add_copies(&mut output, &asset_plan);
    let mut known: HashSet<String> = output.files.keys().cloned().chain(plan.paths().map(String::from)).collect();
    if deferred_search {
        // `serve`: the index comes after the pages, but pages may link to it.
        known.insert(search::MANIFEST.to_string());
    }
    // The PDFs are made while the pages render; a page links one only once it is made.
    known.extend(crate::pdf::planned_paths(&site).into_iter().map(|(path, _)| path));
    let checker = LinkChecker::new(&site, root, &known, opts.strict_links, memo.map(|m| &m.links));
    let no_pdfs = PdfSizes::default();
    let renderer = Renderer {
        site: &site,
        plan: &plan,
        templates: &templates,
        links: &checker,
        memo: memo.map(|m| &m.pages),
        pdfs: &no_pdfs,
    };
    // The compilation PDFs are typeset while the pages render (see `pdf`), unless `serve`
    // makes them after publishing the pages: until then it serves the last ones.
    let pdf_cache = (!opts.no_cache).then(|| crate::pdf::cache_folder(root));
    let pdf_images = crate::pdf::ServedImages::of(&site, root, &images);
    let last_pdfs = memo.map(|m| &m.pdfs).filter(|_| opts.defer_pdfs);
    let deferred_pdfs = match last_pdfs {
        Some(_) if site.config.pdf => (0..site.compilations.len()).collect(),
        _ => Vec::new(),
    };
    let make_pdfs = || {
        let made = match last_pdfs {
            Some(last) => last.served(&site),
            None => crate::pdf::make_all(&site, &pdf_images, pdf_cache.as_deref()),
        };
        let sizes = PdfSizes::of_files(&site, &made.files);
        (made, sizes)
    };
    let (SiteRendered { errors: render_errors, page_links, state: render_state, fresh: rendered }, pdfs) =
        renderer.render_site(sink, &mut output, make_pdfs);
    diagnostics.extend(render_errors);
    diagnostics.extend(pdfs.diagnostics);
    for (path, bytes) in pdfs.files {
        output.insert_bytes(path, bytes);
    }
    stage.lap("render and PDFs");
    add_derived(&mut output, &site);
    stage.lap("brands.json, feeds, sitemap");
    for path in output.escaping_paths() {
        diagnostics.push(
            Diagnostic::error(
                "path-escape",
                path,
                (
                    format!("输出路径 `{path}` 会跑到输出文件夹外面"),
                    format!("output path `{path}` would leave the output folder"),
                ),
            )
            .hint((
                "slug、别名和静态文件名里不能有 `..`，也不能以 `/` 开头",
                "slugs, aliases and static file names must not contain `..` or start with `/`",
            )),
        );
    }
    diagnostics.extend(sitecheck::duplicate_brands(&site));
    let warnings_before_links = if opts.keep_state { diagnostics.0.clone() } else { Vec::new() };
    let links = checker.finish(&output, &page_links);
    drop(checker);
    diagnostics.extend(links.diagnostics);
    stage.lap("link check");
    if diagnostics.has_errors() {
        return Err(finish(diagnostics, root));
    }
    let cases = site.cases.len();
    if let Some(memo) = memo {
        memo.pdfs.remember(&site, &output);
    }
    let kept = match render_state {
        Some(render) if opts.keep_state => Some(Box::new(Kept {
            model_opts,
            plan,
            templates,
            render,
            page_links,
            known,
            warnings_before_links,
            site,
            pdf_images,
        })),
        render => {
            drop_in_background((render, site, plan, templates, page_links, known));
            None
        }
    };
    fingerprint::remove_unused_originals(&mut output, &asset_plan, &links.referenced);
    let pages = output.files.keys().filter(|p| p.ends_with(".html")).count();
    let warnings = finish(diagnostics, root).0;
    Ok(Built {
        cases,
        kept,
        pages,
        rendered,
        files: output.len(),
        up_to_date: false,
        cached_warnings: Vec::new(),
        search_docs,
        deferred_pdfs,
        output,
        warnings,
        millis: started.elapsed().as_millis(),
        external_links: links.external,
    })
}

/// Builds the search index of `docs`, its files going to `sink` as they are made; the output
/// entries of those files, or the first write error.
fn write_search_index(docs: &[search::SearchDoc], sink: &PageSink) -> Result<Vec<(String, Entry)>, Diagnostics> {
    let stored = std::sync::Mutex::new((Vec::new(), None));
    search::build_index_with(docs, &|f| {
        let entry = sink.store_bytes(&f.path, f.bytes);
        let mut stored = stored.lock().unwrap_or_else(|e| e.into_inner());
        match entry {
            Ok(entry) => stored.0.push((f.path, entry)),
            Err(e) => {
                stored.1.get_or_insert((f.path, e));
            }
        }
    });
    let (entries, error) = stored.into_inner().unwrap_or_else(|e| e.into_inner());
    match error {
        Some((path, e)) => Err(write_error(&path, e)),
        None => Ok(entries),
    }
}

/// Sorts the diagnostics and makes their paths relative to the site.
pub fn finish(mut diagnostics: Diagnostics, root: &Path) -> Diagnostics {
    diagnostics.0 = diagnostics.0.into_iter().map(|d| d.relative_to(root)).collect();
    diagnostics.sort();
    diagnostics
}

/// `xianfeng check`: everything the build checks, plus external links when asked; writes
/// nothing. Returns every diagnostic, sorted.
pub fn check(opts: &BuildOptions, external: Option<&ExternalOptions>) -> Diagnostics {
    if let Err(d) = check_site_folder(&opts.site_root) {
        return Diagnostics(vec![d]);
    }
    let mut diagnostics = match build_output(opts, None) {
        Ok(built) => {
            let mut d = Diagnostics(built.warnings);
            if let Some(ext) = external {
                d.extend(check_external(&built.external_links, ext));
            }
            d
        }
        // External links are checked only once the site builds: the link list comes from its pages.
        Err(d) => d,
    };
    diagnostics.sort();
    diagnostics
}

/// Prints how long each stage took when `XIANFENG_PROFILE` is set.
struct StageTimer {
    enabled: bool,
    last: std::cell::Cell<Instant>,
}

impl StageTimer {
    fn new() -> StageTimer {
        StageTimer {
            enabled: std::env::var_os("XIANFENG_PROFILE").is_some(),
            last: std::cell::Cell::new(Instant::now()),
        }
    }

    fn lap(&self, stage: &str) {
        if self.enabled {
            eprintln!("stage {stage:>36}: {:>6} ms, peak RSS {}", self.last.get().elapsed().as_millis(), peak_rss());
        }
        self.last.set(Instant::now());
    }
}

/// The process's peak resident memory so far (Linux), for `XIANFENG_PROFILE`.
fn peak_rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:"));
    line.map_or_else(|| "?".into(), |l| l.trim_start_matches("VmHWM:").trim().to_string())
}

/// Frees `value` on a thread of its own. Freeing a large site's model and render state
/// takes a tenth of a second (10,000 cases) that nothing needs to wait for; a process that
/// exits first leaves the freeing to the kernel.
fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be made, `spawn` frees the value before it returns.
    let _ = std::thread::Builder::new().name("xianfeng-free".into()).spawn(move || drop(value));
}

/// Builds and writes to the output folder atomically: pages are written into a staging
/// folder as they are rendered, and the folder replaces the output only if the build succeeds.
/// With the build cache, an unchanged site is not built again, and unchanged files are linked
/// from the previous output instead of written (see `cache`).
pub fn build(opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let started = Instant::now();
    check_site_folder(&opts.site_root).map_err(|d| Diagnostics(vec![d]))?;
    let target = opts.output_dir();
    if let Err(d) = check_output_target(&opts.site_root, &target) {
        return Err(Diagnostics(vec![d]));
    }
    let mut cache = BuildCache::open(opts, today(opts));
    if let Some(record) = cache.unchanged(&target) {
        return Ok(up_to_date(record, started));
    }
    let removing = cache.replaced_outputs().and_then(crate::output::remove_outputs_in);
    let reuse = cache.reuse(&target);
    let staging = Staging::create(&target, reuse, cache.is_enabled()).map_err(|e| write_error(&target, e))?;
    let built = build_into(opts, &PageSink::Dir(staging.writer()), None);
    // Done with the earlier outputs before this build's output replaces another.
    if let Some(removing) = removing {
        let _ = removing.join();
    }
    let built = built?;
    let stage = StageTimer::new();
    let written = staging.commit(&built.output, cache.replaced_outputs().as_deref());
    stage.lap("write");
    let files = written.map_err(|e| write_error(&target, e))?;
    let warnings = crate::diagnostics::grouped(&built.warnings, opts.lang);
    cache.save(built.cases, built.pages, warnings, files);
    Ok(built)
}

/// The date the site model will measure future-dated cases against.
fn today(opts: &BuildOptions) -> NaiveDate {
    crate::site::today(opts.today, &load_config(&opts.site_root).0)
}

/// The result of a build skipped because nothing changed.
fn up_to_date(record: &crate::cache::Record, started: Instant) -> Built {
    Built {
        output: Output::default(),
        warnings: Vec::new(),
        cached_warnings: record.warnings.clone(),
        deferred_pdfs: Vec::new(),
        search_docs: Vec::new(),
        kept: None,
        cases: record.cases,
        pages: record.pages,
        rendered: 0,
        files: record.files.len(),
        millis: started.elapsed().as_millis(),
        up_to_date: true,
        external_links: BTreeMap::new(),
    }
}

fn write_error(target: impl AsRef<Path>, e: std::io::Error) -> Diagnostics {
    let target = target.as_ref();
    let d =
        Diagnostic::error("write", target, (format!("无法写出网站：{e}"), format!("could not write the site: {e}")))
            .hint((
                "检查输出文件夹的上一级文件夹是否存在、是否可写；上次的输出保持不变",
                "check that the output folder's parent exists and is writable; the previous output is unchanged",
            ));
    Diagnostics(vec![d])
}

/// A site folder holds site.yaml or content/: anything else is a mistyped path (exit 2, one
/// message), not a site with every file missing.
pub fn check_site_folder(site_root: &Path) -> Result<(), Diagnostic> {
    let is_site = site_root.join("site.yaml").exists()
        || site_root.join("site.yml").exists()
        || site_root.join("content").is_dir();
    if is_site {
        return Ok(());
    }
    let (what_zh, what_en) = if site_root.is_dir() {
        ("里既没有 site.yaml 也没有 content/", "holds neither site.yaml nor content/")
    } else {
        ("不存在", "does not exist")
    };
    let name = site_root.display();
    Err(Diagnostic::error(
        "no-site",
        site_root,
        (format!("{name} {what_zh}：这不是 xianfeng 网站"), format!("{name} {what_en}: it is not a xianfeng site")),
    )
    .hint((
        "给出网站所在的文件夹（有 site.yaml 和 content/ 的那个），或用 `xianfeng init <文件夹>` 新建一个",
        "give the site's folder (the one with site.yaml and content/), or make one with `xianfeng init <folder>`",
    )))
}

/// Refuses output folders a build must not replace: the site itself, one of its source
/// folders (or a folder inside one), and any existing folder xianfeng did not write (see
/// `output::check_replaceable`).
fn check_output_target(site_root: &Path, target: &Path) -> Result<(), Diagnostic> {
    let site = resolve(site_root);
    let out = resolve(target);
    let refuse = |message: Text, hint: Text| Err(Diagnostic::error("output-dir", target, message).hint(hint));
    let choose = || {
        Text::new(
            "另选一个专用的输出文件夹，例如 `-o public`（默认）",
            "choose an output folder of its own, e.g. `-o public` (the default)",
        )
    };
    let shown = out.display();
    if out.parent().is_none() || site.starts_with(&out) {
        return refuse(
            Text::new(
                format!("不能把网站写进 {shown}：网站本身就在里面"),
                format!("refusing to write the site into {shown}: it holds the site itself"),
            ),
            choose(),
        );
    }
    for source in ["content", "templates", "static", "themes", ".xianfeng"] {
        let dir = resolve(&site_root.join(source));
        if out.starts_with(&dir) {
            return refuse(
                Text::new(
                    format!("不能把网站写进 {shown}：它在网站的 `{source}/` 文件夹里"),
                    format!("refusing to write the site into {shown}: it is inside the site's `{source}/` folder"),
                ),
                choose(),
            );
        }
    }
    match crate::output::check_replaceable(target) {
        Ok(()) => Ok(()),
        Err(Refusal::NotAFolder) => refuse(
            Text::new(format!("{shown} 已经存在，而且不是文件夹"), format!("{shown} exists and is not a folder")),
            choose(),
        ),
        Err(Refusal::NotOurs) => refuse(
            Text::new(
                format!("不能替换 {shown}：它不是空的，也不是 xianfeng 写的"),
                format!("refusing to replace {shown}: it is not empty and was not written by xianfeng"),
            ),
            Text::new(
                format!(
                    "xianfeng 每次构建都会整个替换输出文件夹，并用 `{MARKER}` 标记自己写的文件夹；\
                     另选一个空的或新的文件夹，或者把文件从这里移走"
                ),
                format!(
                    "xianfeng replaces its output folder on every build, and marks the folders it writes with `{MARKER}`; \
                     choose an empty or new folder, or move the files out of this one"
                ),
            ),
        ),
        Err(Refusal::ForeignFiles(files)) => {
            let shown: Vec<&str> = files.iter().take(10).map(String::as_str).collect();
            let listed = shown.join(", ");
            let extra = files.len().saturating_sub(10);
            let (more_zh, more_en) =
                if extra > 0 { (format!(" 等，另有 {extra} 个"), format!(" and {extra} more")) } else { Default::default() };
            let folder = out.display();
            refuse(
                Text::new(
                    format!("不能替换 {folder}：里面有不是 xianfeng 写的文件：{listed}{more_zh}"),
                    format!("refusing to replace {folder}: it holds files xianfeng did not write: {listed}{more_en}"),
                ),
                Text::new(
                    "把这些文件移出输出文件夹（要发布的文件放在 static/ 里）；xianfeng 从不删除不是自己写的文件",
                    "move them out of the output folder (files to publish belong in static/); xianfeng never deletes a file it did not write",
                ),
            )
        }
    }
}

/// `path` made absolute with every link resolved, also when its last parts do not exist yet.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return missing.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Every path the build will write, with who writes it: the pages of the plan, static files
/// (and their fingerprinted copies), files beside the content, and xianfeng's own files.
fn output_claims(
    plan: &Plan,
    site: &Site,
    statics: &BTreeMap<String, Origin>,
    asset_plan: &BTreeMap<String, String>,
    root: &Path,
    images: &crate::images::ImageSet,
) -> Vec<Claim> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let mut claims = plan.claims(site);
    for (path, origin) in statics {
        let owner = match origin {
            Origin::Disk(p) => Owner::file(rel(p), None, ("一个静态文件", "a static file")),
            Origin::Embedded(_) => {
                Owner::generated((format!("默认主题的 `{path}`"), format!("the default theme's `{path}`")))
            }
        };
        if let Some(copy) = asset_plan.get(path) {
            claims.push(Claim { path: copy.clone(), folder: false, owner: owner.clone() });
        }
        claims.push(Claim { path: path.clone(), folder: false, owner });
    }
    for (src, out) in &site.assets {
        let owner = Owner::file(rel(src), None, ("内容旁边的一个文件", "a file beside the content"));
        let copies = image_copies(images, root, src, out).filter(|(path, _)| path != out);
        claims.extend(copies.map(|(path, _)| Claim { path, folder: false, owner: owner.clone() }));
        claims.push(Claim { path: out.clone(), folder: false, owner });
    }
    for (path, c) in crate::pdf::planned_paths(site) {
        let owner = Owner::file(c.rel_path.clone(), None, ("汇编的 PDF", "the compilation's PDF"));
        claims.push(Claim { path, folder: false, owner });
    }
    let mut generated = vec![
        (BRANDS_JSON, false, ("品牌墙的 brands.json", "the gallery's brands.json")),
        ("atom.xml", false, ("Atom 订阅", "the Atom feed")),
        ("robots.txt", false, ("robots.txt", "robots.txt")),
        ("sitemap.xml", false, ("站点地图", "the sitemap")),
        (MARKER, false, ("xianfeng 给输出文件夹做的标记", "xianfeng's marker of its output folder")),
    ];
    if site.config.search {
        let index = ("搜索索引", "the search index");
        generated.push((search::MANIFEST, false, index));
        generated.extend(search::FOLDERS.iter().map(|f| (*f, true, index)));
    }
    claims.extend(generated.into_iter().map(|(path, folder, what)| Claim {
        path: path.to_string(),
        folder,
        owner: Owner::generated(what),
    }));
    claims
}

/// Gives diagnostics that name a front-matter field but no line the line and column of that
/// field in its file (read again: this is the error path).
fn locate_fields(root: &Path, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .map(|d| {
            let (Some(field), 0) = (d.field.clone(), d.line) else { return d };
            let Ok(in_content) = d.file.strip_prefix("content") else { return d };
            let Some(file) = crate::content::load_one(root, in_content, &[], None).0 else { return d };
            let list_item = field.rsplit_once('[').map(|(key, _)| key);
            let known = |f: &str| file.positions.0.get(f).copied();
            match known(&field).or_else(|| list_item.and_then(known)) {
                Some((line, column)) => d.at(line, column),
                None => d,
            }
        })
        .collect()
}

/// The output paths and contents of the copies the images stage made of the file `src`
/// published at `out` (none for a file published as it is).
fn image_copies<'i>(
    images: &'i crate::images::ImageSet,
    root: &Path,
    src: &Path,
    out: &str,
) -> impl Iterator<Item = (String, Entry)> + 'i {
    let key = src.strip_prefix(root.join("content")).unwrap_or(src).to_string_lossy().replace('\\', "/");
    let dir = out.rfind('/').map_or(String::new(), |i| out[..=i].to_string());
    let files = images.images.get(&key).map(|p| p.files.as_slice()).unwrap_or_default();
    files.iter().map(move |f| (format!("{dir}{}", f.name), f.entry.clone()))
}

/// Theme and site static files, and the files beside content (images as the images stage
/// published them: the original bytes of a JPEG, PNG or WebP are never published).
fn add_statics(
    output: &mut Output,
    statics: &std::collections::BTreeMap<String, Origin>,
    site: &Site,
    images: &crate::images::ImageSet,
    root: &Path,
) {
    for (path, origin) in statics {
        let entry = match origin {
            Origin::Embedded(bytes) => Entry::Static(bytes),
            Origin::Disk(p) => Entry::Copy(p.clone()),
        };
        output.insert(path.clone(), entry);
    }
    for (src, out) in &site.assets {
        output.insert(out.clone(), Entry::Copy(src.clone()));
        for (path, entry) in image_copies(images, root, src, out) {
            output.insert(path, entry);
        }
    }
}

/// The files made from the rendered site rather than rendered: the gallery's brands.json, the
/// Atom feed, robots.txt and the sitemap (of the pages in `output`). The full build and
/// `serve`'s patch both make them here, so a patched site has what a fresh build writes.
pub fn add_derived(output: &mut Output, site: &Site) {
    let (brands, (atom, robots, sitemap)) = rayon::join(
        || crate::render::brands_json(site),
        || (feeds::atom(site), feeds::robots(site), sitemap(output, site)),
    );
    output.insert_bytes(BRANDS_JSON.into(), brands);
    output.insert_bytes("atom.xml".into(), atom.into_bytes());
    output.insert_bytes("robots.txt".into(), robots.into_bytes());
    output.insert_bytes("sitemap.xml".into(), sitemap.into_bytes());
}

/// The sitemap of the pages in `output`, redirect pages left out.
fn sitemap(output: &Output, site: &Site) -> String {
    let case_dates: HashMap<String, NaiveDate> =
        site.cases.iter().map(|c| (crate::site::paths::index_of(&c.out_dir), c.meta.date)).collect();
    let redirects = alias_dirs(site);
    let pages: Vec<(String, Option<NaiveDate>)> = output
        .files
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| p.strip_suffix("index.html").unwrap_or(p))
        .filter(|dir| !redirects.contains(dir.trim_end_matches('/')))
        .map(|dir| (site.url(dir), case_dates.get(&format!("{dir}index.html")).copied()))
        .collect();
    feeds::sitemap(site, &pages)
}

/// Output folders of redirect pages (`aliases:`), which the sitemap leaves out.
fn alias_dirs(site: &Site) -> HashSet<String> {
    site.redirects.iter().map(|r| crate::site::paths::dir_of_page(&r.path).trim_end_matches('/').to_string()).collect()
}

/// The search index files of `docs`.
pub fn search_output<D: std::borrow::Borrow<search::SearchDoc> + Sync>(docs: &[D]) -> Output {
    let mut output = Output::default();
    for file in search::build_index(docs) {
        output.insert_bytes(file.path, file.bytes);
    }
    output
}
