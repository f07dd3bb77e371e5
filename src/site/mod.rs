//! The site model: every published case, compilation and page with its URL, rendered body,
//! taxonomy terms and relations. Built once from loaded content, then only read (in parallel)
//! by rendering.
//!
//! This stage also raises the errors that need the whole site: duplicate slugs, `related`
//! slugs and compilation entries that name no case, `@/` links to missing anchors.

pub mod links;
pub mod markdown_memo;
pub mod paths;
pub mod taxonomy;

use crate::chinese;
use crate::config::SiteConfig;
use crate::content::model::{CaseMeta, CompilationMeta, FieldPositions, Kind, Lang, Meta, PageMeta, SourceFile};
use crate::content::placeholders::placeholders_left;
use crate::content::Loaded;
use crate::diagnostics::{Diagnostic, Text};
use crate::markdown::{MarkdownOptions, Rendered};
use chrono::NaiveDate;
use links::{FileLinks, LinkContext};
use markdown_memo::render_markdown;
pub use markdown_memo::MarkdownMemo;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
pub use taxonomy::{Taxonomy, Term};

/// Choices that change what is published.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    pub drafts: bool,
    /// "Today" in the site's timezone; cases dated later are left out unless `drafts`.
    pub today: Option<NaiveDate>,
}

pub struct Site {
    pub config: SiteConfig,
    /// The date future-dated content is measured against.
    pub today: chrono::NaiveDate,
    pub base_path: String,
    /// Newest first (date, then weight, then slug).
    pub cases: Vec<Case>,
    pub compilations: Vec<Compilation>,
    pub pages: Vec<Page>,
    /// `_index.md` files by folder (`""` is the home page, `"cases"` the case list).
    pub sections: BTreeMap<String, Page>,
    pub taxonomies: Vec<Taxonomy>,
    /// Files copied as they are: (source on disk, output path relative to the output root).
    pub assets: Vec<(PathBuf, String)>,
    /// The content files and their URLs, for resolving links (see `links`).
    pub links: LinkContext,
    /// Redirect pages (`aliases:`), in the order of the files and their aliases.
    pub redirects: Vec<Redirect>,
    /// Taxonomy values' keys, as folded so far (see [`Site::term_key`]).
    pub term_keys: chinese::TermKeys,
}

/// A redirect page written for an alias of a case, compilation or page.
pub struct Redirect {
    /// Output path (`old/x/index.html`), however the alias was spelled.
    pub path: String,
    /// Root-relative URL of the page it leads to.
    pub to: String,
    /// The file whose `aliases[index]` it is.
    pub source: PathBuf,
    pub index: usize,
}

pub struct Case {
    pub meta: CaseMeta,
    pub rel_path: PathBuf,
    pub slug: String,
    /// Output folder relative to the output root: `cases/<slug>`.
    pub out_dir: String,
    /// Root-relative URL with base path: `/showcase/cases/<slug>/`.
    pub url: String,
    pub rendered: Rendered,
    pub lang: Lang,
    pub cover_url: Option<String>,
    /// The cover's size and copies, when the build processed it (see `images`).
    pub cover_picture: Option<crate::images::Picture>,
    /// `logo.src` as a URL of the output, like `cover_url`.
    pub logo_url: Option<String>,
    /// The logo's size and copies, like `cover_picture`.
    pub logo_picture: Option<crate::images::Picture>,
    /// Compilations holding this case, with the case's number there (`三`), if numbered.
    pub compilations: Vec<(usize, Option<String>)>,
    /// `description:`, or the first sentences of the text when the file gives none.
    pub description: String,
    /// 字数 of the body as Chinese editors count it (`chinese::char_count`).
    pub char_count: usize,
    pub related: Vec<usize>,
    /// Compilations `related:` names (an editor relating a case to the 汇编 it appears in).
    pub related_compilations: Vec<usize>,
    /// Previous / next case of the same organisation, by date.
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

pub struct Compilation {
    pub meta: CompilationMeta,
    pub rel_path: PathBuf,
    pub slug: String,
    pub out_dir: String,
    pub url: String,
    pub rendered: Rendered,
    pub chapters: Vec<ResolvedChapter>,
}

impl Compilation {
    /// The output path of its PDF: `compilations/<slug>/<slug>.pdf`.
    pub fn pdf_path(&self) -> String {
        format!("{}/{}.pdf", self.out_dir.trim_end_matches('/'), self.slug)
    }
}

pub struct ResolvedChapter {
    pub index: usize,
    pub entries: Vec<ResolvedEntry>,
}

pub struct ResolvedEntry {
    pub case: usize,
    /// Number across chapters (1-based), `None` for 存目 entries.
    pub number: Option<usize>,
    pub note: Option<String>,
}

pub struct Page {
    pub meta: PageMeta,
    pub rel_path: PathBuf,
    pub out_dir: String,
    pub url: String,
    pub rendered: Rendered,
}

impl Site {
    /// `chinese::term_key` of a taxonomy value, remembered for this site.
    pub fn term_key(&self, value: &str) -> String {
        self.term_keys.key(value)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base_path, path.trim_start_matches('/'))
    }

