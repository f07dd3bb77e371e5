//! Output paths: the rules for where each page and file of a site goes, and the one check
//! that every output path passes before anything is written.
//!
//! Every path of the output is made here: a folder's page (`cases/x` → `cases/x/index.html`),
//! a list's further pages (`cases/page/2/index.html`), an alias (`/old/x/` →
//! `old/x/index.html`, spelled however the editor wrote it). [`check_claims`] then takes
//! every path the build will write, with who claims it, and refuses what could not be
//! written, would be unreachable, or would be written twice: so `check` and `build` refuse
//! the same things, before the first byte is written, and each error names the sources.

use crate::diagnostics::Diagnostic;
use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The longest name of a file or folder that ext4, NTFS and APFS all take: 255 bytes of
/// UTF-8 (85 Chinese characters).
pub const MAX_SEGMENT_BYTES: usize = 255;

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
    if page <= 1 {
        (format!("{prefix}index.html"), prefix)
    } else {
        (format!("{prefix}page/{page}/index.html"), format!("{prefix}page/{page}/"))
    }
}

/// `cases/x/index.html` → `cases/x/` (the URL path below the base path of an output page).
pub fn dir_of_page(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

/// What is wrong with a slug, a path segment or an alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    Empty,
    /// A character a URL path segment cannot hold as written (`/`, `?`, `#`, `%`, `\`, a
    /// space or a control character).
    Character(char),
    /// `.` and `..` name folders; names starting with `.` are hidden (and held back by
    /// many web servers).
    Dot,
    TooLong(usize),
    /// An alias that climbs above the site root with `..`.
    Climbs,
    /// An alias with `?query` or `#fragment`, which a static host never sees.
    QueryOrFragment,
    /// An alias that is a full URL rather than a path of this site.
    NotAPath,
    /// A percent-escape that is not UTF-8.
    BadEscape,
}

impl PathProblem {
    /// The message, for a value written as `what` (`slug`, `alias`).
    pub fn describe(&self, value: &str) -> String {
        match self {
            PathProblem::Empty => "it is empty".into(),
            PathProblem::Character(c) => format!("`{value}` contains `{}`, which a page address cannot hold as written", c.escape_default()),
            PathProblem::Dot => format!("`{value}` is `.`/`..` or starts with `.` (a hidden name)"),
            PathProblem::TooLong(n) => format!(
                "`{value}` makes a file or folder name of {n} bytes; file systems take at most {MAX_SEGMENT_BYTES} (85 Chinese characters)"
            ),
            PathProblem::Climbs => format!("`{value}` climbs above the site's root with `..`"),
            PathProblem::QueryOrFragment => format!("`{value}` has a `?` or `#` part, which a static host never sees"),
            PathProblem::NotAPath => format!("`{value}` is a full URL, not a path of this site"),
            PathProblem::BadEscape => format!("`{value}` has a %-escape that is not UTF-8 text"),
        }
    }
}

/// A slug or one segment of an output path: not empty, at most [`MAX_SEGMENT_BYTES`], no
/// character that would change the URL's meaning (`/ ? # %`), no `\`, space or control
/// character, not `.`/`..` and not hidden. Chinese is kept.
pub fn check_segment(segment: &str) -> Result<(), PathProblem> {
    if segment.is_empty() {
        return Err(PathProblem::Empty);
    }
    if let Some(c) = segment.chars().find(|&c| "/?#%\\".contains(c) || c.is_whitespace() || c.is_control()) {
        return Err(PathProblem::Character(c));
    }
    if segment.starts_with('.') {
        return Err(PathProblem::Dot);
    }
    if segment.len() > MAX_SEGMENT_BYTES {
        return Err(PathProblem::TooLong(segment.len()));
    }
    Ok(())
}

/// The output path of the redirect page of `alias`, however it is spelled: `/old/x/`,
/// `old/x`, `/old//x/./`, `/old/x/index.html` and `/%6Fld/x/` are all `old/x/index.html`;
/// `/old.html` is `old.html`.
pub fn alias_path(alias: &str) -> Result<String, PathProblem> {
    let alias = alias.trim();
    if alias.contains("://") || alias.starts_with("//") {
        return Err(PathProblem::NotAPath);
    }
    if alias.contains(['?', '#']) {
        return Err(PathProblem::QueryOrFragment);
    }
    let decoded = percent_decode_str(alias).decode_utf8().map_err(|_| PathProblem::BadEscape)?;
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop().ok_or(PathProblem::Climbs)?;
            }
            s => segments.push(s),
        }
    }
    if segments.last() == Some(&"index.html") {
        segments.pop();
    }
    for segment in &segments {
        check_segment(segment)?;
    }
    let path = segments.join("/");
    let is_file = path.ends_with(".html") || path.ends_with(".htm");
    Ok(if is_file { path } else { index_of(&path) })
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
    pub what: String,
    /// Made by xianfeng, not by a file of the site (lists, feeds, the search index).
    pub generated: bool,
}

impl Owner {
    pub fn file(file: impl Into<PathBuf>, field: Option<String>, what: impl Into<String>) -> Owner {
        Owner { file: file.into(), field, what: what.into(), generated: false }
    }

    pub fn generated(what: impl Into<String>) -> Owner {
        Owner { file: PathBuf::from("(generated)"), field: None, what: what.into(), generated: true }
    }

