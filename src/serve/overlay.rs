//! The error overlay and the injection of serve's markup into HTML responses.
//!
//! The overlay is rendered by the server into the HTML itself (not by a script), so it is there
//! however broken the page's own scripts are. Built files stay clean: injection happens per
//! response, between `INJECT_START` and `INJECT_END` markers so tests can strip it.

use crate::diagnostics::Diagnostic;
use std::fmt::Write;

pub const INJECT_START: &str = "<!--xianfeng-serve-->";
pub const INJECT_END: &str = "<!--/xianfeng-serve-->";

/// More errors than this are summarised: a broken shared template can fail every page.
const MAX_SHOWN: usize = 50;

/// Adds the overlay (when there are errors) after `<body…>` and the reload script before
/// `</body>`; either goes at the end when the tag is missing.
pub fn inject(html: &[u8], errors: &[Diagnostic], script: &str) -> Vec<u8> {
    let overlay = if errors.is_empty() { String::new() } else { wrap(&render(errors)) };
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

/// The overlay's markup: every error with location, field, expectation and hint, escaped.
pub fn render(errors: &[Diagnostic]) -> String {
    let count = errors.len();
    let mut html = String::with_capacity(512 + count * 256);
    html.push_str(
        "<div id=\"xianfeng-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;\
         background:rgba(24,8,8,.94);color:#f5f5f5;font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;\
         padding:2em;text-align:left\">",
    );
    let _ = write!(
        html,
        "<button type=\"button\" onclick=\"this.parentNode.remove()\" aria-label=\"关闭 close\" \
         style=\"float:right;font:inherit;background:none;color:inherit;border:1px solid #888;cursor:pointer\">×</button>\
         <h2 style=\"margin:0 0 1em;color:#ff6b6b;font-size:18px\">构建失败 Build failed: {count} error{s}</h2>\
         <p style=\"margin:0 0 1em;color:#bbb\">Until this is fixed, the last good build (if any) is served. Fix the file and save: this page reloads by itself.</p><ol style=\"padding-left:1.5em\">",
        s = if count == 1 { "" } else { "s" }
    );
    for d in errors.iter().take(MAX_SHOWN) {
        render_one(&mut html, d);
    }
    html.push_str("</ol>");
    if count > MAX_SHOWN {
        let _ = write!(html, "<p>… and {} more (see the terminal)</p>", count - MAX_SHOWN);
    }
    html.push_str("</div>");
    html
}

fn render_one(html: &mut String, d: &Diagnostic) {
    let _ = write!(
        html,
        "<li class=\"xianfeng-error\" style=\"margin-bottom:1.2em\"><div><strong style=\"color:#ffd166\">{}</strong> \
         <span style=\"color:#999\">[{}]</span></div><div style=\"white-space:pre-wrap\">{}</div>",
        escape(&d.location()),
        escape(d.code),
        escape(&d.message)
    );
    let extras = [("field", &d.field), ("expected", &d.expected), ("hint", &d.hint)];
    for (label, value) in extras {
        if let Some(v) = value {
            let _ = write!(html, "<div style=\"color:#bbb;white-space:pre-wrap\">{label}: {}</div>", escape(v));
        }
    }
    html.push_str("</li>");
}

/// Escapes text for HTML content and attribute values (the renderer's own escaper).
pub use crate::render::escape_html as escape;

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
        Diagnostic::error("yaml-syntax", "content/cases/a.md", "bad <script>alert(1)</script> & co")
            .at(3, 7)
            .field("org")
            .hint("quote the value: \"x\"")
    }

    #[test]
    fn overlay_goes_after_body_and_script_before_its_end() {
        let page = b"<!DOCTYPE html><html><head></head><BODY class=\"x\"><p>hi</p></Body></html>";
        let out = String::from_utf8(inject(page, &[error()], "<script>r()</script>")).unwrap();
        let overlay = out.find("xianfeng-overlay").unwrap();
        assert!(out.find("<BODY class=\"x\">").unwrap() < overlay);
        assert!(overlay < out.find("<p>hi</p>").unwrap());
        assert!(out.find("<script>r()</script>").unwrap() < out.find("</Body>").unwrap());
        assert!(out.contains("content/cases/a.md:3:7"));
        assert!(out.contains("field: org"));
    }

    #[test]
    fn messages_are_escaped() {
        let html = render(&[error()]);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(html.contains("&quot;x&quot;"));
    }

    #[test]
    fn no_errors_no_overlay_and_pages_without_body_still_get_the_script() {
        let out = String::from_utf8(inject(b"<p>bare</p>", &[], "S")).unwrap();
        assert_eq!(out, format!("<p>bare</p>{INJECT_START}S{INJECT_END}"));
    }

    #[test]
    fn stripping_the_markers_gives_back_the_page() {
        let page = "<html><body><p>x</p></body></html>";
        let out = String::from_utf8(inject(page.as_bytes(), &[error()], "S")).unwrap();
        let mut stripped = out.clone();
        while let (Some(a), Some(b)) = (stripped.find(INJECT_START), stripped.find(INJECT_END)) {
            stripped.replace_range(a..b + INJECT_END.len(), "");
        }
        assert_eq!(stripped, page);
    }
}
