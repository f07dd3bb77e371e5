//! The language of xianfeng's messages: a zh-* site (the default) is told in Chinese, `--lang
//! en` and `XIANFENG_LANG=en` give English; codes and JSON keys stay the same in both.

mod common;
use common::*;

/// `xianfeng <args…>` on the site as a user runs it (no XIANFENG_LANG): (exit code, stdout, stderr).
fn run(site: &TestSite, args: &[&str]) -> (i32, String, String) {
    let out = xianfeng_zh().args(args).arg(site.root()).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn case_without_org() -> TestSite {
    TestSite::new(&[("content/cases/a.md", "---\ntitle: 让我先来\nbrand: 让我先来\ndate: 2021-05-01\n---\n正文\n")])
}

#[test]
fn a_missing_front_matter_field_is_told_in_chinese_and_in_english_with_lang_en() {
    let site = case_without_org();
    let (code, _, zh) = run(&site, &["build"]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("错误[missing-field]：缺少必填字段 `org`"), "{zh}");
    assert!(zh.contains("  字段：org") && zh.contains("  提示：在前言中加上 `org: 珠海市财政局`"), "{zh}");
    let (_, _, en) = run(&site, &["build", "--lang", "en"]);
    assert!(en.contains("error[missing-field]: missing required field `org`"), "{en}");
    assert!(en.contains("  field: org") && en.contains("  hint: add it to the front matter"), "{en}");
    assert!(!en.contains("缺少必填字段"), "{en}");
}

#[test]
fn an_unquoted_colon_in_yaml_names_the_fix_in_the_editors_words() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        "---\ntitle: 让我先来: 珠海实践\nbrand: 让我先来\norg: 珠海市财政局\ndate: 2021-05-01\n---\n正文\n",
    )]);
    let (code, _, zh) = run(&site, &["check"]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("错误[yaml-unquoted-colon]"), "the code is the same in Chinese: {zh}");
    assert!(zh.contains("给值加引号：title: \"让我先来: 珠海实践\""), "{zh}");
    assert!(zh.contains("改用全角冒号"), "{zh}");
    let (_, _, en) = run(&site, &["check", "--lang", "en"]);
    assert!(en.contains("error[yaml-unquoted-colon]") && en.contains("put the value in quotes"), "{en}");
}

#[test]
fn a_broken_link_is_told_in_chinese_and_in_english() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "", "见[乙案例](@/cases/missing.md)。"),
    )]);
    let (code, _, zh) = run(&site, &["check"]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("错误[broken-link]") && zh.contains("没有 `content/cases/missing.md` 这个内容文件"), "{zh}");
    assert!(zh.contains("检查文件名"), "{zh}");
    let (_, _, en) = run(&site, &["check", "--lang", "en"]);
    assert!(en.contains("no content file at `content/cases/missing.md`"), "{en}");
}

#[test]
fn a_config_error_is_told_in_chinese_and_in_english() {
    let site =
        TestSite::new(&[("content/cases/a.md", &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "", "正文"))]);
    site.write("site.yaml", "title: 测试站点\nbase_url: https://dj.example.cn\ntimezone: Mars/Olympus\n");
    let (code, _, zh) = run(&site, &["check"]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("错误[config]：未知的时区 `Mars/Olympus`"), "{zh}");
    assert!(zh.contains("应为：IANA 时区名") && zh.contains("Asia/Shanghai"), "{zh}");
    let (_, _, en) = run(&site, &["check", "--lang", "en"]);
    assert!(en.contains("error[config]: unknown timezone `Mars/Olympus`"), "{en}");
}

#[test]
fn the_summary_line_says_what_failed_and_that_the_last_output_stays() {
    let site =
        TestSite::new(&[("content/cases/a.md", &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "", "正文"))]);
    let (code, _, zh) = run(&site, &["build"]);
    assert_eq!(code, 0, "{zh}");
    assert!(zh.contains("构建完成：") && zh.contains("个页面"), "{zh}");
    site.write("content/cases/b.md", "---\ntitle: 乙\nbrand: 乙\ndate: 2021-05-01\n---\n正文\n");
    let (code, _, zh) = run(&site, &["build"]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("构建失败：1 个错误，0 个警告；上次的输出保持不变"), "{zh}");
    let (_, _, en) = run(&site, &["build", "--lang", "en"]);
    assert!(en.contains("build failed: 1 error, 0 warnings; the previous output was left unchanged"), "{en}");
    let (_, _, check) = run(&site, &["check"]);
    assert!(check.contains("检查未通过：1 个错误，0 个警告"), "{check}");
}

#[test]
fn check_json_keeps_its_keys_in_both_languages_and_ends_with_a_summary() {
    let site = case_without_org();
    let lines = |lang: &str| -> Vec<serde_json::Value> {
        let (code, out, err) = run(&site, &["check", "--format", "json", "--lang", lang]);
        assert_eq!(code, 1, "{err}");
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    for (lang, message) in [("zh", "缺少必填字段 `org`"), ("en", "missing required field `org`")] {
        let objects = lines(lang);
        let last = objects.last().unwrap();
        assert_eq!(last, &serde_json::json!({"summary": {"errors": 1, "warnings": 0}}), "{objects:?}");
        let d = &objects[0];
        assert_eq!((d["code"].as_str(), d["field"].as_str()), (Some("missing-field"), Some("org")));
        assert_eq!(d["message"].as_str(), Some(message), "{d}");
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 9, "{keys:?}");
        for key in ["file", "line", "column", "severity", "code", "field", "message", "expected", "hint"] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
    }
}

#[test]
fn xianfeng_lang_en_gives_english_and_the_command_line_beats_it() {
    let site = case_without_org();
    let out = xianfeng_zh().env("XIANFENG_LANG", "en").arg("check").arg(site.root()).output().unwrap();
    let en = String::from_utf8_lossy(&out.stderr);
    assert!(en.contains("missing required field `org`") && en.contains("check failed: 1 error"), "{en}");
    let out =
        xianfeng_zh().env("XIANFENG_LANG", "en").args(["check", "--lang", "zh"]).arg(site.root()).output().unwrap();
    let zh = String::from_utf8_lossy(&out.stderr);
    assert!(zh.contains("缺少必填字段 `org`"), "{zh}");
}

#[test]
fn an_english_site_is_told_in_english() {
    let site = case_without_org();
    site.write("site.yaml", "title: Test\nbase_url: https://dj.example.cn\nlanguage: en-GB\n");
    let (_, _, en) = run(&site, &["check"]);
    assert!(en.contains("missing required field `org`"), "{en}");
}

#[test]
fn an_unchanged_site_built_in_the_other_language_shows_its_warnings_in_that_language() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "orgs: 多余\n", "正文"),
    )]);
    let (_, _, zh) = run(&site, &["build"]);
    assert!(zh.contains("警告[unknown-field]：未知字段 `orgs`"), "{zh}");
    let (_, _, en) = run(&site, &["build", "--lang", "en"]);
    assert!(en.contains("warning[unknown-field]: unknown field `orgs`"), "{en}");
    let (_, _, again) = run(&site, &["build", "--lang", "en"]);
    assert!(again.contains("nothing changed") && again.contains("unknown field `orgs`"), "{again}");
}
