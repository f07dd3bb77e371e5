//! Output paths: the rules for where each page and file of a site goes, and the one check
//! that every output path passes before anything is written.
//!
//! Every path of the output is made here: a folder's page (`cases/x` → `cases/x/index.html`),
//! a list's further pages (`cases/page/2/index.html`), and (from `urls`, which the content
//! stage uses too) an alias's (`/old/x/` → `old/x/index.html`, spelled however the editor
//! wrote it) and what a slug may be. [`check_claims`] then takes
//! every path the build will write, with who claims it, and refuses what could not be
//! written, would be unreachable, or would be written twice: so `check` and `build` refuse
//! the same things, before the first byte is written, and each error names the sources.

use crate::diagnostics::{Diagnostic, Text};
pub use crate::urls::{alias_path, check_segment, PathProblem, MAX_SEGMENT_BYTES};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `cases/x` → `cases/x/index.html`; `""` → `index.html`.
pub fn index_of(dir: &str) -> String {
    let dir = dir.trim_matches('/');
    if dir.is_empty() {
        "index.html".to_string()
    } else {
        format!("{dir}/index.html")
    }
}

/// Page `page` (1-based) of the list in folder `dir`: its output path and its URL path
/// below the base path (`cases/page/2/`, `""` for the home folder's first page).
pub fn paged(dir: &str, page: usize) -> (String, String) {
    let dir = dir.trim_matches('/');
    let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    let url_path = format!("{prefix}{}", page_below_list(page));
    (format!("{url_path}index.html"), url_path)
}

/// Where page `page` (1-based) of a list is, below the list's folder: `""` for the first,
/// `page/2/` for the second.
pub fn page_below_list(page: usize) -> String {
    if page <= 1 {
        String::new()
    } else {
        format!("page/{page}/")
    }
}

/// `cases/x/index.html` → `cases/x/` (the URL path below the base path of an output page).
pub fn dir_of_page(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

/// Who writes an output path: a content file (and the field that decides the path), a
/// static file, or xianfeng itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The file to name in messages, relative to the site root.
    pub file: PathBuf,
    /// The front-matter field, if one decides the path (`slug`, `aliases[0]`, `tags[2]`).
    pub field: Option<String>,
    /// What it is, for messages: `the case page`, `the redirect of alias /x/`, `a static file`.
    pub what: Text,
    /// Made by xianfeng, not by a file of the site (lists, feeds, the search index).
    pub generated: bool,
}

impl Owner {
    pub fn file(file: impl Into<PathBuf>, field: Option<String>, what: impl Into<Text>) -> Owner {
        Owner { file: file.into(), field, what: what.into(), generated: false }
    }

    pub fn generated(what: impl Into<Text>) -> Owner {
        Owner { file: PathBuf::from("(generated)"), field: None, what: what.into(), generated: true }
    }

    fn describe(&self) -> Text {
        if self.generated {
            self.what.clone()
        } else {
            let file = self.file.display();
            let (zh, en) = match &self.field {
                Some(f) => (format!("（{file}，字段 `{f}`）"), format!(" ({file}, field `{f}`)")),
                None => (format!("（{file}）"), format!(" ({file})")),
            };
            Text::new(format!("{}{zh}", self.what.zh), format!("{}{en}", self.what.en))
        }
    }
}

/// An output path a build will write: one file, or (`folder`) everything under a folder.
#[derive(Debug, Clone)]
pub struct Claim {
    pub path: String,
    pub folder: bool,
    pub owner: Owner,
}

/// Every problem of the output paths together: a name no file system takes, a path two
/// owners claim, a file where another owner needs a folder. Each error is raised on the
/// owner that is a file of the site (not on xianfeng's own pages), naming both.
pub fn check_claims(claims: &[Claim]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for claim in claims {
        if let Some(segment) = claim.path.split('/').find(|s| s.len() > MAX_SEGMENT_BYTES) {
            let problem = PathProblem::TooLong(segment.len());
            let hint = Text::new("换一个短一些的值", "use a shorter value");
            errors.push(error_on(&claim.owner, problem.describe(shorten(segment)), hint));
        }
    }
    let files: BTreeMap<&str, &Claim> = first_claims(claims.iter().filter(|c| !c.folder), &mut errors);
    let folders: BTreeMap<&str, &Claim> = first_claims(claims.iter().filter(|c| c.folder), &mut errors);
    for (path, claim) in &files {
        // A file where another claim needs a folder: `atom.xml` and `atom.xml/index.html`.
        let mut prefix = String::new();
        for segment in path.split('/') {
            prefix.push_str(segment);
            if prefix.len() < path.len() {
                if let Some(other) = files.get(prefix.as_str()) {
                    let what = Text::new(
                        format!("`{prefix}` 会同时是文件和文件夹"),
                        format!("`{prefix}` would be a file and a folder at once"),
                    );
                    errors.push(conflict(other, claim, what));
                }
            }
            if let Some(other) = folders.get(prefix.trim_end_matches('/')) {
                let what = Text::new(
                    format!("`{path}` 在 `{prefix}/` 里面，而这个文件夹会整个写出"),
                    format!("`{path}` is inside `{prefix}/`, which is written whole"),
                );
                errors.push(conflict(other, claim, what));
            }
            prefix.push('/');
        }
    }
    errors
}

