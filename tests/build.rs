//! The real binary on real sites: the demo, and small fixture sites for each behaviour.

mod common;
use common::*;
use std::fs;

#[test]
fn demo_site_builds_every_page_of_the_design() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    // --no-cache: a test leaves no cache in the repository's own sites.
    let result = xianfeng().arg("build").arg(repo_root()).arg("--no-cache").arg("-o").arg(&public).output().unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    for page in [
        "index.html",
        "brands/index.html",
        "brands/brands.json",
        "cases/index.html",
        "compilations/index.html",
        "compilations/zhuhai-dianxing-anli/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "about/index.html",
    ] {
        assert!(public.join(page).is_file(), "missing {page}");
    }
    for taxonomy in ["org", "region", "type", "sector", "level", "year", "tags", "honours"] {
        let list = public.join(taxonomy).join("index.html");
        assert!(list.is_file(), "missing /{taxonomy}/");
        let terms =
            fs::read_dir(public.join(taxonomy)).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count();
        assert!(terms > 0, "/{taxonomy}/ has no term pages");
    }
    for entry in fs::read_dir(repo_root().join("content/cases")).unwrap() {
        let path = entry.unwrap().path();
        let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
        let page = public.join("cases").join(&slug).join("index.html");
        assert!(page.is_file(), "case {slug} has no page");
    }
    let traditional = fs::read_to_string(public.join("cases/tianjin-shiji-jiguan-shuang-shifan/index.html")).unwrap();
    assert!(traditional.contains("lang=\"zh-Hant\""), "Traditional case is marked zh-Hant");
}

#[test]
fn chinese_bold_lead_sentences_render_as_strong() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        &case(
            "甲",
            "甲",
            "某局",
            "2021-05-01",
            "",
            "**一是明确一个理念。**机关党建的主体是全体党员。\n\n这是**“让我先来”**工作法。",
        ),
    )]);
    site.build_ok(&[]);
    let html = site.read("cases/a/index.html");
    assert!(html.contains("<strong>一是明确一个理念。</strong>机关党建"), "{html}");
    assert!(html.contains("<strong>“让我先来”</strong>工作法"), "{html}");
    assert!(!html.contains("**"), "no asterisks left");
}

#[test]
fn three_broken_files_are_reported_together_and_previous_output_is_kept() {
    let site = TestSite::new(&[("content/cases/good.md", &case("好", "好", "某局", "2021-05-01", "", "正文"))]);
    site.build_ok(&[]);
    let before = tree(&site.public());
    site.write(
        "content/cases/colon.md",
        "---\ntitle: 珠海市财政局: 让我先来\nbrand: 让我先来\norg: 某局\ndate: 2021-05-01\n---\n正文\n",
    );
    site.write("content/cases/no-org.md", "---\ntitle: 甲\nbrand: 甲\ndate: 2021-05-01\n---\n正文\n");
    site.write("content/cases/bad-date.md", "---\ntitle: 乙\nbrand: 乙\norg: 某局\ndate: 2021年第5期\n---\n正文\n");
    let (ok, stderr) = site.build(&[]);
    assert!(!ok, "build must fail");
    assert!(stderr.contains("content/cases/colon.md:2"), "colon error names file and line:\n{stderr}");
    assert!(stderr.contains("content/cases/no-org.md"), "{stderr}");
    assert!(stderr.contains("field: org"), "{stderr}");
    assert!(stderr.contains("content/cases/bad-date.md:5"), "date error names its line:\n{stderr}");
    assert!(stderr.contains("field: date"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    assert_eq!(tree(&site.public()), before, "previous output byte for byte");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::new(&[
        (
            "content/cases/a.md",
            &case("甲", "甲", "某局", "2021-05-01", "tags: [作风建设, 理论学习]\n", "## 背景\n\n正文"),
        ),
        ("content/cases/b.md", &case("乙", "乙", "某局", "2022-05-01", "tags: [作风建设]\n", "正文")),
    ]);
    site.build_ok(&[]);
    let first = tree(&site.public());
    site.build_ok(&["--no-cache"]);
    assert_eq!(tree(&site.public()), first);
}

fn inodes(dir: &std::path::Path) -> std::collections::BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), e.metadata().unwrap().ino()))
        .collect()
}

