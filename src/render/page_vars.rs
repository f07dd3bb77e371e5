//! Each template's own variables, one struct per kind of page, in the names
//! docs/templates.md gives them: a key renamed here is renamed for the compiler, not found
//! missing by a theme. What every page gets besides (`site`, `lang`, `current_url`…) is added
//! by the renderer.

use super::context::{CaseRef, CaseView, CompilationSummary, CompilationView, Keyed, OrgProfile, TermLink, TermTree};
use crate::site::{Page, Site, Taxonomy};
use serde::Serialize;

/// `index.html`.
#[derive(Serialize)]
pub struct Home<'a> {
    pub featured: Vec<CaseRef>,
    pub latest: Vec<CaseRef>,
    /// Per taxonomy, its most used terms.
    pub counts: Keyed<'a, Vec<TermLink<'a>>>,
    pub compilations: Vec<CompilationSummary<'a>>,
    /// 存目 and 资料不全 cases are listed but not counted among the full cases.
    pub total_cases: usize,
    pub other_cases: usize,
    pub total_orgs: usize,
    pub section: Option<Section<'a>>,
}

/// `brands.html`, one page of the gallery.
#[derive(Serialize)]
pub struct Brands<'a> {
    pub cases: Vec<CaseRef>,
    pub paginator: Paginator,
    /// Per filter, every term.
    pub facets: Keyed<'a, Vec<TermLink<'a>>>,
    pub data_url: String,
    pub total_cases: usize,
    pub section: Option<Section<'a>>,
}

/// `cases.html`, one page of the case list.
#[derive(Serialize)]
pub struct CaseList<'a> {
    pub cases: Vec<CaseRef>,
    pub paginator: Paginator,
    pub section: Option<Section<'a>>,
}

/// `case.html`.
#[derive(Serialize)]
pub struct CasePage<'a> {
    pub case: CaseView<'a>,
}

/// `taxonomy_list.html`.
#[derive(Serialize)]
pub struct TaxonomyList<'a> {
    pub taxonomy: TaxonomyRef<'a>,
    pub terms: Vec<TermTree<'a>>,
}

/// `taxonomy_term.html`, one page of a term.
#[derive(Serialize)]
pub struct TermPage<'a> {
    pub taxonomy: TaxonomyRef<'a>,
    pub term: TermWithParent<'a>,
    /// Organisations only.
    pub profile: Option<OrgProfile>,
    pub cases: Vec<CaseRef>,
    pub paginator: Paginator,
}

#[derive(Serialize)]
pub struct TermWithParent<'a> {
    #[serde(flatten)]
    pub tree: TermTree<'a>,
    pub parent: Option<TermLink<'a>>,
}

/// `compilations.html`.
#[derive(Serialize)]
pub struct CompilationList<'a> {
    pub compilations: Vec<CompilationSummary<'a>>,
    pub section: Option<Section<'a>>,
}

/// `compilation.html`.
#[derive(Serialize)]
pub struct CompilationPage<'a> {
    pub compilation: CompilationView<'a>,
}

/// `page.html` (or the page's own `template:`).
#[derive(Serialize)]
pub struct PlainPage<'a> {
    pub page: PageView<'a>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    title: &'a str,
    description: &'a Option<String>,
    date: Option<String>,
    content: &'a str,
    toc: &'a [crate::markdown::TocEntry],
    url: &'a str,
    extra: &'a crate::content::model::Extra,
}

impl<'a> PageView<'a> {
    pub fn of(p: &'a Page) -> PageView<'a> {
        PageView {
            title: &p.meta.title,
            description: &p.meta.description,
            date: p.meta.date.map(|d| d.to_string()),
            content: &p.rendered.html,
            toc: &p.rendered.toc,
            url: &p.url,
            extra: &p.meta.extra,
        }
    }
}

/// `search.html`: the most used 主题 and 单位, for an empty query and a query with no results.
#[derive(Serialize)]
pub struct Search<'a> {
    pub popular: Keyed<'a, Vec<TermLink<'a>>>,
}

/// `404.html`: nothing of its own.
#[derive(Serialize)]
pub struct NotFound {}

/// `alias.html`, a redirect page.
#[derive(Serialize)]
pub struct Alias<'a> {
    pub target: &'a str,
    pub permalink: String,
}

/// A taxonomy as its pages name it.
#[derive(Serialize)]
pub struct TaxonomyRef<'a> {
    key: &'a str,
    name: &'a str,
    url: &'a str,
}

impl<'a> TaxonomyRef<'a> {
    pub fn of(tax: &'a Taxonomy) -> TaxonomyRef<'a> {
        TaxonomyRef { key: &tax.key, name: &tax.name, url: &tax.url }
    }
}

/// The `_index.md` of a list's folder: its title, text and description.
#[derive(Serialize)]
pub struct Section<'a> {
    title: &'a str,
    content: &'a str,
    description: &'a Option<String>,
}

impl<'a> Section<'a> {
    /// The section of folder `key` (`""` is the home page's), if the site has one.
    pub fn of(site: &'a Site, key: &str) -> Option<Section<'a>> {
        let p = site.sections.get(key)?;
        Some(Section { title: &p.meta.title, content: &p.rendered.html, description: &p.meta.description })
    }
}

/// Links for one page of a list. `pages` is a window of at most 9 page numbers around the
/// current one (`first` and `last` besides).
#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub per_page: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub first: String,
    pub last: String,
    pub pages: Vec<PageNumber>,
}

#[derive(Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
}
