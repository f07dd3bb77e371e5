//! The compilation PDF (issue 18), read back with poppler's tools (pdftotext, pdffonts,
//! pdfinfo) from the real binary's output: page numbers of the 目录 and the indexes, fonts,
//! sameness of two builds, scripts, injection, the font-less machine, `pdf: false`, and the
//! GB/T 9704 page geometry.

mod common;

use common::{case, repo_root, xianfeng, TestSite};
use std::path::{Path, PathBuf};
use std::process::Command;

const DEMO_PDF: &str = "compilations/zhuhai-dianxing-anli/zhuhai-dianxing-anli.pdf";

/// Builds the demo site into a temp folder (no build cache in the repository).
fn build_demo() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let run = xianfeng().arg("build").arg(repo_root()).arg("-o").arg(&target).arg("--no-cache").output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out
}

fn demo_pdf(out: &tempfile::TempDir) -> PathBuf {
    out.path().join("public").join(DEMO_PDF)
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let run = Command::new(name).args(args).arg(pdf).arg("-").output();
    let run = run.unwrap_or_else(|e| panic!("{name} (apt-get install poppler-utils): {e}"));
    String::from_utf8_lossy(&run.stdout).into_owned()
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    tool("pdftotext", &["-f", &p, "-l", &p], pdf)
}

fn page_count(pdf: &Path) -> usize {
    let run = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&run.stdout).into_owned();
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    line.trim_start_matches("Pages:").trim().parse().unwrap()
}

/// The lines of `page` that end with a page number after leader dots: (text, number).
fn numbered_lines(pdf: &Path, page: usize) -> Vec<(String, usize)> {
    page_text(pdf, page)
        .lines()
        .filter_map(|l| {
            let (text, number) = l.trim().rsplit_once(". ")?;
            let number = number.trim_start_matches('.').trim().parse().ok()?;
            Some((text.trim_end_matches(['.', ' ']).to_string(), number))
        })
        .collect()
}

/// The page whose text begins the 目录.
fn toc_page(pdf: &Path) -> usize {
    (1..=page_count(pdf)).find(|&p| page_text(pdf, p).lines().any(|l| l.trim() == "目录")).expect("a 目录 page")
}

#[test]
fn every_toc_line_gives_the_page_where_that_case_title_is_printed() {
    let out = build_demo();
    let pdf = demo_pdf(&out);
    // Cover, 前言, 目录, three chapters of seven full cases and a 存目, the index: 21 pages.
    assert_eq!(page_count(&pdf), 21);
    let toc = toc_page(&pdf);
    let lines = numbered_lines(&pdf, toc);
    assert_eq!(lines.len(), 13, "前言, 3 chapters, 8 cases, 索引: {lines:?}");
    assert!(lines.iter().any(|(t, _)| t.contains("（存目）")), "{lines:?}");
    for (title, page) in &lines {
        let printed = page_text(&pdf, *page).replace('\n', "");
        // A case title as the 目录 prints it: its number, its title; the page shows both.
        let wanted = title.trim_end_matches("（存目）").replace(' ', "");
        assert!(printed.replace(' ', "").contains(&wanted), "{title} not on page {page}:\n{printed}");
        if title != "前言" {
            assert!(*page > toc, "{title} points at the front matter");
        }
    }
    let one = lines.iter().find(|(t, _)| t.starts_with("一、")).unwrap();
    assert!(!page_text(&pdf, one.1 - 1).contains("让我先来”党建工作法\n——"), "the title is on its own page");
}

#[test]
fn every_index_entry_gives_pages_holding_that_organisation_or_honour() {
    let out = build_demo();
    let pdf = demo_pdf(&out);
    let last = page_count(&pdf);
    let text = page_text(&pdf, last);
    assert!(text.contains("单位索引") && text.contains("荣誉索引"), "{text}");
    let entries = numbered_lines(&pdf, last);
    assert!(entries.len() >= 8, "{entries:?}");
    assert!(entries.iter().any(|(name, _)| name == "珠海市财政局"), "{entries:?}");
    for line in tool("pdftotext", &["-f", &last.to_string(), "-l", &last.to_string()], &pdf).lines() {
        let Some((name, pages)) = line.trim().split_once(". ") else { continue };
        let name = name.trim_end_matches(['.', ' ']);
        for page in pages.trim_start_matches(['.', ' ']).split('，') {
            let Ok(page) = page.trim().parse::<usize>() else { continue };
            let printed = page_text(&pdf, page).replace(['\n', ' '], "");
            assert!(printed.contains(&name.replace(' ', "")), "{name} not on page {page}");
        }
    }
}

