//! The error overlay and the injection of serve's markup into HTML responses.
//!
//! The overlay is rendered by the server into the HTML itself (not by a script), so it is there
//! however broken the page's own scripts are. Built files stay clean: injection happens per
//! response, between `INJECT_START` and `INJECT_END` markers so tests can strip it.

use crate::diagnostics::Diagnostic;
use crate::lang::Lang;
use std::fmt::Write;
use std::path::Path;

pub const INJECT_START: &str = "<!--xianfeng-serve-->";
pub const INJECT_END: &str = "<!--/xianfeng-serve-->";

/// More errors than this are summarised: a broken shared template can fail every page.
const MAX_SHOWN: usize = 50;

/// Adds the overlay markup (empty when the build is good) after `<body…>` and the reload
/// script before `</body>`; either goes at the end when the tag is missing.
pub fn inject(html: &[u8], overlay: &str, script: &str) -> Vec<u8> {
    let overlay = if overlay.is_empty() { String::new() } else { wrap(overlay) };
    let script = wrap(script);
    let mut out = Vec::with_capacity(html.len() + overlay.len() + script.len());
    let body_open = find_ci(html, b"<body").and_then(|i| html[i..].iter().position(|&b| b == b'>').map(|j| i + j + 1));
    let body_close = rfind_ci(html, b"</body").filter(|&c| body_open.is_none_or(|o| c >= o));
    match (body_open, body_close) {
        (Some(o), Some(c)) => {
            out.extend_from_slice(&html[..o]);
            out.extend_from_slice(overlay.as_bytes());
            out.extend_from_slice(&html[o..c]);
            out.extend_from_slice(script.as_bytes());
            out.extend_from_slice(&html[c..]);
        }
        (Some(o), None) => {
            out.extend_from_slice(&html[..o]);
            out.extend_from_slice(overlay.as_bytes());
            out.extend_from_slice(&html[o..]);
            out.extend_from_slice(script.as_bytes());
        }
        (None, Some(c)) => {
            out.extend_from_slice(&html[..c]);
            out.extend_from_slice(overlay.as_bytes());
            out.extend_from_slice(script.as_bytes());
            out.extend_from_slice(&html[c..]);
        }
        (None, None) => {
            out.extend_from_slice(html);
            out.extend_from_slice(overlay.as_bytes());
            out.extend_from_slice(script.as_bytes());
        }
    }
    out
}

/// A stand-in page when the site has no page for a path (no 404.html, or no good build yet).
pub fn fallback_page(title: &str, message: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><main style=\"font:16px/1.6 system-ui,sans-serif;max-width:40em;margin:4em auto\"><h1>{t}</h1><p>{m}</p></main></body></html>\n",
        t = escape(title),
        m = escape(message)
    )
    .into_bytes()
}

fn wrap(markup: &str) -> String {
    format!("{INJECT_START}{markup}{INJECT_END}")
}

/// The site's Chinese sans-serif faces (the default theme's stack), for a theme that sets no
/// `--sans` of its own.
const FONT: &str = "var(--sans,\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",system-ui,sans-serif)";

