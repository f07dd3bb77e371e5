//! The search stage: a build-time, sharded full-text index and the data the dependency-free
//! browser client (`themes/default/static/search/xianfeng-search.js`) reads.
//!
//! Text is folded ([`fold`]: NFKC, Traditional → Simplified by character, lowercase), tokenised
//! into CJK uni-/bi-/trigrams and letter/digit words ([`tokenize`]), posted per token with a
//! field mask and a term count, and written to hash-addressed shards so a query fetches only the
//! shards of its own tokens. See [`format`] for the file layout.

pub mod format;
mod index;
pub mod tokenize;

pub use crate::chinese::fold::{self, fold};
pub use index::{build_index, build_index_with, indexed_texts, FIELDS};

/// The index's entry point, which pages link to (the search page preloads it).
pub const MANIFEST: &str = "search/manifest.json";

/// The folders the index writes whole (shards, facet columns, result fragments, the
/// Traditional-to-Simplified table).
pub const FOLDERS: [&str; 4] = ["search/shards", "search/facets", "search/fragments", "search/t2s"];

/// One searchable page (a case or a compilation), as the build pipeline hands it over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// Root-relative URL including the base path, e.g. `/showcase/cases/x/`.
    pub url: String,
    pub title: String,
    pub brand: String,
    pub org: Vec<String>,
    pub description: String,
    /// Plain text of the page body.
    pub body: String,
    pub tags: Vec<String>,
    pub honours: Vec<String>,
    /// Publication names, titles, issue, editors: all visible source text.
    pub sources: Vec<String>,
    /// Facet name → values, e.g. `("org", [...])`, `("region", …)`, `("type", …)`, `("year", ["2021"])`.
    pub facets: Vec<(String, Vec<String>)>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `"case"` or `"compilation"`.
    pub kind: String,
}

/// One output file of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFile {
    /// Relative to the output root, e.g. `search/manifest.json`.
    pub path: String,
    pub bytes: Vec<u8>,
}
