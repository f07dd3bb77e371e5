//! Request path → output key: the server's safety boundary.
//!
//! Requests are answered only from keys of the in-memory `Output` map, never by joining a
//! request path onto a folder, so a path can at worst name a key that does not exist. Still,
//! anything that looks like an escape attempt (`..`, encoded slashes or backslashes, NUL) is
//! refused outright with 400, so no later change (a dev folder, say) can turn it into a read.

use crate::site::paths::index_of;
use percent_encoding::percent_decode_str;

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    /// An output key that exists (`cases/x/index.html`).
    File(String),
    /// `/dir` where `dir/index.html` exists: redirect to the URL with the slash.
    AddSlash(String),
    /// The path exists nowhere in the output.
    NotFound,
    /// Malformed or an escape attempt.
    BadRequest,
}

/// Resolves a raw (still percent-encoded) request path against the keys `exists` accepts.
pub fn resolve(raw: &str, exists: impl Fn(&str) -> bool) -> Resolution {
    let Some(key) = normalise(raw) else { return Resolution::BadRequest };
    let directory = key.is_empty() || raw.ends_with('/');
    if directory {
        let index = index_of(&key);
        return if exists(&index) { Resolution::File(index) } else { Resolution::NotFound };
    }
    if exists(&key) {
        Resolution::File(key)
    } else if exists(&index_of(&key)) {
        // One leading slash: `//cases/x/` in a Location header names another host.
        Resolution::AddSlash(format!("/{}/", raw.trim_start_matches('/')))
    } else {
        Resolution::NotFound
    }
}

/// The decoded key (`cases/x`, no leading or trailing slash), or None for an unsafe path.
fn normalise(raw: &str) -> Option<String> {
    if !raw.starts_with('/') || has_forbidden(raw) || has_encoded_separator(raw) {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    if has_forbidden(&decoded) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." {
            return None;
        }
        segments.push(segment);
    }
    Some(segments.join("/"))
}

/// Backslashes (Windows separators), NUL and other control characters.
fn has_forbidden(s: &str) -> bool {
    s.chars().any(|c| c == '\\' || c.is_control())
}

/// `%2f`, `%5c` and `%00`: separators or NUL hidden from the first check.
fn has_encoded_separator(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    ["%2f", "%5c", "%00"].iter().any(|e| lower.contains(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(key: &str) -> bool {
        ["index.html", "cases/a/index.html", "style.css", "org/党建+业务融合/index.html", "404.html"].contains(&key)
    }

    #[test]
    fn directories_map_to_their_index() {
        assert_eq!(resolve("/", site), Resolution::File("index.html".into()));
        assert_eq!(resolve("/cases/a/", site), Resolution::File("cases/a/index.html".into()));
        assert_eq!(resolve("/cases/a", site), Resolution::AddSlash("/cases/a/".into()));
        assert_eq!(resolve("/style.css", site), Resolution::File("style.css".into()));
        assert_eq!(resolve("/cases/b/", site), Resolution::NotFound);
        assert_eq!(resolve("/style.css/", site), Resolution::NotFound);
    }

    #[test]
    fn chinese_paths_are_decoded() {
        let raw = "/org/%E5%85%9A%E5%BB%BA+%E4%B8%9A%E5%8A%A1%E8%9E%8D%E5%90%88/";
        assert_eq!(resolve(raw, site), Resolution::File("org/党建+业务融合/index.html".into()));
    }

    #[test]
    fn escape_attempts_are_refused() {
        for raw in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/",
            "/..%2fsite.yaml",
            "/..%2Fsite.yaml",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/cases/../../etc/passwd",
            "/index.html%00.css",
            "/./index.html",
            "relative",
            "/%ff%fe",
        ] {
            assert_eq!(resolve(raw, |_| true), Resolution::BadRequest, "{raw}");
        }
    }

    #[test]
    fn doubled_slashes_collapse() {
        assert_eq!(resolve("//cases//a/", site), Resolution::File("cases/a/index.html".into()));
    }

    #[test]
    fn a_redirect_never_names_another_host() {
        assert_eq!(resolve("//cases/a", site), Resolution::AddSlash("/cases/a/".into()));
        assert_eq!(resolve("///cases/a", site), Resolution::AddSlash("/cases/a/".into()));
    }
}