#[test]
fn the_demo_pdf_embeds_chinese_fonts_and_carries_its_metadata() {
    let out = build_demo();
    let pdf = demo_pdf(&out);
    let fonts = String::from_utf8_lossy(&Command::new("pdffonts").arg(&pdf).output().unwrap().stdout).into_owned();
    let cjk: Vec<&str> =
        fonts.lines().filter(|l| l.contains("CJK") || l.contains("Sim") || l.contains("Kai")).collect();
    assert!(!cjk.is_empty(), "{fonts}");
    assert!(cjk.iter().all(|l| l.split_whitespace().rev().nth(4) == Some("yes")), "embedded: {fonts}");
    let info = String::from_utf8_lossy(&Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).into_owned();
    assert!(info.contains("Title:           珠海市直机关党建品牌典型案例汇编"), "{info}");
    assert!(info.contains("Author:          xianfeng 示例站点"), "{info}");
    assert!(info.contains("Jul  1 00:00:00 2024"), "the compilation's date: {info}");
    assert!(info.contains("A4"), "{info}");
}

#[test]
fn two_builds_give_byte_identical_pdfs() {
    let (a, b) = (build_demo(), build_demo());
    assert_eq!(std::fs::read(demo_pdf(&a)).unwrap(), std::fs::read(demo_pdf(&b)).unwrap());
}

fn compilation(slugs: &[&str]) -> String {
    let list: Vec<String> = slugs.iter().map(|s| format!("      - {s}\n")).collect();
    format!(
        "---\ntitle: 测试汇编\ndate: 2024-05-01\nchapters:\n  - title: 第一组\n    cases:\n{}---\n\n这是前言。\n",
        list.concat()
    )
}

fn pdf_site(cases: &[(&str, String)], yaml: &str) -> TestSite {
    let slugs: Vec<&str> = cases.iter().map(|(s, _)| *s).collect();
    let site = TestSite::new(&[("content/compilations/c.md", &compilation(&slugs))]);
    site.write("site.yaml", &format!("title: 测试站点\nbase_url: https://dj.example.cn\n{yaml}"));
    for (slug, text) in cases {
        site.write(&format!("content/cases/{slug}.md"), text);
    }
    site
}

fn all_text(pdf: &Path) -> String {
    tool("pdftotext", &[], pdf)
}

#[test]
fn a_traditional_case_keeps_its_script_in_the_pdf() {
    let hant = case(
        "臺灣黨建工作法",
        "黨建",
        "測試單位",
        "2024-01-02",
        "lang: zh-Hant\n",
        "## 背景\n\n這個單位的黨員們學習與實踐。",
    );
    let site = pdf_site(&[("a", hant)], "");
    site.build_ok(&["--no-cache"]);
    let text = all_text(&site.public().join("compilations/c/c.pdf"));
    assert!(text.contains("臺灣黨建工作法") && text.contains("這個單位的黨員們學習與實踐"), "{text}");
    assert!(!text.contains("这个单位"), "{text}");
}

#[test]
fn typst_markup_in_a_case_prints_literally() {
    let body = "#read(\"/etc/passwd\")\n\n#image(\"/etc/ssl/private/x.key\")\n\n#include \"/main.typ\"\n\n文字 ] 未闭合 ]] #set page(width: 1cm)";
    let evil = case("标题 ] #strong[粗]", "品牌", "单位", "2024-01-02", "", body);
    let site = pdf_site(&[("evil", evil)], "");
    site.build_ok(&["--no-cache"]);
    let pdf = site.public().join("compilations/c/c.pdf");
    let text = all_text(&pdf);
    for literal in [
        "#read(\"/etc/passwd\")",
        "#image(\"/etc/ssl/private/x.key\")",
        "#include \"/main.typ\"",
        "文字 ] 未闭合 ]] #set page(width: 1cm)",
        "标题 ] #strong[粗]",
    ] {
        assert!(text.contains(literal), "{literal} missing:\n{text}");
    }
    assert!(!text.contains("root:"), "the password file was read");
    let info = String::from_utf8_lossy(&Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).into_owned();
    assert!(info.contains("A4"), "the page size stays: {info}");
}