    pub fn permalink(&self, url: &str) -> String {
        let origin = origin_of(self.config.base_url_trimmed());
        format!("{origin}{url}")
    }

    pub fn taxonomy(&self, key: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.key == key)
    }
}

/// `https://host/showcase` → `https://host`.
fn origin_of(base_url: &str) -> &str {
    let after = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after..].find('/') {
        Some(i) => &base_url[..after + i],
        None => base_url,
    }
}

/// Builds the model. Errors are returned with the model; the caller decides whether to go on.
pub fn build_model(
    config: SiteConfig,
    loaded: Loaded,
    site_root: &Path,
    opts: &ModelOptions,
    memo: Option<&MarkdownMemo>,
    images: &crate::images::ImageSet,
) -> (Site, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let base_path = config.base_path();
    let today = today(opts.today, &config);
    let mut link_context =
        LinkContext { base_path: base_path.clone(), images: images.images.clone(), ..LinkContext::default() };
    link_context.files.extend(loaded.assets.iter().map(|a| a.to_string_lossy().replace('\\', "/")));
    link_context.files.extend(loaded.files.iter().map(|f| content_key(&f.rel_path)));
    for rel in &loaded.failed {
        let key = content_key(rel);
        link_context.files.insert(key.clone());
        link_context
            .failed
            .insert(key.clone(), format!("{base_path}/{}/", key.trim_end_matches(".md").trim_end_matches("/index")));
    }
    let (mut published, unpublished): (Vec<SourceFile>, Vec<SourceFile>) =
        loaded.files.into_iter().partition(|f| is_published(f, opts.drafts, today));
    link_context.unpublished.extend(unpublished.iter().map(|f| content_key(&f.rel_path)));

    let placed = place_files(&published, &base_path, &mut diagnostics);
    link_context.urls = placed.iter().map(|p| (content_key(&published[p.file].rel_path), p.url.clone())).collect();
    let links = &link_context;
    let md_options = MarkdownOptions { allow_html: config.markdown.allow_html };
    // Each body is dropped once rendered (a large site never holds all the Markdown and all
    // the HTML at once); the case's script is read from its opening while it is at hand.
    for file in published.iter() {
        if let Meta::Case(meta) = &file.meta {
            diagnostics.extend(placeholders_left(meta, file));
        }
    }
    let bodies: Vec<std::sync::Mutex<String>> =
        published.iter_mut().map(|f| std::sync::Mutex::new(std::mem::take(&mut f.body))).collect();
    let rendered: Vec<(Rendered, Option<Lang>)> = placed
        .par_iter()
        .map(|p| {
            let file = &published[p.file];
            let body = std::mem::take(&mut *bodies[p.file].lock().unwrap_or_else(|e| e.into_inner()));
            let resolver = p.links(links, &file.rel_path);
            let html = render_markdown(&body, &md_options, &resolver, &file.rel_path, file.body_line, memo);
            let lang = match &file.meta {
                Meta::Case(meta) => Some(case_lang(meta, &body)),
                _ => None,
            };
            (html, lang)
        })
        .collect();
    drop(bodies);

    let mut site = Site {
        today,
        base_path: base_path.clone(),
        cases: Vec::new(),
        compilations: Vec::new(),
        pages: Vec::new(),
        sections: BTreeMap::new(),
        taxonomies: Vec::new(),
        assets: Vec::new(),
        links: LinkContext::default(),
        redirects: Vec::new(),
        term_keys: Default::default(),
        config,
    };
    for (p, (rendered, lang)) in placed.into_iter().zip(rendered) {
        diagnostics.extend(rendered.diagnostics.iter().cloned());
        let file = &mut published[p.file];
        // The metadata moves into the model; `published` keeps paths and field positions.
        let meta = std::mem::replace(&mut file.meta, Meta::Page(Box::default()));
        let file = &published[p.file];
        match meta {
            Meta::Case(mut meta) => {
                let lang = lang.unwrap_or(meta.lang);
                diagnostics.extend(refuse_unsafe_urls(&mut meta, &file.rel_path, &file.positions));
                let file_links = p.links(links, &file.rel_path);
                site.cases.push(new_case(*meta, file.rel_path.clone(), p, rendered, lang, &file_links));
            }
            Meta::Compilation(meta) => {
                site.compilations.push(Compilation {
                    meta: *meta,
                    rel_path: file.rel_path.clone(),
                    slug: p.slug,
                    out_dir: p.out_dir,
                    url: p.url,
                    rendered,
                    chapters: Vec::new(),
                });
            }
            Meta::Page(meta) => {
                let page =
                    Page { meta: *meta, rel_path: file.rel_path.clone(), out_dir: p.out_dir, url: p.url, rendered };
                if file.kind == Kind::Section {
                    site.sections.insert(section_key(&file.rel_path), page);
                } else {
                    site.pages.push(page);
                }
            }
        }
    }

    site.cases.sort_by(|a, b| (b.meta.date, a.meta.weight, &a.slug).cmp(&(a.meta.date, b.meta.weight, &b.slug)));
    site.compilations.sort_by(|a, b| (b.meta.date, &a.slug).cmp(&(a.meta.date, &b.slug)));
    site.pages.sort_by(|a, b| (a.meta.weight, &a.url).cmp(&(b.meta.weight, &b.url)));

    check_anchors(&site, &mut diagnostics);
    let slugs = Slugs::new(&site, &unpublished, &loaded.failed);
    link_related(&mut site, &published, &slugs, &mut diagnostics);
    link_compilations(&mut site, &slugs, &mut diagnostics);
    link_org_neighbours(&mut site);
    site.taxonomies = taxonomy::build_taxonomies(&site);
    site.assets = place_assets(&loaded.assets, &site, site_root);
    site.links = link_context;
    site.redirects = redirects(&site);
    (site, diagnostics)
}

