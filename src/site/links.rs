//! Link and image destinations written in content, resolved to URLs.
//!
//! Three ways to write a link, each resolved the way its writer means it:
//! - `@/cases/x.md#a` names a content file and becomes its page's URL (also when the case
//!   became the folder case `cases/x/index.md`, and the other way round);
//! - a relative path naming a file next to the .md (`other.md`, `img.png`) is taken relative
//!   to the .md file, and a .md file is its page;
//! - any other relative path is resolved as a browser resolves it from the page's URL:
//!   `../b/` in `content/cases/a.md` (published at `/cases/a/`) is `/cases/b/`, as Hugo and
//!   Zola leave it working.
//!
//! `/path` is from the site root. Every result carries the base path, so a site published
//! under `/jgdj/showcase/` links correctly. A link to a file that failed to parse resolves
//! without an error (that file's own error is the one to fix); a link to a draft is an error
//! that says so.

use crate::markdown::{LinkResolver, ResolvedLink};
use std::collections::{HashMap, HashSet};

/// What every file's links are resolved against: the site's content files and their URLs.
#[derive(Debug, Default)]
pub struct LinkContext {
    /// Content path of a published page (`cases/x.md`) → root-relative URL with base path.
    pub urls: HashMap<String, String>,
    pub base_path: String,
    /// Every file under content/ (`cases/x.md`, `cases/img.png`), published or not.
    pub files: HashSet<String>,
    /// Content files that failed to parse → the URL they would have.
    pub failed: HashMap<String, String>,
    /// Drafts and future-dated files (left out of this build).
    pub unpublished: HashSet<String>,
    /// The images the build processed, by content path (see `images`).
    pub images: HashMap<String, std::sync::Arc<crate::images::Processed>>,
}

impl LinkContext {
    /// The resolver for one file: content path `key` (`cases/a.md`), the URL folder its
    /// file-relative links are relative to, and its page's own URL path (both without the
    /// base path, ending with `/`).
    pub fn for_file<'a>(&'a self, key: &str, dir_url: &str, page_url: &str) -> FileLinks<'a> {
        let file_dir = key.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
        FileLinks { ctx: self, file_dir, dir_url: dir_url.to_string(), page_url: page_url.to_string() }
    }

    /// The published page `key` names, as written or as its folder-case twin: the key found
    /// and its URL.
    fn page(&self, key: &str) -> Option<(String, &String)> {
        twins(key).into_iter().find_map(|k| self.urls.get(&k).map(|url| (k, url)))
    }

    fn failed_url(&self, key: &str) -> Option<&String> {
        twins(key).into_iter().find_map(|k| self.failed.get(&k))
    }

    fn is_unpublished(&self, key: &str) -> bool {
        twins(key).iter().any(|k| self.unpublished.contains(k))
    }

    /// The published content file whose path is closest to `key`, for hints.
    fn closest_key(&self, key: &str) -> Option<&String> {
        let (score, found) = self
            .urls
            .keys()
            .map(|k| (strsim::jaro_winkler(key, k), k))
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))?;
        (score > 0.85).then_some(found)
    }

    /// The `@/` form of the published page whose URL is closest to `url`, for hints.
    pub fn closest_page(&self, url: &str) -> Option<String> {
        let (score, key) = self
            .urls
            .iter()
            .map(|(key, page_url)| (strsim::jaro_winkler(url, page_url), key))
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))?;
        (score > 0.8).then(|| format!("@/{key}"))
    }
}

/// `cases/x.md` and `cases/x/index.md` name one page.
fn twins(key: &str) -> [String; 2] {
    let other = match key.strip_suffix("/index.md") {
        Some(stem) => format!("{stem}.md"),
        None => format!("{}/index.md", key.trim_end_matches(".md")),
    };
    [key.to_string(), other]
}

/// Resolves destinations for one content file.
pub struct FileLinks<'a> {
    ctx: &'a LinkContext,
    /// Content folder of the .md file (`cases`).
    file_dir: String,
    /// URL folder that file-relative destinations are relative to (no base path).
    dir_url: String,
    /// URL path of the page itself (no base path), for browser-style relative links.
    page_url: String,
}

