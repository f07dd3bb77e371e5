//! Link checking of the built output: every internal `href`/`src` of every HTML page resolves
//! to a file of the output, every `#fragment` to an `id` on its page, every cover image exists,
//! and nothing points outside the base path. Each page is scanned as it is rendered
//! ([`LinkChecker::check_page`]), and what needs the whole output is checked once it exists
//! ([`LinkChecker::finish`]), the same way for `build`, `check` and `serve`; external links
//! are only collected here and checked by [`external`] when asked (`check --external`).
//!
//! Severity: a broken link written in content (a .md file's body, a missing cover) is an error
//! in `build` too, as in Zola: the fix is in the sources and the page would 404 for every
//! visitor. A broken link made by the theme's templates (say a nav link to `/about/` on a site
//! without `content/about.md`) is an error in `check` (`strict`: CI fails on anything a visitor
//! would hit as a 404) and a warning in `build`, so a theme quirk does not stop a local build.
//! Content errors name the .md file (and the line, when the link's text is found there);
//! template ones name the output page and its line.

pub mod external;
mod html;

use crate::diagnostics::{line_col, line_col_bytes, Diagnostic, Text};
use crate::output::Output;
use crate::site::Site;
use percent_encoding::percent_decode_str;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

pub use html::{decode_entities, scan, Ref, Scan};

/// What checking the output found.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Every external URL (http, https) → where it is first linked: the .md file of the page,
    /// or `(output) <page>` for template links.
    pub external: BTreeMap<String, String>,
    /// Every output path some page links (existing or not), for pruning unused files.
    pub referenced: HashSet<String>,
}

/// Where a URL found in a page points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of the output (relative path, decoded) and the fragment, if any.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    External(String),
    /// Root-relative but outside the base path, or climbing above the site root.
    Escape,
    /// mailto:, tel:, data:, javascript:, empty.
    Skip,
}

/// Resolves `url`, found on output page `page` (`cases/a/index.html`), against the site's base.
pub fn classify(url: &str, page: &str, base_path: &str, base_url: &str) -> Target {
    let url = url.trim();
    if url.is_empty() {
        return Target::Skip;
    }
    // Absolute links to the site itself (canonical, Open Graph) are internal links.
    let origin_len = base_url.len() - base_path.len();
    let url = match url.strip_prefix(base_url) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?', '#']) => &url[origin_len..],
        _ => url,
    };
    if url.starts_with("//") {
        return Target::External(format!("https:{url}"));
    }
    if let Some(scheme) = scheme(url) {
        return match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => Target::External(url.to_string()),
            _ => Target::Skip,
        };
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(decode(f))),
        None => (url, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    let rel = if path.is_empty() {
        return Target::Internal { path: page.to_string(), fragment };
    } else if let Some(rel) = plain_site_path(path, base_path) {
        return Target::Internal { path: rel, fragment };
    } else if path.starts_with('/') {
        match under_base(path, base_path).and_then(normalise) {
            Some(rel) => rel,
            None => return Target::Escape,
        }
    } else {
        let dir = page.rfind('/').map_or("", |i| &page[..=i]);
        match normalise(&format!("{dir}{path}")) {
            Some(rel) => rel,
            None => return Target::Escape,
        }
    };
    let mut rel = decode(&rel);
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    Target::Internal { path: rel, fragment }
}

/// The common case, resolved without [`normalise`] and [`decode`]: a root-relative path under
/// the base path with nothing to resolve or decode (no `%`, no empty, `.` or `..` segment).
fn plain_site_path(path: &str, base_path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let rest = under_base(path, base_path)?;
    let plain = !rest.contains('%')
        && !rest.starts_with('/')
        && !rest.contains("//")
        && rest.split('/').all(|seg| seg != "." && seg != "..");
    if !plain {
        return None;
    }
    let mut rel = String::with_capacity(rest.len() + 10);
    rel.push_str(rest);
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    Some(rel)
}

