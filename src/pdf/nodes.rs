//! A case's body as a tree of plain nodes (paragraph, heading, strong, list, table, image,
//! link, quote…) for the typst template to walk.
//!
//! The tree is read from the body's HTML as the site model holds it: rendered from the same
//! Markdown as the web page, already sanitised, links resolved. Text stays text: the template
//! places every string as a value, so nothing a case writes is ever read as typst markup
//! (`#read(...)`, `#include`, an unbalanced `]` print as they are written).

use scraper::{ElementRef, Html, Node as HtmlNode};
use serde::Serialize;

/// One node of a body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Node {
    Text {
        s: String,
    },
    P {
        c: Vec<Node>,
    },
    /// `level` 1–6 as in the HTML.
    Heading {
        level: u8,
        c: Vec<Node>,
    },
    Strong {
        c: Vec<Node>,
    },
    Emph {
        c: Vec<Node>,
    },
    Strike {
        c: Vec<Node>,
    },
    Sup {
        c: Vec<Node>,
    },
    Code {
        s: String,
    },
    Pre {
        s: String,
    },
    Link {
        url: String,
        c: Vec<Node>,
    },
    Quote {
        c: Vec<Node>,
    },
    List {
        ordered: bool,
        start: u32,
        items: Vec<Vec<Node>>,
    },
    Table {
        rows: Vec<Row>,
    },
    /// `src` is the path the PDF world serves the image under (see `world`).
    Image {
        src: String,
        alt: String,
    },
    Block {
        c: Vec<Node>,
    },
    Br,
    Rule,
}

/// A table row: its cells, and whether it is a header row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub header: bool,
    pub cells: Vec<Vec<Node>>,
}

/// What the tree needs from the build: the served path of an image URL of the page (None:
/// the image cannot be shown, its alt text is printed instead), and the absolute form of a
/// link (None: printed without a link, as an in-page anchor is).
pub trait Resolve {
    fn image(&self, url: &str) -> Option<String>;
    fn link(&self, url: &str) -> Option<String>;
}

/// The nodes of an HTML fragment.
pub fn from_html(html: &str, resolve: &dyn Resolve) -> Vec<Node> {
    let fragment = Html::parse_fragment(html);
    children(fragment.root_element(), resolve)
}

fn children(element: ElementRef, resolve: &dyn Resolve) -> Vec<Node> {
    let mut out = Vec::new();
    for child in element.children() {
        match child.value() {
            HtmlNode::Text(text) => {
                let s: &str = text;
                // Whitespace between blocks is the HTML's, not the text's.
                if !s.trim().is_empty() || out.last().is_some_and(is_inline) {
                    out.push(Node::Text { s: s.replace('\n', " ") });
                }
            }
            HtmlNode::Element(_) => {
                if let Some(e) = ElementRef::wrap(child) {
                    out.extend(element_nodes(e, resolve));
                }
            }
            _ => {}
        }
    }
    out
}

fn is_inline(n: &Node) -> bool {
    matches!(
        n,
        Node::Text { .. }
            | Node::Strong { .. }
            | Node::Emph { .. }
            | Node::Strike { .. }
            | Node::Sup { .. }
            | Node::Code { .. }
            | Node::Link { .. }
    )
}

