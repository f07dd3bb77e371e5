//! Chinese typography and sharing on built pages: term names as written, pinyin order, a
//! Traditional case's own spelling, 字数, Open Graph, the QR code, the footer's badges, honours
//! by level and the organisation profile.

mod common;
use common::*;

/// Three units (长春 is read cháng), a Traditional case, honours of three levels, and a
/// compilation holding two of the cases.
fn site() -> TestSite {
    TestSite::new(&[
        (
            "content/cases/zhuhai.md",
            &case(
                "珠海案例",
                "让我先来",
                "珠海市财政局",
                "2022-03-01",
                "tags: [党建引领]\nhonours:\n  - {name: 全国先进基层党组织}\n  - {name: 广东省“先锋杯”一等奖}\n  - {name: 浏阳市绩效考核一类单位（连续多年）}\n",
                "第一段正文，共计二十个字左右的中文内容。\n第二行紧接着。",
            ),
        ),
        (
            "content/cases/changchun.md",
            &case("长春案例", "五个精准", "长春市直机关工委", "2021-05-01", "tags: [党建引领]\n", "正文。"),
        ),
        (
            "content/cases/gongbei.md",
            &case("拱北案例", "关徽", "拱北海关", "2021-06-01", "", "正文。"),
        ),
        (
            "content/cases/tianjin.md",
            &case(
                "天津案例",
                "示範點創建",
                "天津市級機關工委",
                "2021-07-01",
                "lang: zh-Hant\ntags: [黨建引領]\nrelated: [zhuhai]\n",
                "明確創建標準。",
            ),
        ),
        (
            "content/compilations/huibian.md",
            "---\ntitle: 汇编\ndate: 2022-06-01\nchapters:\n  - {title: 一, cases: [zhuhai, tianjin]}\n---\n前言。\n",
        ),
    ])
}

fn positions(page: &str, names: &[&str]) -> Vec<usize> {
    names.iter().map(|n| page.find(n).unwrap_or_else(|| panic!("{n} not on the page"))).collect()
}

#[test]
fn term_names_keep_full_width_punctuation_on_term_pages_and_in_the_compilation_index() {
    let site = site();
    site.build_ok(&["--no-cache"]);
    let honours = site.read("honours/index.html");
    assert!(honours.contains("浏阳市绩效考核一类单位（连续多年）"), "{honours}");
    assert!(!honours.contains("单位(连续多年)"), "no ASCII parentheses in the name");
    // The folder keeps the folded key the term always had.
    let term = site.read("honours/浏阳市绩效考核一类单位(连续多年)/index.html");
    assert!(term.contains("<h1>浏阳市绩效考核一类单位（连续多年）</h1>"), "{term}");
    let compilation = site.read("compilations/huibian/index.html");
    assert!(compilation.contains("浏阳市绩效考核一类单位（连续多年）"));
}

#[test]
fn units_are_listed_in_pinyin_order_with_changchun_read_as_chang() {
    let site = site();
    site.build_ok(&["--no-cache"]);
    let orgs = site.read("org/index.html");
    // 长春 (cháng) · 拱北 (gǒng) · 天津 (tiān) · 珠海 (zhū); code-point order would put 长 last.
    let at = positions(&orgs, &["长春市直机关工委", "拱北海关", "天津市级机关工委", "珠海市财政局"]);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    let gallery = site.read("brands/index.html");
    let at = positions(
        &gallery,
        &["<option value=\"长春市直机关工委\"", "<option value=\"拱北海关\"", "<option value=\"珠海市财政局\""],
    );
    assert!(at.windows(2).all(|w| w[0] < w[1]), "gallery filters in pinyin order: {at:?}");
}

#[test]
fn a_traditional_case_names_its_terms_in_its_own_script_and_cards_carry_their_language() {
    let site = site();
    site.build_ok(&["--no-cache"]);
    let page = site.read("cases/tianjin/index.html");
    let breadcrumb = &page[page.find("class=\"breadcrumb\"").unwrap()..];
    let breadcrumb = &breadcrumb[..breadcrumb.find("</nav>").unwrap()];
    assert!(breadcrumb.contains(">天津市級機關工委</a>"), "{breadcrumb}");
    assert!(page.contains(">黨建引領</a>"), "the tag as the case writes it");
    // The term page itself is Simplified, and the related Simplified card says so.
    assert!(site.read("org/index.html").contains("天津市级机关工委"));
    assert!(page.contains("<article class=\"card\" lang=\"zh-Hans\">"), "a Simplified card on a zh-Hant page");
    // The gallery filters a Traditional case by its term key.
    let brands = site.read("brands/brands.json");
    assert!(brands.contains("\"k\":{\"g\":[\"党建引领\"],\"o\":\"天津市级机关工委\""), "{brands}");
}