/// `/base/x/y` → `x/y`; `None` when outside the base path.
fn under_base<'a>(path: &'a str, base_path: &str) -> Option<&'a str> {
    if base_path.is_empty() {
        return Some(path.trim_start_matches('/'));
    }
    let rest = path.strip_prefix(base_path)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let valid = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some(s)
}

/// Resolves `.` and `..`; `None` when the path climbs above the root.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let trailing = if path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..") { "/" } else { "" };
    let joined = parts.join("/");
    Some(if joined.is_empty() { String::new() } else { format!("{joined}{trailing}") })
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// One broken reference, before it becomes a diagnostic.
#[derive(Debug, Clone)]
struct Problem {
    page: String,
    offset: usize,
    /// Line and column of the link in the output page.
    line_col: (usize, usize),
    url: String,
    kind: ProblemKind,
    /// Written in the page's Markdown body (not by a template).
    from_content: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ProblemKind {
    Missing(String),
    Anchor {
        target: String,
        fragment: String,
    },
    Escape,
    /// Refused by the URL sanitiser (`javascript:`, `data:`): why.
    Unsafe(Text),
}

/// A link to another page (or a file not known before rendering), checked once the whole
/// output exists.
#[derive(Debug, Clone)]
struct Pending {
    path: String,
    fragment: Option<String>,
    /// The problem to report if the target turns out missing.
    at: Problem,
}

/// What checking one page found: its ids, the links that wait for the rest of the output,
/// and what it needs from outside. Small, so a 10,000-page build keeps these, not the pages.
#[derive(Debug, Default, Clone)]
pub struct PageLinks {
    page: String,
    /// Hashes of its ids, sorted ([`id_hash`]): a page keeps 8 bytes an id, not the strings.
    ids: Vec<u64>,
    pending: Vec<Pending>,
    problems: Vec<Problem>,
    external: Vec<String>,
    /// Internal non-HTML paths it links (stylesheets, scripts, images).
    assets: Vec<String>,
}

/// `serve`'s memo of checked pages: what checking a page found, by output path, for its HTML
/// and what else the answer depends on (the paths known before rendering, the strictness).
pub type LinkMemo = crate::memo::Table<String, PageLinks>;

/// Checks pages one by one as they are rendered (in parallel), then all together.
pub struct LinkChecker<'a> {
    site: &'a Site,
    sources: SourceMap<'a>,
    /// Output paths known before rendering (every page to render, static files): links to
    /// them need no second look unless they carry a fragment.
    known: &'a HashSet<String>,
    strict: bool,
    /// `serve` only: the memo, and the hash of `known` and `strict` that every entry's
    /// fingerprint starts from.
    memo: Option<(&'a LinkMemo, blake3::Hasher)>,
}

impl<'a> LinkChecker<'a> {
    pub fn new(
        site: &'a Site,
        site_root: &'a Path,
        known: &'a HashSet<String>,
        strict: bool,
        memo: Option<&'a LinkMemo>,
    ) -> LinkChecker<'a> {
        let memo = memo.map(|memo| {
            let mut sorted: Vec<&String> = known.iter().collect();
            sorted.sort();
            let mut h = blake3::Hasher::new();
            h.update(&[u8::from(strict)]);
            for path in sorted {
                h.update(path.as_bytes());
                h.update(&[0]);
            }
            (memo, h)
        });
        LinkChecker { site, sources: SourceMap::new(site, site_root), known, strict, memo }
    }

    /// [`check_page`](Self::check_page), through the memo when there is one.
    pub fn check_page_cached(&self, page: &str, html: &[u8]) -> PageLinks {
        let Some((memo, context)) = &self.memo else { return self.check_page(page, html) };
        let mut h = context.clone();
        h.update(html);
        memo.get_or_make(page.to_string(), *h.finalize().as_bytes(), || self.check_page(page, html))
    }

