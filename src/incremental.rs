//! Incremental work for `serve`: memoised Markdown rendering and page rendering, so a rebuild
//! after one edit redoes the expensive work only for what the edit changed.
//!
//! These caches serve `serve`'s full rebuilds (a created, deleted or renamed file, a template,
//! a changed slug, date or term): every stage runs and every page's context is computed, so
//! what depends on the change is found without a dependency graph. (Edits to a case's text
//! and display fields take a faster path, `serve::patch`, which re-renders only the pages
//! showing the case.) What a full rebuild skips is work whose inputs are unchanged:
//!
//! - Markdown: keyed by the file, its body, its first line and the options; the answers the
//!   link resolver gave are recorded and asked again on a hit, so a renamed or deleted target
//!   re-renders the files linking to it.
//! - Pages: keyed by the template set's fingerprint (every source, base path, asset URLs), the
//!   template name and a hash of the whole context. Template sets using Tera's impure
//!   functions (`now`, `get_random`, `get_env`) are never cached.
//!
//! The cache is process-wide and off unless `enable` is called (only `serve` does), so `build`
//! and `check` are untouched. Entries not used by the last successful build are dropped
//! (`finish_build`), so memory stays proportional to the site, not to the number of edits.

use crate::content::frontmatter::ParsedFile;
use crate::diagnostics::Diagnostic;
use crate::linkcheck::PageLinks;
use crate::markdown::{self, LinkResolver, MarkdownOptions, Rendered, ResolvedLink};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

static ENABLED: AtomicBool = AtomicBool::new(false);
static GENERATION: AtomicU64 = AtomicU64::new(0);
static CACHE: OnceLock<Cache> = OnceLock::new();

#[derive(Default)]
struct Cache {
    markdown: Mutex<HashMap<PathBuf, MarkdownEntry>>,
    pages: Mutex<HashMap<String, PageEntry>>,
    links: Mutex<HashMap<String, LinksEntry>>,
    parsed: Mutex<HashMap<PathBuf, ParsedEntry>>,
}

/// A content file's front matter as parsed, and the diagnostics parsing gave.
type Parse = (Option<ParsedFile>, Vec<Diagnostic>);

struct ParsedEntry {
    hash: [u8; 32],
    parse: Parse,
    used: u64,
}

struct LinksEntry {
    key: blake3::Hash,
    links: PageLinks,
    used: u64,
}

/// One question to the link resolver and its answer: (destination, is_image, answer).
type LinkAnswer = (String, bool, Result<ResolvedLink, String>);

struct MarkdownEntry {
    key: blake3::Hash,
    /// (destination, is_image) → what the resolver answered.
    links: Vec<LinkAnswer>,
    rendered: Rendered,
    used: u64,
}

struct PageEntry {
    key: blake3::Hash,
    html: Vec<u8>,
    used: u64,
}

/// Turns the cache on for the rest of the process (`serve`).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether pages are cached (`serve`).
pub fn is_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

fn cache() -> Option<&'static Cache> {
    ENABLED.load(Ordering::Relaxed).then(|| CACHE.get_or_init(Cache::default))
}

fn generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}

/// After a successful build: forget entries that build did not use (deleted files, pages that
/// no longer exist). Not called after a failed build, which may have stopped before rendering.
pub fn finish_build() {
    let Some(cache) = cache() else { return };
    let current = generation();
    lock(&cache.markdown).retain(|_, e| e.used == current);
    lock(&cache.pages).retain(|_, e| e.used == current);
    lock(&cache.links).retain(|_, e| e.used == current);
    lock(&cache.parsed).retain(|_, e| e.used == current);
    GENERATION.fetch_add(1, Ordering::Relaxed);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves at worst a stale entry, which keys still check.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `markdown::render`, memoised when the cache is on.
pub fn render_markdown(
    source: &str,
    opts: &MarkdownOptions,
    resolver: &dyn LinkResolver,
    file: &Path,
    first_line: usize,
) -> Rendered {
    let Some(cache) = cache() else { return markdown::render(source, opts, resolver, file, first_line) };
    let mut h = blake3::Hasher::new();
    h.update(file.as_os_str().as_encoded_bytes());
    h.update(&[0]);
    h.update(&(first_line as u64).to_le_bytes());
    h.update(&[u8::from(opts.allow_html)]);
    h.update(source.as_bytes());
    let key = h.finalize();
    if let Some(hit) = lookup_markdown(cache, file, key, resolver) {
        return hit;
    }
    let recorder = Recorder { inner: resolver, calls: Mutex::new(Vec::new()) };
    let rendered = markdown::render(source, opts, &recorder, file, first_line);
    let links = recorder.calls.into_inner().unwrap_or_else(|e| e.into_inner());
    let entry = MarkdownEntry { key, links, rendered: rendered.clone(), used: generation() };
    lock(&cache.markdown).insert(file.to_path_buf(), entry);
    rendered
}

fn lookup_markdown(cache: &Cache, file: &Path, key: blake3::Hash, resolver: &dyn LinkResolver) -> Option<Rendered> {
    let mut map = lock(&cache.markdown);
    let entry = map.get_mut(file).filter(|e| e.key == key)?;
    // Same text; the links must still resolve the same way (targets renamed, deleted, added).
    let same_links = entry.links.iter().all(|(dest, image, answer)| resolver.resolve(dest, *image) == *answer);
    if !same_links {
        return None;
    }
    entry.used = generation();
    Some(entry.rendered.clone())
}

/// Records what the resolver answers while a file renders.
struct Recorder<'a> {
    inner: &'a dyn LinkResolver,
    calls: Mutex<Vec<LinkAnswer>>,
}

