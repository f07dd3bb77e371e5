//! `xianfeng import` on the real seed articles (../shared/seeds), as text and wrapped in a
//! news page with chrome: the front matter it guesses, the chrome and repeats it drops, the
//! bad files it refuses, and that the drafts it writes build.

mod common;

use common::{xianfeng, xianfeng_zh, TestSite};
use std::fs;
use std::path::{Path, PathBuf};
use xianfeng::yaml::Value;

fn seed(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let found = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the seed articles are read from {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(name)));
    found.unwrap_or_else(|| panic!("no seed {name}* in {}", dir.display()))
}

/// Runs `xianfeng import` with the args; returns (exit code, stdout, stderr).
fn import(site: &TestSite, args: &[&str]) -> (i32, String, String) {
    // The site's language (zh-CN) decides: the report is in Chinese unless --lang en.
    let out = xianfeng_zh().arg("import").args(args).arg("--site").arg(site.root()).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every case file written, by file name (`slug/index.md` for a folder case).
fn cases(site: &TestSite) -> Vec<(String, String)> {
    let dir = site.root().join("content/cases");
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    match e.path().is_dir() {
                        true => (format!("{name}/index.md"), fs::read_to_string(e.path().join("index.md")).unwrap()),
                        false => (name, fs::read_to_string(e.path()).unwrap()),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The front matter as YAML values, and the body.
/// (As xianfeng reads it: the importer writes files for xianfeng.)
fn parse(text: &str) -> (Value, String) {
    let rest = text.strip_prefix("---\n").expect("front matter first");
    let (yaml, body) = rest.split_once("\n---\n").expect("front matter closed");
    (xianfeng::yaml::parse(yaml, 2).unwrap().value, body.to_string())
}

fn field<'a>(fm: &'a Value, path: &str) -> Option<&'a str> {
    let mut v = fm;
    for key in path.split('.') {
        v = match key.parse::<usize>() {
            Ok(i) => v.as_sequence()?.get(i)?,
            Err(_) => v.get(key)?,
        };
    }
    v.as_str()
}

fn region(fm: &Value) -> Vec<&str> {
    fm.get("region")
        .and_then(|r| r.as_sequence())
        .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}

const CHROME: &[&str] = &[
    "浏览次数",
    "字号",
    "分享到",
    "投稿",
    "我已经到底线啦",
    "暂时没有评论",
    "首页 >",
    "版權所有",
    "ICP",
    "上一篇",
    "下一篇",
    "编辑:",
    "編輯:",
    "编辑：",
    "(chuàng)",
    "script",
    "javascript",
    "iframe",
    "onclick",
];

fn assert_clean_body(name: &str, body: &str) {
    for chrome in CHROME {
        assert!(!body.contains(chrome), "{name}: `{chrome}` left in the body:\n{body}");
    }
    let mut seen = std::collections::HashSet::new();
    for para in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        assert!(seen.insert(para), "{name}: paragraph twice: {para}");
    }
}