    /// Scans one rendered page.
    pub fn check_page(&self, page: &str, html: &[u8]) -> PageLinks {
        let site = self.site;
        let base_url = site.config.base_url_trimmed();
        let scanned = scan(html);
        let mut links = PageLinks { page: page.to_string(), ..PageLinks::default() };
        let mut seen_assets = HashSet::new();
        for r in &scanned.refs {
            // The last look of the URL sanitiser: whatever put a URL into the page, its scheme
            // must be allowed (a malformed URL leads nowhere, and is no danger).
            if let Err(why @ crate::urls::Unsafe::Scheme(_)) = crate::urls::check(&r.url) {
                links.problems.push(self.problem(page, html, r, ProblemKind::Unsafe(why.describe())));
                continue;
            }
            match classify(&r.url, page, &site.base_path, base_url) {
                Target::Internal { path, fragment } => {
                    let fragment = fragment.filter(|f| !f.is_empty() && f != "top");
                    if path == page {
                        if let Some(f) = fragment.filter(|f| !scanned.ids.contains(f)) {
                            let kind = ProblemKind::Anchor { target: path, fragment: f };
                            links.problems.push(self.problem(page, html, r, kind));
                        }
                        continue;
                    }
                    if !path.ends_with(".html") && seen_assets.insert(path.clone()) {
                        links.assets.push(path.clone());
                    }
                    if fragment.is_none() && self.known.contains(&path) {
                        continue;
                    }
                    let at = self.problem(page, html, r, ProblemKind::Missing(path.clone()));
                    links.pending.push(Pending { path, fragment, at });
                }
                Target::External(url) => links.external.push(url),
                Target::Escape => links.problems.push(self.problem(page, html, r, ProblemKind::Escape)),
                Target::Skip => {}
            }
        }
        links.external.sort();
        links.external.dedup();
        links.ids = scanned.ids.iter().map(|id| id_hash(id)).collect();
        links.ids.sort_unstable();
        links.ids.dedup();
        links
    }

    fn problem(&self, page: &str, html: &[u8], r: &Ref, kind: ProblemKind) -> Problem {
        let from_content = self.sources.get(page).is_some_and(|s| s.body_contains(&r.url));
        Problem {
            page: page.to_string(),
            offset: r.offset,
            line_col: line_col_bytes(html, r.offset),
            url: r.url.clone(),
            kind,
            from_content,
        }
    }

    /// Checks what waited for the whole output, and the cover images of the site's cases.
    pub fn finish(&self, output: &Output, pages: &[PageLinks]) -> LinkReport {
        let mut report = LinkReport::default();
        let (cover_diags, missing_covers) = check_covers(output, self.site, &self.sources);
        report.diagnostics.extend(cover_diags);
        let ids: HashMap<&str, &[u64]> = pages.iter().map(|p| (p.page.as_str(), p.ids.as_slice())).collect();
        // Pages of files that failed to parse: their own error comes first, links to them
        // are not reported again.
        let failed: HashSet<String> = self.site.links.failed.values().map(|url| index_path(self.site, url)).collect();
        let mut problems = Vec::new();
        for links in pages {
            problems.extend(links.problems.iter().cloned());
            for p in &links.pending {
                if let Some(kind) = internal_problem(output, &ids, &p.path, p.fragment.clone()) {
                    let knock_on = match &kind {
                        ProblemKind::Missing(m) => missing_covers.contains(m) || failed.contains(m),
                        ProblemKind::Anchor { target, fragment } => {
                            failed.contains(target) || self.sources.anchor_checked(&links.page, target, fragment)
                        }
                        _ => false,
                    };
                    if !knock_on {
                        problems.push(Problem { kind, ..p.at.clone() });
                    }
                }
            }
            for url in &links.external {
                report.external.entry(url.clone()).or_insert_with(|| self.sources.label(&links.page));
            }
            report.referenced.extend(links.assets.iter().cloned());
        }
        let located = Occurrences::default();
        for p in ordered(problems) {
            report.diagnostics.push(diagnostic(&p, &located, &self.sources, self.site, self.strict));
        }
        report
    }
}