/// The redirect page of every alias (the front-matter stage kept only aliases that make a path).
fn redirects(site: &Site) -> Vec<Redirect> {
    let pages = site
        .cases
        .iter()
        .map(|c| (&c.rel_path, &c.meta.aliases, &c.url))
        .chain(site.compilations.iter().map(|c| (&c.rel_path, &c.meta.aliases, &c.url)))
        .chain(site.pages.iter().map(|p| (&p.rel_path, &p.meta.aliases, &p.url)));
    let mut out = Vec::new();
    for (rel_path, aliases, url) in pages {
        for (index, alias) in aliases.iter().enumerate() {
            if let Ok(path) = paths::alias_path(alias) {
                out.push(Redirect { path, to: url.clone(), source: rel_path.clone(), index });
            }
        }
    }
    out
}

/// Case `index` made again from a new version of its file, for `serve` after an edit that
/// leaves the case where it was: same slug, date and terms (the caller checks), so only what
/// comes from the text and the display fields changes. The body is rendered as `build_model`
/// renders it; the diagnostics of that are returned with the case.
pub fn remade_case(
    site: &Site,
    index: usize,
    file: SourceFile,
    memo: Option<&MarkdownMemo>,
) -> Option<(Case, Vec<Diagnostic>)> {
    let old = &site.cases[index];
    let Meta::Case(meta) = &file.meta else { return None };
    let placeholders = placeholders_left(meta, &file);
    let Meta::Case(mut meta) = file.meta else { return None };
    let mut unsafe_urls = refuse_unsafe_urls(&mut meta, &file.rel_path, &file.positions);
    unsafe_urls.extend(placeholders);
    let dir_url = own_dir_url(&content_key(&file.rel_path), &format!("/cases/{}/", old.slug));
    let place = Placed { file: 0, slug: old.slug.clone(), out_dir: old.out_dir.clone(), url: old.url.clone(), dir_url };
    let links = place.links(&site.links, &file.rel_path);
    let md_options = MarkdownOptions { allow_html: site.config.markdown.allow_html };
    let rendered = render_markdown(&file.body, &md_options, &links, &file.rel_path, file.body_line, memo);
    let lang = case_lang(&meta, &file.body);
    let mut diagnostics = rendered.diagnostics.clone();
    diagnostics.extend(unsafe_urls);
    let mut case = new_case(*meta, file.rel_path, place, rendered, lang, &links);
    // Relations come from the other cases, which the edit did not move.
    case.compilations.clone_from(&old.compilations);
    case.related.clone_from(&old.related);
    case.related_compilations.clone_from(&old.related_compilations);
    (case.previous, case.next) = (old.previous, old.next);
    Some((case, diagnostics))
}

/// A case where `place` puts it, its body rendered; its relations (compilations, related,
/// neighbours) are linked later, across all cases.
fn new_case(
    meta: CaseMeta,
    rel_path: PathBuf,
    place: Placed,
    rendered: Rendered,
    lang: Lang,
    links: &FileLinks,
) -> Case {
    Case {
        description: case_description(&meta, &rendered),
        char_count: chinese::char_count(&rendered.text),
        cover_url: meta.cover.as_ref().map(|c| links.rewrite(&c.src)),
        cover_picture: meta.cover.as_ref().and_then(|c| links.picture(&c.src, &links.rewrite(&c.src))),
        logo_url: meta.identity.logo.as_ref().map(|l| links.rewrite(&l.src)),
        logo_picture: meta.identity.logo.as_ref().and_then(|l| links.picture(&l.src, &links.rewrite(&l.src))),
        meta,
        rel_path,
        slug: place.slug,
        out_dir: place.out_dir,
        url: place.url,
        rendered,
        lang,
        compilations: Vec::new(),
        related: Vec::new(),
        related_compilations: Vec::new(),
        previous: None,
        next: None,
    }
}

