//! A saved news page: its main content (the article element, or the largest text block) and
//! the facts in its head (title, canonical URL, site name, publication date), converted to
//! Markdown with htmd. The content passes the site's HTML sanitiser first, so scripts,
//! iframes, event handlers and `javascript:` links never reach the Markdown; nothing is fetched.
//! A remote image stays a link; a local one saved beside the page (`页面_files/图.png`) is
//! found, if it lies inside the page's folder, for the case's folder.

use super::clean::Fact;
use super::images::{Found, Source};
use crate::lang::Text;
use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use std::path::Path;

/// What a page says about itself, and its content as Markdown.
#[derive(Debug, Default)]
pub struct Page {
    pub markdown: String,
    pub facts: Vec<Fact>,
    /// Remote images left as links (nothing is downloaded).
    pub remote_images: Vec<String>,
    /// Local images beside the page, referenced in the Markdown by their key.
    pub images: Vec<Found>,
}

/// The containers news sites put the article in, most specific first.
const CONTENT_SELECTORS: &[&str] = &[
    "[itemprop=articleBody]",
    "article",
    ".TRS_Editor",
    "#zoom",
    ".article-content",
    ".article",
    "#content",
    ".content",
    "main",
];

fn select(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

/// The page's content and facts; `folder` is where the page was saved, for its local images.
pub fn read(html: &str, folder: &Path) -> Page {
    let doc = Html::parse_document(html);
    let mut facts = head_facts(&doc);
    let main = main_content(&doc);
    let safe = crate::markdown::sanitize::clean(&main);
    let markdown = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec!["script", "style", "iframe", "nav", "header", "footer", "form", "button", "noscript"])
        .build()
        .convert(&safe)
        .unwrap_or_default();
    // An image wrapped in a link (click to enlarge, as news sites do): the image alone.
    let linked =
        Regex::new(r"\[\s*(!\[[^\]]*\]\((?:<[^>]*>|[^)]*)\))\s*\]\((?:<[^>]*>|[^)]*)\)").expect("a valid pattern");
    let markdown = linked.replace_all(&markdown, "$1");
    // htmd writes a destination with spaces in angle brackets: `![照片](<a b.png>)`.
    let image = Regex::new(r"!\[([^\]]*)\]\((?:<([^>\n]*)>|([^)\s]*))[^)]*\)").expect("a valid pattern");
    let mut remote_images = Vec::new();
    let mut images: Vec<Found> = Vec::new();
    let markdown = image
        .replace_all(&markdown, |c: &regex::Captures| {
            let alt = if c[1].trim().is_empty() { "图片" } else { c[1].trim() };
            let src = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
            match local_image(folder, src) {
                Some((original, source)) => {
                    // The same file shown twice is copied once.
                    let key = match images.iter().find(|f| f.original == original) {
                        Some(f) => f.key.clone(),
                        None => {
                            let key = format!("local-image-{}", images.len() + 1);
                            images.push(Found { key: key.clone(), original, source });
                            key
                        }
                    };
                    // Its own paragraph, as Word places it: the cleaning keeps it whole.
                    format!("\n\n![{alt}]({key})\n\n")
                }
                // Named as an image, so the reader knows what the link opens.
                None if is_web_url(src) => {
                    remote_images.push(src.to_string());
                    match c[1].trim() {
                        "" => format!("[图片]({src})"),
                        described => format!("[图片：{described}]({src})"),
                    }
                }
                // data:, file: and the like: no address to keep, and nothing is read from them.
                None => {
                    let shown: String = src.chars().take(40).collect();
                    images.push(Found {
                        key: format!("local-image-{}", images.len() + 1),
                        original: shown,
                        source: Source::Refused(Text::new(
                            "不是网址，也不是网页旁的文件",
                            "neither a web address nor a file beside the page",
                        )),
                    });
                    format!("![{alt}]({})", images.last().map_or("", |f| f.key.as_str()))
                }
            }
        })
        .into_owned();
    if let Some(fact) = h1_title(&doc) {
        facts.insert(0, fact);
    }
    Page { markdown, facts, remote_images, images }
}

/// A relative `src` (no scheme, not `//host`): its decoded path, and the file it names inside
/// the page's folder or why it is not taken. None for a remote image.
fn local_image(folder: &Path, src: &str) -> Option<(String, Source)> {
    let has_scheme = src.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/'));
    if has_scheme || src.starts_with("//") {
        return None;
    }
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy().replace('\\', "/");
    let refused = |zh: &str, en: &str| Some((path.clone(), Source::Refused(Text::new(zh, en))));
    if path.starts_with('/') || path.split('/').any(|part| part == "..") {
        return refused("路径指向网页所在文件夹之外", "its path leads outside the page's folder");
    }
    let file = folder.join(path.trim_start_matches("./"));
    // Symbolic links resolved: the file must still lie in the page's folder.
    let inside = match (file.canonicalize(), folder.canonicalize()) {
        (Ok(file), Ok(folder)) => file.starts_with(&folder) && file.is_file(),
        _ => return refused("网页旁没有这个文件", "no such file beside the page"),
    };
    if !inside {
        return refused("路径指向网页所在文件夹之外", "its path leads outside the page's folder");
    }
    Some((path, Source::File(file)))
}

/// The first content container that holds real text, else the body.
fn main_content(doc: &Html) -> String {
    for s in CONTENT_SELECTORS {
        if let Some(el) = doc.select(&select(s)).find(|el| text_len(el) >= 100) {
            return el.inner_html();
        }
    }
    doc.select(&select("body")).next().map(|b| b.inner_html()).unwrap_or_default()
}

fn text_len(el: &ElementRef) -> usize {
    el.text().map(|t| t.trim().chars().count()).sum()
}