/// Imports one file alone into a fresh site; returns the site, the case's front matter and body.
fn import_one(path: &Path) -> (TestSite, Value, String, String) {
    let site = TestSite::new(&[]);
    let (code, _, stderr) = import(&site, &[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let files = cases(&site);
    assert_eq!(files.len(), 1, "{files:?}");
    let (fm, body) = parse(&files[0].1);
    (site, fm, body, stderr)
}

#[test]
fn the_zhuhai_seed_imports_with_title_brand_org_date_publication_and_credits() {
    let (site, fm, body, stderr) = import_one(&seed("000"));
    assert_eq!(cases(&site)[0].0, "zhuhai-caizheng-rang-wo-xian-lai.md");
    assert!(field(&fm, "title").unwrap().contains("珠海市财政局提出“让我先来”党建工作法"));
    assert_eq!(field(&fm, "brand"), Some("让我先来"));
    assert_eq!(field(&fm, "org"), Some("珠海市财政局"));
    assert_eq!(fm.get("date").and_then(|d| d.as_str()), Some("2022-03-22"));
    assert_eq!(field(&fm, "type"), Some("党建工作法"));
    assert_eq!(region(&fm), ["广东省", "珠海市"]);
    assert_eq!(field(&fm, "sources.0.publication"), Some("观海融媒"));
    assert_eq!(field(&fm, "sources.0.credits.editor"), Some("周晓晴"));
    assert_eq!(field(&fm, "sources.0.credits.responsible_editor"), Some("宋显晖"));
    assert_eq!(fm.get("draft").and_then(|d| d.as_bool()), Some(true));
    assert!(fm.get("lang").is_none(), "a Simplified article has no lang");
    assert!(body.contains("\n## 作品背景\n"), "{body}");
    assert!(body.contains("**二是发挥先锋班组骨干作用。**"), "{body}");
    assert!(body.contains("进入新时代，党的建设"), "ASCII commas in Chinese text become full-width: {body}");
    assert_clean_body("000", &body);
    // The text is printed twice in the seed: the body holds it once.
    assert_eq!(body.matches("加强党的建设是我们党的优良传统").count(), 1);
    assert!(stderr.contains("brand: 让我先来  (来自：标题中的引号)"), "{stderr}");
    let text = &cases(&site)[0].1;
    assert!(text.contains("brand: '让我先来'  # 来自：标题中的引号"), "{text}");
    site.build_ok(&["--drafts"]);
}

#[test]
fn the_traditional_seed_is_zh_hant_without_pinyin_noise() {
    let (site, fm, body, _) = import_one(&seed("003"));
    assert_eq!(field(&fm, "lang"), Some("zh-Hant"));
    assert_eq!(field(&fm, "title"), Some("樹典型示范引領 促黨建質量提升"));
    assert_eq!(field(&fm, "org"), Some("天津市級機關工委"));
    assert_eq!(region(&fm), ["天津市"]);
    assert_eq!(field(&fm, "sources.0.publication"), Some("機關黨建研究"));
    assert_eq!(field(&fm, "sources.0.issue"), Some("2021年第5期"));
    assert_eq!(field(&fm, "sources.0.credits.editor"), Some("謝淳子"));
    assert!(body.contains("創新") && !body.contains("(chuàng)") && !body.contains("(lǐng)"), "{body}");
    assert!(body.contains("\n## 主要做法\n"), "{body}");
    assert_clean_body("003", &body);
    site.build_ok(&["--drafts"]);
}

#[test]
fn the_changchun_seed_loses_its_breadcrumbs_and_keeps_their_facts() {
    let (site, fm, body, _) = import_one(&seed("004"));
    assert_eq!(field(&fm, "title"), Some("全国机关党建理论研讨会交流发言"));
    assert_eq!(field(&fm, "org"), Some("长春市直机关工委"));
    assert_eq!(region(&fm), ["吉林省", "长春市"]);
    assert_eq!(fm.get("date").and_then(|d| d.as_str()), Some("2016-12-02"));
    assert_eq!(field(&fm, "sources.0.publication"), Some("机关党建杂志"));
    assert_eq!(field(&fm, "sources.0.issue"), Some("2016年第9期"));
    assert_eq!(field(&fm, "sources.0.credits.responsible_editor"), Some("中共吉林省直属机关工作委员会_办公室"));
    assert!(body.contains("## 一、以五大发展理念引领长春机关党建工作的实践探索"), "{body}");
    assert!(!body.contains("全国机关党建理论研讨会交流发言"), "the title is not repeated in the body");
    assert_eq!(cases(&site)[0].0, "changchun-shizhi-jiguan-wu-ge-jing-zhun-fa-li.md");
    assert_clean_body("004", &body);
}

#[test]
fn a_missing_date_is_reported_with_the_line_to_fill_and_the_draft_still_checks() {
    let (site, fm, body, stderr) = import_one(&seed("001"));
    assert_eq!(field(&fm, "org"), Some("浏阳市财政局"));
    assert_eq!(region(&fm), ["湖南省", "长沙市"], "浏阳 is county-level: the city the text names most");
    assert_eq!(field(&fm, "brand"), Some("小实招 大实效"));
    assert!(stderr.contains("未找到发布日期，请在第 5 行填写"), "{stderr}");
    let text = &cases(&site)[0].1;
    assert!(text.lines().nth(4).unwrap().starts_with("date: "), "{text}");
    assert_clean_body("001", &body);
    let out = xianfeng().args(["check", "--drafts"]).arg(site.root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn all_five_seeds_import_from_a_folder_and_build_as_drafts() {
    let site = TestSite::new(&[]);
    let dir = seed("000").parent().unwrap().to_path_buf();
    let (code, _, stderr) = import(&site, &[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let files = cases(&site);
    assert_eq!(files.len(), 5, "{files:?}");
    for (name, text) in &files {
        let (fm, body) = parse(text);
        for key in ["title", "brand", "org"] {
            assert!(field(&fm, key).is_some_and(|v| !v.is_empty()), "{name}: no {key}");
        }
        assert_clean_body(name, &body);
    }
    assert!(files.iter().any(|(n, _)| n == "zhuhai-shizhi-jiguan-7-9.md"), "{files:?}");
    site.build_ok(&["--drafts"]);
    let out = xianfeng().args(["check", "--drafts"]).arg(site.root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_second_import_names_the_existing_file_and_changes_nothing() {
    let site = TestSite::new(&[]);
    let path = seed("000");
    import(&site, &[path.to_str().unwrap()]);
    let before = cases(&site);
    let (code, _, stderr) = import(&site, &[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("这篇文章已导入过") && stderr.contains("zhuhai-caizheng-rang-wo-xian-lai.md"), "{stderr}");
    assert_eq!(cases(&site), before);
}

#[test]
fn a_dry_run_prints_the_case_and_writes_nothing() {
    let site = TestSite::new(&[]);
    let (code, stdout, stderr) = import(&site, &[seed("004").to_str().unwrap(), "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("---\ntitle: '全国机关党建理论研讨会交流发言'"), "{stdout}");
    assert!(stderr.contains("演练"), "{stderr}");
    assert!(cases(&site).is_empty());
}

/// A news page around the seed's text: head metadata, breadcrumbs, counters, share buttons,
/// a script, an iframe, an event handler and a javascript: link.
fn news_page(seed_text: &str) -> String {
    let mut lines = seed_text.lines().filter(|l| !l.trim().is_empty());
    let title = lines.next().unwrap();
    let body: String = lines.take_while(|l| !l.starts_with("编辑")).map(|l| format!("<p>{l}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_观海融媒</title>
<link rel="canonical" href="https://news.example.cn/content/202203/22/c1234.html">
<script>track()</script></head><body>
<div class="crumbs">首页 &gt; 党建 &gt; 正文</div><h1>{title}</h1>
<div class="info">浏览次数：108 字号：[大 中 小]</div>
<div class="TRS_Editor">{body}<p onclick="steal()"><img src="https://img.example.cn/a.jpg" alt="活动照片"><a href="javascript:alert(1)">点此</a></p>
<table><tr><th>指标</th><th>数量</th></tr><tr><td>先锋班组</td><td>33个</td></tr></table>
<ul><li>立根工程</li><li>立型工程</li></ul>
<iframe src="https://video.example.cn/v"></iframe><p>编辑：周晓晴 责任编辑：宋显晖</p></div>
<div class="share">分享到：微信 微博</div><div>上一篇：某文</div><div>下一篇：某文</div></body></html>"#
    )
}

#[test]
fn a_news_page_imports_its_article_without_chrome_scripts_or_javascript_links() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("rang.html");
    fs::write(&page, news_page(&fs::read_to_string(seed("000")).unwrap())).unwrap();
    let (site, fm, body, stderr) = import_one(&page);
    assert!(field(&fm, "title").unwrap().contains("“让我先来”党建工作法"));
    assert_eq!(field(&fm, "brand"), Some("让我先来"));
    assert_eq!(field(&fm, "org"), Some("珠海市财政局"));
    assert_eq!(fm.get("date").and_then(|d| d.as_str()), Some("2022-03-22"), "the date in the URL path");
    assert_eq!(field(&fm, "sources.0.publication"), Some("观海融媒"));
    assert_eq!(field(&fm, "sources.0.url"), Some("https://news.example.cn/content/202203/22/c1234.html"));
    assert_eq!(field(&fm, "sources.0.credits.editor"), Some("周晓晴"));
    assert_eq!(field(&fm, "sources.0.credits.responsible_editor"), Some("宋显晖"));
    assert!(!body.contains("track") && !body.contains("steal") && !body.contains("video.example"), "{body}");
    assert!(body.contains("[图片：活动照片](https://img.example.cn/a.jpg)"), "a remote image stays a link: {body}");
    let table = body.split("\n\n").find(|b| b.contains("指标")).unwrap_or("");
    assert!(
        table.lines().count() == 3 && table.contains("| ---") && table.contains("| 先锋班组 | 33个 |"),
        "a table stays whole: {table}"
    );
    assert!(body.contains("立根工程\n*   立型工程"), "a list stays whole: {body}");
    assert!(stderr.contains("图片未下载"), "{stderr}");
    assert_clean_body("rang.html", &body);
    site.build_ok(&["--drafts"]);
}

#[test]
fn a_figure_stated_with_its_label_becomes_a_metric_and_figures_in_sentences_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("rang.html");
    let html = news_page(&fs::read_to_string(seed("000")).unwrap())
        .replace("<ul>", "<p>省财政厅奖励激励资金：300万元</p><ul>");
    fs::write(&page, html).unwrap();
    let (site, fm, _, stderr) = import_one(&page);
    let text = |m: &'_ Value, key: &str| m.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    let number = |m: &Value| match m.get("value") {
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let metrics: Vec<(String, String, String)> = fm
        .get("metrics")
        .and_then(Value::as_sequence)
        .unwrap_or_else(|| panic!("no metrics: {stderr}"))
        .iter()
        .map(|m| (text(m, "label"), format!("{:?}", number(m)), text(m, "unit")))
        .collect();
    assert_eq!(
        metrics,
        [
            ("先锋班组".to_string(), "Some(33)".to_string(), "个".to_string()),
            ("省财政厅奖励激励资金".to_string(), "Some(300)".to_string(), "万元".to_string())
        ]
    );
    assert!(stderr.contains("metrics: 先锋班组 33个；省财政厅奖励激励资金 300万元"), "{stderr}");
    site.build_ok(&["--drafts"]);
    // The seed as text states its figures only inside sentences (共有1名…, 6名…): none taken.
    let (_, fm, _, _) = import_one(&seed("000"));
    assert!(fm.get("metrics").is_none(), "{fm:?}");
}

#[test]
fn bad_files_are_refused_one_line_each_and_the_good_ones_still_import() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let old_word = write("申报材料.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0");
    let pdf = write("材料.pdf", b"%PDF-1.4\n");
    let image = write("照片.png", b"\x89PNG\r\n\x1a\n\0\0");
    let empty = write("空.txt", b"");
    let binary = write("乱码.txt", b"\0\x01\x02\x03binary\0\0");
    let site = TestSite::new(&[]);
    let good = seed("000");
    let (code, _, stderr) =
        import(&site, &[&old_word, &pdf, &image, &empty, &binary, good.to_str().unwrap(), "--lang", "zh"]);
    assert_eq!(code, 1, "{stderr}");
    for name in ["申报材料.doc", "材料.pdf", "照片.png", "空.txt", "乱码.txt"] {
        let line = stderr.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("no line for {name}: {stderr}"));
        assert!(line.starts_with("错误：") && line.contains("未写入任何文件"), "{line}");
    }
    assert_eq!(cases(&site).len(), 1, "only the good article is written");
}

#[test]
fn a_gb18030_text_file_is_converted() {
    let text = fs::read_to_string(seed("000")).unwrap();
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.txt");
    fs::write(&path, &bytes).unwrap();
    let (_site, fm, _, _) = import_one(&path);
    assert_eq!(field(&fm, "brand"), Some("让我先来"));
    assert_eq!(field(&fm, "org"), Some("珠海市财政局"));
}

#[test]
fn a_file_over_50_mb_is_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("巨大.txt");
    let file = fs::File::create(&path).unwrap();
    file.set_len(51 * 1024 * 1024).unwrap();
    let site = TestSite::new(&[]);
    let (code, _, stderr) = import(&site, &[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("巨大.txt") && stderr.contains("50 MB"), "{stderr}");
    assert!(cases(&site).is_empty());
}

#[test]
fn the_report_is_in_english_with_lang_en() {
    let site = TestSite::new(&[]);
    let (code, _, stderr) = import(&site, &[seed("001").to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("imported") && stderr.contains("the date not found: fill it in on line 5"), "{stderr}");
}

#[test]
fn json_output_is_one_object_per_file() {
    let site = TestSite::new(&[]);
    let (_, stdout, _) = import(&site, &[seed("000").to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["status"], "imported");
    assert!(v["case"].as_str().unwrap().ends_with("zhuhai-caizheng-rang-wo-xian-lai.md"));
}

/// A .docx of the given entries (name → bytes), written with the zip crate.
fn zip_file(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, opts).unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

fn w_para(style: Option<&str>, runs: &[(&str, bool)]) -> String {
    let ppr = style.map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>")).unwrap_or_default();
    let runs: String = runs
        .iter()
        .map(|(t, bold)| {
            let rpr = if *bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
            format!(
                "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                t.replace('&', "&amp;").replace('<', "&lt;")
            )
        })
        .collect();
    format!("<w:p>{ppr}{runs}</w:p>")
}

/// The Zhuhai seed as a Word file: the title styled Title, section lines Heading 1, each
/// numbered lead bold, the credits line at the end.
fn seed_docx() -> Vec<u8> {
    seed_docx_with("", &[])
}

/// The seed as a Word file with `after_first` (drawings) after its first body paragraph and
/// the extra zip entries (relationships, media).
fn seed_docx_with(after_first: &str, extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let text = fs::read_to_string(seed("000")).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let mut body = w_para(Some("Title"), &[(lines.next().unwrap(), false)]);
    for (i, line) in lines.take_while(|l| !l.starts_with("编辑")).enumerate() {
        if line.ends_with(':') {
            body.push_str(&w_para(Some("Heading1"), &[(line.trim_end_matches(':'), false)]));
        } else if let Some((lead, rest)) = line.split_once('。').filter(|(lead, _)| lead.chars().count() < 12) {
            body.push_str(&w_para(None, &[(&format!("{lead}。"), true), (rest, false)]));
        } else {
            body.push_str(&w_para(None, &[(line, false)]));
        }
        if i == 1 {
            body.push_str(after_first);
        }
    }
    body.push_str(&w_para(None, &[("编辑:周晓晴 责任编辑:宋显晖", false)]));
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>"#
    );
    let mut entries = vec![
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>".to_vec()),
        ("word/document.xml", xml.into_bytes()),
    ];
    entries.extend(extra.iter().map(|(n, b)| (*n, b.clone())));
    zip_file(&entries)
}

/// A 1×1 PNG that browsers show.
const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba,
    0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A PNG whose header declares width × height, with no pixels behind it.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut b = TINY_PNG[..16].to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.extend(&TINY_PNG[24..]);
    b
}

/// A Word drawing of the image with relationship `rid`, described as `descr`.
fn w_drawing(rid: &str, descr: &str) -> String {
    format!(
        r#"<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="图片 1" descr="{descr}"/><a:graphic><a:graphicData><a:blip r:embed="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
    )
}

/// `word/_rels/document.xml.rels` with one image relationship per (id, target).
fn w_rels(images: &[(&str, &str)]) -> Vec<u8> {
    let rels: String = images
        .iter()
        .map(|(id, target)| {
            format!(r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{target}"/>"#)
        })
        .collect();
    format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#)
        .into_bytes()
}

/// The built files whose name is `name`, anywhere under public/.
fn public_files_named(site: &TestSite, name: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(site.public())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == name)
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn a_word_file_imports_with_its_headings_bold_leads_and_credits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("申报材料.docx");
    fs::write(&path, seed_docx()).unwrap();
    let (site, fm, body, stderr) = import_one(&path);
    assert!(field(&fm, "title").unwrap().contains("“让我先来”党建工作法"), "{stderr}");
    assert_eq!(field(&fm, "brand"), Some("让我先来"));
    assert_eq!(field(&fm, "org"), Some("珠海市财政局"));
    assert_eq!(field(&fm, "sources.0.credits.editor"), Some("周晓晴"));
    assert!(body.contains("\n## 作品背景\n"), "{body}");
    assert!(body.contains("**1.聚焦问题导向。**"), "{body}");
    assert_clean_body("申报材料.docx", &body);
    assert!(stderr.contains("未找到发布日期"), "a Word file carries no date: {stderr}");
    site.build_ok(&["--drafts"]);
}

#[test]
fn a_docx_zip_bomb_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let many: Vec<(String, Vec<u8>)> = (0..10_001).map(|i| (format!("word/media/{i}.xml"), Vec::new())).collect();
    let many: Vec<(&str, Vec<u8>)> = many.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let bomb = dir.path().join("炸弹.docx");
    fs::write(&bomb, zip_file(&many)).unwrap();
    // 201 MB of zeros: a few hundred KB compressed.
    let big = dir.path().join("巨大.docx");
    fs::write(&big, zip_file(&[("word/document.xml", vec![b' '; 201 * 1024 * 1024])])).unwrap();
    let climbing = dir.path().join("越界.docx");
    fs::write(
        &climbing,
        zip_file(&[("../../evil.xml", b"x".to_vec()), ("word/document.xml", b"<w:document/>".to_vec())]),
    )
    .unwrap();
    let not_zip = dir.path().join("假的.docx");
    fs::write(&not_zip, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old word").unwrap();
    let site = TestSite::new(&[]);
    let args: Vec<&str> = [&bomb, &big, &climbing, &not_zip].iter().map(|p| p.to_str().unwrap()).collect();
    let (code, _, stderr) = import(&site, &args);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("炸弹.docx") && stderr.contains("压缩炸弹"), "{stderr}");
    assert!(stderr.lines().any(|l| l.contains("巨大.docx") && l.contains("压缩炸弹")), "{stderr}");
    assert!(stderr.lines().any(|l| l.contains("越界.docx") && l.contains("../../evil.xml")), "{stderr}");
    assert!(stderr.lines().any(|l| l.contains("假的.docx") && l.contains("不是 zip")), "{stderr}");
    assert!(cases(&site).is_empty());
    assert!(!dir.path().parent().unwrap().join("evil.xml").exists());
}

#[test]
fn an_article_without_unit_or_brand_gets_placeholders_reported_by_line_and_still_checks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("无名.txt");
    fs::write(&path, "这是一段没有写明单位和品牌的文字，用来检验导入时缺少字段的情形。第二句在这里。\n").unwrap();
    let site = TestSite::new(&[]);
    let (code, _, stderr) = import(&site, &[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("未找到品牌名称，请在第 3 行填写"), "{stderr}");
    assert!(stderr.contains("未找到单位名称，请在第 4 行填写"), "{stderr}");
    let text = &cases(&site)[0].1;
    assert_eq!(text.lines().nth(3), Some("org: 待填写  # 未找到单位名称，请填写"), "{text}");
    let out = xianfeng().args(["check", "--drafts"]).arg(site.root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_docx_with_an_embedded_png_becomes_a_folder_case_with_the_image_where_it_stood() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("有图.docx");
    let docx = seed_docx_with(
        &w_drawing("rId5", "党员志愿服务现场"),
        &[
            ("word/_rels/document.xml.rels", w_rels(&[("rId5", "media/image1.png")])),
            ("word/media/image1.png", TINY_PNG.to_vec()),
        ],
    );
    fs::write(&path, docx).unwrap();
    let (site, fm, body, stderr) = import_one(&path);
    assert_eq!(field(&fm, "brand"), Some("让我先来"), "{stderr}");
    let folder = site.root().join("content/cases/zhuhai-caizheng-rang-wo-xian-lai");
    assert!(folder.join("index.md").is_file(), "{stderr}");
    assert_eq!(fs::read(folder.join("image1.png")).unwrap(), TINY_PNG);
    // After the second body paragraph, before the third, as in the document.
    let paras: Vec<&str> = body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    let at = paras.iter().position(|p| *p == "![党员志愿服务现场](image1.png)").unwrap_or_else(|| panic!("{body}"));
    assert!(at >= 2 && at + 1 < paras.len(), "{body}");
    assert!(stderr.contains("image1.png"), "the report names the image: {stderr}");
    site.build_ok(&["--drafts"]);
    let built = public_files_named(&site, "image1.png");
    assert_eq!(built.len(), 1, "{built:?}");
    // The build publishes images encoded anew (EXIF stripped): the same pixels, not the same bytes.
    let pixels = |bytes: &[u8]| image::load_from_memory(bytes).unwrap().to_rgba8();
    assert_eq!(pixels(&fs::read(&built[0]).unwrap()), pixels(TINY_PNG));
}

#[test]
fn an_image_whose_header_declares_over_50_megapixels_is_refused_by_name_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("大图.docx");
    let drawings = format!("{}{}", w_drawing("rId5", "合影"), w_drawing("rId6", "巨幅"));
    let docx = seed_docx_with(
        &drawings,
        &[
            ("word/_rels/document.xml.rels", w_rels(&[("rId5", "media/photo.png"), ("rId6", "media/huge.png")])),
            ("word/media/photo.png", TINY_PNG.to_vec()),
            ("word/media/huge.png", png_declaring(100_000, 80_000)),
        ],
    );
    fs::write(&path, docx).unwrap();
    let (site, _, body, stderr) = import_one(&path);
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("word/media/huge.png") && l.contains("100000×80000") && l.contains("5000 万像素")),
        "{stderr}"
    );
    let folder = site.root().join("content/cases/zhuhai-caizheng-rang-wo-xian-lai");
    assert!(folder.join("photo.png").is_file());
    assert!(!folder.join("huge.png").exists());
    assert!(body.contains("![合影](photo.png)") && !body.contains("巨幅") && !body.contains("rId6"), "{body}");
    assert!(body.contains("聚焦问题导向"), "the text still imports: {body}");
}

#[test]
fn a_docx_entry_named_dotdot_evil_png_is_refused_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("in");
    fs::create_dir(&inner).unwrap();
    let path = inner.join("越界图.docx");
    let docx = seed_docx_with(
        &w_drawing("rId5", "图"),
        &[("word/_rels/document.xml.rels", w_rels(&[("rId5", "/../evil.png")])), ("../evil.png", TINY_PNG.to_vec())],
    );
    fs::write(&path, docx).unwrap();
    let site = TestSite::new(&[]);
    let (code, _, stderr) = import(&site, &[path.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.lines().any(|l| l.contains("越界图.docx") && l.contains("../evil.png")), "{stderr}");
    assert!(cases(&site).is_empty());
    for top in [dir.path(), site.root()] {
        let evil: Vec<_> = walkdir::WalkDir::new(top)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() == "evil.png")
            .collect();
        assert!(evil.is_empty(), "{evil:?}");
    }
}

#[test]
fn a_saved_page_brings_its_local_images_and_leaves_remote_and_outside_ones_out() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved");
    fs::create_dir_all(saved.join("rang_files")).unwrap();
    fs::write(saved.join("rang_files/活动 照片.png"), TINY_PNG).unwrap();
    fs::write(dir.path().join("secret.png"), TINY_PNG).unwrap();
    let page = news_page(&fs::read_to_string(seed("000")).unwrap()).replace(
        "<table>",
        r#"<p><img src="rang_files/%E6%B4%BB%E5%8A%A8%20%E7%85%A7%E7%89%87.png" alt="主题党日"></p><p><img src="../secret.png" alt="外面"></p><p><a href="rang_files/活动 照片.png"><img src="rang_files/活动 照片.png" alt="主题党日"></a></p><table>"#,
    );
    let path = saved.join("rang.html");
    fs::write(&path, page).unwrap();
    let (site, _, body, stderr) = import_one(&path);
    let folder = site.root().join("content/cases/zhuhai-caizheng-rang-wo-xian-lai");
    let names: Vec<String> =
        fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["huo-dong-zhao-pian.png", "index.md"], "{stderr}");
    assert_eq!(body.matches("![主题党日](huo-dong-zhao-pian.png)").count(), 2, "shown twice, copied once: {body}");
    assert!(!body.contains("rang_files"), "a linked image is the image alone: {body}");
    assert!(
        stderr.contains("https://img.example.cn/a.jpg")
            && body.contains("[图片：活动照片](https://img.example.cn/a.jpg)"),
        "{stderr}\n{body}"
    );
    assert!(stderr.lines().any(|l| l.contains("../secret.png") && l.contains("文件夹之外")), "{stderr}");
    assert!(!body.contains("secret") && !body.contains("外面"), "{body}");
    site.build_ok(&["--drafts"]);
    assert_eq!(public_files_named(&site, "huo-dong-zhao-pian.png").len(), 1);
}
