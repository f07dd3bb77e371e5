//! Real content as editors write it: relations to compilations, links written as the page URLs
//! they see in the browser, folder cases, and errors that point at the cause, every
//! occurrence named, all in one run, knock-ons left out.

mod common;
use common::*;

fn check_json(site: &TestSite) -> (i32, Vec<serde_json::Value>) {
    let out = xianfeng().arg("check").arg(site.root()).args(["--format", "json"]).output().unwrap();
    let objects = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|o| o.get("summary").is_none())
        .collect();
    (out.status.code().unwrap_or(-1), objects)
}

fn errors(objects: &[serde_json::Value]) -> Vec<(String, String, u64)> {
    objects
        .iter()
        .filter(|o| o["severity"] == "error")
        .map(|o| {
            (o["code"].as_str().unwrap().into(), o["file"].as_str().unwrap().into(), o["line"].as_u64().unwrap_or(0))
        })
        .collect()
}

const COMPILATION: &str =
    "---\ntitle: 珠海市典型案例汇编\ndate: 2022-06-01\nchapters:\n  - title: 第一部分\n    cases: [a]\n---\n前言\n";

#[test]
fn related_may_name_a_compilation_and_the_case_page_lists_it() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "related: [huibian, b]\n", "正文")),
        ("content/cases/b.md", &case("乙案例", "乙", "珠海市税务局", "2021-06-01", "", "正文")),
        ("content/compilations/huibian.md", COMPILATION),
    ]);
    site.build_ok(&[]);
    let html = site.read("cases/a/index.html");
    let list = &html[html.find("related-compilations").expect("a list of related compilations")..];
    assert!(list.contains("href=\"/compilations/huibian/\"") && list.contains("《珠海市典型案例汇编》"), "{list}");
    assert!(html.contains("相关案例与汇编"), "the section names both");
}

#[test]
fn a_did_you_mean_looks_at_every_kind_of_content_first() {
    let site = TestSite::new(&[
        (
            "content/cases/a.md",
            &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "related: [about, huibian-2]\n", "正文"),
        ),
        ("content/about.md", "---\ntitle: 关于\n---\n关于本站\n"),
        ("content/compilations/huibian.md", COMPILATION),
        (
            "content/compilations/other.md",
            "---\ntitle: 另一汇编\ndate: 2022-06-01\nchapters:\n  - title: 一\n    cases: [huibian]\n---\n",
        ),
    ]);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    let messages: Vec<String> = objects.iter().map(|o| format!("{} | {}", o["message"], o["hint"])).collect();
    assert!(messages.iter().any(|m| m.contains("`about`, which is a page (content/about.md)")), "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.contains("`huibian-2`") && m.contains("did you mean `huibian`")),
        "{messages:#?}"
    );
    assert!(messages.iter().any(|m| m.contains("`huibian`, which is a compilation")), "{messages:#?}");
}

#[test]
fn links_written_as_page_urls_resolve_as_in_the_browser() {
    let site = TestSite::new(&[
        (
            "content/cases/a.md",
            &case(
                "甲案例",
                "甲",
                "珠海市财政局",
                "2021-05-01",
                "",
                "[乙](../b/)、[乙的做法](../b/#做法)、[文件](b.md)、[图](tu.png)、[首页](/)",
            ),
        ),
        ("content/cases/b.md", &case("乙案例", "乙", "珠海市税务局", "2021-06-01", "", "## 做法\n\n正文")),
    ]);
    // A real PNG: the build decodes every image beside the content (a broken one is an error).
    let mut png = Vec::new();
    let pixel = image::DynamicImage::ImageRgb8(image::RgbImage::new(1, 1));
    pixel.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    site.write_bytes("content/cases/tu.png", &png);
    site.build_ok(&[]);
    let html = site.read("cases/a/index.html");
    for href in ["href=\"/cases/b/\"", "href=\"/cases/b/#%E5%81%9A%E6%B3%95\"", "href=\"/cases/tu.png\"", "href=\"/\""]
    {
        assert!(html.contains(href), "{href} in {html}");
    }
    assert_eq!(html.matches("href=\"/cases/b/\"").count(), 2, "../b/ and b.md are one page");
}

#[test]
fn a_broken_url_style_link_names_the_closest_page_in_its_at_form() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "", "见[乙](../bb/)。")),
        ("content/cases/b.md", &case("乙案例", "乙", "珠海市税务局", "2021-06-01", "", "正文")),
    ]);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    let broken = objects.iter().find(|o| o["code"] == "broken-link").expect("a broken link");
    assert_eq!((broken["file"].as_str(), broken["line"].as_u64()), (Some("content/cases/a.md"), Some(8)));
    assert!(broken["hint"].as_str().unwrap().contains("@/cases/b.md"), "{broken}");
}

