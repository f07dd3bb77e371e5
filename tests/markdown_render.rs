//! The Markdown stage's behaviour apart from emphasis: ids, TOC, links, images, tables, code,
//! raw HTML, plain text, and robustness.

use std::path::Path;
use xianfeng::markdown::{render, LinkResolver, MarkdownOptions, Rendered, ResolvedLink};

/// A site with one case, `cases/x.md` at `/cases/x/`.
struct Site;

impl LinkResolver for Site {
    fn resolve(&self, dest: &str, _is_image: bool) -> Result<ResolvedLink, xianfeng::lang::Text> {
        let Some(rest) = dest.strip_prefix("@/") else {
            return Ok(ResolvedLink { url: dest.to_owned(), internal: None, picture: None });
        };
        let (path, anchor) = match rest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_owned())),
            None => (rest, None),
        };
        if path != "cases/x.md" {
            return Err(xianfeng::lang::Text::new(
                format!("`{dest}` 链接的页面不存在"),
                format!("`{dest}` links to a page that does not exist"),
            ));
        }
        let url = match &anchor {
            Some(a) => format!("/cases/x/#{a}"),
            None => "/cases/x/".to_owned(),
        };
        Ok(ResolvedLink { url, internal: Some((path.to_owned(), anchor)), picture: None })
    }
}

fn md(src: &str) -> Rendered {
    render(src, &MarkdownOptions::default(), &Site, Path::new("content/cases/t.md"), 1)
}

fn md_at(src: &str, first_line: usize) -> Rendered {
    render(src, &MarkdownOptions::default(), &Site, Path::new("content/cases/t.md"), first_line)
}

#[test]
fn heading_ids_keep_chinese_and_are_unique() {
    let r = md("## 一、总体要求\n\n## 一、总体要求\n\n## Hello World!\n\n## 。。。\n\n### （二）“三会一课”制度\n");
    assert_eq!(r.heading_ids, ["一总体要求", "一总体要求-1", "hello-world", "section", "二三会一课制度"]);
    assert!(r.html.contains("<h2 id=\"一总体要求\">一、总体要求</h2>"), "{}", r.html);
}

#[test]
fn explicit_ids_win() {
    let r = md("## 第一部分\n\n## 其他 {#第一部分}\n\n## 概述 {#intro .lead}\n");
    assert_eq!(r.heading_ids, ["第一部分-1", "第一部分", "intro"]);
    assert!(r.html.contains("<h2 id=\"intro\" class=\"lead\">概述</h2>"), "{}", r.html);
    assert!(r.diagnostics.is_empty());
}

#[test]
fn duplicate_explicit_ids_are_warned_about() {
    let r = md("## a {#x}\n\n## b {#x}\n");
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].code, "duplicate-id");
    assert_eq!(r.diagnostics[0].line, 3);
}

#[test]
fn toc_is_nested_by_level() {
    let r = md(
        "# 标题\n\n## 一、背景\n\n### （一）起因\n\n#### 1. 细节\n\n##### 不进目录\n\n## 二、做法\n\n### （一）机制\n",
    );
    let toc = serde_json::to_value(&r.toc).unwrap();
    assert_eq!(toc[0]["title"], "标题");
    assert_eq!(toc[0]["children"][0]["id"], "一背景");
    assert_eq!(toc[0]["children"][0]["children"][0]["title"], "（一）起因");
    assert_eq!(toc[0]["children"][0]["children"][0]["children"][0]["level"], 4);
    assert!(toc[0]["children"][0]["children"][0]["children"][0]["children"].as_array().unwrap().is_empty());
    assert_eq!(toc[0]["children"][1]["children"][0]["id"], "一机制");
    assert_eq!(r.heading_ids.len(), 7);
}

#[test]
fn toc_without_h1_starts_at_h2() {
    let r = md("### 先有三级\n\n## 二级\n\n### 三级\n");
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].level, 3);
    assert_eq!(r.toc[1].children[0].title, "三级");
}

