//! What `serve` keeps of the render stage between full rebuilds: the pages (and case
//! partials) rendered last time, by output path, and the last template set. A page is taken
//! from the memo when its key, everything its HTML is a function of, is unchanged.
//!
//! A page key starts from the template set's fingerprint of its template (every source it is
//! made of, the base path, the asset URLs) and the template's name, then takes the page's
//! context. Template sets using Tera's impure functions (`now`, `get_random`, `get_env`) have
//! no fingerprint, so their pages are never memoised. `build` and `check` keep no memo.

use super::TemplateSet;
use crate::memo::Table;
use std::sync::Arc;

/// The pages and partials of the last builds, by output path (partials by a name no page
/// can have), each with the key it was rendered for.
#[derive(Default)]
pub struct PageMemo {
    pages: Table<String, Vec<u8>>,
}

impl PageMemo {
    /// The page's HTML, if it was stored under `path` for this key.
    pub fn get(&self, path: &str, key: &PageKey) -> Option<Vec<u8>> {
        self.pages.get(&path.to_string(), &key.finish())
    }

    /// Remembers a freshly rendered page.
    pub fn put(&self, path: &str, key: &PageKey, html: &[u8]) {
        self.pages.put(path.to_string(), key.finish(), html.to_vec());
    }

    /// After a successful build: forgets the pages it did not use.
    pub fn sweep(&self) {
        self.pages.sweep();
    }
}

/// The last template set, kept while nothing it is made of changes, so an edit to a case
/// does not parse the templates again.
#[derive(Default)]
pub struct TemplateMemo {
    last: Table<(), Arc<TemplateSet>>,
}

impl TemplateMemo {
    /// The set stored for `sources` (a hash of every source and setting), or `make`'s.
    pub fn get_or_load<E>(
        &self,
        sources: blake3::Hash,
        make: impl FnOnce() -> Result<TemplateSet, E>,
    ) -> Result<Arc<TemplateSet>, E> {
        let fingerprint = *sources.as_bytes();
        if let Some(set) = self.last.get(&(), &fingerprint) {
            return Ok(set);
        }
        let set = Arc::new(make()?);
        self.last.put((), fingerprint, set.clone());
        Ok(set)
    }

    /// After a successful build: forgets a set it did not use.
    pub fn sweep(&self) {
        self.last.sweep();
    }
}

/// The key of one page: everything its HTML is a function of.
pub struct PageKey(blake3::Hasher);

impl PageKey {
    /// Starts from the template's fingerprint and name; `None` when there is no memo or the
    /// template is impure.
    pub fn new(
        memo: Option<&PageMemo>,
        templates_fingerprint: Option<blake3::Hash>,
        template: &str,
    ) -> Option<PageKey> {
        memo?;
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
        // serde_json keeps map order, so equal values hash equally.
        hash_json(&mut self.0, v);
        self.0.update(&[0xff]);
        self
    }

    fn finish(&self) -> crate::memo::Fingerprint {
        *self.0.finalize().as_bytes()
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
    fn a_page_is_reused_only_for_the_same_context() {
        let memo = PageMemo::default();
        let key = |v: serde_json::Value| {
            let mut k = PageKey::new(Some(&memo), Some(blake3::hash(b"t")), "case.html").unwrap();
            k.add_json(&v);
            k
        };
        memo.put("a/index.html", &key(serde_json::json!({"a": 1})), b"<p>1</p>");
        assert_eq!(memo.get("a/index.html", &key(serde_json::json!({"a": 1}))), Some(b"<p>1</p>".to_vec()));
        assert_eq!(memo.get("a/index.html", &key(serde_json::json!({"a": 2}))), None);
        assert!(PageKey::new(None, Some(blake3::hash(b"t")), "case.html").is_none(), "no memo, no key");
        assert!(PageKey::new(Some(&memo), None, "case.html").is_none(), "impure template, no key");
    }
}