/// A fixed 64-bit hash of an id (SipHash with zero keys: the same in every run).
fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// What is wrong with an internal target, if anything.
fn internal_problem(
    output: &Output,
    ids: &HashMap<&str, &[u64]>,
    path: &str,
    fragment: Option<String>,
) -> Option<ProblemKind> {
    // `/x` without the slash: static hosts redirect it to `/x/`.
    let resolved = if output.get(path).is_some() {
        path.to_string()
    } else {
        let dir_index = crate::site::paths::index_of(path);
        if output.get(&dir_index).is_none() {
            return Some(ProblemKind::Missing(path.to_string()));
        }
        dir_index
    };
    let fragment = fragment.filter(|f| !f.is_empty() && f != "top")?;
    let ids = ids.get(resolved.as_str())?;
    ids.binary_search(&id_hash(&fragment)).is_err().then_some(ProblemKind::Anchor { target: resolved, fragment })
}

/// Every problem, in the order they are reported: links written in content first, then by
/// page (a case before a plain page before a compilation before a list page) and place. A
/// content link that another page prints again (a compilation printing a case in full) is
/// the same problem, reported once, where it is written.
fn ordered(mut problems: Vec<Problem>) -> Vec<Problem> {
    problems.sort_by_key(|p| (!p.from_content, page_rank(&p.page), p.page.clone(), p.offset));
    let written: HashSet<(ProblemKind, String)> =
        problems.iter().filter(|p| p.from_content).map(|p| (p.kind.clone(), p.url.clone())).collect();
    problems.retain(|p| p.from_content || !written.contains(&(p.kind.clone(), p.url.clone())));
    problems
}

/// The output path of the page at root-relative `url` (`/base/cases/x/` → `cases/x/index.html`).
fn index_path(site: &Site, url: &str) -> String {
    let rest = url.strip_prefix(&site.base_path).unwrap_or(url).trim_start_matches('/');
    crate::site::paths::index_of(rest)
}

/// Which occurrence of a link text in a .md file a problem is: the k-th link to the same
/// target on a page is the k-th time its text appears in the file.
#[derive(Default)]
struct Occurrences(std::sync::Mutex<HashMap<(String, String), usize>>);

impl Occurrences {
    fn next(&self, page: &str, needle: &str) -> usize {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = seen.entry((page.to_string(), needle.to_string())).or_insert(0);
        *n += 1;
        *n - 1
    }
}

fn page_rank(page: &str) -> u8 {
    if page.starts_with("cases/") && page.matches('/').count() == 2 {
        0
    } else if page.starts_with("compilations/") {
        2
    } else {
        1
    }
}

