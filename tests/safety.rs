//! What xianfeng promises a publicity office, each reproduced as a clumsy or hostile user
//! would try it: no input writes through the live site, deletes a file xianfeng did not
//! write, publishes a file from outside the site, puts a script URL into a page, or leaves
//! `check` and `build` disagreeing. One test per defect of the wave-2 safety probe.

mod common;
use common::*;
use std::fs;
use std::path::Path;
use std::process::Output;

/// Runs `xianfeng ARGS`; returns (exit code, stderr).
fn run(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out: Output = xianfeng().args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn build(site: &TestSite, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["build".as_ref(), site.root().as_os_str()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    run(&args)
}

fn check_json(site: &TestSite) -> (i32, Vec<serde_json::Value>) {
    let out = xianfeng().arg("check").arg(site.root()).args(["--format", "json"]).output().unwrap();
    let objects = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    (out.status.code().unwrap_or(-1), objects)
}

fn errors_of(objects: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    objects.iter().filter(|o| o["severity"] == "error").collect()
}

fn two_cases() -> TestSite {
    TestSite::new(&[
        ("content/cases/xianfeng-shili.md", &case("先锋示例", "先锋", "珠海市财政局", "2021-05-01", "", "示例正文")),
        ("content/cases/other.md", &case("另一案例", "红帆", "珠海市税务局", "2022-03-01", "", "另一正文")),
        ("content/about.md", "---\ntitle: 关于\n---\n关于本站。\n"),
    ])
}

#[test]
fn a_failed_build_leaves_the_live_output_byte_for_byte_however_often_it_runs() {
    let site = two_cases();
    site.build_ok(&[]);
    site.build_ok(&[]);
    // Cached builds link unchanged files from the live output: a later write must not go
    // through those links.
    site.write("content/cases/other.md", &case("另一案例", "红帆", "珠海市税务局", "2022-03-01", "", "改过的正文"));
    site.build_ok(&[]);
    let before = tree(&site.public());
    let alias = "aliases: [\"/cases//xianfeng-shili/\"]\n";
    // A link error is found after the pages are written into the staging folder; the alias
    // collision before anything is written.
    for (aliases, link) in [("", "@/cases/missing.md"), (alias, "@/cases/other.md"), (alias, "@/cases/missing.md")] {
        site.write("content/cases/other.md", &case("另一案例", "红帆", "珠海市税务局", "2022-03-01", aliases, "正文"));
        site.write("content/about.md", &format!("---\ntitle: 关于\n---\n见[页面]({link})。\n"));
        let (code, stderr) = build(&site, &[]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("the previous output was left unchanged"), "{stderr}");
        assert_eq!(tree(&site.public()), before, "the live output, byte for byte");
    }
}

#[test]
fn an_alias_spelled_like_another_page_is_an_error_naming_both_files() {
    let site = two_cases();
    for alias in ["/cases//xianfeng-shili/", "/cases/./xianfeng-shili/index.html", "/cases/%78ianfeng-shili"] {
        site.write(
            "content/cases/other.md",
            &case("另一案例", "红帆", "珠海市税务局", "2022-03-01", &format!("aliases: [\"{alias}\"]\n"), "正文"),
        );
        let (code, objects) = check_json(&site);
        assert_eq!(code, 1, "{alias}");
        let errors = errors_of(&objects);
        assert_eq!(errors.len(), 1, "{alias}: {errors:#?}");
        let e = errors[0];
        assert_eq!(e["code"], "output-collision");
        assert_eq!(e["file"], "content/cases/other.md");
        assert_eq!((e["field"].as_str(), e["line"].as_u64()), (Some("aliases[0]"), Some(6)), "{e}");
        assert!(e["message"].as_str().unwrap().contains("content/cases/xianfeng-shili.md"), "{e}");
        let (code, stderr) = build(&site, &[]);
        assert_eq!(code, 1, "build agrees with check: {stderr}");
    }
}

#[test]
fn an_output_folder_holding_the_sources_or_a_users_files_is_refused_and_nothing_is_lost() {
    let site = two_cases();
    let sources = tree(&site.root().join("content"));
    for target in ["content", "content/cases/public", ".", "templates", "static/out", ".xianfeng/out"] {
        let out = site.root().join(target);
        let (code, stderr) = build(&site, &["-o", out.to_str().unwrap()]);
        assert_eq!(code, 2, "-o {target}: {stderr}");
        assert_eq!(stderr.matches("error[output-dir]").count(), 1, "{stderr}");
        assert_eq!(tree(&site.root().join("content")), sources, "-o {target} changed the sources");
    }
    assert!(!site.root().join(".xianfeng/replaced").exists());

    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("somefolder");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("thesis.docx"), "four years of work").unwrap();
    let (code, stderr) = build(&site, &["-o", folder.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not written by xianfeng"), "{stderr}");
    assert!(!stderr.contains("previous output"), "there was no previous output: {stderr}");
    assert_eq!(fs::read_to_string(folder.join("thesis.docx")).unwrap(), "four years of work");
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 1, "nothing was added to the folder");

    // A file dropped into xianfeng's own output: the next build refuses rather than delete it.
    site.build_ok(&[]);
    fs::write(site.public().join("thesis.docx"), "four years of work").unwrap();
    let (code, stderr) = build(&site, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("thesis.docx"), "{stderr}");
    assert_eq!(fs::read_to_string(site.public().join("thesis.docx")).unwrap(), "four years of work");
    fs::remove_file(site.public().join("thesis.docx")).unwrap();
    site.build_ok(&[]);
}

/// Every `href`/`src` value of every HTML file under `dir`.
fn urls_in(dir: &Path) -> Vec<(String, String)> {
    let mut urls = Vec::new();
    for (path, bytes) in tree(dir).into_iter().filter(|(p, _)| p.ends_with(".html")) {
        let scan = xianfeng::linkcheck::scan(&bytes);
        urls.extend(scan.refs.into_iter().map(|r| (path.clone(), r.url)));
    }
    urls
}

#[test]
fn script_urls_in_front_matter_and_markdown_never_reach_a_page() {
    let body = "[点我](javascript:alert(1))，<javascript:alert(2)>，[引用][r]，[x](JaVaScRiPt:alert(4))，\
                [空格]( javascript:alert(5))，[实体](&#106;avascript:alert(6))，![图](data:image/svg+xml,<svg/onload=alert(7)>)\n\n\
                [r]: javascript:alert(3)\n";
    let site = TestSite::new(&[
        (
            "content/cases/a.md",
            &case(
                "甲",
                "甲品牌",
                "某局",
                "2021-05-01",
                "sources: [{title: t, url: \"javascript:alert(9)\"}, {title: u, url: \"https://www.zhuhai.gov.cn/\"}]\ncover: {src: \"vbscript:msgbox(1)\"}\n",
                body,
            ),
        ),
        (
            "content/compilations/c.md",
            "---\ntitle: 汇编\ndate: 2021-06-01\nchapters:\n  - title: 一\n    cases: [a]\n---\n前言\n",
        ),
    ]);
    let stderr = site.build_ok(&[]);
    for url in urls_in(&site.public()) {
        assert!(xianfeng::urls::is_safe_url(&url.1), "{url:?} is in the output");
    }
    let page = site.read("cases/a/index.html");
    assert!(page.contains("https://www.zhuhai.gov.cn/"), "the safe source stays");
    assert!(page.contains("点我") && page.contains("引用"), "the links' text stays");
    assert_eq!(stderr.matches("warning[unsafe-url]").count(), 9, "one warning per refused URL:\n{stderr}");
    assert!(stderr.contains("content/cases/a.md:6:27"), "the source URL's line:\n{stderr}");
    assert!(stderr.contains("field: sources[0].url") && stderr.contains("field: cover.src"), "{stderr}");
    assert!(stderr.contains("content/cases/a.md:10:6"), "a Markdown link's line:\n{stderr}");
}

#[test]
fn a_theme_printing_an_unsafe_url_fails_the_build_and_safe_url_filters_it() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        &case("甲", "甲品牌", "某局", "2021-05-01", "extra: {link: \"javascript:alert(1)\"}\n", "正文"),
    )]);
    site.write("templates/case.html", "<html><body><a href=\"{{ case.extra.link }}\">x</a></body></html>\n");
    let (code, stderr) = build(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[unsafe-url]") && stderr.contains("safe_url"), "{stderr}");
    site.write("templates/case.html", "<html><body><a href=\"{{ case.extra.link | safe_url }}\">x</a></body></html>\n");
    site.build_ok(&[]);
    assert!(site.read("cases/a/index.html").contains("<a href=\"\">x</a>"));
}

