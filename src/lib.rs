//! xianfeng (先锋): a static-site generator for Chinese party-building brand showcases.
//!
//! The pipeline runs one way: `content` (load and parse files) → `site` (the read-only model:
//! URLs, taxonomies, relations) → `render` (Tera, in parallel) → `output` (written atomically,
//! or kept in memory for `serve`). `markdown`, `chinese` and `search` are the stages' tools.

pub mod content;
pub mod diagnostics;
pub mod search;
