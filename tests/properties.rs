//! Property tests of the safety promises (proptest, at least 1,000 generated cases each):
//! no input panics xianfeng, every URL it lets into a page is one a browser reads as
//! relative, http, https, mailto or tel, every output path stays inside the output folder,
//! every error names a file, and the exit code is 0, 1 or 2.
//!
//! The inputs are made of pieces editors and attackers actually write: Chinese text,
//! full-width punctuation, YAML that is almost right, links with odd schemes, whitespace and
//! control characters, `..`, `%`-escapes, very long values.

mod common;
use common::*;
use proptest::prelude::*;
use std::path::Path;
use xianfeng::content::model::Kind;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, ..ProptestConfig::default() }
}

/// The scheme a browser sees in `url` (WHATWG: leading and trailing C0 controls and spaces
/// dropped, tabs and line breaks removed, case folded), written independently of the `url`
/// crate the sanitiser uses; None for a relative URL.
fn browser_scheme(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// A URL as an editor or an attacker might write it.
fn url() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "javascript",
        "JaVaScRiPt",
        "data",
        "vbscript",
        "file",
        "http",
        "https",
        "HTTPS",
        "mailto",
        "tel",
        "ftp",
        "jar",
        "java\tscript",
        "java\nscript",
        "",
        "x-y+z.1",
    ]);
    let before = prop::sample::select(vec!["", " ", "\u{1}", "\u{0}", "\t", "\n ", "\u{1f}\u{20}", "%20", "&#106;"]);
    let after = prop::sample::select(vec!["", ":", "://", ":/", "//"]);
    let rest = prop::sample::select(vec![
        "alert(1)",
        "//a.cn/x",
        "dj.example.cn/案例/",
        "<svg onload=alert(1)>",
        "text/html,<script>",
        "../b/",
        "",
        "%0a",
        "a@b.cn",
        "+86-756",
    ]);
    prop_oneof![
        (before, scheme, after, rest).prop_map(|(b, s, a, r)| format!("{b}{s}{a}{r}")),
        "\\PC{0,20}",
        "[/#?.a-z:%\\t ]{0,12}",
    ]
}

proptest! {
    #![proptest_config(config(4000))]

    #[test]
    fn an_accepted_url_is_relative_or_has_an_allowed_scheme(url in url()) {
        if xianfeng::urls::check(&url).is_ok() {
            let scheme = browser_scheme(&url);
            prop_assert!(
                scheme.as_deref().is_none_or(|s| xianfeng::urls::ALLOWED_SCHEMES.contains(&s)),
                "{url:?} was accepted, but a browser reads its scheme as {scheme:?}"
            );
        }
    }
}

/// A path segment or alias as editors write them, with the odd parts attackers add.
fn path_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            ".",
            "..",
            "...",
            "index.html",
            "old.html",
            "%2e%2e",
            "%2f",
            "%5c",
            "%00",
            "%E6%97%A7",
            "%ff",
            "a?b",
            "a#b",
            ".git",
            "让我先来",
            "案",
            "con",
            "a b",
            "\t",
            "\\",
            "atom.xml",
            "page",
        ])
        .prop_map(String::from),
        "[a-z0-9-]{1,12}",
        "[\\u{4e00}-\\u{4e80}]{1,120}",
        "\\PC{0,8}",
    ]
}

fn alias() -> impl Strategy<Value = String> {
    (prop::collection::vec(path_piece(), 0..5), prop::sample::select(vec!["/", "//", "", "./"]), any::<bool>())
        .prop_map(|(parts, lead, trailing)| format!("{lead}{}{}", parts.join("/"), if trailing { "/" } else { "" }))
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn an_alias_either_names_a_path_inside_the_output_or_is_refused(alias in alias()) {
        if let Ok(path) = xianfeng::urls::alias_path(&alias) {
            prop_assert!(xianfeng::output::is_contained(&path), "{alias:?} → {path:?}");
            for segment in path.split('/') {
                prop_assert!(xianfeng::urls::check_segment(segment).is_ok(), "{alias:?} → {path:?}: {segment:?}");
            }
            // However it is spelled, a path is its own alias.
            let again = format!("/{}", path.strip_suffix("index.html").unwrap_or(&path));
            prop_assert_eq!(xianfeng::urls::alias_path(&again), Ok(path.clone()));
        }
    }

    #[test]
    fn an_accepted_slug_is_one_plain_segment(slug in path_piece()) {
        if xianfeng::urls::check_segment(&slug).is_ok() {
            prop_assert!(xianfeng::output::is_contained(&slug));
            prop_assert!(!slug.contains(['/', '?', '#', '%', '\\']) && !slug.starts_with('.'));
            prop_assert!(slug.len() <= xianfeng::urls::MAX_SEGMENT_BYTES);
        }
    }
}