#[test]
fn at_links_keep_working_when_a_case_becomes_a_folder_case() {
    let site = TestSite::new(&[
        (
            "content/cases/a.md",
            &case(
                "甲案例",
                "甲",
                "珠海市财政局",
                "2021-05-01",
                "",
                "见[乙](@/cases/b.md#做法)，[乙](@/cases/b/index.md)。",
            ),
        ),
        ("content/cases/b/index.md", &case("乙案例", "乙", "珠海市税务局", "2021-06-01", "", "## 做法\n\n正文")),
    ]);
    site.build_ok(&[]);
    let html = site.read("cases/a/index.html");
    assert!(html.contains("href=\"/cases/b/#%E5%81%9A%E6%B3%95\"") && html.contains("href=\"/cases/b/\""), "{html}");
    // The anchor is still checked against the folder case's headings.
    site.write(
        "content/cases/a.md",
        &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "", "见[乙](@/cases/b.md#没有)。"),
    );
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    assert_eq!(errors(&objects), [("broken-anchor".to_string(), "content/cases/a.md".to_string(), 8)]);
}

#[test]
fn every_link_to_a_missing_page_is_named_with_its_place() {
    let mut files = Vec::new();
    for i in 0..5 {
        let body = "第一处[缺](@/cases/missing.md)。\n\n第二处[缺](@/cases/missing.md)。";
        files.push((
            format!("content/cases/c{i}.md"),
            case(&format!("案例{i}"), &format!("品牌{i}"), "某局", "2021-05-01", "", body),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = TestSite::new(&refs);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    let mut got = errors(&objects);
    got.sort();
    let mut expected: Vec<(String, String, u64)> = (0..5)
        .flat_map(|i| [8, 10].map(|line| ("broken-link".to_string(), format!("content/cases/c{i}.md"), line)))
        .collect();
    expected.sort();
    assert_eq!(got, expected, "one JSON object per link");

    let (ok, stderr) = site.build(&[]);
    assert!(!ok);
    assert_eq!(stderr.matches("error[broken-link]").count(), 1, "the text groups them:\n{stderr}");
    assert_eq!(stderr.matches("also at: content/cases/c").count(), 9, "and names every other place:\n{stderr}");
}

#[test]
fn a_file_that_fails_to_parse_is_the_only_error_not_its_knock_ons() {
    let site = TestSite::new(&[
        (
            "content/cases/a.md",
            "---\ntitle: 珠海市财政局: 让我先来\nbrand: 让我先来\norg: 某局\ndate: 2021-05-01\n---\n## 做法\n正文\n",
        ),
        (
            "content/cases/b.md",
            &case("乙", "乙", "某局", "2021-05-01", "related: [a]\n", "见[甲](@/cases/a.md#做法)和[甲](../a/)。"),
        ),
        ("content/compilations/c.md", COMPILATION),
    ]);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    assert_eq!(errors(&objects), [("yaml-unquoted-colon".to_string(), "content/cases/a.md".to_string(), 2)]);
}

#[test]
fn every_error_of_every_file_comes_in_one_run_root_cause_first() {
    let site = TestSite::new(&[
        (
            "content/cases/a.md",
            "---\ntitle: 珠海市财政局: 让我先来\nbrand: 让我先来\norg: 某局\ndate: 2024-13-01\n---\n正文\n",
        ),
        ("content/cases/b.md", &case("乙", "乙", "某局", "2021-5-1", "", "正文")),
        ("content/cases/c.md", &case("丙", "丙", "某局", "2021-05-01", "", "见[缺](@/cases/missing.md)。")),
        ("content/cases/d.md", &case("丁", "丁", "某局", "2021-05-01", "cover: {src: missing.jpg}\n", "正文")),
    ]);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    assert_eq!(
        errors(&objects),
        [
            ("yaml-unquoted-colon".to_string(), "content/cases/a.md".to_string(), 2),
            ("invalid-date".to_string(), "content/cases/a.md".to_string(), 5),
            ("invalid-date".to_string(), "content/cases/b.md".to_string(), 5),
            ("broken-link".to_string(), "content/cases/c.md".to_string(), 8),
            ("missing-cover".to_string(), "content/cases/d.md".to_string(), 6),
        ]
    );
}

#[test]
fn a_relation_to_a_draft_is_a_warning_and_the_case_still_builds() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "related: [b]\n", "正文")),
        ("content/cases/b.md", &case("乙", "乙", "某局", "2021-05-01", "draft: true\n", "正文")),
    ]);
    let stderr = site.build_ok(&[]);
    assert!(stderr.contains("warning[unpublished-case]") && stderr.contains("content/cases/a.md:6:"), "{stderr}");
}

