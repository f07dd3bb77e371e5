//! Code blocks: syntect highlighting into `hl-` CSS classes, so the theme's stylesheet colours
//! them and pages carry no inline styles.
//!
//! Loading syntect's syntax definitions costs milliseconds, so it happens once per process and
//! only when a page has a fenced code block that names a language.

use super::escape_html as escape;
use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The class prefix used in the HTML and in [`highlight_css`].
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The light theme the stylesheet is made from (one of syntect's defaults).
const THEME: &str = "InspiredGitHub";

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Renders one code block. `lang` is the first word of the fence's info string.
pub fn code_block(lang: Option<&str>, code: &str) -> String {
    let lang = lang.map(str::trim).filter(|l| !l.is_empty());
    if let Some(lang) = lang {
        if let Some(body) = highlighted(lang, code) {
            return wrap(Some(lang), &body);
        }
    }
    let mut body = String::with_capacity(code.len() + code.len() / 8);
    escape(&mut body, code);
    wrap(lang, &body)
}

fn wrap(lang: Option<&str>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    match lang {
        Some(lang) => {
            out.push_str("<pre class=\"hl-code\"><code class=\"language-");
            escape(&mut out, lang);
            out.push_str("\">");
        }
        None => out.push_str("<pre class=\"hl-code\"><code>"),
    }
    out.push_str(body);
    out.push_str("</code></pre>\n");
    out
}

/// The highlighted spans, or `None` when syntect does not know the language.
fn highlighted(lang: &str, code: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        // A syntect error (a pathological regex) falls back to plain text rather than failing.
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// The stylesheet for highlighted code, for the theme's static CSS (`.hl-code` is the `<pre>`).
pub fn highlight_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    themes
        .themes
        .get(THEME)
        .and_then(|theme| syntect::html::css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = code_block(Some("rust"), "fn main() {}\n");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"hl-code\"><code class=\"language-rust\">"), "{html}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block(Some("no-such-lang"), "<b>&</b>\n");
        assert_eq!(
            html,
            "<pre class=\"hl-code\"><code class=\"language-no-such-lang\">&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn css_is_not_empty() {
        let css = highlight_css();
        assert!(css.contains(".hl-code {"), "{}", &css[..css.len().min(200)]);
    }
}