#[cfg(unix)]
#[test]
fn files_linked_from_outside_the_site_are_never_published() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("passwd"), "root:x:0:0:SECRET-PASSWD").unwrap();
    fs::create_dir(outside.path().join("ssl")).unwrap();
    fs::write(outside.path().join("ssl/private.key"), "SECRET-KEY").unwrap();
    let site = two_cases();
    site.write("shared/logo.png", "not really a png");
    symlink(outside.path().join("passwd"), site.root().join("content/leak.md")).unwrap();
    symlink(outside.path().join("ssl"), site.root().join("content/etcssl")).unwrap();
    fs::create_dir_all(site.root().join("static")).unwrap();
    symlink(outside.path().join("ssl"), site.root().join("static/keys")).unwrap();
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    let mut refused: Vec<(String, String)> = errors_of(&objects)
        .iter()
        .map(|e| (e["code"].as_str().unwrap().to_string(), e["file"].as_str().unwrap().to_string()))
        .collect();
    refused.sort();
    let expected =
        [("content/etcssl"), ("content/leak.md"), ("static/keys")].map(|f| ("outside-site".to_string(), f.to_string()));
    assert_eq!(refused, expected);
    let (code, _) = build(&site, &[]);
    assert_eq!(code, 1);
    assert!(!site.public().exists(), "nothing is written");

    // Links inside the site are followed.
    for link in ["content/leak.md", "content/etcssl", "static/keys"] {
        fs::remove_file(site.root().join(link)).unwrap();
    }
    symlink(site.root().join("shared"), site.root().join("static/shared")).unwrap();
    site.build_ok(&[]);
    assert!(site.exists("shared/logo.png"));
    let published: String =
        tree(&site.public()).into_iter().map(|(_, b)| String::from_utf8_lossy(&b).into_owned()).collect();
    assert!(!published.contains("SECRET"));
}