#[test]
fn without_chinese_fonts_the_build_warns_and_makes_no_pdf() {
    let site = pdf_site(&[("a", case("案例", "品牌", "单位", "2024-01-02", "", "正文。"))], "");
    let empty = tempfile::tempdir().unwrap();
    let run = xianfeng()
        .env("XIANFENG_PDF_FONT_DIR", empty.path())
        .arg("build")
        .arg(site.root())
        .arg("--no-cache")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("no Chinese font") && stderr.contains("fonts-noto-cjk"), "{stderr}");
    assert!(!site.exists("compilations/c/c.pdf"));
    assert!(site.exists("compilations/c/index.html"), "the HTML site is built");
    assert!(!site.read("compilations/c/index.html").contains("download-pdf"), "no button for a PDF not made");
    assert!(!site.read("cases/a/index.html").contains("download-pdf"));
}

/// The download links of a page: (href, the size it shows).
fn download_links(html: &str) -> Vec<(String, String)> {
    html.split("<a class=\"download-pdf\" href=\"")
        .skip(1)
        .map(|rest| {
            let href = rest.split('"').next().unwrap().to_string();
            let size = rest.split("<span class=\"file-size\">（").nth(1).unwrap().split('）').next().unwrap();
            (href, size.to_string())
        })
        .collect()
}

/// Whether `shown` (`422 KB`, `1.3 MB`) is the size of a file of `bytes` bytes, rounded up
/// to whole KB or to tenths of MB.
fn is_size_of(shown: &str, bytes: u64) -> bool {
    match shown.split_once(' ') {
        Some((n, "KB")) => n.parse::<u64>().is_ok_and(|kb| kb == bytes.div_ceil(1024)),
        Some((n, "MB")) => n.parse::<f64>().is_ok_and(|mb| (mb - bytes as f64 / 1048576.0).abs() <= 0.05),
        _ => false,
    }
}

#[test]
fn the_compilation_page_and_the_cases_it_prints_offer_its_pdf_with_the_real_size() {
    let out = build_demo();
    let public = out.path().join("public");
    let bytes = std::fs::metadata(demo_pdf(&out)).unwrap().len();
    let comp = std::fs::read_to_string(public.join("compilations/zhuhai-dianxing-anli/index.html")).unwrap();
    let links = download_links(&comp);
    assert_eq!(links.len(), 1, "one button on the compilation page");
    assert_eq!(links[0].0, format!("/{DEMO_PDF}"));
    assert!(is_size_of(&links[0].1, bytes), "{} shown for {bytes} bytes", links[0].1);
    // Every case the compilation prints links it from its 收录于 list; the others do not.
    let mut printed = 0;
    for entry in std::fs::read_dir(public.join("cases")).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        let Ok(html) = std::fs::read_to_string(&page) else { continue };
        let listed = html.contains("<li><a href=\"/compilations/zhuhai-dianxing-anli/\">");
        let links = download_links(&html);
        if listed {
            printed += 1;
            assert_eq!(links, vec![(format!("/{DEMO_PDF}"), links[0].1.clone())], "{}", page.display());
            assert!(is_size_of(&links[0].1, bytes), "{}", page.display());
        } else {
            assert!(links.is_empty(), "{} is in no compilation", page.display());
        }
    }
    assert!(printed >= 5, "the demo compilation prints {printed} cases");
}