fn cached_site() -> TestSite {
    TestSite::new(&[
        ("content/cases/a.md", &case("甲", "甲品牌", "某局", "2021-05-01", "tags: [作风建设]\n", "## 背景\n\n正文甲")),
        ("content/cases/b.md", &case("乙", "乙品牌", "另一局", "2022-05-01", "tags: [理论学习]\n", "正文乙")),
    ])
}

#[test]
fn an_unchanged_site_is_not_built_again_and_its_output_stays() {
    let site = cached_site();
    site.build_ok(&["--no-cache"]);
    assert!(!site.root().join(".xianfeng").exists(), "--no-cache writes no cache");
    assert!(site.build_ok(&[]).contains("built "));
    let first = tree(&site.public());
    let first_inodes = inodes(&site.public());
    let stderr = site.build_ok(&[]);
    assert!(stderr.contains("nothing changed"), "{stderr}");
    assert_eq!(tree(&site.public()), first);
    assert_eq!(inodes(&site.public()), first_inodes, "no file rewritten");

    // A file removed from the output: the build runs again and restores it.
    fs::remove_file(site.public().join("cases/a/index.html")).unwrap();
    assert!(site.build_ok(&[]).contains("built "));
    assert_eq!(tree(&site.public()), first);

    // The cache is safe to delete.
    fs::remove_dir_all(site.root().join(".xianfeng")).unwrap();
    assert!(site.build_ok(&[]).contains("built "));
    assert_eq!(tree(&site.public()), first);
}

#[test]
fn after_an_edit_only_changed_files_are_rewritten_and_output_equals_a_clean_build() {
    let site = cached_site();
    site.build_ok(&[]);
    let before = inodes(&site.public());
    site.write(
        "content/cases/b.md",
        &case("乙", "乙品牌", "另一局", "2022-05-01", "tags: [理论学习]\n", "正文乙，改过"),
    );
    assert!(site.build_ok(&[]).contains("built "));
    let after = inodes(&site.public());
    let rewritten: Vec<&String> = after.keys().filter(|p| before.get(*p) != after.get(*p)).collect();
    assert!(rewritten.iter().any(|p| p.as_str() == "cases/b/index.html"), "the edited case is written: {rewritten:?}");
    assert_eq!(
        before.get("cases/a/index.html"),
        after.get("cases/a/index.html"),
        "the other case is kept: {rewritten:?}"
    );
    assert!(!rewritten.iter().any(|p| p.ends_with(".css")), "static files are kept: {rewritten:?}");

    let clean = tempfile::tempdir().unwrap();
    let out = xianfeng()
        .arg("build")
        .arg(site.root())
        .arg("--no-cache")
        .arg("-o")
        .arg(clean.path().join("p"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(tree(&site.public()), tree(&clean.path().join("p")), "same as a clean build");
}

/// The names in `dir`, sorted (none if it does not exist).
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn the_replaced_output_waits_in_the_cache_and_the_next_build_removes_it() {
    let site = cached_site();
    let replaced = site.root().join(".xianfeng/replaced");
    let edit = |text: &str| {
        site.write("content/cases/b.md", &case("乙", "乙品牌", "另一局", "2022-05-01", "tags: [理论学习]\n", text));
    };
    site.build_ok(&[]);
    assert!(names_in(&replaced).is_empty(), "the first build replaced nothing");

    edit("正文乙，第一次修改");
    site.build_ok(&[]);
    let set_aside = names_in(&replaced);
    assert_eq!(set_aside.len(), 1, "the output the build replaced: {set_aside:?}");
    let old_page = fs::read_to_string(replaced.join(&set_aside[0]).join("cases/b/index.html")).unwrap();
    assert!(old_page.contains("正文乙") && !old_page.contains("第一次修改"), "it is the previous output");
    assert!(site.read("cases/b/index.html").contains("第一次修改"));

    // The next build removes it and sets aside the one it replaces.
    edit("正文乙，第二次修改");
    site.build_ok(&[]);
    let now = names_in(&replaced);
    assert_eq!(now.len(), 1, "{now:?}");
    assert_ne!(now, set_aside, "the older one is gone");
    assert!(site.read("cases/b/index.html").contains("第二次修改"));

    // Nothing but the output and the cache next to the sources.
    let beside: Vec<String> = names_in(site.root()).into_iter().filter(|n| n.contains("xianfeng-")).collect();
    assert!(beside.is_empty(), "no staging or old folder left beside the output: {beside:?}");

    // Without the cache, the replaced output is removed at once and the cache is not touched.
    edit("正文乙，第三次修改");
    site.build_ok(&["--no-cache"]);
    assert_eq!(names_in(&replaced), now, "--no-cache leaves the cache folder as it was");
    assert!(names_in(site.root()).iter().all(|n| !n.contains("xianfeng-")));
}

#[test]
fn two_pages_with_one_output_path_are_an_error() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "aliases: [/cases/b/]\n", "正文")),
        ("content/cases/b.md", &case("乙", "乙", "某局", "2022-05-01", "", "正文")),
    ]);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("error[output-collision]") && stderr.contains("cases/b/index.html"), "{stderr}");
    assert!(stderr.contains("content/cases/a.md"), "names the file with the alias: {stderr}");
}