/// One diagnostic per occurrence. A link written in content is named by its .md file, line
/// and column (the same link printed on two pages, a case and a compilation, is one
/// diagnostic); one made by a template by the output page and its line. All diagnostics of
/// one broken target share a group, so the terminal can list them under one message.
fn diagnostic(p: &Problem, located: &Occurrences, sources: &SourceMap, site: &Site, strict: bool) -> Diagnostic {
    let page_url = site.url(p.page.strip_suffix("index.html").unwrap_or(&p.page));
    let in_content = p.from_content && sources.get(&p.page).is_some();
    // A content link is named by its file; the page it is seen on adds nothing.
    let on = if in_content { String::new() } else { format!("{page_url} ") };
    let url = &p.url;
    let (code, message, hint, group) = match &p.kind {
        ProblemKind::Missing(path) => {
            let hint = match site.links.closest_page(p.url.split(['#', '?']).next().unwrap_or("")) {
                Some(page) if in_content => Text::new(
                    format!("没有页面用这个地址；最接近的是 `{page}`：把链接写成 [文字]({page})，页面搬家时链接会跟着走"),
                    format!(
                        "no page has this address; the closest page is `{page}`: write the link as [文字]({page}) so it follows the page if it moves"
                    ),
                ),
                _ => Text::new(
                    "检查路径和 slug；链接到内容时写 @/cases/x.md（相对链接和浏览器一样，从页面的地址算起）",
                    "check the path and the slug; use @/cases/x.md for links to content (relative links are resolved from the page's address, as a browser does)",
                ),
            };
            let message = Text::new(
                format!("{on}链接到 `{url}`，但输出里没有它（`{path}`）"),
                format!("{on}links to `{url}`, which is not in the output (`{path}`)"),
            );
            ("broken-link", message, hint, path.clone())
        }
        ProblemKind::Anchor { target, fragment } => (
            "broken-anchor",
            Text::new(
                format!("{on}链接到 `{url}`，但 `{target}` 里没有 id 为 `{fragment}` 的元素"),
                format!("{on}links to `{url}`, but `{target}` has no element with id `{fragment}`"),
            ),
            Text::new(
                "标题的 id 保留中文：`## 背景` 的 id 是 `背景`；检查标题的文字或它的 {#id}",
                "heading ids keep Chinese text: `## 背景` gets id `背景`; check the heading's text or its {#id}",
            ),
            format!("{target}#{fragment}"),
        ),
        ProblemKind::Escape => (
            "link-escapes-base",
            Text::new(
                format!("{on}链接到 `{url}`，它在网站的基础路径 `{}/` 之外", site.base_path),
                format!("{on}links to `{url}`, which is outside the site's base path `{}/`", site.base_path),
            ),
            Text::new(
                "从网站根目录写链接（`/cases/x/`）或写相对链接：xianfeng 会加上基础路径；模板里用 url() 和 asset()",
                "write links from the site root (`/cases/x/`) or relative ones: xianfeng adds the base path; in templates use url() and asset()",
            ),
            p.url.clone(),
        ),
        ProblemKind::Unsafe(why) => (
            "unsafe-url",
            Text::new(format!("{on}带有网址 `{url}`：{}", why.zh), format!("{on}carries the URL `{url}`: {}", why.en)),
            Text::new(
                "模板输出了一个没有通过安全检查的网址：数据里来的网址要经过 `| safe_url` 再输出",
                "a template prints a URL that did not pass the sanitiser: print URLs taken from data through `| safe_url`",
            ),
            p.url.clone(),
        ),
    };
    // An unsafe URL in a page is never only a warning.
    let strict = strict || matches!(p.kind, ProblemKind::Unsafe(_));
    match sources.get(&p.page).filter(|_| p.from_content) {
        Some(source) => {
            let needle = match &p.kind {
                ProblemKind::Anchor { fragment, .. } => format!("#{fragment}"),
                _ => last_segment(&p.url),
            };
            let d = Diagnostic::error(code, source.rel, message).hint(hint).group(group);
            match sources.position(&p.page, &needle, located.next(&p.page, &needle)) {
                Some((l, c)) => d.at(l, c),
                None => d,
            }
        }
        None => {
            let (l, c) = p.line_col;
            let file = format!("(output) {}", p.page);
            let d =
                if strict { Diagnostic::error(code, file, message) } else { Diagnostic::warning(code, file, message) };
            d.at(l, c).group(group).hint(Text::new(
                format!(
                    "{}；这个链接来自主题的模板：在网站的 templates/ 里覆盖这个模板，或者补上它链接的页面",
                    hint.zh
                ),
                format!(
                    "{}; this link comes from the theme's templates: override the template in your site's templates/ or add the page it links to",
                    hint.en
                ),
            ))
        }
    }
}

/// `/s/cases/a/img/x.png?v=1#f` → `x.png` (decoded), for finding a link in its .md file.
fn last_segment(url: &str) -> String {
    let path = url.split(['#', '?']).next().unwrap_or("");
    decode(path.trim_end_matches('/').rsplit('/').next().unwrap_or(""))
}

/// The content file behind an output page.
struct Source<'a> {
    /// Relative to the site root: `content/cases/a.md`.
    rel: &'a Path,
    /// The page's rendered Markdown body.
    body: &'a str,
}

impl Source<'_> {
    /// Whether `url` (as found in the page) was written in the Markdown body.
    fn body_contains(&self, url: &str) -> bool {
        self.body.contains(url) || self.body.contains(&url.replace('&', "&amp;"))
    }
}