/// Takes out of a case's front matter every URL the sanitiser refuses (`javascript:`,
/// `data:`), each with a warning naming its field and line: the page shows the rest.
fn refuse_unsafe_urls(meta: &mut CaseMeta, rel_path: &Path, positions: &FieldPositions) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let mut refuse = |field: String, url: &str| -> bool {
        let Err(why) = crate::urls::check(url) else { return false };
        let (line, column) = positions.get(&field);
        warnings.push(
            Diagnostic::warning("unsafe-url", rel_path, {
                let why = why.describe();
                (format!("`{url}` 已去掉：{}", why.zh), format!("`{url}` is left out: {}", why.en))
            })
            .at(line, column)
            .field(field)
            .expected((
                "相对路径，或 http、https、mailto、tel 网址",
                "a relative path, or an http, https, mailto or tel URL",
            ))
            .hint(("只发布网页、邮件和电话链接", "only web, mail and phone links are published")),
        );
        true
    };
    for (i, source) in meta.sources.iter_mut().enumerate() {
        if source.url.as_deref().is_some_and(|url| refuse(format!("sources[{i}].url"), url)) {
            source.url = None;
        }
    }
    if meta.cover.as_ref().is_some_and(|c| refuse("cover.src".into(), &c.src)) {
        meta.cover = None;
    }
    if meta.identity.logo.as_ref().is_some_and(|l| refuse("logo.src".into(), &l.src)) {
        meta.identity.logo = None;
    }
    warnings
}

/// `description:`, or the first sentences of the text when the file gives none.
fn case_description(meta: &CaseMeta, rendered: &Rendered) -> String {
    match meta.description.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => d.to_string(),
        None => crate::chinese::excerpt(&rendered.text, 120),
    }
}

/// The `broken-anchor` errors of the whole site (see `build_model`).
pub fn anchor_errors(site: &Site) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    check_anchors(site, &mut diagnostics);
    diagnostics
}

/// The date future-dated content is measured against: `fixed` (tests), else today in the
/// site's timezone.
pub fn today(fixed: Option<chrono::NaiveDate>, config: &SiteConfig) -> chrono::NaiveDate {
    fixed.unwrap_or_else(|| chrono::Utc::now().with_timezone(&config.tz()).date_naive())
}

/// Whether a file is published, `today` being the site's date (drafts and future dates are
/// left out unless `drafts`).
pub fn is_published(file: &SourceFile, drafts: bool, today: NaiveDate) -> bool {
    if drafts {
        return true;
    }
    match &file.meta {
        Meta::Case(m) => !m.draft && m.date <= today,
        Meta::Compilation(m) => !m.draft && m.date <= today,
        Meta::Page(m) => !m.draft && m.date.is_none_or(|d| d <= today),
    }
}

/// The language of a case: as declared, or Traditional when its title and opening are
/// written so (editors often forget `lang: zh-Hant`).
fn case_lang(meta: &CaseMeta, body: &str) -> Lang {
    if meta.lang == Lang::Hant {
        return meta.lang;
    }
    let sample: String = meta.title.chars().chain(body.chars().take(300)).collect();
    if chinese::looks_traditional(&sample) {
        Lang::Hant
    } else {
        meta.lang
    }
}

/// Where one published file goes.
struct Placed {
    file: usize,
    slug: String,
    out_dir: String,
    url: String,
    /// URL folder that relative links in the file are relative to (no base path).
    dir_url: String,
}

impl Placed {
    /// The link resolver of `file`, placed here.
    fn links<'a>(&self, context: &'a LinkContext, rel_path: &Path) -> FileLinks<'a> {
        let page_url = if self.out_dir.is_empty() { "/".to_string() } else { format!("/{}/", self.out_dir) };
        context.for_file(&content_key(rel_path), &self.dir_url, &page_url)
    }
}

/// `cases/x.md` / `cases/x/index.md` as written in `@/` links.
fn content_key(rel_path: &Path) -> String {
    let s = rel_path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("content/").unwrap_or(&s).to_string()
}

fn section_key(rel_path: &Path) -> String {
    let key = content_key(rel_path);
    key.trim_end_matches("_index.md").trim_end_matches('/').to_string()
}

