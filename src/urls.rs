//! URLs: the one sanitiser of the URLs a page links to, and the rules for a page's own
//! address (slugs, aliases).
//!
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

use crate::lang::Text;
use percent_encoding::percent_decode_str;
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

impl Unsafe {
    /// Why, in both languages.
    pub fn describe(&self) -> Text {
        match self {
            Unsafe::Scheme(s) => {
                Text::new(format!("不允许 `{s}:` 开头的链接"), format!("links with `{s}:` are not allowed"))
            }
            Unsafe::Invalid => Text::new("这不是有效的网址", "it is not a valid URL"),
        }
    }
}

impl fmt::Display for Unsafe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe().en)
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
pub fn check_base_url(base_url: &str) -> Result<(), Text> {
    let parsed = Url::parse(base_url).map_err(|e| {
        Text::new(format!("`{base_url}` 不是完整的网址（{e}）"), format!("`{base_url}` is not an absolute URL ({e})"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Text::new(
            format!("`{base_url}` 不是 http 或 https 网址"),
            format!("`{base_url}` is not an http or https URL"),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Text::new(format!("`{base_url}` 没有域名"), format!("`{base_url}` has no host")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || parsed.password().is_some() {
        return Err(Text::new(
            format!("`{base_url}` 不能带 ?查询、#锚点 或密码"),
            format!("`{base_url}` must not have a query, a fragment or a password"),
        ));
    }
    Ok(())
}

/// The longest name of a file or folder that ext4, NTFS and APFS all take: 255 bytes of
/// UTF-8 (85 Chinese characters).
pub const MAX_SEGMENT_BYTES: usize = 255;

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
    pub fn describe(&self, value: &str) -> Text {
        match self {
            PathProblem::Empty => Text::new("它是空的", "it is empty"),
            PathProblem::Character(c) => {
                let c = c.escape_default();
                Text::new(
                    format!("`{value}` 含有 `{c}`，网页地址不能原样包含这个字符"),
                    format!("`{value}` contains `{c}`, which a page address cannot hold as written"),
                )
            }
            PathProblem::Dot => Text::new(
                format!("`{value}` 是 `.`/`..` 或以 `.` 开头（隐藏的名字）"),
                format!("`{value}` is `.`/`..` or starts with `.` (a hidden name)"),
            ),
            PathProblem::TooLong(n) => Text::new(
                format!("`{value}` 作为文件或文件夹名有 {n} 个字节；文件系统最多只能用 {MAX_SEGMENT_BYTES} 个（85 个汉字）"),
                format!(
                    "`{value}` makes a file or folder name of {n} bytes; file systems take at most {MAX_SEGMENT_BYTES} (85 Chinese characters)"
                ),
            ),
            PathProblem::Climbs => Text::new(
                format!("`{value}` 用 `..` 跳到了网站根目录之外"),
                format!("`{value}` climbs above the site's root with `..`"),
            ),
            PathProblem::QueryOrFragment => Text::new(
                format!("`{value}` 带有 `?` 或 `#` 部分，静态网站的服务器看不到它"),
                format!("`{value}` has a `?` or `#` part, which a static host never sees"),
            ),
            PathProblem::NotAPath => Text::new(
                format!("`{value}` 是完整的网址，不是本站的路径"),
                format!("`{value}` is a full URL, not a path of this site"),
            ),
            PathProblem::BadEscape => Text::new(
                format!("`{value}` 里有一个解不成 UTF-8 文字的 %-转义"),
                format!("`{value}` has a %-escape that is not UTF-8 text"),
            ),
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
    let is_file = segments.last().is_some_and(|s| s.ends_with(".html") || s.ends_with(".htm"));
    if !is_file {
        segments.push("index.html");
    }
    Ok(segments.join("/"))
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
}
