//! xianfeng (先锋): a static-site generator for Chinese party-building brand showcases.
//!
//! The pipeline runs one way: `content` (load and parse files) → `site` (the read-only model:
//! URLs, taxonomies, relations) → `render` (Tera, in parallel) → `output` (written atomically,
//! or kept in memory for `serve`). `markdown`, `chinese` and `search` are the stages' tools;
//! `pipeline` runs the stages for `build`, `check` and `serve`.

// Diagnostics are large but built only on the error path; boxing them would buy nothing.
#![allow(clippy::result_large_err)]

pub mod cache;
pub mod chinese;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feeds;
pub mod fingerprint;
pub mod html_escape;
pub mod images;
pub mod import;
pub mod lang;
pub mod linkcheck;
pub mod markdown;
pub mod memo;
pub mod options;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod qr;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod search_docs;
pub mod serve;
pub mod site;
pub mod sitecheck;
pub mod sources;
pub mod theme;
pub mod urls;
pub mod yaml;
