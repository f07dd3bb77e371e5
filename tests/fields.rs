//! A site's own case fields (site.yaml `fields:`): declarations checked as config, values
//! checked by their type with typed errors in Chinese and English, shown on the case page,
//! facets with term pages and search facets, `search: true` text in the search index, and the
//! real-style example site that uses them all.

mod common;
use common::*;

const FIELDS: &str = "title: 测试站点
base_url: https://dj.example.cn
fields:
  - key: series
    label: 品牌系列
    type: text
    facet: true
  - key: practices
    label: 特色做法
    type: list
    search: true
  - key: member_count
    label: 党员人数
    type: number
  - key: founded
    label: 创建时间
    type: date
  - key: website
    label: 网上展馆
    type: url
  - key: contact
    label: 联系方式
    type: map
";

fn site_with(front: &str) -> TestSite {
    let site =
        TestSite::new(&[("content/cases/a.md", &case("甲案例", "甲", "珠海市财政局", "2021-05-01", front, "正文"))]);
    site.write("site.yaml", FIELDS);
    site
}

/// `xianfeng check` as a user runs it, in `lang`: (exit code, stderr).
fn check(site: &TestSite, lang: &str) -> (i32, String) {
    let out = xianfeng_zh().args(["check", "--lang", lang]).arg(site.root()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The diagnostics of `check --format json` (without the summary line).
fn check_json(site: &TestSite, lang: &str) -> Vec<serde_json::Value> {
    let out = xianfeng_zh().args(["check", "--format", "json", "--lang", lang]).arg(site.root()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut all: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    all.pop();
    all
}

#[test]
fn a_wrong_value_for_each_declared_type_is_a_typed_error_in_chinese_and_english() {
    // (front matter line, field, code, Chinese words, English words)
    let table = [
        ("series: [一, 二]\n", "series", "invalid-type", "应当是一段文字（品牌系列）", "should be a string (品牌系列)"),
        (
            "practices: {a: b}\n",
            "practices",
            "invalid-type",
            "应当是一段文字或文字列表",
            "should be a string or a list of strings",
        ),
        (
            "member_count: 十二\n",
            "member_count",
            "invalid-type",
            "应当是一个数字（党员人数）",
            "should be a number (党员人数)",
        ),
        ("founded: 2019年7月\n", "founded", "invalid-date", "不是日期", "is not a date"),
        ("website: www.example.cn\n", "website", "invalid-url", "不是可用的网址", "is not a usable address"),
        (
            "website: \"javascript:alert(1)\"\n",
            "website",
            "invalid-url",
            "不允许 `javascript:` 开头的链接",
            "links with `javascript:` are not allowed",
        ),
        (
            "contact: 张三\n",
            "contact",
            "invalid-type",
            "应当是一组“名称: 文字”（联系方式）",
            "should be a map of names to texts (联系方式)",
        ),
        ("contact: {电话: [1, 2]}\n", "contact.电话", "invalid-type", "应当是一段文字", "should be a string"),
    ];
    for (front, field, code, zh, en) in table {
        let site = site_with(front);
        let (status, zh_out) = check(&site, "zh");
        assert_eq!(status, 1, "{front}: {zh_out}");
        assert!(zh_out.contains(&format!("错误[{code}]")) && zh_out.contains(zh), "{front}: {zh_out}");
        assert!(
            zh_out.contains(&format!("字段：{field}")) && zh_out.contains("content/cases/a.md:6:"),
            "{front}: {zh_out}"
        );
        assert!(zh_out.contains("提示："), "{front}: {zh_out}");
        let (_, en_out) = check(&site, "en");
        assert!(en_out.contains(&format!("error[{code}]")) && en_out.contains(en), "{front}: {en_out}");
        assert!(!en_out.contains(zh), "{front}: {en_out}");
    }
}

#[test]
fn a_number_field_keeps_the_figure_as_written_and_says_what_to_write_for_words() {
    let site = site_with("member_count: 十二\n");
    let d = &check_json(&site, "zh")[0];
    assert_eq!(d["hint"].as_str().unwrap(), "用阿拉伯数字写，例如 `member_count: 12`；“人”“个”等单位和说明不写在值里");
    let site = site_with("member_count: 1.50\n");
    site.build_ok(&[]);
    assert!(site.read("cases/a/index.html").contains("<dt>党员人数</dt><dd>1.50</dd>"));
}

#[test]
fn a_url_written_without_https_is_told_the_address_it_should_read() {
    let site = site_with("website: www.example.cn/dj/\n");
    let d = &check_json(&site, "zh")[0];
    assert_eq!(d["code"], "invalid-url");
    assert_eq!(d["hint"].as_str().unwrap(), "写完整的网址：`website: https://www.example.cn/dj/`");
}

#[test]
fn check_json_of_a_declared_field_error_has_the_usual_keys_and_the_line_of_the_value() {
    let site = site_with("member_count: 十二\n");
    let all = check_json(&site, "en");
    assert_eq!(all.len(), 1, "{all:?}");
    let d = &all[0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["file", "line", "column", "severity", "code", "field", "message", "expected", "hint"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(d["file"], "content/cases/a.md");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(6), Some(15)));
    assert_eq!((d["severity"].as_str(), d["code"].as_str()), (Some("error"), Some("invalid-type")));
    assert_eq!(d["field"], "member_count");
    assert_eq!(d["expected"], "a number (党员人数)");
    assert_eq!(d["message"], "`member_count` should be a number (党员人数), found the text `十二`");
}

#[test]
fn declared_keys_are_never_unknown_fields_and_undeclared_ones_still_are() {
    let front = "series: 党员先锋系列\npractices: [先锋岗, 讲评]\nmember_count: 186\nfounded: 2019-07-01\n\
                 website: https://czj.example.gov.cn/\ncontact: {联系人: 机关党委}\nwechat_id: zhcz\n";
    let site = site_with(front);
    let stderr = site.build_ok(&[]);
    assert!(!stderr.contains("`series`") && !stderr.contains("`contact`"), "{stderr}");
    assert!(stderr.contains("warning[unknown-field]: unknown field `wechat_id`"), "{stderr}");
    assert_eq!(stderr.matches("warning[").count(), 1, "{stderr}");
    let page = site.read("cases/a/index.html");
    assert!(page.contains("<dt>wechat_id</dt><dd>zhcz</dd>"), "undeclared keys stay in extra");
}

#[test]
fn a_near_miss_of_a_declared_key_is_suggested() {
    let site = site_with("member_cont: 3\n");
    let (_, en) = check(&site, "en");
    assert!(en.contains("unknown field `member_cont`") && en.contains("did you mean `member_count`?"), "{en}");
}

#[test]
fn declared_fields_show_under_their_labels_in_declaration_order() {
    let front = "contact: {联系人: 机关党委, 电话: 0756-1234567}\nwebsite: https://czj.example.gov.cn/\n\
                 founded: 2019-07-01\nmember_count: 186\npractices: [先锋岗, 讲评]\nseries: 党员先锋系列\n";
    let site = site_with(front);
    site.build_ok(&[]);
    let page = site.read("cases/a/index.html");
    let labels = ["品牌系列", "特色做法", "党员人数", "创建时间", "网上展馆", "联系方式"];
    let at: Vec<usize> = labels.iter().map(|l| page.find(&format!("<dt>{l}</dt>")).expect(l)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "in the order of site.yaml: {at:?}");
    assert!(page.contains("<dd>先锋岗、讲评</dd>"));
    assert!(page.contains("<time datetime=\"2019-07-01\">2019年7月1日</time>"));
    assert!(page.contains("<a href=\"https://czj.example.gov.cn/\" rel=\"noopener\">"));
    assert!(page.contains("<span class=\"field-map-name\">电话：</span>0756-1234567"));
    assert!(page.contains("href=\"/series/%E5%85%9A%E5%91%98%E5%85%88%E9%94%8B%E7%B3%BB%E5%88%97/\">党员先锋系列</a>"));
}

#[test]
fn a_facet_field_has_term_pages_that_fold_traditional_script_and_a_search_facet() {
    let site = site_with("series: 党员先锋系列\n");
    site.write(
        "content/cases/b.md",
        &case("乙案例", "乙", "天津市級機關工委", "2021-06-01", "lang: zh-Hant\nseries: 黨員先鋒系列\n", "正文"),
    );
    site.build_ok(&[]);
    assert!(site.exists("series/index.html"), "the facet's list page");
    let term = site.read("series/党员先锋系列/index.html");
    assert!(term.contains("品牌系列") && term.contains("甲案例") && term.contains("乙案例"), "{term}");
    assert!(!site.exists("series/黨員先鋒系列/index.html"), "one term for both scripts");
    let manifest = site.read("search/manifest.json");
    assert!(manifest.contains("\"series\""), "a search facet: {manifest}");
    let search = site.read("search/index.html");
    assert!(search.contains("data-declared=\"[[&quot;series&quot;,&quot;品牌系列&quot;]]\""), "{search}");
}

#[test]
fn a_search_true_field_is_in_the_search_text_and_a_plain_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("site.yaml"),
        FIELDS.replace("    type: map\n", "    type: map\n  - key: note\n    label: 备注\n    type: text\n"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/cases")).unwrap();
    let front = "practices: [急难任务认领]\nnote: 不进索引的备注\n";
    std::fs::write(root.join("content/cases/a.md"), case("甲案例", "甲", "珠海市财政局", "2021-05-01", front, "正文"))
        .unwrap();
    let (config, ds) = xianfeng::config::load_config(root);
    assert!(ds.is_empty(), "{ds:?}");
    let loaded = xianfeng::content::load_content(root, &config.fields, None);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let (site, _) = xianfeng::site::build_model(config, loaded, root, &Default::default(), None, &Default::default());
    let docs = xianfeng::search_docs::search_docs(&site);
    assert!(docs[0].body.contains("急难任务认领"), "{}", docs[0].body);
    assert!(!docs[0].body.contains("不进索引的备注"), "{}", docs[0].body);
}

/// site.yaml with one declaration (`decl`, YAML lines under `- `) after the title lines.
fn declaring(decl: &str) -> TestSite {
    let site =
        TestSite::new(&[("content/cases/a.md", &case("甲案例", "甲", "珠海市财政局", "2021-05-01", "", "正文"))]);
    site.write("site.yaml", &format!("title: 测试站点\nbase_url: https://dj.example.cn\nfields:\n{decl}"));
    site
}

#[test]
fn bad_declarations_are_config_errors_at_their_site_yaml_line_in_chinese_and_english() {
    // (declarations, line:col, field, Chinese words, English words, a Chinese hint's words)
    let table = [
        (
            "  - {key: tags, label: 标签, type: list}\n",
            "site.yaml:4:",
            "fields[0].key",
            "字段 `tags` 与内置字段重名",
            "the field `tags` is a built-in field",
            "换个名字",
        ),
        (
            "  - key: level_x\n    label: 级别\n    type: txt\n",
            "site.yaml:6:11",
            "fields[0].type",
            "字段 `level_x` 的类型 `txt` 不存在",
            "has an unknown type `txt`",
            "是不是要写 `type: text`？",
        ),
        (
            "  - {key: a, label: 甲, type: text}\n  - {key: a, label: 乙, type: list}\n",
            "site.yaml:5:",
            "fields[1].key",
            "字段 `a` 声明了两次",
            "the field `a` is declared twice",
            "第 4 行已经声明过 `a`",
        ),
        (
            "  - {key: contact, label: 联系方式, type: map, facet: true}\n",
            "site.yaml:4:",
            "fields[0].facet",
            "`map` 类型的字段 `contact` 不能做分类（facet）",
            "of type `map` cannot be a facet",
            "删去 `facet: true`",
        ),
        (
            "  - {key: website, label: 网址, type: url, facet: true}\n",
            "site.yaml:4:",
            "fields[0].facet",
            "`url` 类型的字段 `website` 不能做分类",
            "of type `url` cannot be a facet",
            "删去 `facet: true`",
        ),
        (
            "  - {key: 党员人数, label: 党员人数, type: number}\n",
            "site.yaml:4:",
            "fields[0].key",
            "字段名 `党员人数` 不可用",
            "`党员人数` cannot name a field",
            "中文名称写在 `label:` 里",
        ),
        (
            "  - {key: x, label: 甲}\n",
            "site.yaml:4:",
            "fields[0].type",
            "字段 `x` 缺少 `type`",
            "has no `type`",
            "text 一段文字",
        ),
        (
            "  - {key: x, type: text}\n",
            "site.yaml:4:",
            "fields[0].label",
            "字段 `x` 缺少 `label`",
            "has no `label`",
            "每个字段都要写 `label:`",
        ),
        (
            "  - {key: brands_x, label: 甲, type: text}\n  - {key: brands, label: 乙, type: text, facet: true}\n",
            "site.yaml:5:",
            "fields[1].key",
            "会占用网站已有的 /brands/ 文件夹",
            "would put its pages in /brands/",
            "换个名字",
        ),
    ];
    for (decl, at, field, zh, en, hint) in table {
        let site = declaring(decl);
        let (status, zh_out) = check(&site, "zh");
        assert_eq!(status, 1, "{decl}: {zh_out}");
        assert!(zh_out.contains("错误[config]") && zh_out.contains(zh), "{decl}: {zh_out}");
        assert!(zh_out.contains(at) && zh_out.contains(&format!("字段：{field}")), "{decl}: {zh_out}");
        assert!(zh_out.contains(hint), "{decl}: {zh_out}");
        let (_, en_out) = check(&site, "en");
        assert!(en_out.contains("error[config]") && en_out.contains(en), "{decl}: {en_out}");
        assert!(en_out.contains("hint: "), "{decl}: {en_out}");
    }
}

#[test]
fn an_unknown_key_in_a_declaration_names_the_keys_a_declaration_takes() {
    let site = declaring("  - {key: a, lable: 甲, type: text}\n");
    let (status, en) = check(&site, "en");
    assert_eq!(status, 1, "{en}");
    assert!(en.contains("site.yaml:4:") && en.contains("field: lable"), "{en}");
    assert!(en.contains("known settings: key, label, type, facet, search (did you mean `label`?)"), "{en}");
}

#[test]
fn the_real_style_example_builds_with_no_error_and_no_warning_and_shows_its_fields() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let run =
        xianfeng_zh().arg("build").arg(repo_root().join("examples/real-style")).arg("-o").arg(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains("警告[") && !stderr.contains("错误["), "{stderr}");
    let page = std::fs::read_to_string(out.join("cases/rang-wo-xian-lai/index.html")).unwrap();
    for label in ["品牌系列", "特色做法", "党员人数", "创建时间", "网上展馆", "联系方式", "品牌由来"]
    {
        assert!(page.contains(&format!("<dt>{label}</dt>")), "{label}");
    }
    assert!(out.join("series/示范创建系列/index.html").is_file(), "the Traditional case's facet term, folded");
    let hant = std::fs::read_to_string(out.join("cases/shu-dian-xing/index.html")).unwrap();
    assert!(
        hant.contains("示範創建系列") && hant.contains("href=\"/showcase/cases/rang-wo-xian-lai/\""),
        "its url field is under the base path"
    );
}

#[test]
fn new_lists_the_sites_own_fields_commented_and_the_file_checks_clean() {
    let site = site_with("");
    let out = xianfeng().args(["new", "bing", "--site"]).arg(site.root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(site.root().join("content/cases/bing.md")).unwrap();
    assert!(text.contains("# member_count: 0    # 党员人数（数字）"), "{text}");
    assert!(text.contains("# contact: {名称: 文字}    # 联系方式"), "{text}");
    let uncommented = text.replace("# series: ", "series: ").replace("# member_count: ", "member_count: ");
    std::fs::write(site.root().join("content/cases/bing.md"), uncommented).unwrap();
    let (status, en) = check(&site, "en");
    assert_eq!(status, 0, "the examples are valid values: {en}");
    assert!(!en.contains("warning["), "{en}");
}