fn meta(doc: &Html, selector: &str, attr: &str) -> Option<String> {
    doc.select(&select(selector))
        .find_map(|el| el.value().attr(attr))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn fact(field: &'static str, value: String, zh: &str, en: &str) -> Fact {
    Fact { field, value, from: Text::new(zh, en) }
}

fn h1_title(doc: &Html) -> Option<Fact> {
    let h1 = doc.select(&select("h1")).next()?;
    let text: String = h1.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then(|| fact("title", text, "网页一级标题（h1）", "the page's h1"))
}

fn head_facts(doc: &Html) -> Vec<Fact> {
    let mut facts = Vec::new();
    if let Some(t) = meta(doc, "meta[property='og:title']", "content") {
        facts.push(fact("title", t, "网页 og:title", "the page's og:title"));
    }
    let page_title = doc.select(&select("title")).next().map(|t| t.text().collect::<String>());
    if let Some(t) = page_title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // 《标题_站点名》 or 《标题 - 站点名》: the part before the site's suffix.
        let (title, site) = split_site_suffix(t);
        facts.push(fact("title", title.to_string(), "网页标题（去掉站名）", "the page title, minus the site name"));
        if let Some(site) = site {
            facts.push(fact("publication", site.to_string(), "网页标题中的站名", "the site name in the page title"));
        }
    }
    if let Some(site) = meta(doc, "meta[property='og:site_name']", "content") {
        facts.insert(0, fact("publication", site, "网页 og:site_name", "the page's og:site_name"));
    }
    let url = meta(doc, "link[rel=canonical]", "href").or_else(|| meta(doc, "meta[property='og:url']", "content"));
    if let Some(url) = url.filter(|u| is_web_url(u)) {
        facts.push(fact("url", url, "网页 canonical / og:url", "the page's canonical / og:url"));
    }
    for (selector, attr) in [
        ("meta[property='article:published_time']", "content"),
        ("meta[name=PubDate]", "content"),
        ("meta[name=pubdate]", "content"),
        ("meta[name=publishdate]", "content"),
        ("meta[name=date]", "content"),
    ] {
        if let Some(date) = meta(doc, selector, attr).and_then(|d| date_prefix(&d)) {
            facts.push(fact("date", date, "网页发布时间元数据", "the page's publication-time metadata"));
            break;
        }
    }
    facts
}

/// An absolute http(s) URL that the site's URL sanitiser accepts.
pub fn is_web_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://")) && crate::urls::is_safe_url(url)
}

fn split_site_suffix(title: &str) -> (&str, Option<&str>) {
    for sep in ["_", " - ", " | ", "—", "－"] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let (head, tail) = (head.trim(), tail.trim());
            if !head.is_empty() && !tail.is_empty() && tail.chars().count() <= 20 {
                return (head, Some(tail));
            }
        }
    }
    (title, None)
}

/// `2022-03-22T16:24:00+08:00`, `2022-03-22 16:24` → `2022-03-22`.
fn date_prefix(text: &str) -> Option<String> {
    let head: String = text.chars().take(10).collect();
    chrono::NaiveDate::parse_from_str(&head, "%Y-%m-%d").ok().map(|d| d.to_string())
}

/// A date in the URL's path: `/202203/22/`, `/2022-03-22/`, `t20220322_`.
pub fn date_in_url(url: &str) -> Option<String> {
    let re = Regex::new(r"/(20\d{2}|19\d{2})[-_/]?(\d{2})[-_/]?(\d{2})(?:/|_|\b)|t((?:20|19)\d{2})(\d{2})(\d{2})_")
        .expect("a valid pattern");
    let c = re.captures(url)?;
    let (y, m, d) = match c.get(1) {
        Some(y) => (y.as_str(), &c[2], &c[3]),
        None => (c.get(4)?.as_str(), &c[5], &c[6]),
    };
    let date = format!("{y}-{m}-{d}");
    chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok().map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_never_reach_the_markdown() {
        let html = r#"<html><body><article><p onclick="steal()">正文第一段，足够长的文字内容。正文第一段，足够长的文字内容。正文第一段，足够长的文字内容。正文第一段，足够长的文字内容。正文第一段，足够长的文字内容。</p>
<script>alert(1)</script><iframe src="https://evil.example/"></iframe><a href="javascript:alert(2)">点我</a>
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMyk+" alt="内嵌"><img src="mailto:a@b.cn" alt="邮件"></article></body></html>"#;
        let page = read(html, Path::new("."));
        let gathered = super::super::images::gather(&page.markdown, page.images);
        for gone in ["data:", "内嵌", "mailto", "邮件"] {
            assert!(!gathered.markdown.contains(gone), "{gone} in {}", gathered.markdown);
        }
        assert!(gathered.warnings.iter().any(|w| w.zh.contains("mailto:a@b.cn") && w.zh.contains("不是网址")));
        for bad in ["alert", "steal", "iframe", "javascript", "evil"] {
            assert!(!page.markdown.contains(bad), "{bad} in {}", page.markdown);
        }
        assert!(page.markdown.contains("正文第一段"));
    }

    #[test]
    fn a_date_in_the_url_path_is_found() {
        assert_eq!(date_in_url("https://a.cn/content/202203/22/c123.html").as_deref(), Some("2022-03-22"));
        assert_eq!(date_in_url("https://a.cn/2016-12-02/x.html").as_deref(), Some("2016-12-02"));
        assert_eq!(date_in_url("https://a.cn/art/t20220322_55.html").as_deref(), Some("2022-03-22"));
        assert_eq!(date_in_url("https://a.cn/a/b.html"), None);
    }
}