fn element_nodes(e: ElementRef, resolve: &dyn Resolve) -> Vec<Node> {
    let c = || children(e, resolve);
    let node = match e.value().name() {
        "p" => Node::P { c: c() },
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = e.value().name()[1..].parse().unwrap_or(6);
            Node::Heading { level, c: c() }
        }
        "strong" | "b" => Node::Strong { c: c() },
        "em" | "i" => Node::Emph { c: c() },
        "del" | "s" => Node::Strike { c: c() },
        "sup" => Node::Sup { c: c() },
        "code" => Node::Code { s: e.text().collect() },
        "pre" => Node::Pre { s: e.text().collect() },
        "blockquote" => Node::Quote { c: c() },
        "br" => Node::Br,
        "hr" => Node::Rule,
        "ul" | "ol" => {
            let items = e
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|li| li.value().name() == "li")
                .map(|li| children(li, resolve))
                .collect();
            let start = e.value().attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
            Node::List { ordered: e.value().name() == "ol", start, items }
        }
        "table" => Node::Table { rows: table_rows(e, resolve) },
        "img" => {
            let alt = e.value().attr("alt").unwrap_or_default().to_string();
            match e.value().attr("src").and_then(|src| resolve.image(src)) {
                Some(src) => Node::Image { src, alt },
                // An image the PDF cannot hold: its description, so the reader knows one was there.
                None if alt.is_empty() => return Vec::new(),
                None => Node::Emph { c: vec![Node::Text { s: format!("［图：{alt}］") }] },
            }
        }
        "a" => match e.value().attr("href").and_then(|href| resolve.link(href)) {
            Some(url) => Node::Link { url, c: c() },
            None => return c(),
        },
        // A footnote's back link (↩) leads nowhere on paper.
        "section" | "div" if e.value().has_class("footnotes", scraper::CaseSensitivity::AsciiCaseInsensitive) => {
            Node::Block { c: c() }
        }
        "picture" | "figure" | "div" | "section" | "figcaption" | "span" | "abbr" | "mark" | "small" | "u" | "ins"
        | "sub" | "dl" | "dt" | "dd" | "details" | "summary" | "thead" | "tbody" => {
            let inner = c();
            if inner.iter().all(is_inline) {
                return inner;
            }
            Node::Block { c: inner }
        }
        // `source` of a picture (the img beside it is the one shown), scripts never reach here.
        _ => return c(),
    };
    vec![node]
}

fn table_rows(table: ElementRef, resolve: &dyn Resolve) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut stack: Vec<ElementRef> = table.children().filter_map(ElementRef::wrap).collect();
    stack.reverse();
    while let Some(e) = stack.pop() {
        match e.value().name() {
            "tr" => {
                let cells: Vec<ElementRef> = e
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .collect();
                let header = !cells.is_empty() && cells.iter().all(|c| c.value().name() == "th");
                rows.push(Row { header, cells: cells.into_iter().map(|c| children(c, resolve)).collect() });
            }
            "thead" | "tbody" | "tfoot" => {
                let mut inner: Vec<ElementRef> = e.children().filter_map(ElementRef::wrap).collect();
                inner.reverse();
                stack.extend(inner);
            }
            _ => {}
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;
    impl Resolve for Plain {
        fn image(&self, url: &str) -> Option<String> {
            (url == "/cases/a/p.jpg").then(|| "/images/0.jpg".to_string())
        }
        fn link(&self, url: &str) -> Option<String> {
            (!url.starts_with('#')).then(|| format!("https://a.cn{url}"))
        }
    }

    fn text(s: &str) -> Node {
        Node::Text { s: s.into() }
    }

    #[test]
    fn typst_markup_in_a_body_stays_text() {
        let nodes = from_html("<p>#read(\"/etc/passwd\") ] #include \"x\"</p>", &Plain);
        assert_eq!(nodes, vec![Node::P { c: vec![text("#read(\"/etc/passwd\") ] #include \"x\"")] }]);
    }

    #[test]
    fn headings_lists_tables_images_and_links_become_nodes() {
        let html = "<h2>做法</h2>\n<ul>\n<li><strong>一是</strong>立根</li>\n</ul>\n\
                    <table><thead><tr><th>项</th></tr></thead><tbody><tr><td>33</td></tr></tbody></table>\n\
                    <p><img src=\"/cases/a/p.jpg\" alt=\"照片\"><img src=\"/x.png\" alt=\"丢失\"> <a href=\"/b/\">链接</a><a href=\"#fn\">1</a></p>";
        let nodes = from_html(html, &Plain);
        assert_eq!(nodes[0], Node::Heading { level: 2, c: vec![text("做法")] });
        assert_eq!(
            nodes[1],
            Node::List {
                ordered: false,
                start: 1,
                items: vec![vec![Node::Strong { c: vec![text("一是")] }, text("立根")]]
            }
        );
        let Node::Table { rows } = &nodes[2] else { panic!("{nodes:?}") };
        assert_eq!((rows.len(), rows[0].header, rows[1].header), (2, true, false));
        let Node::P { c } = &nodes[3] else { panic!("{nodes:?}") };
        assert_eq!(c[0], Node::Image { src: "/images/0.jpg".into(), alt: "照片".into() });
        assert_eq!(c[1], Node::Emph { c: vec![text("［图：丢失］")] });
        assert_eq!(c[3], Node::Link { url: "https://a.cn/b/".into(), c: vec![text("链接")] });
        assert_eq!(c[4], text("1"));
    }
}