/// Gives every file its slug and URL; duplicate slugs are errors naming both files.
fn place_files(files: &[SourceFile], base_path: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Placed> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut placed = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let key = content_key(&file.rel_path);
        let stem = file_stem_slug(&key);
        let (slug, out_dir, dir_url) = match (&file.meta, file.kind) {
            (Meta::Case(m), _) => {
                let slug = m.slug.clone().unwrap_or(stem);
                (slug.clone(), format!("cases/{slug}"), own_dir_url(&key, &format!("/cases/{slug}/")))
            }
            (Meta::Compilation(m), _) => {
                let slug = m.slug.clone().unwrap_or(stem);
                (slug.clone(), format!("compilations/{slug}"), own_dir_url(&key, &format!("/compilations/{slug}/")))
            }
            (Meta::Page(_), Kind::Section) => {
                let dir = section_key(&file.rel_path);
                let url_dir = if dir.is_empty() { "/".to_string() } else { format!("/{dir}/") };
                (dir.clone(), dir, url_dir)
            }
            (Meta::Page(m), _) => {
                let parent = key.rsplit_once('/').map_or("", |(d, _)| d);
                let slug = m.slug.clone().unwrap_or(stem);
                let out_dir = if parent.is_empty() { slug.clone() } else { format!("{parent}/{slug}") };
                let dir_url = if parent.is_empty() { "/".to_string() } else { format!("/{parent}/") };
                (slug, out_dir, dir_url)
            }
        };
        if file.kind != Kind::Section {
            if let Err(d) = check_slug(file, &out_dir) {
                diagnostics.push(d);
                continue;
            }
            if let Some(&other) = seen.get(&out_dir) {
                let (line, column) = file.positions.get("slug");
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-slug",
                        &file.rel_path,
                        (
                            format!("`{out_dir}/` 也是 {} 的页面", files[other].rel_path.display()),
                            format!("`{out_dir}/` is also the page of {}", files[other].rel_path.display()),
                        ),
                    )
                    .at(line, column)
                    .field("slug")
                    .expected(("别的文件没用过的 slug", "a slug no other file uses"))
                    .hint((
                        "给两个文件中的一个另写 `slug:`（或给文件改名）",
                        "give one of the two files its own `slug:` (or rename the file)",
                    )),
                );
                continue;
            }
            seen.insert(out_dir.clone(), i);
        }
        let url = if out_dir.is_empty() { format!("{base_path}/") } else { format!("{base_path}/{out_dir}/") };
        placed.push(Placed { file: i, slug, out_dir, url, dir_url });
    }
    placed
}

/// The folders a page's file sits in and its file name (when no `slug:` names the page)
/// must make a path that can be written and reached (see `urls::check_segment`; a `slug:`
/// was checked with the front matter).
fn check_slug(file: &SourceFile, out_dir: &str) -> Result<(), Diagnostic> {
    let Some((segment, problem)) = out_dir.split('/').find_map(|s| paths::check_segment(s).err().map(|p| (s, p)))
    else {
        return Ok(());
    };
    let problem = problem.describe(segment);
    let message = (format!("页面地址不可用：{}", problem.zh), format!("the page's address {}", problem.en));
    Err(Diagnostic::error("invalid-slug", &file.rel_path, message)
        .expected((
            "由字母、数字、汉字、`-` 和 `_` 组成的文件名和文件夹名（例如 zhuhai-caizheng-rang-wo-xian-lai.md）",
            "file and folder names of letters, digits, Chinese, `-` and `_` (e.g. zhuhai-caizheng-rang-wo-xian-lai.md)",
        ))
        .hint((
            "给文件（或它的文件夹）改名，或给页面写一个 `slug:`",
            "rename the file (or its folder), or give the page a `slug:`",
        )))
}

/// The slug of a case file: its `slug:`, else its file (or folder) name; None for other kinds.
pub fn case_slug(file: &SourceFile) -> Option<String> {
    match &file.meta {
        Meta::Case(m) => Some(m.slug.clone().unwrap_or_else(|| file_stem_slug(&content_key(&file.rel_path)))),
        _ => None,
    }
}

/// `cases/x/index.md` → `x`; `cases/x.md` → `x`.
fn file_stem_slug(key: &str) -> String {
    let without_ext = key.trim_end_matches(".md");
    let without_index = without_ext.strip_suffix("/index").unwrap_or(without_ext);
    without_index.rsplit('/').next().unwrap_or(without_index).to_string()
}

/// A folder case (`x/index.md`) has its assets beside it at its own URL; a single file's
/// relative links are relative to the folder it sits in.
fn own_dir_url(key: &str, page_url: &str) -> String {
    if key.ends_with("/index.md") {
        page_url.to_string()
    } else {
        match key.rsplit_once('/') {
            Some((dir, _)) => format!("/{dir}/"),
            None => "/".to_string(),
        }
    }
}

