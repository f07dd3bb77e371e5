//! Chinese emphasis repair: bold lead sentences and quoted names next to full-width punctuation.

use std::path::Path;
use xianfeng::markdown::{render, KeepLinks, MarkdownOptions};

fn html(md: &str) -> String {
    render(md, &MarkdownOptions::default(), &KeepLinks, Path::new("content/cases/t.md"), 1).html
}

/// Full-width and Chinese punctuation that sits against text with no space.
const PUNCT: [&str; 22] = [
    "。", "，", "、", "：", "；", "！", "？", "“", "”", "‘", "’", "「", "」", "『", "』", "（", "）", "《", "》", "……",
    "——", "·",
];

/// Paired marks as used around names: 这是**“让我先来”**工作法.
const PAIRS: [(&str, &str); 6] = [("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"), ("（", "）"), ("《", "》")];

#[test]
fn bold_lead_sentence_ending_in_punctuation() {
    for p in PUNCT {
        for (delim, tag) in [("**", "strong"), ("*", "em")] {
            let md = format!("{delim}一是明确{p}{delim}正文");
            assert_eq!(html(&md), format!("<p><{tag}>一是明确{p}</{tag}>正文</p>\n"), "{md}");
        }
    }
}

#[test]
fn emphasis_starting_with_punctuation_after_text() {
    for p in PUNCT {
        for (delim, tag) in [("**", "strong"), ("*", "em")] {
            let md = format!("正文{delim}{p}加粗{delim}正文");
            assert_eq!(html(&md), format!("<p>正文<{tag}>{p}加粗</{tag}>正文</p>\n"), "{md}");
        }
    }
}

#[test]
fn punctuation_on_both_sides_inside() {
    for (open, close) in PAIRS {
        for (delim, tag) in [("**", "strong"), ("*", "em")] {
            let md = format!("这是{delim}{open}让我先来{close}{delim}工作法");
            let want = format!("<p>这是<{tag}>{open}让我先来{close}</{tag}>工作法</p>\n");
            assert_eq!(html(&md), want, "{md}");
        }
    }
}

#[test]
fn punctuation_outside_the_delimiters() {
    for p in PUNCT {
        for q in PUNCT {
            let md = format!("正文{p}**加粗**{q}正文");
            assert_eq!(html(&md), format!("<p>正文{p}<strong>加粗</strong>{q}正文</p>\n"), "{md}");
        }
    }
}

#[test]
fn punctuation_on_all_four_sides() {
    for p in PUNCT {
        for (open, close) in PAIRS {
            let md = format!("正文{p}**{open}加粗{close}**{p}正文");
            let want = format!("<p>正文{p}<strong>{open}加粗{close}</strong>{p}正文</p>\n");
            assert_eq!(html(&md), want, "{md}");
        }
    }
}

#[test]
fn several_lead_sentences_in_one_paragraph() {
    let md = "**一是明确一个理念。**机关党建的主体是**全体党员**。**二是建立一套机制。**每月开展“三会一课”。";
    assert_eq!(
        html(md),
        "<p><strong>一是明确一个理念。</strong>机关党建的主体是<strong>全体党员</strong>。\
<strong>二是建立一套机制。</strong>每月开展“三会一课”。</p>\n"
    );
}

#[test]
fn traditional_script_and_strong_emphasis_in_list() {
    let md = "- **一是黨建引領。**推動業務發展。\n- 這是**「讓我先來」**工作法。\n";
    assert_eq!(
        html(md),
        "<ul>\n<li><strong>一是黨建引領。</strong>推動業務發展。</li>\n<li>這是<strong>「讓我先來」</strong>工作法。</li>\n</ul>\n"
    );
}

#[test]
fn bold_with_link_and_code_inside() {
    let md = "参见**[“先锋”案例](https://example.com/)**，以及**`**“x”**工`**。";
    assert_eq!(
        html(md),
        "<p>参见<strong><a href=\"https://example.com/\">“先锋”案例</a></strong>，以及<strong><code>**“x”**工</code></strong>。</p>\n"
    );
}

#[test]
fn triple_asterisks_give_strong_emphasis() {
    assert_eq!(html("***一是明确。***正文"), "<p><em><strong>一是明确。</strong></em>正文</p>\n");
}