#[test]
fn a_folder_that_is_not_a_site_is_one_message_and_exit_2() {
    for args in [vec!["build", "/nonexistent-xianfeng-site"], vec!["check", "/nonexistent-xianfeng-site"]] {
        let out = xianfeng().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.matches("error[").count(), 1, "{stderr}");
        assert!(!stderr.contains("previous output") && !stderr.contains("failed:"), "{stderr}");
    }
    let empty = tempfile::tempdir().unwrap();
    let out = xianfeng().arg("build").arg(empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither site.yaml nor content/"));
}

#[test]
fn new_writes_a_draft_with_the_given_fields_and_a_compilation_that_builds_at_once() {
    let site = TestSite::new(&[("content/cases/a.md", &case("甲", "甲品牌", "甲局", "2021-05-01", "", "正文"))]);
    site.write("content/cases/b.md", &case("乙", "乙品牌", "乙局", "2021-05-01", "draft: true\n", "正文"));
    let new = |args: &[&str]| xianfeng().arg("new").args(args).arg("--site").arg(site.root()).output().unwrap();
    assert!(new(&[
        "rang-wo-xian-lai",
        "--title",
        "珠海市财政局“让我先来”工作法",
        "--brand",
        "让我先来",
        "--org",
        "珠海市财政局"
    ])
    .status
    .success());
    let text = std::fs::read_to_string(site.root().join("content/cases/rang-wo-xian-lai.md")).unwrap();
    for line in
        ["title: \"珠海市财政局“让我先来”工作法\"", "brand: \"让我先来\"", "org: \"珠海市财政局\"", "draft: true"]
    {
        assert!(text.lines().any(|l| l.starts_with(line)), "{line} in\n{text}");
    }
    assert!(new(&["huibian", "--compilation"]).status.success());
    let compilation = std::fs::read_to_string(site.root().join("content/compilations/huibian.md")).unwrap();
    assert!(
        compilation.contains("      - a\n") && !compilation.contains("      - b\n"),
        "published cases only:\n{compilation}"
    );
    assert!(!compilation.contains("a-case-slug"));
    site.build_ok(&[]);
    assert!(site.read("compilations/huibian/index.html").contains("甲"));
}

#[test]
fn an_empty_site_gets_a_compilation_that_builds_and_placeholders_are_warned_about_outside_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("s");
    assert!(xianfeng().arg("init").arg(&root).output().unwrap().status.success());
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    assert!(yaml.ends_with('\n'));
    std::fs::remove_dir_all(root.join("content/cases")).unwrap();
    std::fs::remove_file(root.join("content/compilations/shili-huibian.md")).unwrap();
    let new = |args: &[&str]| xianfeng().arg("new").args(args).arg("--site").arg(&root).output().unwrap();
    assert!(new(&["kong", "--compilation"]).status.success());
    assert!(new(&["weixie"]).status.success());
    let check = |root: &std::path::Path| {
        let out = xianfeng().arg("check").arg(root).args(["--format", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.contains("\"placeholder\"")).count()
    };
    assert_eq!(check(&root), 0, "a draft is not checked for placeholders");
    let path = root.join("content/cases/weixie.md");
    let text = std::fs::read_to_string(&path).unwrap().replace("draft: true", "draft: false");
    std::fs::write(&path, text).unwrap();
    assert_eq!(check(&root), 2, "the org and the body's placeholder");
    let out = xianfeng().arg("build").arg(&root).output().unwrap();
    assert!(out.status.success());
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    let title = yaml.lines().find_map(|l| l.strip_prefix("title: ")).unwrap().trim();
    assert!(home.contains(&format!(">{title}<")), "the headline is the site title");
}

/// A case written the way real showcases describe a brand (五有), as a folder case with its logo.
const IDENTITY_CASE: &str = r#"---
title: 市财政局“让我先来”党建工作法
brand: 让我先来
org: 珠海市财政局
date: 2021-05-01
slogan: 党员先上、困难先扛
logo: {src: logo.svg, meaning: 红色火炬象征党员先锋作用}
meaning: 以“让我先来”激发党员主动担当
framework:
  - {name: 思想上先学, text: 理论学习走在前}
  - 行动上先干