/// `@/file.md#anchor` links must name a heading that exists on that page.
fn check_anchors(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<String, HashSet<&str>> = HashMap::new();
    let rendered_items = site
        .cases
        .iter()
        .map(|c| (&c.rel_path, &c.rendered))
        .chain(site.compilations.iter().map(|c| (&c.rel_path, &c.rendered)))
        .chain(site.pages.iter().map(|p| (&p.rel_path, &p.rendered)))
        .chain(site.sections.values().map(|p| (&p.rel_path, &p.rendered)));
    let all: Vec<_> = rendered_items.collect();
    for (path, rendered) in &all {
        ids.insert(content_key(path), rendered.heading_ids.iter().map(String::as_str).collect());
    }
    for (path, rendered) in &all {
        for link in &rendered.internal_links {
            let Some(anchor) = &link.anchor else { continue };
            let Some(target_ids) = ids.get(&link.target) else { continue };
            if !target_ids.contains(anchor.as_str()) {
                let mut known: Vec<&str> = target_ids.iter().copied().collect();
                known.sort();
                diagnostics.push(
                    Diagnostic::error(
                        "broken-anchor",
                        *path,
                        (
                            format!("`@/{}#{anchor}`：那个页面没有 id 为 `{anchor}` 的标题", link.target),
                            format!("`@/{}#{anchor}`: that page has no heading with id `{anchor}`", link.target),
                        ),
                    )
                    .at(link.line, link.column)
                    .expected((format!("以下之一：{}", known.join(", ")), format!("one of: {}", known.join(", "))))
                    .hint((
                        "标题的 id 保留汉字、去掉标点：`## 一、主要做法` 的 id 是 `一主要做法`",
                        "heading ids keep Chinese and drop punctuation: `## 一、主要做法` has the id `一主要做法`",
                    )),
                );
            }
        }
    }
}

/// Every slug the content folder names, of every kind, published or not: so a name that is
/// not a published case is told apart from one of a compilation or a page, a draft, or a
/// file that failed to parse (whose own error is the one to fix, so nothing more is said).
struct Slugs {
    cases: HashMap<String, usize>,
    compilations: HashMap<String, usize>,
    pages: HashMap<String, PathBuf>,
    unpublished: HashMap<String, PathBuf>,
    failed: HashMap<String, PathBuf>,
}

/// What a slug names.
enum Named<'a> {
    Case(usize),
    Compilation(usize),
    Page(&'a Path),
    Unpublished(&'a Path),
    Failed,
    Nothing,
}

impl Slugs {
    fn new(site: &Site, unpublished: &[SourceFile], failed: &[PathBuf]) -> Slugs {
        let stem = |p: &Path| file_stem_slug(&content_key(p));
        let slug_of = |f: &SourceFile| {
            let declared = match &f.meta {
                Meta::Case(m) => m.slug.clone(),
                Meta::Compilation(m) => m.slug.clone(),
                Meta::Page(m) => m.slug.clone(),
            };
            declared.unwrap_or_else(|| stem(&f.rel_path))
        };
        Slugs {
            cases: site.cases.iter().enumerate().map(|(i, c)| (c.slug.clone(), i)).collect(),
            compilations: site.compilations.iter().enumerate().map(|(i, c)| (c.slug.clone(), i)).collect(),
            pages: site.pages.iter().map(|p| (stem(&p.rel_path), p.rel_path.clone())).collect(),
            unpublished: unpublished.iter().map(|f| (slug_of(f), f.rel_path.clone())).collect(),
            failed: failed.iter().map(|p| (stem(p), p.clone())).collect(),
        }
    }

    /// What `slug` names, a published case first.
    fn find(&self, slug: &str) -> Named<'_> {
        if let Some(&i) = self.cases.get(slug) {
            Named::Case(i)
        } else if let Some(&i) = self.compilations.get(slug) {
            Named::Compilation(i)
        } else if self.failed.contains_key(slug) {
            Named::Failed
        } else if let Some(p) = self.unpublished.get(slug) {
            Named::Unpublished(p)
        } else if let Some(p) = self.pages.get(slug) {
            Named::Page(p)
        } else {
            Named::Nothing
        }
    }

    /// "did you mean": the closest slug of any kind.
    fn suggestion(&self, slug: &str) -> Text {
        let all = self.cases.keys().chain(self.compilations.keys()).chain(self.pages.keys());
        let best = all
            .map(|k| (strsim::jaro_winkler(slug, k), k))
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
        match best {
            Some((_, k)) => Text::new(format!("是不是要写 `{k}`？"), format!("did you mean `{k}`?")),
            None => Text::new(
                "对照 content/cases/ 和 content/compilations/ 里的文件名检查 slug（草稿和日期在未来的案例不加 --drafts 时不包括在内）",
                "check the slug against the file names in content/cases/ and content/compilations/ (drafts and future-dated cases are left out unless --drafts)",
            ),
        }
    }
}

/// A relation to a draft is left out until the draft is published.
fn unpublished_warning(
    file: &Path,
    field: String,
    (line, column): (usize, usize),
    slug: &str,
    draft: &Path,
    what: (&str, &str),
) -> Diagnostic {
    let draft = draft.display();
    Diagnostic::warning(
        "unpublished-case",
        file,
        (
            format!("`{slug}` 是草稿或日期在未来（{draft}）：发布之前{}", what.0),
            format!("`{slug}` is a draft or future-dated ({draft}): {} until it is published", what.1),
        ),
    )
    .at(line, column)
    .field(field)
    .hint((
        "加 --drafts 构建可以看到它，或者发布它（draft: false，日期不在未来）",
        "build with --drafts to see it, or publish it (draft: false, a date not in the future)",
    ))
}