/// Output page (`cases/a/index.html`) → its content file.
struct SourceMap<'a> {
    root: &'a Path,
    pages: HashMap<String, Source<'a>>,
    /// (page, target page, anchor) of every `@/` link with an anchor in content.
    checked_anchors: HashSet<(String, String, String)>,
}

impl<'a> SourceMap<'a> {
    fn new(site: &'a Site, root: &'a Path) -> SourceMap<'a> {
        let mut pages = HashMap::new();
        let mut checked_anchors = HashSet::new();
        let mut add = |out_dir: &str, rel: &'a Path, rendered: &'a crate::markdown::Rendered| {
            let key = crate::site::paths::index_of(out_dir);
            pages.insert(key.clone(), Source { rel, body: &rendered.html });
            for link in &rendered.internal_links {
                let (Some(anchor), Some(url)) = (&link.anchor, site.links.urls.get(&link.target)) else { continue };
                checked_anchors.insert((key.clone(), index_path(site, url), anchor.clone()));
            }
        };
        for c in &site.cases {
            add(&c.out_dir, &c.rel_path, &c.rendered);
        }
        for c in &site.compilations {
            add(&c.out_dir, &c.rel_path, &c.rendered);
        }
        for p in &site.pages {
            add(&p.out_dir, &p.rel_path, &p.rendered);
        }
        SourceMap { root, pages, checked_anchors }
    }

    /// Whether the site stage already checked (and reported) this anchor of a `@/` link on
    /// `page`, with the headings the target has.
    fn anchor_checked(&self, page: &str, target: &str, fragment: &str) -> bool {
        self.checked_anchors.contains(&(page.to_string(), target.to_string(), fragment.to_string()))
    }

    /// The file to name for a problem on `page`.
    fn label(&self, page: &str) -> String {
        self.get(page).map_or_else(|| format!("(output) {page}"), |s| s.rel.display().to_string())
    }

    fn get(&self, page: &str) -> Option<&Source<'a>> {
        self.pages.get(page)
    }

    /// Line and column of the `nth` (0-based) `needle` in `page`'s .md file, or of its last
    /// one (read only on this error path).
    fn position(&self, page: &str, needle: &str, nth: usize) -> Option<(usize, usize)> {
        if needle.is_empty() {
            return None;
        }
        let text = std::fs::read_to_string(self.root.join(self.get(page)?.rel)).ok()?;
        let found: Vec<usize> = text.match_indices(needle).map(|(at, _)| at).collect();
        let at = found.get(nth).or(found.last())?;
        Some(line_col(&text, *at))
    }
}

/// A case whose `cover.src` names no file is an error on the case, whatever the theme shows.
/// Returns the diagnostics and the missing output paths (so page links to them are not
/// reported again).
fn check_covers(output: &Output, site: &Site, sources: &SourceMap) -> (Vec<Diagnostic>, HashSet<String>) {
    let base_url = site.config.base_url_trimmed();
    let mut diags = Vec::new();
    let mut missing = HashSet::new();
    for case in &site.cases {
        let cover = case.cover_url.as_ref().zip(case.meta.cover.as_ref()).map(|(u, c)| (u, &c.src, "cover"));
        let logo = case.logo_url.as_ref().zip(case.meta.identity.logo.as_ref()).map(|(u, l)| (u, &l.src, "logo"));
        for (url, src, field) in cover.into_iter().chain(logo) {
            let page = crate::site::paths::index_of(&case.out_dir);
            let Target::Internal { path, .. } = classify(url, &page, &site.base_path, base_url) else { continue };
            if output.get(&path).is_some() {
                continue;
            }
            diags.push(missing_image(case, src, field, &path, sources.position(&page, src, 0)));
            missing.insert(path);
        }
    }
    (diags, missing)
}