#[test]
fn internal_links_are_resolved_and_recorded() {
    let r = md_at("正文\n\n详见[另一案例](@/cases/x.md#做法)和[首页](@/cases/x.md)。\n", 6);
    assert!(r.html.contains("<a href=\"/cases/x/#%E5%81%9A%E6%B3%95\">另一案例</a>"), "{}", r.html);
    assert_eq!(r.internal_links.len(), 2);
    let first = &r.internal_links[0];
    assert_eq!((first.target.as_str(), first.anchor.as_deref()), ("cases/x.md", Some("做法")));
    assert_eq!((first.line, first.column), (8, 10));
    assert_eq!(r.internal_links[1].anchor, None);
    assert!(r.diagnostics.is_empty());
}

#[test]
fn broken_internal_link_is_an_error_with_location_and_hint() {
    let r = md_at("第一行\n\n见**“案例”**[这里](@/cases/missing.md#a)。\n", 10);
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, "broken-link");
    assert!(d.is_error());
    // Line 3 of the body is line 12 of the file; the column is that of `@/` in the original text.
    assert_eq!((d.line, d.column), (12, 15));
    assert!(d
        .hint
        .as_ref()
        .map(|t| t.en.as_str())
        .unwrap()
        .starts_with("no page at content/cases/missing.md; check the file name"));
    assert!(r.internal_links.is_empty());
}

#[test]
fn reference_links_go_through_the_resolver() {
    let r = md("见[案例][x]。\n\n[x]: @/cases/x.md#a\n");
    assert!(r.html.contains("href=\"/cases/x/#a\""), "{}", r.html);
    assert_eq!(r.internal_links.len(), 1);
}

#[test]
fn external_links_are_left_alone() {
    let r = md("[人民网](http://www.people.com.cn/ \"人民网\")\n");
    assert_eq!(r.html, "<p><a href=\"http://www.people.com.cn/\" title=\"人民网\">人民网</a></p>\n");
}

#[test]
fn images_are_lazy_with_alt_text() {
    let r = md("图：![党员*志愿*服务队 “先锋”](images/a.jpg \"合影\")\n");
    assert_eq!(
        r.html,
        "<p>图：<img src=\"images/a.jpg\" alt=\"党员志愿服务队 “先锋”\" title=\"合影\" loading=\"lazy\" decoding=\"async\"></p>\n"
    );
}

#[test]
fn an_image_with_a_title_alone_in_its_paragraph_is_a_figure_with_that_caption() {
    let r = md("![合影](images/a.jpg \"图1 <合影>\")\n\n![无题](images/b.jpg)\n");
    assert_eq!(
        r.html,
        concat!(
            "<figure class=\"figure\"><img src=\"images/a.jpg\" alt=\"合影\" title=\"图1 &lt;合影&gt;\" loading=\"lazy\" decoding=\"async\">",
            "<figcaption>图1 &lt;合影&gt;</figcaption></figure>\n",
            "<p><img src=\"images/b.jpg\" alt=\"无题\" loading=\"lazy\" decoding=\"async\"></p>\n"
        )
    );
}

#[test]
fn tables_are_wrapped_for_scrolling() {
    let r = md("| 指标 | 数值 |\n| :-- | --: |\n| 党员 | 120 |\n");
    assert!(r.html.starts_with("<div class=\"table-wrap\">\n<table>"), "{}", r.html);
    assert!(r.html.ends_with("</table>\n</div>\n"), "{}", r.html);
    assert!(r.html.contains("<td style=\"text-align: right\">120</td>"), "{}", r.html);
    assert_eq!(r.text, "指标 数值\n党员 120");
}

#[test]
fn footnotes_render() {
    let r = md("正文[^1]。\n\n[^1]: 来源：《人民日报》。\n");
    assert!(r.html.contains("<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>"), "{}", r.html);
    assert!(r.html.contains("<div class=\"footnote-definition\" id=\"1\">"), "{}", r.html);
}

#[test]
fn code_blocks_are_highlighted_and_flagged() {
    let r = md("```rust\nfn main() {}\n```\n");
    assert!(r.has_code);
    assert!(r.html.contains("<span class=\"hl-"), "{}", r.html);
    let plain = md("```nosuchlang\n<a>\n```\n");
    assert_eq!(plain.html, "<pre class=\"hl-code\"><code class=\"language-nosuchlang\">&lt;a&gt;\n</code></pre>\n");
    let none = md("正文\n");
    assert!(!none.has_code);
}