/// The overlay's markup, rendered once per failed build: every error (root causes first, as
/// the diagnostics are sorted) with its place, field, expectation and hint, and the lines of
/// the source file around it read from `site_root`. Opaque, so the stale page under it is not
/// mistaken for the fix; everything escaped.
pub fn render(errors: &[Diagnostic], site_root: &Path, lang: Lang) -> String {
    let count = errors.len();
    let words = Words::of(lang);
    let (html_lang, close) = (words.html_lang, words.close);
    let mut html = String::with_capacity(1024 + count * 512);
    let _ = write!(
        html,
        "<div id=\"xianfeng-overlay\" role=\"alert\" lang=\"{html_lang}\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;\
         background:#1d0d0d;color:#f5f0eb;font:15px/1.7 {FONT};padding:2em;text-align:left\">"
    );
    let _ = write!(
        html,
        "<button type=\"button\" onclick=\"this.parentNode.remove()\" aria-label=\"{close}\" \
         style=\"float:right;font:inherit;min-width:44px;min-height:44px;background:none;color:inherit;border:1px solid #888;cursor:pointer\">×</button>\
         <h2 style=\"margin:0 0 .5em;color:#ff8a80;font-size:20px\">{title}</h2>\
         <p style=\"margin:0 0 1.2em;color:#d9cfc7\">{advice}</p><ol style=\"padding-left:1.5em\">",
        title = (words.title)(count),
        advice = words.advice,
    );
    for d in errors.iter().take(MAX_SHOWN) {
        render_one(&mut html, d, site_root, lang);
    }
    html.push_str("</ol>");
    if count > MAX_SHOWN {
        let _ = write!(html, "<p>{}</p>", (words.more)(count - MAX_SHOWN));
    }
    html.push_str("</div>");
    html
}

/// The overlay's own words in each language.
struct Words {
    html_lang: &'static str,
    close: &'static str,
    title: fn(usize) -> String,
    advice: &'static str,
    more: fn(usize) -> String,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::Zh => Words {
                html_lang: "zh-CN",
                close: "关闭",
                title: |n| format!("构建失败：{n} 个错误"),
                advice: "改正后保存文件，本页会自动刷新。在此之前，看到的是上一次构建成功的页面。",
                more: |n| format!("另有 {n} 个错误，见终端输出。"),
            },
            Lang::En => Words {
                html_lang: "en",
                close: "Close",
                title: |n| format!("Build failed: {n} error{}", if n == 1 { "" } else { "s" }),
                advice: "Fix and save the file; this page reloads by itself. Until then you see the last good build.",
                more: |n| format!("{n} more error{}: see the terminal.", if n == 1 { "" } else { "s" }),
            },
        }
    }
}

fn render_one(html: &mut String, d: &Diagnostic, site_root: &Path, lang: Lang) {
    let _ = write!(
        html,
        "<li class=\"xianfeng-error\" style=\"margin-bottom:1.6em\"><div><strong style=\"color:#ffd166;font-family:ui-monospace,Menlo,Consolas,monospace\">{}</strong> \
         <span style=\"color:#aaa\">[{}]</span></div><div style=\"white-space:pre-wrap;font-size:16px\">{}</div>",
        escape(&d.location()),
        escape(d.code),
        escape(d.message.get(lang))
    );
    for line in d.details(lang) {
        let _ = write!(html, "<div style=\"color:#d9cfc7;white-space:pre-wrap\">{}</div>", escape(&line));
    }
    if let Some(excerpt) = source_excerpt(d, site_root) {
        html.push_str(&excerpt);
    }
    html.push_str("</li>");
}

/// Lines around the error in its file (two before, two after), its line marked and a caret
/// under its column; None when the diagnostic has no line or names no file of the site.
fn source_excerpt(d: &Diagnostic, site_root: &Path) -> Option<String> {
    if d.line == 0 || d.file.is_absolute() || d.file.components().any(|c| c.as_os_str() == "..") {
        return None;
    }
    let text = std::fs::read_to_string(site_root.join(&d.file)).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let first = d.line.saturating_sub(2).max(1);
    let last = (d.line + 2).min(lines.len());
    if first > last {
        return None;
    }
    let width = last.to_string().len();
    let mut out = String::from(
        "<pre style=\"margin:.6em 0 0;padding:.6em .8em;background:#2b1616;border-radius:4px;overflow:auto;font:13px/1.6 ui-monospace,Menlo,Consolas,monospace\">",
    );
    for n in first..=last {
        let line = lines[n - 1];
        let mark = if n == d.line {
            "style=\"color:#fff;background:#4a1f1f;display:block\""
        } else {
            "style=\"color:#bbb;display:block\""
        };
        let _ = write!(out, "<span {mark}>{n:>width$} │ {}</span>", escape(line));
        if n == d.line && d.column > 0 {
            // Columns count characters; a Chinese character is two columns wide on screen.
            let before: usize =
                line.chars().take(d.column - 1).map(|c| if crate::markdown::is_cjk(c) { 2 } else { 1 }).sum();
            let _ = write!(
                out,
                "<span style=\"color:#ff8a80;display:block\">{} │ {}^</span>",
                " ".repeat(width),
                " ".repeat(before)
            );
        }
    }
    out.push_str("</pre>");
    Some(out)
}