/// A `cover.src` or `logo.src` that names no file of the output.
fn missing_image(
    case: &crate::site::Case,
    src: &str,
    field: &str,
    path: &str,
    at: Option<(usize, usize)>,
) -> Diagnostic {
    let (what_zh, what_en) =
        if field == "cover" { ("封面图片", "cover image") } else { ("标志图片", "logo image") };
    let mut d = Diagnostic::error(
        if field == "cover" { "missing-cover" } else { "missing-logo" },
        &case.rel_path,
        (
            format!("{what_zh} `{src}` 不存在（在输出里找的是 `{path}`）"),
            format!("{what_en} `{src}` does not exist (looked for `{path}` in the output)"),
        ),
    )
    .field(format!("{field}.src"))
    .hint((
        format!("{field}.src 相对于案例文件（把图片放在文件夹式案例 `cases/<slug>/index.md` 的旁边），或从网站根目录写起（static/images/x.jpg 写成 `/images/x.jpg`）"),
        format!("{field}.src is relative to the case file (put the image beside it in a folder case `cases/<slug>/index.md`), or absolute from the site root (`/images/x.jpg` for static/images/x.jpg)"),
    ));
    if let Some((l, c)) = at {
        d = d.at(l, c);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/jgdj/showcase";
    const URL: &str = "http://127.0.0.1:8000/jgdj/showcase";

    fn c(url: &str) -> Target {
        classify(url, "cases/a/index.html", BASE, URL)
    }

    fn internal(path: &str, fragment: Option<&str>) -> Target {
        Target::Internal { path: path.into(), fragment: fragment.map(Into::into) }
    }

    #[test]
    fn classifies_urls_under_a_subpath() {
        assert_eq!(c("/jgdj/showcase/cases/b/"), internal("cases/b/index.html", None));
        assert_eq!(c("/jgdj/showcase/"), internal("index.html", None));
        assert_eq!(c("/jgdj/showcase"), internal("index.html", None));
        assert_eq!(c("/jgdj/showcase/tags/%E5%85%9A%E5%BB%BA/#x"), internal("tags/党建/index.html", Some("x")));
        assert_eq!(c("img/x.png?v=2"), internal("cases/a/img/x.png", None));
        assert_eq!(c("../b/"), internal("cases/b/index.html", None));
        assert_eq!(c("#%E8%83%8C%E6%99%AF"), internal("cases/a/index.html", Some("背景")));
        assert_eq!(c("?q=1"), internal("cases/a/index.html", None));
        assert_eq!(c(&format!("{URL}/cases/b/")), internal("cases/b/index.html", None));
        assert_eq!(c("/style.css"), Target::Escape);
        assert_eq!(c("/jgdj/showcasex/a"), Target::Escape);
        assert_eq!(c("../../../x"), Target::Escape);
        assert_eq!(c("/jgdj/showcase/../../etc/passwd"), Target::Escape);
        assert_eq!(c("/jgdj/showcase/cases/./b/../c/"), internal("cases/c/index.html", None));
        assert_eq!(c("https://www.gov.cn/"), Target::External("https://www.gov.cn/".into()));
        assert_eq!(c("//cdn.example/x.js"), Target::External("https://cdn.example/x.js".into()));
        assert_eq!(c("mailto:a@b.cn"), Target::Skip);
        assert_eq!(c("http://127.0.0.1:8000/other/"), Target::External("http://127.0.0.1:8000/other/".into()));
    }

    #[test]
    fn root_site_has_no_escapes() {
        assert_eq!(classify("/style.css", "index.html", "", "https://a.cn"), internal("style.css", None));
        let root = |url: &str| classify(url, "cases/a/index.html", "", "https://a.cn");
        assert_eq!(root("img/x.png"), internal("cases/a/img/x.png", None));
        assert_eq!(root("/"), internal("index.html", None));
        assert_eq!(root("/cases//b/"), internal("cases/b/index.html", None));
        assert_eq!(root("/cases/b/.."), internal("cases/index.html", None));
        assert_eq!(root("/tags/a%20b/"), internal("tags/a b/index.html", None));
        assert_eq!(root("/../x"), Target::Escape);
    }

    #[test]
    fn last_segment_is_decoded() {
        assert_eq!(last_segment("/s/cases/a/%E5%9B%BE.png?v=1#x"), "图.png");
        assert_eq!(last_segment("/s/cases/b/"), "b");
    }
}
