//! Link and image destinations written in content, resolved to URLs.
//!
//! `@/cases/x.md#a` names another content file and becomes its URL; a relative path is taken
//! relative to the file's folder; `/path` is from the site root. Every result carries the
//! base path, so a site published under `/jgdj/showcase/` links correctly.

use crate::markdown::{LinkResolver, ResolvedLink};
use std::collections::HashMap;

/// Resolves destinations for one content file.
pub struct FileLinks<'a> {
    /// Content path (`cases/x.md`) → root-relative URL with base path.
    pub urls: &'a HashMap<String, String>,
    pub base_path: &'a str,
    /// URL of the folder a relative destination is relative to (ends with `/`, no base path).
    pub dir_url: String,
}

impl LinkResolver for FileLinks<'_> {
    fn resolve(&self, dest: &str, _is_image: bool) -> Result<ResolvedLink, String> {
        if let Some(target) = dest.strip_prefix("@/") {
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a.to_string())),
                None => (target, None),
            };
            let Some(url) = self.urls.get(path) else {
                return Err(format!("no content file at `content/{path}`"));
            };
            let full = match &anchor {
                Some(a) => format!("{url}#{a}"),
                None => url.clone(),
            };
            return Ok(ResolvedLink { url: full, internal: Some((path.to_string(), anchor)) });
        }
        Ok(ResolvedLink { url: self.rewrite(dest), internal: None })
    }
}

impl FileLinks<'_> {
    /// A plain destination: external and fragment-only ones stay, paths get the base path.
    pub fn rewrite(&self, dest: &str) -> String {
        if dest.is_empty() || dest.starts_with('#') || has_scheme(dest) || dest.starts_with("//") {
            return dest.to_string();
        }
        if let Some(rooted) = dest.strip_prefix('/') {
            return format!("{}/{}", self.base_path, rooted);
        }
        format!("{}{}", self.base_path, normalise(&format!("{}{}", self.dir_url, dest)))
    }
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Removes `.` and `..` segments; never climbs above the root.
fn normalise(path: &str) -> String {
    let (path, suffix) = match path.find(['?', '#']) {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = if path.ends_with('/') && !parts.is_empty() { "/" } else { "" };
    format!("/{}{trailing}{suffix}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(urls: &HashMap<String, String>) -> FileLinks<'_> {
        FileLinks { urls, base_path: "/showcase", dir_url: "/cases/".into() }
    }

    #[test]
    fn at_links_become_page_urls_with_anchor() {
        let urls = HashMap::from([("cases/a.md".to_string(), "/showcase/cases/a/".to_string())]);
        let r = links(&urls).resolve("@/cases/a.md#背景", false).unwrap();
        assert_eq!(r.url, "/showcase/cases/a/#背景");
        assert_eq!(r.internal, Some(("cases/a.md".into(), Some("背景".into()))));
        assert!(links(&urls).resolve("@/cases/b.md", false).is_err());
    }

    #[test]
    fn relative_and_rooted_paths_get_the_base_path() {
        let urls = HashMap::new();
        let l = links(&urls);
        assert_eq!(l.rewrite("img/a.png"), "/showcase/cases/img/a.png");
        assert_eq!(l.rewrite("../../../x.png"), "/showcase/x.png");
        assert_eq!(l.rewrite("/images/a.png"), "/showcase/images/a.png");
        assert_eq!(l.rewrite("https://a.cn/x"), "https://a.cn/x");
        assert_eq!(l.rewrite("mailto:a@b.cn"), "mailto:a@b.cn");
        assert_eq!(l.rewrite("#top"), "#top");
    }
}