#[test]
fn traditional_and_simplified_terms_meet_and_urls_keep_chinese() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "tags: [黨建+業務融合]\n", "正文")),
        ("content/cases/b.md", &case("乙", "乙", "某局", "2022-05-01", "tags: [党建+业务融合]\n", "正文")),
    ]);
    site.build_ok(&[]);
    let term = site.read("tags/党建+业务融合/index.html");
    assert!(term.contains("/cases/a/") && term.contains("/cases/b/"), "one term page holds both cases");
    let case_a = site.read("cases/a/index.html");
    assert!(
        case_a.contains("/tags/%E5%85%9A%E5%BB%BA%2B%E4%B8%9A%E5%8A%A1%E8%9E%8D%E5%90%88/"),
        "term link is percent-encoded Chinese"
    );
}

#[test]
fn drafts_and_future_cases_are_left_out_unless_asked() {
    let site = TestSite::new(&[
        ("content/cases/published.md", &case("甲", "甲", "某局", "2021-05-01", "", "正文")),
        ("content/cases/draft.md", &case("草稿", "草稿", "某局", "2021-05-01", "draft: true\n", "正文")),
        ("content/cases/future.md", &case("未来", "未来", "某局", "2999-01-01", "", "正文")),
    ]);
    site.build_ok(&[]);
    assert!(site.exists("cases/published/index.html"));
    assert!(!site.exists("cases/draft/index.html"));
    assert!(!site.exists("cases/future/index.html"));
    for file in ["sitemap.xml", "atom.xml", "cases/index.html", "brands/brands.json"] {
        let text = site.read(file);
        assert!(!text.contains("/cases/draft/") && !text.contains("/cases/future/"), "{file} leaks a draft");
    }
    assert!(!site.read("cases/published/index.html").contains("draft-banner"));
    site.build_ok(&["--drafts"]);
    assert!(site.exists("cases/draft/index.html") && site.exists("cases/future/index.html"));
    let draft = site.read("cases/draft/index.html");
    assert!(draft.contains(r#"class="draft-banner""#) && draft.contains("<strong>草稿</strong>"), "{draft}");
    let future = site.read("cases/future/index.html");
    assert!(future.contains("<strong>待发布</strong>") && future.contains("2999年1月1日"), "{future}");
    assert!(!site.read("cases/published/index.html").contains("draft-banner"), "no banner on published cases");
}

#[test]
fn aliases_write_redirect_pages() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        &case("甲", "甲", "某局", "2021-05-01", "aliases: [/old/a/]\n", "正文"),
    )]);
    site.build_ok(&[]);
    let redirect = site.read("old/a/index.html");
    assert!(redirect.contains("/cases/a/"), "{redirect}");
}