impl LinkResolver for FileLinks<'_> {
    fn resolve(&self, dest: &str, is_image: bool) -> Result<ResolvedLink, crate::lang::Text> {
        if let Some(target) = dest.strip_prefix("@/") {
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a.to_string())),
                None => (target, None),
            };
            return self.content_link(path, anchor, dest);
        }
        if is_relative_path(dest) {
            let (path, suffix) = split_suffix(dest);
            let key = normalise(&format!("{}/{path}", self.file_dir)).trim_start_matches('/').to_string();
            if key.ends_with(".md") {
                let anchor = suffix.strip_prefix('#').map(String::from);
                return self.content_link(&key, anchor, dest);
            }
            if !self.ctx.files.contains(&key) {
                // Not a file beside the .md: the page's URL is what a browser resolves it from.
                let url = normalise(&format!("{}{dest}", self.page_url));
                return Ok(ResolvedLink { url: format!("{}{url}", self.ctx.base_path), internal: None, picture: None });
            }
        }
        let url = self.rewrite(dest);
        let picture = if is_image { self.picture(dest, &url) } else { None };
        Ok(ResolvedLink { url, internal: None, picture })
    }
}

impl FileLinks<'_> {
    /// The processed image `dest` names (a path relative to the .md file, or from the content
    /// root), published at `url`.
    pub fn picture(&self, dest: &str, url: &str) -> Option<crate::images::Picture> {
        if has_scheme(dest) || dest.starts_with("//") {
            return None;
        }
        let (path, _) = split_suffix(dest);
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let key = match path.strip_prefix('/') {
            Some(rooted) => normalise(rooted),
            None => normalise(&format!("{}/{path}", self.file_dir)),
        };
        let processed = self.ctx.images.get(key.trim_start_matches('/'))?;
        let (src, _) = split_suffix(url);
        Some(processed.picture(src))
    }

    /// A plain destination: external and fragment-only ones stay, paths get the base path.
    pub fn rewrite(&self, dest: &str) -> String {
        if dest.is_empty() || dest.starts_with('#') || has_scheme(dest) || dest.starts_with("//") {
            return dest.to_string();
        }
        if let Some(rooted) = dest.strip_prefix('/') {
            return format!("{}/{}", self.ctx.base_path, rooted);
        }
        format!("{}{}", self.ctx.base_path, normalise(&format!("{}{}", self.dir_url, dest)))
    }

    /// A link to content file `path` (`cases/x.md`) and `anchor`, as written in `dest`.
    fn content_link(&self, path: &str, anchor: Option<String>, dest: &str) -> Result<ResolvedLink, crate::lang::Text> {
        let with_anchor = |url: &str| match &anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.to_string(),
        };
        if let Some((key, url)) = self.ctx.page(path) {
            return Ok(ResolvedLink { url: with_anchor(url), internal: Some((key, anchor.clone())), picture: None });
        }
        if let Some(url) = self.ctx.failed_url(path) {
            return Ok(ResolvedLink { url: with_anchor(url), internal: None, picture: None });
        }
        if self.ctx.is_unpublished(path) {
            return Err(crate::lang::Text::new(
                format!("`{dest}` 链接到 content/{path}，这是草稿或日期在未来的文件，本次构建不包括它：链接会打不开"),
                format!(
                    "`{dest}` links to content/{path}, a draft or future-dated file that this build leaves out: the link would lead nowhere"
                ),
            ));
        }
        let closest = self.ctx.closest_key(path);
        Err(crate::lang::Text::new(
            format!(
                "`{dest}`：没有 `content/{path}` 这个内容文件{}",
                closest.as_ref().map_or(String::new(), |k| format!("（是不是要写 `@/{k}`？）"))
            ),
            format!(
                "`{dest}`: no content file at `content/{path}`{}",
                closest.as_ref().map_or(String::new(), |k| format!(" (did you mean `@/{k}`?)"))
            ),
        ))
    }
}

/// A relative path (not `#fragment`, `?query`, `/rooted`, `//host` or `scheme:`).
fn is_relative_path(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with(['#', '?', '/']) && !has_scheme(dest)
}