carriers:
  - {name: 财政月讲堂, text: 每月一期}
highlights:
  - {name: 红色账本, org: 预算科党支部, text: 把党建写进预算管理}
people:
  - {name: 张三, role: 党支部书记}
  - 李四
---
正文。
"#;

#[test]
fn brand_identity_fields_are_read_without_warnings_and_shown_on_the_case_page() {
    let site = TestSite::new(&[("content/cases/rang-wo-xian-lai/index.md", IDENTITY_CASE)]);
    site.write("content/cases/rang-wo-xian-lai/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.write(
        "content/cases/cunmu.md",
        &case("某单位存目案例", "存目品牌", "某局", "2021-06-01", "status: 存目\n", "待补。"),
    );
    site.write(
        "content/compilations/hb.md",
        "---\ntitle: 案例彙編\ndate: 2022-01-01\nlang: zh-Hant\nchapters:\n  - {title: 第一部分, cases: [rang-wo-xian-lai]}\n---\n前言。\n",
    );
    let (code, objects) = check_json(&site);
    assert_eq!(code, 0, "{objects:?}");
    let warnings: Vec<_> = objects.iter().filter(|o| o["severity"] == "warning").collect();
    assert!(warnings.is_empty(), "identity fields and compilation lang are known: {warnings:?}");
    site.build_ok(&[]);
    let page = site.read("cases/rang-wo-xian-lai/index.html");
    for shown in [
        "党员先上、困难先扛",
        "红色火炬象征党员先锋作用",
        "以“让我先来”激发党员主动担当",
        "思想上先学",
        "理论学习走在前",
        "行动上先干",
        "财政月讲堂",
        "红色账本",
        "预算科党支部",
        "党支部书记",
        "李四",
    ] {
        assert!(page.contains(shown), "{shown} on the case page");
    }
    assert!(page.contains("src=\"/cases/rang-wo-xian-lai/logo.svg\""), "the logo is published beside the case");
    assert!(site.read("cases/cunmu/index.html").contains("class=\"case-status\">存目<"));
    assert!(site.read("cases/index.html").contains("class=\"case-status\">存目<"), "the case list marks it too");
    let home = site.read("index.html");
    assert!(home.contains(">1</span><span class=\"stat-label\">个案例（另有 1 个存目或资料不全）"), "{home}");
    assert!(site.read("compilations/hb/index.html").contains("<html lang=\"zh-Hant\">"));
}

#[test]
fn a_bad_identity_field_is_a_typed_error_at_its_line() {
    let text =
        IDENTITY_CASE.replace("  - 行动上先干\n", "  - {text: 没有名称}\n").replace("people:", "status: 待定\npeople:");
    let site = TestSite::new(&[("content/cases/a.md", &text)]);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    let field_of =
        |code: &str| objects.iter().find(|o| o["code"] == code).map(|o| (o["field"].clone(), o["line"].clone()));
    assert_eq!(field_of("missing-field"), Some(("framework[1].name".into(), 11.into())), "{objects:?}");
    assert_eq!(field_of("invalid-value"), Some(("status".into(), 16.into())), "{objects:?}");
    assert_eq!(
        field_of("missing-logo"),
        Some(("logo.src".into(), 7.into())),
        "a logo not beside the case: {objects:?}"
    );
    assert_eq!(errors(&objects).len(), 3, "{objects:?}");
}

#[test]
fn new_dates_a_case_by_the_sites_own_timezone() {
    // Kiritimati (UTC+14) and Pago Pago (UTC−11) are 25 hours apart: on every day of the year
    // their dates differ, so a date taken in Shanghai would be wrong for at least one of them.
    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
        let site = TestSite::new(&[]);
        site.write("site.yaml", &format!("title: 测试站点\nbase_url: https://dj.example.cn\ntimezone: {zone}\n"));
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let before = chrono::Utc::now().with_timezone(&tz).date_naive();
        xianfeng()
            .args(["new", "shiqu", "--title", "时区", "--brand", "时区", "--org", "某局", "--site"])
            .arg(site.root())
            .assert()
            .success();
        let after = chrono::Utc::now().with_timezone(&tz).date_naive();
        let text = std::fs::read_to_string(site.root().join("content/cases/shiqu.md")).unwrap();
        let written =
            text.lines().find_map(|l| l.strip_prefix("date: ")).unwrap().split('#').next().unwrap().trim().to_string();
        assert!(
            written == before.to_string() || written == after.to_string(),
            "{zone}: {written}, today there is {before}"
        );
    }
}