/// The first claim of each path; later claims of the same path are errors.
fn first_claims<'a>(
    claims: impl Iterator<Item = &'a Claim>,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<&'a str, &'a Claim> {
    let mut first: BTreeMap<&str, &Claim> = BTreeMap::new();
    for claim in claims {
        let path = claim.path.trim_end_matches('/');
        match first.get(path) {
            Some(earlier) => {
                let what = Text::new(format!("`{path}` 会被写两次"), format!("`{path}` would be written twice"));
                errors.push(conflict(earlier, claim, what))
            }
            None => {
                first.insert(path, claim);
            }
        }
    }
    first
}

/// An error naming both owners, raised on the one that is a file of the site.
fn conflict(a: &Claim, b: &Claim, what: Text) -> Diagnostic {
    let (on, other) = if b.owner.generated && !a.owner.generated { (&a.owner, &b.owner) } else { (&b.owner, &a.owner) };
    let (on_text, other_text) = (on.describe(), other.describe());
    let message = Text::new(
        format!("{}：{}和{}都要写它", what.zh, on_text.zh, other_text.zh),
        format!("{}: by {} and by {}", what.en, on_text.en, other_text.en),
    );
    let hint = Text::new(
        "给其中一个换一个 slug、别名或文件名，让每个页面和文件都有自己的路径",
        "give one of them another slug, alias or file name, so every page and file has its own path",
    );
    error_on(on, message, hint)
}

fn error_on(owner: &Owner, message: Text, hint: Text) -> Diagnostic {
    let mut d = Diagnostic::error("output-collision", &owner.file, message).hint(hint);
    if let Some(field) = &owner.field {
        d = d.field(field.clone());
    }
    d
}

/// The first 40 characters of a long name, for messages.
fn shorten(s: &str) -> &str {
    s.char_indices().nth(40).map_or(s, |(i, _)| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(path: &str, file: &str) -> Claim {
        Claim { path: path.into(), folder: false, owner: Owner::file(file, None, ("页面", "page")) }
    }

    #[test]
    fn two_claims_of_one_path_and_a_file_over_a_folder_are_errors_naming_both() {
        let claims = [
            claim("cases/a/index.html", "content/cases/a.md"),
            claim("cases/a/index.html", "content/cases/b.md"),
            Claim { path: "atom.xml".into(), folder: false, owner: Owner::generated(("Atom 订阅", "the Atom feed")) },
            claim("atom.xml/index.html", "content/about.md"),
            Claim {
                path: "search/shards".into(),
                folder: true,
                owner: Owner::generated(("搜索索引", "the search index")),
            },
            claim("search/shards/x.bin", "static/search/shards/x.bin"),
            claim("cases/b/index.html", "content/cases/c.md"),
        ];
        let errors = check_claims(&claims);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        let text: Vec<String> = errors.iter().map(|d| format!("{} {}", d.file.display(), d.message.en)).collect();
        assert!(text.iter().any(|t| t.starts_with("content/about.md") && t.contains("the Atom feed")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("content/cases/a.md") && t.contains("content/cases/b.md")), "{text:?}");
        assert!(
            text.iter().any(|t| t.starts_with("static/search/shards/x.bin") && t.contains("search index")),
            "{text:?}"
        );
    }

    #[test]
    fn pages_and_lists_go_into_folders() {
        assert_eq!(index_of("cases/x"), "cases/x/index.html");
        assert_eq!(index_of(""), "index.html");
        assert_eq!(paged("cases", 1), ("cases/index.html".to_string(), "cases/".to_string()));
        assert_eq!(paged("tags/党建", 3).0, "tags/党建/page/3/index.html");
        assert_eq!(dir_of_page("cases/x/index.html"), "cases/x/");
    }
}