/// Escapes text for HTML content and attribute values (the renderer's own escaper).
pub use crate::html_escape::escape_html as escape;

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error() -> Diagnostic {
        Diagnostic::error(
            "yaml-syntax",
            "content/cases/a.md",
            ("坏 <script>alert(1)</script> & co", "bad <script>alert(1)</script> & co"),
        )
        .at(3, 7)
        .field("org")
        .hint(("给值加引号：\"x\"", "quote the value: \"x\""))
    }

    #[test]
    fn overlay_goes_after_body_and_script_before_its_end() {
        let page = b"<!DOCTYPE html><html><head></head><BODY class=\"x\"><p>hi</p></Body></html>";
        let overlay = render(&[error()], Path::new("/nonexistent"), Lang::Zh);
        let out = String::from_utf8(inject(page, &overlay, "<script>r()</script>")).unwrap();
        let overlay = out.find("xianfeng-overlay").unwrap();
        assert!(out.find("<BODY class=\"x\">").unwrap() < overlay);
        assert!(overlay < out.find("<p>hi</p>").unwrap());
        assert!(out.find("<script>r()</script>").unwrap() < out.find("</Body>").unwrap());
        assert!(out.contains("content/cases/a.md:3:7"));
        assert!(out.contains("字段：org") && out.contains("构建失败：1 个错误"));
        let english = render(&[error()], Path::new("/nonexistent"), Lang::En);
        assert!(english.contains("field: org") && english.contains("Build failed: 1 error<"), "{english}");
        assert!(english.contains("hint: quote the value"), "{english}");
    }

    #[test]
    fn messages_are_escaped() {
        let html = render(&[error()], Path::new("/nonexistent"), Lang::En);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(html.contains("&quot;x&quot;"));
    }

    #[test]
    fn the_source_lines_around_the_error_are_shown_with_a_caret() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/cases")).unwrap();
        std::fs::write(dir.path().join("content/cases/a.md"), "---\ntitle: 甲\norg: <b>某局</b>\ndate: x\n---\n正文\n")
            .unwrap();
        let d = Diagnostic::error("invalid-date", "content/cases/a.md", ("日期不对", "bad date")).at(4, 7);
        let html = render(&[d], dir.path(), Lang::Zh);
        assert!(html.contains("2 │ title: 甲") && html.contains("6 │ 正文"), "{html}");
        assert!(html.contains("&lt;b&gt;某局"), "the source is escaped");
        assert!(html.contains("  │       ^"), "{html}");
    }

    #[test]
    fn no_errors_no_overlay_and_pages_without_body_still_get_the_script() {
        let out = String::from_utf8(inject(b"<p>bare</p>", "", "S")).unwrap();
        assert_eq!(out, format!("<p>bare</p>{INJECT_START}S{INJECT_END}"));
    }

    #[test]
    fn stripping_the_markers_gives_back_the_page() {
        let page = "<html><body><p>x</p></body></html>";
        let out =
            String::from_utf8(inject(page.as_bytes(), &render(&[error()], Path::new("/x"), Lang::Zh), "S")).unwrap();
        let mut stripped = out.clone();
        while let (Some(a), Some(b)) = (stripped.find(INJECT_START), stripped.find(INJECT_END)) {
            stripped.replace_range(a..b + INJECT_END.len(), "");
        }
        assert_eq!(stripped, page);
    }
}