    fn describe(&self) -> String {
        if self.generated {
            self.what.clone()
        } else {
            let field = self.field.as_ref().map_or(String::new(), |f| format!(", field `{f}`"));
            format!("{} ({}{field})", self.what, self.file.display())
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
            errors.push(error_on(&claim.owner, problem.describe(shorten(segment)), "use a shorter value"));
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
                    errors.push(conflict(other, claim, &format!("`{prefix}` would be a file and a folder at once")));
                }
            }
            if let Some(other) = folders.get(prefix.trim_end_matches('/')) {
                errors.push(conflict(other, claim, &format!("`{path}` is inside `{prefix}/`, which is written whole")));
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
            Some(earlier) => errors.push(conflict(earlier, claim, &format!("`{path}` would be written twice"))),
            None => {
                first.insert(path, claim);
            }
        }
    }
    first
}

/// An error naming both owners, raised on the one that is a file of the site.
fn conflict(a: &Claim, b: &Claim, what: &str) -> Diagnostic {
    let (on, other) = if b.owner.generated && !a.owner.generated { (&a.owner, &b.owner) } else { (&b.owner, &a.owner) };
    let message = format!("{what}: by {} and by {}", on.describe(), other.describe());
    error_on(on, message, "give one of them another slug, alias or file name, so every page and file has its own path")
}

fn error_on(owner: &Owner, message: String, hint: &str) -> Diagnostic {
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

    #[test]
    fn aliases_spelled_differently_name_one_path() {
        for alias in [
            "/cases/xianfeng-shili/",
            "/cases//xianfeng-shili/",
            "cases/xianfeng-shili",
            "/cases/./xianfeng-shili/",
            "/cases/x/../xianfeng-shili/",
            "/cases/xianfeng-shili/index.html",
            "/cases/%78ianfeng-shili/",
            " /cases/xianfeng-shili/ ",
        ] {
            assert_eq!(alias_path(alias).as_deref(), Ok("cases/xianfeng-shili/index.html"), "{alias}");
        }
        assert_eq!(alias_path("/old.html").as_deref(), Ok("old.html"));
        assert_eq!(alias_path("/").as_deref(), Ok("index.html"));
        assert_eq!(alias_path("/旧址/案例/").as_deref(), Ok("旧址/案例/index.html"));
        assert_eq!(alias_path("/%E6%97%A7/").as_deref(), Ok("旧/index.html"));
    }

    #[test]
    fn aliases_that_cannot_be_paths_are_refused() {
        assert_eq!(alias_path("/../../etc/"), Err(PathProblem::Climbs));
        assert_eq!(alias_path("/old.php?id=3"), Err(PathProblem::QueryOrFragment));
        assert_eq!(alias_path("/a#b"), Err(PathProblem::QueryOrFragment));
        assert_eq!(alias_path("https://a.cn/x/"), Err(PathProblem::NotAPath));
        assert_eq!(alias_path("//a.cn/x/"), Err(PathProblem::NotAPath));
        // A host decodes `%2F` before it looks for the file, as it does every escape.
        assert_eq!(alias_path("/a%2fb/").as_deref(), Ok("a/b/index.html"));
        assert_eq!(alias_path("/a%3Fb/"), Err(PathProblem::Character('?')));
        assert_eq!(alias_path("/%ff/"), Err(PathProblem::BadEscape));
        assert_eq!(alias_path("/.git/"), Err(PathProblem::Dot));
        assert_eq!(alias_path(&format!("/{}/", "案".repeat(100))), Err(PathProblem::TooLong(300)));
    }

    #[test]
    fn slugs_keep_chinese_and_refuse_what_changes_a_url() {
        assert_eq!(check_segment("zhuhai-caizheng-rang-wo-xian-lai"), Ok(()));
        assert_eq!(check_segment("让我先来"), Ok(()));
        for (slug, problem) in [
            ("a?b", PathProblem::Character('?')),
            ("a#b", PathProblem::Character('#')),
            ("%2e%2e", PathProblem::Character('%')),
            ("a%2fb", PathProblem::Character('%')),
            ("a/b", PathProblem::Character('/')),
            ("a b", PathProblem::Character(' ')),
            ("..", PathProblem::Dot),
            (".hidden", PathProblem::Dot),
            ("", PathProblem::Empty),
        ] {
            assert_eq!(check_segment(slug), Err(problem), "{slug}");
        }
        assert_eq!(check_segment(&"a".repeat(300)), Err(PathProblem::TooLong(300)));
    }

    fn claim(path: &str, file: &str) -> Claim {
        Claim { path: path.into(), folder: false, owner: Owner::file(file, None, "page") }
    }

    #[test]
    fn two_claims_of_one_path_and_a_file_over_a_folder_are_errors_naming_both() {
        let claims = [
            claim("cases/a/index.html", "content/cases/a.md"),
            claim("cases/a/index.html", "content/cases/b.md"),
            Claim { path: "atom.xml".into(), folder: false, owner: Owner::generated("the Atom feed") },
            claim("atom.xml/index.html", "content/about.md"),
            Claim { path: "search/shards".into(), folder: true, owner: Owner::generated("the search index") },
            claim("search/shards/x.bin", "static/search/shards/x.bin"),
            claim("cases/b/index.html", "content/cases/c.md"),
        ];
        let errors = check_claims(&claims);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        let text: Vec<String> = errors.iter().map(|d| format!("{} {}", d.file.display(), d.message)).collect();
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
