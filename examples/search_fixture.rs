//! Writes the search index of a small fixed corpus to a directory, for the Node client tests
//! (`tests/search_client.test.mjs`): `cargo run --example search_fixture -- OUT_DIR`.

use xianfeng::search::{build_index, SearchDoc};

#[allow(clippy::too_many_arguments)]
fn doc(
    slug: &str,
    title: &str,
    brand: &str,
    org: &str,
    region: &str,
    year: &str,
    ty: &str,
    tags: &[&str],
    body: &str,
) -> SearchDoc {
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    SearchDoc {
        url: format!("/showcase/cases/{slug}/"),
        title: title.into(),
        brand: brand.into(),
        org: vec![org.into()],
        description: format!("{org}的{brand}案例。"),
        body: body.into(),
        tags: tags.clone(),
        honours: vec!["全国百优案例".into()],
        sources: vec!["《机关党建》2023年第4期".into()],
        facets: vec![
            ("org".into(), vec![org.into()]),
            ("region".into(), vec![region.into()]),
            ("type".into(), vec![ty.into()]),
            ("year".into(), vec![year.into()]),
            ("tags".into(), tags),
        ],
        date: format!("{year}-05-01"),
        kind: "case".into(),
    }
}

/// The fixture corpus (kept small and hand-written so test expectations are obvious).
fn corpus() -> Vec<SearchDoc> {
    let filler = "坚持围绕中心建设队伍服务群众，推动机关党建高质量发展。".repeat(12);
    vec![
        doc(
            "rang-wo-xian-lai",
            "珠海市财政局“让我先来”志愿服务品牌",
            "让我先来",
            "珠海市财政局",
            "广东",
            "2021",
            "工作机制",
            &["志愿服务", "党员教育"],
            &format!("{filler}\n打造党建工作品牌，党员干部争当先锋。\n{filler}"),
        ),
        doc(
            "shi-fan-dian",
            "長春市司法局黨建示範點建設",
            "示範點",
            "長春市司法局",
            "吉林",
            "2022",
            "示范点",
            &["法治建设"],
            "黨建示範點以制度建設為抓手，讓黨員在一線發揮作用。",
        ),
        doc(
            "dang-jian-pin-pai",
            "广州市税务局党建品牌创建",
            "红色税务",
            "广州市税务局",
            "广东",
            "2021",
            "党建品牌",
            &["营商环境"],
            &format!("{filler}\n深化党建品牌创建，服务营商环境。<b>不是标签</b>"),
        ),
        doc(
            "separate",
            "杭州市教育局工作机制",
            "教育先锋",
            "杭州市教育局",
            "浙江",
            "2023",
            "工作机制",
            &["志愿服务"],
            "加强党建引领，擦亮教育品牌，志愿服务常态化。",
        ),
        doc(
            "latin",
            "XianFeng ABC1 数字党建平台",
            "ABC1",
            "珠海市财政局",
            "广东",
            "2020",
            "工作机制",
            &["数字党建"],
            "The XianFeng platform, version ABC1, 支撑数字党建。",
        ),
    ]
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: search_fixture OUT_DIR");
    for f in build_index(&corpus()) {
        let p = std::path::Path::new(&dir).join(&f.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, &f.bytes).expect("write");
    }
}