#[test]
fn an_image_typst_cannot_decode_is_named_with_its_case_and_the_pdf_is_still_made() {
    // The image pipeline copies SVG files as they are; typst cannot read this one.
    let body = "## 背景\n\n正文一段。\n\n![支部活动示意图](broken.svg)\n";
    let text = case("坏图片案例", "品牌", "单位", "2024-01-02", "", body);
    let site = pdf_site(&[], "");
    site.write("content/compilations/c.md", &compilation(&["a"]));
    site.write("content/cases/a/index.md", &text);
    site.write("content/cases/a/broken.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"><rect></svg>");
    let run = xianfeng().arg("build").arg(site.root()).arg("--no-cache").env("XIANFENG_LANG", "zh").output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let warning = stderr.split("\n\n").find(|b| b.contains("无法嵌入")).unwrap_or_else(|| panic!("{stderr}"));
    for named in ["content/cases/a/index.md", "测试汇编", "坏图片案例", "broken.svg", "提示"] {
        assert!(warning.contains(named), "{named} not in:\n{warning}");
    }
    let pdf_text = all_text(&site.public().join("compilations/c/c.pdf"));
    assert!(pdf_text.contains("正文一段") && pdf_text.contains("支部活动示意图"), "{pdf_text}");
}

#[test]
fn pdf_false_makes_no_pdf() {
    let site = pdf_site(&[("a", case("案例", "品牌", "单位", "2024-01-02", "", "正文。"))], "pdf: false\n");
    site.build_ok(&["--no-cache"]);
    assert!(!site.exists("compilations/c/c.pdf"));
    assert!(site.exists("compilations/c/index.html"));
    assert!(!site.read("compilations/c/index.html").contains("download-pdf"));
    assert!(!site.read("cases/a/index.html").contains("download-pdf"));
}

#[test]
fn an_unknown_pdf_style_is_a_config_error_at_its_line() {
    let site = pdf_site(&[("a", case("案例", "品牌", "单位", "2024-01-02", "", "正文。"))], "pdf_style: fancy\n");
    let (ok, stderr) = site.build(&["--no-cache"]);
    assert!(!ok);
    assert!(stderr.contains("site.yaml:3") && stderr.contains("gbt9704"), "{stderr}");
}

#[test]
fn the_gbt9704_style_sets_the_text_block_37_mm_down_and_28_mm_in_on_a4() {
    let long = "机关党建工作要围绕中心、建设队伍、服务群众，推动党建和业务深度融合。".repeat(12);
    let text = case("公文样式案例", "品牌", "单位", "2024-01-02", "", &format!("{long}\n\n{long}"));
    let site = pdf_site(&[("a", text)], "pdf_style: gbt9704\n");
    site.build_ok(&["--no-cache"]);
    let pdf = site.public().join("compilations/c/c.pdf");
    let info = String::from_utf8_lossy(&Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).into_owned();
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    // The case's first page: its words, in points from the top left corner.
    let page = (1..=page_count(&pdf)).find(|&p| page_text(&pdf, p).contains("机关党建工作要围绕")).unwrap();
    let p = page.to_string();
    let bbox = tool("pdftotext", &["-bbox", "-f", &p, "-l", &p], &pdf);
    let words: Vec<(f64, f64)> = bbox
        .lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let attr = |name: &str| -> f64 {
                let at = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                l[at..].split('"').next().unwrap().parse().unwrap()
            };
            (attr("xMin"), attr("yMin"))
        })
        .collect();
    let mm = 72.0 / 25.4;
    // Below the running header (in the top margin) and above the page number.
    let block: Vec<&(f64, f64)> = words.iter().filter(|(_, y)| *y > 30.0 * mm && *y < 262.0 * mm).collect();
    assert!(!block.is_empty(), "{bbox}");
    let left = block.iter().map(|(x, _)| *x).fold(f64::MAX, f64::min);
    let top = block.iter().map(|(_, y)| *y).fold(f64::MAX, f64::min);
    assert!((left - 28.0 * mm).abs() < 2.0 * mm, "left edge at {:.1} mm", left / mm);
    assert!((top - 37.0 * mm).abs() < 3.0 * mm, "top edge at {:.1} mm", top / mm);
}

#[test]
fn a_pdf_whose_inputs_did_not_change_is_taken_from_the_build_cache() {
    let site = pdf_site(&[("a", case("案例", "品牌", "单位", "2024-01-02", "", "正文。"))], "");
    site.build_ok(&[]);
    let cached: Vec<PathBuf> = std::fs::read_dir(site.root().join(".xianfeng/pdf"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert_eq!(std::fs::read(&cached[0]).unwrap(), std::fs::read(site.public().join("compilations/c/c.pdf")).unwrap());
    // Marked, so the next build shows where its PDF came from; a page the PDF does not show changes.
    std::fs::write(&cached[0], b"%PDF-cached").unwrap();
    site.write("content/about.md", "---\ntitle: 关于\n---\n\n关于本站。\n");
    site.build_ok(&[]);
    assert_eq!(std::fs::read(site.public().join("compilations/c/c.pdf")).unwrap(), b"%PDF-cached");
    // A change the PDF shows typesets it again.
    site.write("content/cases/a.md", &case("案例改了", "品牌", "单位", "2024-01-02", "", "正文。"));
    site.build_ok(&[]);
    let pdf = site.public().join("compilations/c/c.pdf");
    assert!(all_text(&pdf).contains("案例改了"));
}