/// `a/b.md#x` → (`a/b.md`, `#x`).
fn split_suffix(dest: &str) -> (&str, &str) {
    match dest.find(['?', '#']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
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
    let (path, suffix) = split_suffix(path);
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
    let trailing = if (path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..")) && !parts.is_empty() {
        "/"
    } else {
        ""
    };
    format!("/{}{trailing}{suffix}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> LinkContext {
        let mut ctx = LinkContext { base_path: "/showcase".into(), ..LinkContext::default() };
        for (key, url) in [
            ("cases/a.md", "/showcase/cases/a/"),
            ("cases/b.md", "/showcase/cases/b/"),
            ("cases/x/index.md", "/showcase/cases/x/"),
        ] {
            ctx.urls.insert(key.into(), url.into());
            ctx.files.insert(key.into());
        }
        ctx.files.extend(["cases/img.png".to_string(), "cases/x/cover.jpg".to_string(), "cases/draft.md".to_string()]);
        ctx.unpublished.insert("cases/draft.md".into());
        ctx.failed.insert("cases/broken.md".into(), "/showcase/cases/broken/".into());
        ctx
    }

    #[test]
    fn at_links_become_page_urls_with_anchor_also_for_folder_cases() {
        let ctx = context();
        let l = ctx.for_file("cases/a.md", "/cases/", "/cases/a/");
        let r = l.resolve("@/cases/b.md#背景", false).unwrap();
        assert_eq!(r.url, "/showcase/cases/b/#背景");
        assert_eq!(r.internal, Some(("cases/b.md".into(), Some("背景".into()))));
        assert_eq!(l.resolve("@/cases/x.md", false).unwrap().url, "/showcase/cases/x/");
        assert_eq!(l.resolve("@/cases/a/index.md", false).unwrap().url, "/showcase/cases/a/");
        assert!(l.resolve("@/cases/none.md", false).is_err());
        assert!(l.resolve("@/cases/draft.md", false).unwrap_err().en.contains("draft"));
        assert_eq!(l.resolve("@/cases/broken.md", false).unwrap().internal, None, "no knock-on error");
    }

    #[test]
    fn relative_links_resolve_like_a_browser_unless_they_name_a_file_beside_the_md() {
        let ctx = context();
        let l = ctx.for_file("cases/a.md", "/cases/", "/cases/a/");
        assert_eq!(l.resolve("../b/", false).unwrap().url, "/showcase/cases/b/");
        assert_eq!(l.resolve("../b/#做法", false).unwrap().url, "/showcase/cases/b/#做法");
        assert_eq!(l.resolve("img.png", false).unwrap().url, "/showcase/cases/img.png");
        let md = l.resolve("b.md#x", false).unwrap();
        assert_eq!(
            (md.url.as_str(), md.internal),
            ("/showcase/cases/b/#x", Some(("cases/b.md".into(), Some("x".into()))))
        );
        assert_eq!(l.resolve("x.md", false).unwrap().url, "/showcase/cases/x/");
        let folder = ctx.for_file("cases/x/index.md", "/cases/x/", "/cases/x/");
        assert_eq!(folder.resolve("cover.jpg", false).unwrap().url, "/showcase/cases/x/cover.jpg");
        assert_eq!(folder.resolve("../a.md", false).unwrap().url, "/showcase/cases/a/");
        assert_eq!(folder.resolve("../a/", false).unwrap().url, "/showcase/cases/a/");
    }

    #[test]
    fn rooted_and_external_destinations() {
        let ctx = context();
        let l = ctx.for_file("cases/a.md", "/cases/", "/cases/a/");
        assert_eq!(l.rewrite("../../../x.png"), "/showcase/x.png");
        assert_eq!(l.rewrite("/images/a.png"), "/showcase/images/a.png");
        assert_eq!(l.rewrite("https://a.cn/x"), "https://a.cn/x");
        assert_eq!(l.rewrite("mailto:a@b.cn"), "mailto:a@b.cn");
        assert_eq!(l.rewrite("#top"), "#top");
        assert_eq!(ctx.closest_page("/showcase/cases/bb/").as_deref(), Some("@/cases/b.md"));
    }
}