#[test]
fn site_errors_name_the_field_duplicate_slug_missing_case_and_related() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "related: [nope]\n", "正文")),
        ("content/cases/b.md", &case("乙", "乙", "某局", "2021-05-01", "slug: a\n", "正文")),
        (
            "content/compilations/c.md",
            "---\ntitle: 汇编\ndate: 2021-06-01\ndescription: x\nchapters:\n  - title: 一\n    cases: [a, missing-case]\n---\n前言\n",
        ),
    ]);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok);
    assert!(stderr.contains("duplicate-slug"), "{stderr}");
    assert!(stderr.contains("`nope`") && stderr.contains("related[0]"), "{stderr}");
    assert!(stderr.contains("missing-case") && stderr.contains("content/compilations/c.md:7"), "{stderr}");
}

#[test]
fn a_slug_that_leaves_the_output_folder_is_an_error() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        &case("甲", "甲", "某局", "2021-05-01", "slug: ../../escape\n", "正文"),
    )]);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("slug"), "{stderr}");
    assert!(!site.root().join("escape").exists() && !site.root().parent().unwrap().join("escape").exists());
}

#[test]
fn gbk_file_is_an_error_that_says_how_to_convert() {
    let site = TestSite::new(&[]);
    let (gbk, _, _) =
        encoding_rs::GBK.encode("---\ntitle: 让我先来\nbrand: 让我先来\norg: 财政局\ndate: 2021-05-01\n---\n正文\n");
    site.write_bytes("content/cases/gbk.md", &gbk);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok);
    assert!(stderr.contains("content/cases/gbk.md"), "{stderr}");
    assert!(stderr.contains("UTF-8") && stderr.contains("GB18030"), "{stderr}");
}

#[test]
fn subpath_base_url_prefixes_every_link() {
    let site =
        TestSite::new(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "tags: [作风建设]\n", "正文"))]);
    site.build_ok(&["--base-url", "https://host/jgdj/showcase/"]);
    let home = site.read("index.html");
    assert!(home.contains("href=\"/jgdj/showcase/cases/a/\""), "{home}");
    assert!(!home.contains("href=\"/cases/"), "no link escapes the subpath");
    assert!(site.read("sitemap.xml").contains("<loc>https://host/jgdj/showcase/cases/a/</loc>"));
}

#[test]
fn the_navigation_follows_the_taxonomies_the_site_has() {
    let site =
        TestSite::new(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "tags: [作风建设]\n", "正文"))]);
    site.write(
        "site.yaml",
        "title: 测试站点\nbase_url: https://dj.example.cn\ntaxonomies:\n  - {key: org, name: 单位}\n  - {key: tags, name: 专题}\n",
    );
    let stderr = site.build_ok(&[]);
    assert!(!stderr.contains("year/"), "no warning about a link to a missing year list: {stderr}");
    let page = site.read("cases/a/index.html");
    let nav = &page[page.find("class=\"site-nav\"").unwrap()..page.find("</nav>").unwrap()];
    let links: Vec<&str> = nav.split("<a href=\"").skip(1).map(|l| &l[..l.find('<').unwrap()]).collect();
    assert_eq!(
        links,
        [
            "/\">首页",
            "/brands/\">品牌",
            "/cases/\" aria-current=\"true\">案例",
            "/org/\">单位",
            "/tags/\">专题",
            "/compilations/\">案例汇编",
        ]
    );
}

#[test]
fn template_errors_name_template_line_and_variable() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", "正文")),
        (
            "templates/case.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ case.nonexistent.field }}</p>\n{% endblock %}\n",
        ),
    ]);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok);
    assert!(stderr.contains("case.html"), "{stderr}");
    // The first name that is missing, as written: `case.nonexistent` of `case.nonexistent.field`.
    assert!(stderr.contains("`case.nonexistent` is not set"), "{stderr}");
    assert!(stderr.contains(":3:"), "line of the variable:\n{stderr}");
}

#[test]
fn garbage_input_never_panics() {
    let site = TestSite::new(&[]);
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    site.write_bytes("content/cases/garbage.md", &garbage);
    site.write("content/cases/fence.md", "---\n---\n");
    site.write("content/cases/empty.md", "");
    site.write("content/cases/nested.md", &format!("---\ntitle: {}\n---\n", "[".repeat(5000)));
    site.write("content/cases/stars.md", &case("星", "星", "某局", "2021-05-01", "", &"**".repeat(5000)));
    site.write("site.yaml", "title: [unclosed\n");
    let (ok, stderr) = site.build(&[]);
    assert!(!ok);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn init_makes_a_site_that_builds_and_refuses_a_non_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    xianfeng().arg("init").arg(&site).assert().success();
    xianfeng().arg("build").arg(&site).assert().success();
    assert!(site.join("public/compilations/shili-huibian/index.html").is_file());
    let listing_before = tree(&site);
    xianfeng().arg("init").arg(&site).assert().code(1);
    assert_eq!(tree(&site), listing_before, "init wrote nothing into a non-empty folder");
}

