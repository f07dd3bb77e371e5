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

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

static ENABLED: AtomicBool = AtomicBool::new(false);
static GENERATION: AtomicU64 = AtomicU64::new(0);
static CACHE: OnceLock<Cache> = OnceLock::new();

#[derive(Default)]
struct Cache {
    pages: Mutex<HashMap<String, PageEntry>>,
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
    lock(&cache.pages).retain(|_, e| e.used == current);
    GENERATION.fetch_add(1, Ordering::Relaxed);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves at worst a stale entry, which keys still check.
    m.lock().unwrap_or_else(|e| e.into_inner())
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