/// Markdown pieces, links with every kind of destination among them.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        url().prop_map(|u| format!("[链接]({u})")),
        url().prop_map(|u| format!("![图]({u})")),
        url().prop_map(|u| format!("<{u}>")),
        url().prop_map(|u| format!("[引用][r]\n\n[r]: {u}\n")),
        url().prop_map(|u| format!("<a href=\"{u}\" onclick=\"x()\">a</a><img src=\"{u}\">")),
        prop::sample::select(vec![
            "**一是明确一个理念。**正文",
            "这是**“让我先来”**工作法",
            "## 一、主要做法 {#做法}",
            "```rust\nfn x() {}\n```",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "[^1]\n\n[^1]: 注",
            "<script>alert(1)</script>",
            "***",
            "\\",
            "`",
            "[",
            "]",
            "@/cases/x.md",
            "第一行\n第二行",
        ])
        .prop_map(String::from),
        "\\PC{0,30}",
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.join("\n"))
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn markdown_never_panics_and_lets_only_safe_urls_into_the_page(md in markdown()) {
        let opts = xianfeng::markdown::MarkdownOptions::default();
        let out = xianfeng::markdown::render(&md, &opts, &xianfeng::markdown::KeepLinks, Path::new("content/cases/p.md"), 7);
        for r in xianfeng::linkcheck::scan(out.html.as_bytes()).refs {
            prop_assert!(xianfeng::urls::is_safe_url(&r.url), "{:?} in {:?}", r.url, out.html);
            prop_assert!(browser_scheme(&r.url).is_none_or(|s| xianfeng::urls::ALLOWED_SCHEMES.contains(&s.as_str())), "{:?}", r.url);
        }
        prop_assert!(!out.html.to_ascii_lowercase().contains("<script"), "{}", out.html);
        for d in &out.diagnostics {
            prop_assert_eq!(d.file.as_path(), Path::new("content/cases/p.md"));
            prop_assert!(d.line >= 7, "{d:?}");
        }
    }
}