#[test]
fn code_spans_and_escapes_are_untouched() {
    assert_eq!(html("`**一是明确。**正文`"), "<p><code>**一是明确。**正文</code></p>\n");
    assert_eq!(html(r"\*\*一是明确。\*\*正文"), "<p>**一是明确。**正文</p>\n");
    assert_eq!(
        html("```\n**一是明确。**正文\n```\n"),
        "<pre class=\"hl-code\"><code>**一是明确。**正文\n</code></pre>\n"
    );
}

#[test]
fn link_destinations_are_untouched() {
    let md = "[链接](/案例**“x”**工/)";
    assert_eq!(html(md), "<p><a href=\"/%E6%A1%88%E4%BE%8B**%E2%80%9Cx%E2%80%9D**%E5%B7%A5/\">链接</a></p>\n");
}

#[test]
fn english_emphasis_is_unchanged() {
    let cases = [
        ("**bold** and *it*", "<p><strong>bold</strong> and <em>it</em></p>\n"),
        ("a*\"foo\"*", "<p>a*\"foo\"*</p>\n"),
        ("**foo.**bar", "<p>**foo.**bar</p>\n"),
        ("foo**\"bar\"**", "<p>foo**\"bar\"**</p>\n"),
        ("snake_case_name and 2*3*4", "<p>snake_case_name and 2<em>3</em>4</p>\n"),
        ("* item\n* item\n", "<ul>\n<li>item</li>\n<li>item</li>\n</ul>\n"),
        ("***\n", "<hr />\n"),
    ];
    for (md, want) in cases {
        assert_eq!(html(md), want, "{md}");
    }
}

#[test]
fn unbalanced_and_huge_delimiter_runs_do_not_panic() {
    let stars = "*".repeat(10_000);
    for md in [
        "**一是明确。",
        "一是明确。**",
        "**“**”**",
        "。**。**。**",
        stars.as_str(),
        &format!("“{stars}”正文"),
        &"**一是。**".repeat(2_000),
        &"是**“".repeat(3_000),
    ] {
        let _ = html(md);
    }
}

/// Differential check: on random Chinese-ish inputs, the repair may only turn asterisks into
/// emphasis tags. With all `*` and emphasis tags removed, our HTML equals plain pulldown-cmark's.
#[test]
fn repair_changes_nothing_but_emphasis() {
    use pulldown_cmark::{html::push_html, Options, Parser};
    let plain = |md: &str| {
        let mut out = String::new();
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_HEADING_ATTRIBUTES;
        push_html(&mut out, Parser::new_ext(md, opts));
        out
    };
    // Our headings carry ids; plain pulldown-cmark's do not.
    let drop_ids = |html: &str| {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(i) = rest.find(" id=\"") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 5..];
            rest = after.find('"').map_or("", |j| &after[j + 1..]);
        }
        out.push_str(rest);
        out
    };
    let skeleton = |html: &str| {
        [
            "<strong>",
            "</strong>",
            "<em>",
            "</em>",
            "*",
            "<div class=\"table-wrap\">\n",
            "</div>\n",
            " class=\"hl-code\"",
            "\n",
            // New emphasis can take `_` and `~` delimiters inside it off the stack.
            "_",
            "<del>",
            "</del>",
            "~",
        ]
        .iter()
        .fold(drop_ids(html).replace("&quot;", "\""), |acc, pat| acc.replace(pat, ""))
    };
    let alphabet = [
        "*", "**", "***", "。", "，", "“", "”", "《", "》", "a", "中", "文", " ", "\\", "`", "[", "]", "(", ")", "_",
        "\n", ".", "\"", "~", "~~", "|", "-", ">", "<", "&", "1. ", "* ", "“**", "**”", "。**",
    ];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut repaired = 0;
    for _ in 0..20_000 {
        let mut s = String::new();
        for _ in 0..14 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let opts = MarkdownOptions { allow_html: true };
        let ours = render(&s, &opts, &KeepLinks, Path::new("t.md"), 1).html;
        let theirs = plain(&s);
        if ours != theirs {
            repaired += 1;
        }
        assert_eq!(skeleton(&ours), skeleton(&theirs), "input {s:?}");
    }
    // The check is only meaningful if the repair actually fired often.
    assert!(repaired > 500, "repair fired {repaired} times");
}