#[test]
fn check_and_build_refuse_the_same_paths_naming_file_line_and_field() {
    let long_tag = "党建品牌".repeat(25);
    let cases: Vec<(&str, String, &str)> = vec![
        ("long-slug.md", format!("slug: {}\n", "a".repeat(300)), "slug"),
        ("long-tag.md", format!("tags: [{long_tag}]\n"), "tags"),
        ("index-slug.md", "slug: index.html\n".to_string(), "slug"),
        ("index-tag.md", "tags: [index.html]\n".to_string(), "tags"),
        ("atom.md", "aliases: [/atom.xml]\n".to_string(), "aliases[0]"),
        ("robots.md", "aliases: [/robots.txt]\n".to_string(), "aliases[0]"),
        ("sitemap.md", "aliases: [/sitemap.xml/]\n".to_string(), "aliases[0]"),
    ];
    for (file, extra, field) in cases {
        let site = TestSite::new(&[(
            &format!("content/cases/{file}"),
            &case("甲", "甲品牌", "某局", "2021-05-01", &extra, "正文"),
        )]);
        let (code, objects) = check_json(&site);
        assert_eq!(code, 1, "{file}: {objects:#?}");
        let errors = errors_of(&objects);
        assert!(!errors.is_empty(), "{file}");
        for e in &errors {
            assert_eq!(e["file"], format!("content/cases/{file}"), "{e}");
            assert_eq!(e["field"], field, "{e}");
            assert_eq!(e["line"].as_u64(), Some(6), "{e}");
        }
        let (code, stderr) = build(&site, &[]);
        assert_eq!(code, 1, "{file}: {stderr}");
        assert!(!stderr.contains("os error"), "refused before writing, not by the file system: {stderr}");
        assert!(stderr.contains(&format!("content/cases/{file}:6:")), "{stderr}");
    }
}