impl LinkResolver for Recorder<'_> {
    fn resolve(&self, dest: &str, is_image: bool) -> Result<ResolvedLink, String> {
        let answer = self.inner.resolve(dest, is_image);
        lock(&self.calls).push((dest.to_string(), is_image, answer.clone()));
        answer
    }
}

/// The key of one page: everything its HTML is a function of.
pub struct PageKey(blake3::Hasher);

impl PageKey {
    /// Starts from the template's fingerprint and name; `None` when the cache is off or the
    /// template is impure.
    pub fn new(templates_fingerprint: Option<blake3::Hash>, template: &str) -> Option<PageKey> {
        cache()?;
        let mut h = blake3::Hasher::new();
        h.update(templates_fingerprint?.as_bytes());
        h.update(template.as_bytes());
        h.update(&[0]);
        Some(PageKey(h))
    }

    pub fn add_str(&mut self, s: &str) -> &mut Self {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }

    pub fn add_bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(b);
        self
    }

    pub fn add_json(&mut self, v: &serde_json::Value) -> &mut Self {
        // Serialising into the hasher: no intermediate string. serde_json keeps map order,
        // so equal values hash equally.
        hash_json(&mut self.0, v);
        self.0.update(&[0xff]);
        self
    }

    fn finish(&self) -> blake3::Hash {
        self.0.finalize()
    }
}

/// Hashes the JSON text of `v`. Serialised into a buffer first: serde_json writes token by
/// token, and a hasher update per token costs more than the copy.
pub fn hash_json(h: &mut blake3::Hasher, v: &serde_json::Value) {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buf| {
        buf.clear();
        let _ = serde_json::to_writer(&mut *buf, v);
        h.update(buf);
    });
}

/// The page's HTML from the cache, if its key is unchanged.
pub fn cached_page(path: &str, key: &Option<PageKey>) -> Option<Vec<u8>> {
    let (cache, key) = (cache()?, key.as_ref()?.finish());
    let mut map = lock(&cache.pages);
    let entry = map.get_mut(path).filter(|e| e.key == key)?;
    entry.used = generation();
    Some(entry.html.clone())
}

/// Pages rendered by Tera (not taken from the cache) since [`take_rendered`] was last called.
static RENDERED: AtomicU64 = AtomicU64::new(0);

/// How many pages were rendered rather than reused since the last call (the rebuild line).
pub fn take_rendered() -> u64 {
    RENDERED.swap(0, Ordering::Relaxed)
}

/// Counts a page Tera rendered.
pub fn note_rendered() {
    RENDERED.fetch_add(1, Ordering::Relaxed);
}

/// Remembers a freshly rendered page.
pub fn store_page(path: &str, key: &Option<PageKey>, html: &[u8]) {
    let (Some(cache), Some(key)) = (cache(), key.as_ref()) else { return };
    let entry = PageEntry { key: key.finish(), html: html.to_vec(), used: generation() };
    lock(&cache.pages).insert(path.to_string(), entry);
}

/// `parse()` of the content file `rel_path` whose bytes hash to `hash`, memoised (the kind
/// follows from the path, so the path and the bytes decide the result).
pub fn parsed_file(rel_path: &Path, hash: [u8; 32], parse: impl FnOnce() -> Parse) -> Parse {
    let Some(cache) = cache() else { return parse() };
    if let Some(entry) = lock(&cache.parsed).get_mut(rel_path).filter(|e| e.hash == hash) {
        entry.used = generation();
        return entry.parse.clone();
    }
    let result = parse();
    let entry = ParsedEntry { hash, parse: result.clone(), used: generation() };
    lock(&cache.parsed).insert(rel_path.to_path_buf(), entry);
    result
}

/// `check(html)` for the page at `path`, memoised on the HTML and `context` (everything else
/// the answer depends on: the set of pages that exist, the strictness).
pub fn checked_links(path: &str, html: &[u8], context: &[u8], check: impl FnOnce() -> PageLinks) -> PageLinks {
    let Some(cache) = cache() else { return check() };
    let mut h = blake3::Hasher::new();
    h.update(&(context.len() as u64).to_le_bytes());
    h.update(context);
    h.update(html);
    let key = h.finalize();
    if let Some(entry) = lock(&cache.links).get_mut(path).filter(|e| e.key == key) {
        entry.used = generation();
        return entry.links.clone();
    }
    let links = check();
    lock(&cache.links).insert(path.to_string(), LinksEntry { key, links: links.clone(), used: generation() });
    links
}

/// Whether a template source uses a Tera function whose result changes between renders.
pub fn is_impure_template(source: &str) -> bool {
    ["now(", "get_random(", "get_env("].iter().any(|f| source.contains(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impure_templates_are_detected() {
        assert!(is_impure_template("{{ now() | date }}"));
        assert!(!is_impure_template("{{ case.title }}"));
    }

    #[test]
    fn page_keys_differ_with_the_context() {
        let key = |v: serde_json::Value| {
            let mut k = PageKey(blake3::Hasher::new());
            k.add_str("case.html").add_json(&v);
            k.finish()
        };
        assert_eq!(key(serde_json::json!({"a": 1})), key(serde_json::json!({"a": 1})));
        assert_ne!(key(serde_json::json!({"a": 1})), key(serde_json::json!({"a": 2})));
    }
}
