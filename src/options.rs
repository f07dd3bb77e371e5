//! What a build is asked to do: the options `build`, `check` and `serve` hand the pipeline.
//! A leaf module, so the stages and the build cache can read them without reaching up into
//! the pipeline.

use chrono::NaiveDate;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub site_root: PathBuf,
    /// Defaults to `SITE/public`.
    pub output_dir: Option<PathBuf>,
    /// Overrides site.yaml's base_url.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// "Today" for leaving out future-dated cases (tests pin it).
    pub today: Option<NaiveDate>,
    /// Broken links made by templates are errors (`check`), not warnings (`build`, `serve`).
    pub strict_links: bool,
    /// Keep static files under their plain names (`serve`: nothing is cached there, and a
    /// stylesheet edit can then be swapped in without reloading the page).
    pub no_fingerprint: bool,
    /// Neither read nor write the build cache in `SITE/.xianfeng/` (`build --no-cache`).
    pub no_cache: bool,
    /// Leave the search index out and hand its documents over in `Built::search_docs`
    /// (`serve` builds it after publishing the pages).
    pub defer_search: bool,
    /// Make no compilation PDF: serve the ones the memo last served, linked by their size, and
    /// name the compilations in `Built::deferred_pdfs` (`serve`, after its first build, makes
    /// them once the pages are published). Without a memo the PDFs are made as always.
    pub defer_pdfs: bool,
    /// Hand back what `serve` needs to patch the build after an edit, in `Built::kept`.
    pub keep_state: bool,
    /// The language of the run's messages (summaries and progress lines).
    pub lang: crate::lang::Lang,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output_dir.clone().unwrap_or_else(|| self.site_root.join("public"))
    }
}