#[test]
fn slugs_and_file_names_that_change_the_url_are_refused() {
    for slug in ["a?b", "a#b", "%2e%2e", "a%2fb", "a b", ".hidden"] {
        let site = TestSite::new(&[(
            "content/cases/x.md",
            &case("甲", "甲品牌", "某局", "2021-05-01", &format!("slug: \"{slug}\"\n"), "正文"),
        )]);
        let (code, objects) = check_json(&site);
        assert_eq!(code, 1, "{slug}");
        let errors = errors_of(&objects);
        assert_eq!(errors.len(), 1, "{slug}: {errors:#?}");
        assert_eq!((errors[0]["code"].as_str(), errors[0]["field"].as_str()), (Some("invalid-slug"), Some("slug")));
        assert_eq!(errors[0]["line"].as_u64(), Some(6));
    }
    let site = TestSite::new(&[("content/cases/a?b.md", &case("甲", "甲品牌", "某局", "2021-05-01", "", "正文"))]);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    assert_eq!(errors_of(&objects)[0]["file"], "content/cases/a?b.md");
    assert!(errors_of(&objects)[0]["hint"].as_str().unwrap().contains("rename the file"));
}

#[test]
fn static_and_colocated_files_over_generated_pages_are_errors_naming_both() {
    for (file, generated) in [
        ("static/index.html", "the home page"),
        ("content/cases/x/index.html", "the case page"),
        ("static/search/manifest.json", "the search index"),
        ("static/atom.xml", "the Atom feed"),
        ("static/search/shards/0.bin", "the search index"),
    ] {
        let site =
            TestSite::new(&[("content/cases/x/index.md", &case("甲", "甲品牌", "某局", "2021-05-01", "", "正文"))]);
        site.write(file, "not the generated file");
        let (code, objects) = check_json(&site);
        assert_eq!(code, 1, "{file}");
        let errors = errors_of(&objects);
        assert_eq!(errors.len(), 1, "{file}: {errors:#?}");
        assert_eq!(errors[0]["code"], "output-collision");
        let message = errors[0]["message"].as_str().unwrap();
        assert!(message.contains(file) && message.contains(generated), "{file}: {message}");
    }
}

#[test]
fn a_case_listed_twice_in_a_compilation_is_an_error_naming_both_lines() {
    let site = TestSite::new(&[
        ("content/cases/a.md", &case("甲", "甲品牌", "某局", "2021-05-01", "", "正文")),
        (
            "content/compilations/c.md",
            "---\ntitle: 汇编\ndate: 2021-06-01\nchapters:\n  - title: 一\n    cases:\n      - a\n  - title: 二\n    cases:\n      - a\n---\n前言\n",
        ),
    ]);
    let (code, objects) = check_json(&site);
    assert_eq!(code, 1);
    let errors = errors_of(&objects);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = errors[0];
    assert_eq!(
        (e["code"].as_str(), e["file"].as_str(), e["line"].as_u64()),
        (Some("duplicate-entry"), Some("content/compilations/c.md"), Some(10))
    );
    assert!(e["message"].as_str().unwrap().contains("`a` twice: at lines 7 and 10"), "{e}");
}