fn link_related(site: &mut Site, files: &[SourceFile], slugs: &Slugs, diagnostics: &mut Vec<Diagnostic>) {
    for i in 0..site.cases.len() {
        let (mut related, mut compilations) = (Vec::new(), Vec::new());
        let case = &site.cases[i];
        for (k, slug) in case.meta.related.iter().enumerate() {
            let field = format!("related[{k}]");
            let at = positions_of(files, &case.rel_path, &field);
            let error = |message: Text, hint: Text| {
                Diagnostic::error("missing-case", &case.rel_path, message)
                    .at(at.0, at.1)
                    .field(field.clone())
                    .expected((
                        "案例或汇编的 slug（文件名去掉 .md，或它的 `slug:`）",
                        "the slug of a case or a compilation (its file name without .md, or its `slug:`)",
                    ))
                    .hint(hint)
            };
            match slugs.find(slug) {
                Named::Case(j) if j != i => related.push(j),
                Named::Case(_) | Named::Failed => {}
                Named::Compilation(c) => compilations.push(c),
                Named::Unpublished(draft) => {
                    let what = ("“相关”里不列出它", "it is left out of 相关");
                    diagnostics.push(unpublished_warning(&case.rel_path, field.clone(), at, slug, draft, what));
                }
                Named::Page(page) => diagnostics.push(error(
                    Text::new(
                        format!("`related` 写了 `{slug}`，它是一个页面（{}），不是案例或汇编", page.display()),
                        format!(
                            "`related` names `{slug}`, which is a page ({}), not a case or a compilation",
                            page.display()
                        ),
                    ),
                    Text::new(
                        "改为在正文里链接这个页面，例如 [关于本站](@/about.md)",
                        "link to a page from the text instead, e.g. [关于本站](@/about.md)",
                    ),
                )),
                Named::Nothing => diagnostics.push(error(
                    Text::new(
                        format!("`related` 写了 `{slug}`，但没有哪个案例或汇编用这个 slug"),
                        format!("`related` names `{slug}`, but no case or compilation has that slug"),
                    ),
                    slugs.suggestion(slug),
                )),
            }
        }
        site.cases[i].related = related;
        site.cases[i].related_compilations = compilations;
    }
}

fn positions_of(files: &[SourceFile], rel_path: &Path, field: &str) -> (usize, usize) {
    files.iter().find(|f| f.rel_path == rel_path).map_or((1, 1), |f| f.positions.get(field))
}

fn link_compilations(site: &mut Site, slugs: &Slugs, diagnostics: &mut Vec<Diagnostic>) {
    let mut memberships: Vec<Vec<(usize, Option<String>)>> = vec![Vec::new(); site.cases.len()];
    let compilation_files: Vec<PathBuf> = site.compilations.iter().map(|c| c.rel_path.clone()).collect();
    for (ci, comp) in site.compilations.iter_mut().enumerate() {
        let mut number = 0;
        let mut chapters = Vec::new();
        // Slug → where the compilation lists it first.
        let mut listed: HashMap<&str, (usize, usize)> = HashMap::new();
        for (index, chapter) in comp.meta.chapters.iter().enumerate() {
            let mut entries = Vec::new();
            for entry in &chapter.cases {
                if let Some(&(line, _)) = listed.get(entry.slug.as_str()) {
                    diagnostics.push(
                        Diagnostic::error(
                            "duplicate-entry",
                            &comp.rel_path,
                            (
                                format!(
                                    "汇编 `{}` 把案例 `{}` 列了两次：第 {line} 行和第 {} 行",
                                    comp.slug, entry.slug, entry.line
                                ),
                                format!(
                                    "compilation `{}` lists the case `{}` twice: at lines {line} and {}",
                                    comp.slug, entry.slug, entry.line
                                ),
                            ),
                        )
                        .at(entry.line.max(1), entry.column.max(1))
                        .field(format!("chapters[{index}].cases"))
                        .expected(("每个案例在一本汇编里只出现一次", "each case once in a compilation"))
                        .hint((
                            "删去两处中的一处（一个案例可以收进几本汇编，每本一次）",
                            "remove one of the two entries (a case can appear in several compilations, once in each)",
                        )),
                    );
                    continue;
                }
                listed.insert(&entry.slug, (entry.line, entry.column));
                let field = format!("chapters[{index}].cases");
                let at = (entry.line.max(1), entry.column.max(1));
                let error = |message: Text, hint: Text| {
                    Diagnostic::error("missing-case", &comp.rel_path, message)
                        .at(at.0, at.1)
                        .field(field.clone())
                        .expected(("已发布案例的 slug", "the slug of a published case"))
                        .hint(hint)
                };
                let (slug, title) = (&entry.slug, &comp.slug);
                let problem = match slugs.find(slug) {
                    Named::Case(case) => Ok(case),
                    Named::Failed => continue,
                    Named::Unpublished(draft) => {
                        let what = ("汇编里不收它", "the compilation leaves it out");
                        Err(unpublished_warning(&comp.rel_path, field.clone(), at, slug, draft, what))
                    }
                    Named::Compilation(c) => Err(error(
                        Text::new(
                            format!(
                                "汇编 `{title}` 列了 `{slug}`，它是一本汇编（{}），不是案例",
                                compilation_files[c].display()
                            ),
                            format!(
                                "compilation `{title}` lists `{slug}`, which is a compilation ({}), not a case",
                                compilation_files[c].display()
                            ),
                        ),
                        Text::new(
                            "汇编只收案例；改为列出那本汇编里的案例",
                            "a compilation lists cases; name the cases of the other compilation instead",
                        ),
                    )),
                    Named::Page(page) => Err(error(
                        Text::new(
                            format!("汇编 `{title}` 列了 `{slug}`，它是一个页面（{}），不是案例", page.display()),
                            format!(
                                "compilation `{title}` lists `{slug}`, which is a page ({}), not a case",
                                page.display()
                            ),
                        ),
                        Text::new(
                            "汇编按 slug 列出案例（content/cases/ 里的文件名去掉 .md）",
                            "a compilation lists cases by their slug (the file name in content/cases/ without .md)",
                        ),
                    )),
                    Named::Nothing => Err(error(
                        Text::new(
                            format!("汇编 `{title}` 列的案例 `{slug}` 不存在"),
                            format!("compilation `{title}` lists the case `{slug}`, which does not exist"),
                        ),
                        slugs.suggestion(slug),
                    )),
                };
                let case = match problem {
                    Ok(case) => case,
                    Err(d) => {
                        diagnostics.push(d);
                        continue;
                    }
                };
                let numbered = entry.numbered.then(|| {
                    number += 1;
                    number
                });
                let label = numbered.map(|n| number_label(n, comp.meta.numbering));
                memberships[case].push((ci, label));
                entries.push(ResolvedEntry { case, number: numbered, note: entry.note.clone() });
            }
            chapters.push(ResolvedChapter { index, entries });
        }
        comp.chapters = chapters;
    }
    for (case, m) in site.cases.iter_mut().zip(memberships) {
        case.compilations = m;
    }
}