/// Front matter as editors write it, mistakes included.
fn front_matter() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title", "brand", "org", "date", "slug", "tags", "aliases", "related", "honours", "metrics", "sources",
        "cover", "year", "lang", "draft", "extra", "titel", "region", "type", "weight", "featured",
    ]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "",
            "~",
            "null",
            "让我先来",
            "\"珠海市财政局: 让我先来\"",
            "珠海市财政局: 让我先来",
            "2021-05-01",
            "2024-13-01",
            "2021年第5期",
            "[a, b",
            "[广东省, 珠海市]",
            "{name: 先进, year: 2021}",
            "[{label: 班组, value: 33, unit: 个}]",
            "- x\n  - y",
            "&a [1]",
            "*a",
            "!!binary aGVsbG8=",
            "'",
            "\"",
            "|\n  多行\n  文本",
            "{src: javascript:alert(1)}",
            "[{title: t, url: \"javascript:alert(9)\"}]",
            "999999999999999999999",
            "-1",
            "true",
            "[index.html]",
            "[/atom.xml]",
            "[\"/cases//a/\"]",
            "\"a?b\"",
        ])
        .prop_map(String::from),
        "\\PC{0,24}",
    ];
    prop::collection::vec((key, value), 0..10)
        .prop_map(|fields| fields.into_iter().map(|(k, v)| format!("{k}: {v}\n")).collect::<String>())
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn front_matter_never_panics_and_every_problem_names_the_file(yaml in front_matter(), body in "\\PC{0,40}") {
        let text = format!("---\n{yaml}---\n{body}\n");
        for kind in [Kind::Case, Kind::Compilation, Kind::Page] {
            let (_, diagnostics) = xianfeng::content::frontmatter::parse_file(kind, Path::new("content/cases/f.md"), &text, &[]);
            for d in &diagnostics {
                prop_assert_eq!(d.file.as_path(), Path::new("content/cases/f.md"));
                prop_assert!(d.line >= 1 && d.column >= 1, "{d:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(config(2000))]

    /// The one-pass YAML reader: every position it records, and every error, is on a line
    /// and column of the text it read (shifted to the file's lines), and site.yaml made of the
    /// same pieces is read or refused with a located error, never a panic.
    #[test]
    fn yaml_positions_and_errors_stay_inside_the_text(yaml in front_matter(), first_line in 1usize..40) {
        let lines = yaml.lines().count().max(1);
        let inside = |(line, column): (usize, usize)| line >= first_line && line <= first_line + lines && column >= 1;
        match xianfeng::yaml::parse_keyed(&yaml, first_line) {
            Ok(doc) => {
                for (path, &at) in doc.scanned.positions.iter().chain(doc.scanned.keys.iter()) {
                    prop_assert!(inside(at), "{path} at {at:?} in {yaml:?}");
                }
            }
            Err(e) => prop_assert!(e.line >= 1 && e.line <= lines + 1 && e.column >= 1, "{e:?} in {yaml:?}"),
        }
        let (_, diagnostics) = xianfeng::config::parse_config(&yaml, Path::new("site.yaml"));
        for d in &diagnostics {
            prop_assert_eq!(d.file.as_path(), Path::new("site.yaml"));
            prop_assert!(d.line >= 1 && d.line <= lines + 1 && d.column >= 1, "{d:?} in {yaml:?}");
        }
    }
}

/// A small site: a few cases made of generated front matter and bodies, a compilation, and
/// sometimes a hostile command line.
#[derive(Debug, Clone)]
struct GeneratedSite {
    cases: Vec<(String, String, String)>,
    compilation: Option<String>,
    base_url: Option<String>,
    output: Option<String>,
}

fn generated_site() -> impl Strategy<Value = GeneratedSite> {
    let stem = prop_oneof![path_piece(), "[a-z]{1,8}"];
    let case = (stem, front_matter(), markdown());
    let compilation = prop::option::of(
        prop::collection::vec(prop_oneof![path_piece(), "[a-z]{1,8}"], 0..4).prop_map(|slugs| slugs.join(", ")),
    );
    let base_url = prop::option::weighted(0.2, url());
    let output = prop::option::weighted(0.2, alias());
    (prop::collection::vec(case, 1..4), compilation, base_url, output)
        .prop_map(|(cases, compilation, base_url, output)| GeneratedSite { cases, compilation, base_url, output })
}

/// Writes the site; returns it, or None when the generated names cannot be files here.
fn write_site(g: &GeneratedSite) -> Option<TestSite> {
    let site = TestSite::new(&[]);
    for (stem, yaml, body) in &g.cases {
        let valid_stem = !stem.is_empty() && !stem.contains(['/', '\\', '\0']) && stem != "." && stem != "..";
        if !valid_stem || stem.len() > 200 {
            return None;
        }
        let fields = format!("title: 甲\nbrand: 甲品牌\norg: 某局\ndate: 2021-05-01\n{yaml}");
        let path = site.root().join("content/cases").join(format!("{stem}.md"));
        std::fs::create_dir_all(path.parent()?).ok()?;
        std::fs::write(&path, format!("---\n{fields}---\n{body}\n")).ok()?;
    }
    if let Some(slugs) = &g.compilation {
        site.write(
            "content/compilations/c.md",
            &format!("---\ntitle: 汇编\ndate: 2021-06-01\nchapters:\n  - title: 一\n    cases: [{slugs}]\n---\n前言\n"),
        );
    }
    Some(site)
}

proptest! {
    // Each case runs the real binary twice: fewer cases than the pure properties, still 1,000.
    #![proptest_config(config(1000))]

    #[test]
    fn any_site_builds_or_fails_cleanly_and_writes_only_inside_its_output(g in generated_site()) {
        let Some(site) = write_site(&g) else { return Ok(()) };
        let check = xianfeng().arg("check").arg(site.root()).args(["--format", "json"]).output().unwrap();
        let code = check.status.code();
        prop_assert!(matches!(code, Some(0 | 1)), "check exited {code:?}: {}", String::from_utf8_lossy(&check.stderr));
        for line in String::from_utf8_lossy(&check.stdout).lines() {
            let d: serde_json::Value = serde_json::from_str(line).unwrap();
            if d.get("summary").is_none() {
                prop_assert!(d["file"].as_str().is_some_and(|f| !f.is_empty()), "{d}");
                prop_assert!(d["line"] != 0 && d["column"] != 0, "{d}");
            }
        }

        let mut build = xianfeng();
        build.arg("build").arg(site.root());
        // A command line cannot carry NUL.
        if let Some(base_url) = g.base_url.as_ref().filter(|u| !u.contains('\0')) {
            build.arg("--base-url").arg(base_url);
        }
        // … and the output folder stays in this test's own folder.
        let output = g.output.as_ref().filter(|o| !o.contains('\0') && !o.contains(".."));
        let output_dir = output.map(|o| site.root().join("out").join(o.trim_start_matches('/')));
        if let Some(dir) = &output_dir {
            build.arg("-o").arg(dir);
        }
        let built = build.output().unwrap();
        let code = built.status.code();
        let stderr = String::from_utf8_lossy(&built.stderr);
        prop_assert!(matches!(code, Some(0..=2)), "build exited {code:?}: {stderr}");
        prop_assert!(!stderr.contains("panicked"), "{stderr}");
        let public = output_dir.unwrap_or_else(|| site.public());
        if code == Some(0) {
            let root = std::fs::canonicalize(&public).unwrap();
            for entry in walkdir::WalkDir::new(&public).into_iter().filter_map(Result::ok) {
                prop_assert!(!entry.path_is_symlink(), "{}", entry.path().display());
                let real = std::fs::canonicalize(entry.path()).unwrap();
                prop_assert!(real.starts_with(&root), "{} is outside the output", real.display());
            }
        }
        // Nothing beside the sources but the output and the cache.
        for entry in std::fs::read_dir(site.root()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            prop_assert!(["site.yaml", "content", "public", "out", ".xianfeng"].contains(&name.as_str()), "{name} was written");
        }
    }
}