#[test]
fn base_url_from_the_command_line_is_checked_like_site_yaml() {
    let site = two_cases();
    let (code, stderr) = build(&site, &["--base-url", "::::"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[base-url]") && stderr.contains("--base-url"), "{stderr}");
    assert!(!site.public().exists());
    site.write("site.yaml", "title: x\nbase_url: '::::'\n");
    let (code, stderr) = build(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("site.yaml:2:1"), "{stderr}");

    fs::remove_file(site.root().join("site.yaml")).unwrap();
    fs::create_dir(site.root().join("site.yaml")).unwrap();
    let (code, stderr) = build(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[unreadable-config]") && !stderr.contains("missing-config"), "{stderr}");
}

#[test]
fn staging_folders_of_killed_builds_are_removed_by_the_next_build() {
    let site = two_cases();
    site.build_ok(&[]);
    // What a build killed half-way leaves: its staging folder (marked as such) beside public/.
    let staging = site.root().join(".public.xianfeng-new-999999");
    fs::create_dir_all(staging.join("cases")).unwrap();
    fs::write(staging.join("cases/x.html"), "half").unwrap();
    let marker = xianfeng::output::MARKER;
    let header = "xianfeng staging folder of a build in progress: removed when the build ends, or by the next build if it died.\n";
    fs::write(staging.join(marker), header).unwrap();
    site.write("content/cases/other.md", &case("另一案例", "红帆", "珠海市税务局", "2022-03-01", "", "新正文"));
    site.build_ok(&[]);
    let names: Vec<String> =
        fs::read_dir(site.root()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("xianfeng-new") || n.contains("xianfeng-old")), "{names:?}");
}

/// A build killed at any instant leaves the previous output or the new one, whole, and the
/// next build leaves no debris.
#[cfg(unix)]
#[test]
fn a_killed_build_leaves_the_old_output_or_the_new_one() {
    let site = TestSite::new(&[]);
    let write_cases = |text: &str| {
        for i in 0..150 {
            site.write(
                &format!("content/cases/c{i:03}.md"),
                &case(&format!("案例{i}"), &format!("品牌{i}"), "某局", "2021-05-01", "tags: [作风建设]\n", text),
            );
        }
    };
    write_cases("旧正文");
    site.build_ok(&["--no-cache"]);
    let old = tree(&site.public());
    write_cases("新正文");
    site.build_ok(&["--no-cache"]);
    let new = tree(&site.public());
    write_cases("旧正文");
    site.build_ok(&["--no-cache"]);
    let started = std::time::Instant::now();
    site.build_ok(&["--no-cache"]);
    let full = started.elapsed();
    for k in 0..16u32 {
        let text = if k % 2 == 0 { "新正文" } else { "旧正文" };
        write_cases(text);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("xianfeng"))
            .arg("build")
            .arg(site.root())
            .arg("--no-cache")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full * k / 14);
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&site.public());
        assert!(now == old || now == new, "kill {k}: the output is neither the old nor the new tree");
    }
    site.build_ok(&["--no-cache"]);
    let names: Vec<String> =
        fs::read_dir(site.root()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains(".xianfeng-")), "debris left: {names:?}");
}

#[test]
fn an_empty_value_is_reported_at_its_own_line_and_unknown_lines_are_null() {
    let site = TestSite::new(&[(
        "content/cases/a.md",
        "---\ntitle: 标题\nbrand:\norg: 示例单位\ndate: 2024-01-01\n---\n正文\n",
    )]);
    let (_, objects) = check_json(&site);
    let brand = objects.iter().find(|o| o["field"] == "brand").expect("an error on brand");
    assert_eq!((brand["line"].as_u64(), brand["column"].as_u64()), (Some(3), Some(1)));
    fs::remove_dir_all(site.root().join("content")).unwrap();
    let (_, objects) = check_json(&site);
    for o in &objects {
        assert_ne!(o["line"], 0, "{o}");
        assert_ne!(o["column"], 0, "{o}");
    }
    assert!(objects.iter().any(|o| o["code"] == "missing-content-dir" && o["line"].is_null()), "{objects:#?}");
}

#[test]
fn a_template_that_calls_itself_is_a_template_error_and_the_old_output_stays() {
    let site = two_cases();
    site.build_ok(&[]);
    let before = tree(&site.public());
    let include_itself = "<h1>{{ case.title }}</h1>\n{% include \"case.html\" %}\n";
    let call_a_component = "<h1>{{ case.title }}</h1>\n{{<again n={1} />}}\n";
    let again = "\n{% component again(n) %}{{<again n={n + 1} />}}{% endcomponent again %}\n";
    for (case_html, file, line) in [(include_itself, "case.html", 2), (call_a_component, "again.html", 2)] {
        site.write("templates/case.html", case_html);
        if file == "again.html" {
            site.write("templates/again.html", again);
        }
        let (code, stderr) = build(&site, &[]);
        assert_eq!(code, 1, "an error, not an abort: {stderr}");
        assert!(
            stderr.contains("template-recursion") && stderr.contains(&format!("templates/{file}:{line}:")),
            "{stderr}"
        );
        assert_eq!(tree(&site.public()), before, "the live output, byte for byte");
        let (code, objects) = check_json(&site);
        assert_eq!(code, 1);
        let errors = errors_of(&objects);
        assert_eq!(errors.len(), 1, "{objects:?}");
        assert_eq!((errors[0]["code"].as_str(), errors[0]["line"].as_u64()), (Some("template-recursion"), Some(line)));
        let names: Vec<String> =
            fs::read_dir(site.root()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(!names.iter().any(|n| n.contains(".xianfeng-")), "debris left: {names:?}");
    }
}