/// `一` or `1`, as the compilation numbers its cases.
pub fn number_label(n: usize, numbering: crate::content::model::Numbering) -> String {
    match numbering {
        crate::content::model::Numbering::Chinese => chinese::cn_number(n as u64),
        crate::content::model::Numbering::Arabic => n.to_string(),
    }
}

/// Previous and next case within the same (primary) organisation, by date.
fn link_org_neighbours(site: &mut Site) {
    let mut by_org: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, case) in site.cases.iter().enumerate() {
        if let Some(org) = case.meta.org.first() {
            by_org.entry(site.term_key(org)).or_default().push(i);
        }
    }
    for group in by_org.values() {
        // `cases` is newest first: "previous" is the older one.
        for (k, &i) in group.iter().enumerate() {
            site.cases[i].next = k.checked_sub(1).map(|p| group[p]);
            site.cases[i].previous = group.get(k + 1).copied();
        }
    }
}

/// Output paths of the files under content/ that are not Markdown. Files inside a folder case
/// go to the case's own URL (its slug may differ from the folder name).
fn place_assets(assets: &[PathBuf], site: &Site, site_root: &Path) -> Vec<(PathBuf, String)> {
    let mut folder_to_out: HashMap<String, String> = HashMap::new();
    for case in &site.cases {
        let key = content_key(&case.rel_path);
        if let Some(dir) = key.strip_suffix("/index.md") {
            folder_to_out.insert(dir.to_string(), case.out_dir.clone());
        }
    }
    for comp in &site.compilations {
        let key = content_key(&comp.rel_path);
        if let Some(dir) = key.strip_suffix("/index.md") {
            folder_to_out.insert(dir.to_string(), comp.out_dir.clone());
        }
    }
    let content = site_root.join("content");
    assets
        .iter()
        .map(|rel| {
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            let out = folder_to_out
                .iter()
                .find_map(|(dir, out)| rel_str.strip_prefix(&format!("{dir}/")).map(|rest| format!("{out}/{rest}")))
                .unwrap_or_else(|| rel_str.clone());
            (content.join(rel), out)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_file_names() {
        assert_eq!(file_stem_slug("cases/rang-wo-xian-lai.md"), "rang-wo-xian-lai");
        assert_eq!(file_stem_slug("cases/fa-xianfeng/index.md"), "fa-xianfeng");
    }

    #[test]
    fn origin_drops_the_path() {
        assert_eq!(origin_of("https://host/jgdj/showcase"), "https://host");
        assert_eq!(origin_of("https://host"), "https://host");
    }

    #[test]
    fn relative_links_of_single_file_cases_are_relative_to_their_folder() {
        assert_eq!(own_dir_url("cases/x.md", "/cases/x/"), "/cases/");
        assert_eq!(own_dir_url("cases/x/index.md", "/cases/y/"), "/cases/y/");
    }
}
