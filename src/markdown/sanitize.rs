//! Raw HTML in Markdown is sanitised with ammonia unless the site sets `markdown.allow_html`.
//!
//! We sanitise the whole rendered page, not the raw fragments one by one: an inline `<span>` and
//! its `</span>` arrive as separate events, and cleaning them apart would close or drop them.
//! The page is only cleaned when it actually contains raw HTML (rare in case documents), so the
//! usual page pays nothing. The policy keeps everything our own renderer produces: heading ids and
//! classes, footnotes, table alignment, `table-wrap`, syntect's classes, lazy images.

use ammonia::Builder;
use std::collections::HashSet;
use std::sync::OnceLock;

fn policy() -> &'static Builder<'static> {
    static POLICY: OnceLock<Builder<'static>> = OnceLock::new();
    POLICY.get_or_init(build_policy)
}

fn build_policy() -> Builder<'static> {
    let mut b = Builder::default();
    // Classes are harmless and carry our styling (footnotes, hl- spans, table-wrap).
    b.add_generic_attributes(["class"]);
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(heading, ["id"]);
    }
    // Footnote definitions are `<div class="footnote-definition" id="…">`.
    b.add_tag_attributes("div", ["id"]);
    b.add_tag_attributes("img", ["loading", "title", "decoding", "srcset", "sizes", "width", "height"]);
    // Processed images: `<picture><source type srcset sizes><img …></picture>` in a `<figure>`.
    b.add_tags(["picture", "source"]);
    b.add_tag_attributes("source", ["type", "srcset", "sizes"]);
    b.add_tag_attributes("a", ["title"]);
    // pulldown-cmark writes table alignment as `style="text-align: …"`; keep only that property.
    b.add_tag_attributes("th", ["style"]);
    b.add_tag_attributes("td", ["style"]);
    b.filter_style_properties(HashSet::from(["text-align"]));
    // Our links carry no rel; raw `<a target>` is not allowed, so no opener risk.
    b.link_rel(None);
    // The one URL sanitiser of `urls`, for raw HTML too: its schemes, and every URL
    // attribute through its check (a URL it refuses loses the attribute).
    b.url_schemes(crate::urls::ALLOWED_SCHEMES.into_iter().collect());
    b.attribute_filter(|_element, attribute, value| {
        let is_url = matches!(attribute, "href" | "src" | "cite" | "action" | "formaction" | "poster");
        let safe = match attribute {
            // A list of `URL width` candidates: every URL must pass.
            "srcset" => srcset_urls(value).all(crate::urls::is_safe_url),
            _ => !is_url || crate::urls::is_safe_url(value),
        };
        safe.then(|| value.into())
    });
    b
}

/// The URLs of a `srcset` (`a.jpg 480w, b.jpg 2x`).
fn srcset_urls(srcset: &str) -> impl Iterator<Item = &str> {
    srcset.split(',').filter_map(|candidate| candidate.split_whitespace().next())
}

/// Cleans a rendered page that contains raw HTML.
pub fn clean(html: &str) -> String {
    policy().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_and_handlers() {
        let out = clean("<p onclick=\"x()\">a<script>alert(1)</script></p>");
        assert_eq!(out, "<p>a</p>");
    }

    #[test]
    fn keeps_generated_markup() {
        let html = concat!(
            "<h2 id=\"一总体要求\" class=\"lead\">一、总体要求</h2>",
            "<div class=\"table-wrap\"><table><thead><tr><th style=\"text-align: center\">a</th></tr></thead></table></div>",
            "<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>",
            "<div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup></div>",
            "<pre class=\"hl-code\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">fn</span></code></pre>",
            "<img src=\"a.png\" alt=\"图\" loading=\"lazy\">",
        );
        // ammonia re-serialises the style attribute without the space.
        assert_eq!(clean(html), html.replace("text-align: center", "text-align:center"));
    }

    #[test]
    fn raw_html_links_keep_only_the_allowed_schemes() {
        let out = clean(
            "<a href=\"javascript:alert(1)\">a</a><a href=\"ftp://x.cn/\">b</a><img src=\"data:image/png;base64,AA\">",
        );
        assert!(!out.contains("javascript") && !out.contains("ftp:") && !out.contains("data:"), "{out}");
        let kept = clean("<a href=\"https://a.cn/\">c</a><a href=\"tel:123\">d</a>");
        assert_eq!(kept, "<a href=\"https://a.cn/\">c</a><a href=\"tel:123\">d</a>");
    }

    #[test]
    fn processed_images_keep_their_picture_and_every_srcset_url_is_checked() {
        let html = concat!(
            "<figure class=\"figure\"><picture><source type=\"image/webp\" srcset=\"a.480w.webp 480w\" sizes=\"100vw\">",
            "<img src=\"a.png\" srcset=\"a.480w.png 480w, a.png 960w\" sizes=\"100vw\" width=\"960\" height=\"540\" ",
            "alt=\"图\" loading=\"lazy\" decoding=\"async\"></picture><figcaption>标题</figcaption></figure>",
        );
        assert_eq!(clean(html), html);
        let out = clean("<img src=\"a.png\" srcset=\"a.png 1x, javascript:alert(1) 2x\">");
        assert!(!out.contains("javascript") && !out.contains("srcset"), "{out}");
    }

    #[test]
    fn style_keeps_only_text_align() {
        let out = clean("<table><tr><td style=\"text-align: right; position: fixed\">a</td></tr></table>");
        assert!(out.contains("style=\"text-align:right\""), "{out}");
        assert!(!out.contains("fixed"), "{out}");
    }
}