#[test]
fn raw_html_is_sanitised_unless_allowed() {
    let src = "## 标题\n\n<div onclick=\"x()\">内容<script>alert(1)</script></div>\n\n正文<span class=\"red\">红</span>**一是。**二\n";
    let r = md(src);
    assert!(!r.html.contains("script") && !r.html.contains("onclick"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"标题\">标题</h2>"), "{}", r.html);
    assert!(r.html.contains("<span class=\"red\">红</span><strong>一是。</strong>二"), "{}", r.html);
    let allowed = render(src, &MarkdownOptions { allow_html: true }, &Site, Path::new("t.md"), 1);
    assert!(allowed.html.contains("<script>alert(1)</script>"), "{}", allowed.html);
}

#[test]
fn strikethrough_works() {
    assert_eq!(md("~~删除~~\n").html, "<p><del>删除</del></p>\n");
}

#[test]
fn plain_text_separates_blocks() {
    let r = md("# 标题\n\n第一段，\n接着写。\n\nEnglish\nwords `code`\n\n- 一\n- 二\n\n```\nleft out\n```\n\n> 引用\n");
    assert_eq!(r.text, "标题\n第一段，接着写。\nEnglish words code\n一\n二\n引用");
}

#[test]
fn garbage_input_does_not_panic() {
    let inputs = [
        String::new(),
        "\u{0}\u{FDD0}**“x”**工\u{FFFF}".to_owned(),
        "[".repeat(5_000),
        "<".repeat(5_000) + "**",
        "> ".repeat(1_000) + "**一是。**正文",
        "- ".repeat(500) + "**“x”**工",
        "| a |\n|---|\n| **“x”**工 |\n".repeat(100),
        "```\n".repeat(101),
        "## {#}\n## {#x .y z=1}\n".to_owned(),
        "[a](@/)[b](@/#)[c](@/cases/x.md#)".to_owned(),
        "\u{3000}**\u{3000}**\u{3000}".to_owned(),
    ];
    for input in &inputs {
        let _ = md(input);
    }
    // Every byte sequence that is valid UTF-8 around the delimiters.
    let alphabet = [
        "*",
        "**",
        "。",
        "“",
        "”",
        "a",
        "中",
        " ",
        "\\",
        "`",
        "[",
        "]",
        "(",
        ")",
        "\n",
        "_",
        "<b>",
        "|",
        "# ",
        "{#",
        "}",
        "!",
        "[^1]",
        ": ",
        "@/cases/x.md",
        "> ",
        "- ",
        "```",
        "&amp;",
        "~~",
    ];
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..5_000 {
        let mut s = String::new();
        for _ in 0..16 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let r = md(&s);
        assert!(!r.html.contains('\u{FDD0}'), "marker leaked for {s:?}");
        assert!(!r.text.contains('\u{FDD0}'), "marker leaked for {s:?}");
    }
}

#[test]
fn heading_ids_avoid_footnote_ids() {
    let r = md("## 1\n\n正文[^1]。\n\n[^1]: 注释。\n");
    assert_eq!(r.heading_ids, ["1-1"]);
    assert!(r.html.contains("id=\"1\""), "{}", r.html);
}

#[test]
fn links_and_images_in_headings_are_resolved() {
    let r = md("## 参见[案例](@/cases/x.md#a) ![图](@/cases/missing.md)\n");
    assert_eq!(r.heading_ids, ["参见案例-图"]);
    assert_eq!(r.internal_links.len(), 1);
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.html.contains("loading=\"lazy\""), "{}", r.html);
}

#[test]
fn email_autolinks_are_not_resolved() {
    let r = md("联系 <dangjian@example.com>。\n");
    assert!(r.html.contains("href=\"mailto:dangjian@example.com\""), "{}", r.html);
}

#[test]
fn a_line_break_between_chinese_lines_is_no_space_and_next_to_latin_it_stays() {
    let html = |src: &str| md(src).html;
    assert_eq!(html("这是第一行\n这是第二行"), "<p>这是第一行这是第二行</p>\n");
    assert_eq!(html("**一是明确理念。**\n党员带头"), "<p><strong>一是明确理念。</strong>党员带头</p>\n");
    assert_eq!(html("珠海市\nZhuhai city"), "<p>珠海市\nZhuhai city</p>\n");
    assert_eq!(html("Party\nbuilding"), "<p>Party\nbuilding</p>\n");
}
