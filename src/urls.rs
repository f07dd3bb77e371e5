//! The one URL sanitiser: every URL that content, site.yaml or a template puts into a page
//! passes [`check`] (Markdown links and images, raw HTML, front-matter sources, covers and
//! logos, the `safe_url` template filter, and a last look at every `href`/`src` of every
//! rendered page).
//!
//! It is an allow-list, judged the way a browser reads the URL: the WHATWG URL parser (the
//! `url` crate) drops leading and trailing spaces and control characters, removes tabs and
//! line breaks anywhere, and folds the scheme's case, so `JaVaScRiPt:`, ` javascript:` and
//! `java\tscript:` are all seen as the `javascript:` they are. Character references are
//! decoded before a URL gets here (pulldown-cmark does it for Markdown, the page scanner for
//! HTML). What is left must be relative, or http, https, mailto or tel.

use std::fmt;
use url::Url;

/// The schemes a page may link to; everything else (`javascript:`, `data:`, `vbscript:`,
/// `file:`, …) is refused.
pub const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// A scheme outside [`ALLOWED_SCHEMES`] (lower case, as the browser reads it).
    Scheme(String),
    /// Not a URL a browser can follow (a broken host, say).
    Invalid,
}

impl fmt::Display for Unsafe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsafe::Scheme(s) => write!(f, "links with `{s}:` are not allowed"),
            Unsafe::Invalid => write!(f, "it is not a valid URL"),
        }
    }
}

/// Whether a page may carry `url` as an `href` or `src`: relative, or with an allowed scheme.
pub fn check(url: &str) -> Result<(), Unsafe> {
    if cannot_have_a_scheme(url) {
        return Ok(());
    }
    // Relative URLs resolve against the base, and keep its (allowed) scheme.
    let base = Url::parse("https://xianfeng.invalid/page/").expect("a valid base URL");
    match Url::options().base_url(Some(&base)).parse(url) {
        Ok(parsed) if ALLOWED_SCHEMES.contains(&parsed.scheme()) => Ok(()),
        Ok(parsed) => Err(Unsafe::Scheme(parsed.scheme().to_string())),
        Err(_) => Err(Unsafe::Invalid),
    }
}

/// A scheme starts the URL (after what the parser strips, all at or below U+0020) and ends at
/// a colon: without a colon, or starting with `/`, `#`, `?` or `.`, a URL is relative. Most
/// links of a page are, and are answered without parsing.
fn cannot_have_a_scheme(url: &str) -> bool {
    !url.contains(':') || url.starts_with(['/', '#', '?', '.'])
}

pub fn is_safe_url(url: &str) -> bool {
    check(url).is_ok()
}

/// A site's `base_url` (site.yaml or `--base-url`): an absolute http or https URL with a
/// host, and no query, fragment or password. Err says what is wrong.
pub fn check_base_url(base_url: &str) -> Result<(), String> {
    let parsed = Url::parse(base_url).map_err(|e| format!("`{base_url}` is not an absolute URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("`{base_url}` is not an http or https URL"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{base_url}` has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || parsed.password().is_some() {
        return Err(format!("`{base_url}` must not have a query, a fragment or a password"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_allowed_schemes_pass() {
        for url in [
            "/cases/a/",
            "../b/",
            "img/封面.jpg",
            "#背景",
            "?q=党建",
            "",
            "//cdn.example.cn/x.png",
            "https://www.zhuhai.gov.cn/",
            "HTTP://A.CN",
            "mailto:dj@example.cn",
            "tel:+86-756-1234567",
            "%6Aavascript:alert(1)",
        ] {
            assert_eq!(check(url), Ok(()), "{url:?}");
        }
    }

    #[test]
    fn script_and_data_urls_are_refused_however_written() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(4)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "javascript\r:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:image/svg+xml;base64,PHN2Zz4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "jar:https://a.cn/x!/",
        ] {
            assert!(matches!(check(url), Err(Unsafe::Scheme(_))), "{url:?}");
        }
        assert_eq!(check("http://[::1"), Err(Unsafe::Invalid));
    }

    #[test]
    fn base_urls_must_be_absolute_web_addresses() {
        assert!(check_base_url("https://dj.example.cn").is_ok());
        assert!(check_base_url("https://host/jgdj/showcase/").is_ok());
        assert!(check_base_url("http://127.0.0.1:1111").is_ok());
        for bad in
            ["::::", "showcase", "javascript:alert(1)", "file:///x", "https://", "https://a.cn/?x=1", "https://a.cn/#x"]
        {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }
}