#[test]
fn new_writes_a_case_that_builds_and_never_overwrites() {
    let site = TestSite::new(&[]);
    xianfeng().args(["new", "rang-wo-xian-lai", "--site"]).arg(site.root()).assert().success();
    let path = site.root().join("content/cases/rang-wo-xian-lai.md");
    let first = fs::read(&path).unwrap();
    site.build_ok(&[]);
    xianfeng().args(["new", "rang-wo-xian-lai", "--site"]).arg(site.root()).assert().code(1);
    assert_eq!(fs::read(&path).unwrap(), first);
    xianfeng().args(["new", "../evil", "--site"]).arg(site.root()).assert().code(1);
}

#[test]
fn check_writes_nothing_and_prints_json_diagnostics() {
    let site = TestSite::new(&[("content/cases/a.md", "---\ntitle: 甲\nbrand: 甲\ndate: 2021-05-01\n---\n")]);
    let out = xianfeng().args(["check", "--format", "json"]).arg(site.root()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!site.public().exists());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["file"], "content/cases/a.md");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["field"], "org");
}

#[test]
fn usage_errors_exit_2() {
    xianfeng().arg("frobnicate").assert().code(2);
}

#[test]
fn real_cases_copied_into_an_init_site_build_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    xianfeng().arg("init").arg(&site).assert().success();
    let cases = [
        (
            "fa-xianfeng.md",
            "---\ntitle: 珠海市司法局“法先锋”党建品牌\nbrand: 法先锋\norg: 珠海市司法局\ndate: 2024-06-01\n\
             type: [党建品牌, 工作法]\nregion: [广东省, 珠海市, 香洲区]\n\
             honours:\n  - {name: 全国司法行政先进集体, year: 2022, level: 国家级, recipient: 市司法局}\n  - 市直机关优秀党建品牌\n\
             contact: 张三\nbranch_count: 12\nextra: {slogan: 法治先锋}\n---\n\n## 背景\n\n**一是建强堡垒。**法先锋品牌的正文。\n",
        ),
        (
            "shuang-shifan.md",
            "---\ntitle: 天津市級機關“雙示範”創建\nbrand: 雙示範\norg: 天津市級機關工委\ndate: 2021-05-20\n\
             tags: [黨建+業務融合, 示範創建]\n---\n\n## 主要做法\n\n明確創建標準，立起堅強戰鬥堡壘。\n",
        ),
    ];
    for (name, text) in cases {
        fs::write(site.join("content/cases").join(name), text).unwrap();
    }
    let out = xianfeng().arg("build").arg(&site).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("contact"), "unknown keys are reported as warnings:\n{stderr}");
    let public = site.join("public");
    let fa = fs::read_to_string(public.join("cases/fa-xianfeng/index.html")).unwrap();
    for text in [
        "法先锋",
        "珠海市司法局",
        "全国司法行政先进集体",
        "市直机关优秀党建品牌",
        "香洲区",
        "工作法",
        "<strong>一是建强堡垒。</strong>",
    ] {
        assert!(fa.contains(text), "case page lost `{text}`");
    }
    let tianjin = fs::read_to_string(public.join("cases/shuang-shifan/index.html")).unwrap();
    assert!(tianjin.contains("明確創建標準") && tianjin.contains("lang=\"zh-Hant\""));
    assert!(public.join("tags/党建+业务融合/index.html").is_file(), "Traditional tag folds to a Simplified term");
    assert!(public.join("region/香洲区/index.html").is_file());
    let region_list = fs::read_to_string(public.join("region/index.html")).unwrap();
    assert!(region_list.contains("广东省") && region_list.contains("香洲区"));
    assert!(public.join("compilations/shili-huibian/index.html").is_file());
}
