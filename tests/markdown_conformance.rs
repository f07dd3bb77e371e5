//! The 132 CommonMark 0.31 emphasis examples still pass with the CJK emphasis repair on.
//!
//! Each example is rendered through the whole pipeline (raw HTML allowed, links kept) and must
//! give exactly what plain pulldown-cmark gives, and the spec's HTML up to trivial
//! normalisation. `tests/data/commonmark-0.31-emphasis.json` is a copy of the spec's examples.

use pulldown_cmark::{html::push_html, Options, Parser};
use serde::Deserialize;
use std::path::Path;
use xianfeng::markdown::{render, KeepLinks, MarkdownOptions};

#[derive(Deserialize)]
struct Example {
    example: u32,
    markdown: String,
    html: String,
}

fn examples() -> Vec<Example> {
    let json = include_str!("data/commonmark-0.31-emphasis.json");
    serde_json::from_str(json).expect("valid conformance JSON")
}

/// The spec writes tabs as `→`.
fn untab(s: &str) -> String {
    s.replace('→', "\t")
}

fn ours(md: &str) -> String {
    let opts = MarkdownOptions { allow_html: true };
    render(md, &opts, &KeepLinks, Path::new("spec.md"), 1).html
}

fn plain_pulldown(md: &str) -> String {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut html = String::new();
    push_html(&mut html, Parser::new_ext(md, opts));
    html
}

/// pulldown-cmark writes `"` in text as is and void tags as `<br />`; the spec writes `&quot;`.
fn normalise(html: &str) -> String {
    html.replace("&quot;", "\"").replace(" />", ">").replace("/>", ">")
}

#[test]
fn all_emphasis_examples_match_pulldown_cmark_and_the_spec() {
    let examples = examples();
    assert_eq!(examples.len(), 132);
    let mut failures = Vec::new();
    for ex in &examples {
        let md = untab(&ex.markdown);
        let got = ours(&md);
        if got != plain_pulldown(&md) {
            failures.push(format!("#{} differs from pulldown-cmark: {md:?} → {got:?}", ex.example));
        }
        if normalise(&got) != normalise(&untab(&ex.html)) {
            failures.push(format!("#{} differs from the spec: {md:?} → {got:?}, want {:?}", ex.example, ex.html));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