#[test]
fn a_case_page_gives_its_length_and_reading_time() {
    let site = site();
    site.build_ok(&["--no-cache"]);
    let page = site.read("cases/zhuhai/index.html");
    let at = page.find("class=\"case-length\">全文 ").expect("字数 shown");
    let shown = &page[at..at + 80];
    assert!(shown.contains(" 字，阅读约 1 分钟"), "{shown}");
}

#[test]
fn every_page_has_open_graph_tags_and_one_title_separator() {
    let site = site();
    site.build_ok(&["--no-cache"]);
    for entry in walkdir::WalkDir::new(site.public()).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") || path.ends_with("index.html") && is_alias(path) {
            continue;
        }
        let html = std::fs::read_to_string(path).unwrap();
        for tag in ["og:type", "og:site_name", "og:title", "og:locale"] {
            assert!(html.contains(&format!("property=\"{tag}\"")), "{} has no {tag}", path.display());
        }
        let title = &html[html.find("<title>").unwrap()..html.find("</title>").unwrap()];
        assert!(!title.contains(" · ") && !title.contains(" | "), "{title}");
    }
    let brands = site.read("brands/index.html");
    assert!(!brands.contains("品牌展示品牌展示"));
    assert!(site.read("cases/tianjin/index.html").contains("<meta property=\"og:locale\" content=\"zh_TW\">"));
}

fn is_alias(path: &std::path::Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|h| h.contains("http-equiv=\"refresh\""))
}

#[test]
fn case_and_compilation_pages_carry_a_qr_code_of_their_address() {
    let site = site();
    site.build_ok(&["--no-cache"]);
    for (page, name) in [("cases/zhuhai/index.html", "让我先来"), ("compilations/huibian/index.html", "汇编")] {
        let html = site.read(page);
        assert!(html.contains("<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\""), "{page}");
        assert!(html.contains(&format!("aria-label=\"扫码阅读“{name}”\"")), "{page}");
        assert!(html.contains("<h2 class=\"panel-title\">扫码阅读</h2>"));
    }
}

#[test]
fn the_footer_shows_the_site_code_and_a_local_government_site_badge() {
    let site = site();
    site.write(
        "site.yaml",
        "title: 测试站点\nbase_url: https://dj.example.cn\npolice_record: 粤公网安备44040202000123号\nsite_code: '4404000001'\ngov_badge:\n  image: images/dzjg.png\n  url: https://bszs.conac.cn/sitename?method=show&id=1\n",
    );
    site.write_bytes("static/images/dzjg.png", b"\x89PNG\r\n\x1a\n");
    site.build_ok(&["--no-cache"]);
    let home = site.read("index.html");
    assert!(home.contains("<li>网站标识码：4404000001</li>"), "{home}");
    assert!(home.contains(
        "<a href=\"https://bszs.conac.cn/sitename?method=show&amp;id=1\" rel=\"noopener\"><img src=\"/images/dzjg"
    ));
    assert!(home.contains("alt=\"党政机关网站标识\""));
    assert!(home.contains("https://beian.mps.gov.cn/#/query/webSearch?code=44040202000123"));
    assert!(home.contains(">订阅</a>") && !home.contains("订阅（Atom）"));
}

#[test]
fn a_badge_image_from_outside_the_site_is_a_config_error_in_chinese() {
    let site = site();
    site.write(
        "site.yaml",
        "title: 测试站点\nbase_url: https://dj.example.cn\ngov_badge:\n  image: https://dcs.conac.cn/image/red.png\n  url: javascript:alert(1)\n",
    );
    let out = xianfeng_zh().arg("build").arg(site.root()).arg("--no-cache").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("标识图片 `https://dcs.conac.cn/image/red.png` 不是本站的文件"), "{stderr}");
    assert!(stderr.contains("内网站点打不开外部图片和脚本"), "{stderr}");
    assert!(stderr.contains("标识链接 `javascript:alert(1)` 有误"), "{stderr}");
    assert!(!site.exists("index.html"), "nothing is published");
}

#[test]
fn honours_are_grouped_by_level_and_an_organisation_page_opens_with_its_profile() {
    let site = site();
    site.build_ok(&["--no-cache"]);
    let page = site.read("cases/zhuhai/index.html");
    let at = positions(
        &page,
        &[
            "<h3 class=\"honour-level\">全国荣誉",
            "<h3 class=\"honour-level\">省级荣誉",
            "<h3 class=\"honour-level\">市级荣誉",
        ],
    );
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    let org = site.read("org/珠海市财政局/index.html");
    let profile = &org[org.find("class=\"org-profile\"").expect("a profile")..];
    let profile = &profile[..profile.find("</dl>").unwrap()];
    assert!(profile.contains("<strong>1</strong> 个"), "{profile}");
    assert!(profile.contains("<strong>3</strong> 项") && profile.contains("全国 1、省级 1、市级 1"), "{profile}");
    assert!(profile.contains("2022年"), "{profile}");
    assert!(!site.read("tags/index.html").contains("org-profile"), "only organisations have one");
}
