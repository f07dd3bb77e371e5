//! Measures the search index on a synthetic corpus (vocabulary as /work/shared/bench/gen_corpus.py).
//!
//! `cargo run --release --example search_bench -- [N] [OUT_DIR]` prints the build time, the
//! index size on disk, and the gzip bytes a cold and a warm query fetch (manifest, fold map,
//! facets, the shards of the query's tokens, ten fragments, the JS client). With OUT_DIR the
//! index is also written there (for the Node/browser tests).

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Instant;

use xianfeng::search::{build_index, fold, tokenize, SearchDoc, SearchFile};

const WORDS: &[&str] = &[
    "坚持",
    "围绕中心",
    "建设队伍",
    "服务群众",
    "党员",
    "干部",
    "支部",
    "堡垒",
    "先锋",
    "示范",
    "引领",
    "融合",
    "创新",
    "机制",
    "载体",
    "品牌",
    "活动",
    "学习",
    "教育",
    "实践",
    "群众",
    "基层",
    "组织力",
    "政治功能",
    "担当",
    "作为",
    "高质量发展",
    "工作法",
    "责任清单",
    "督查",
    "考核",
    "整改",
    "台账",
    "志愿服务",
    "结对",
    "共建",
    "社区",
    "企业",
    "窗口",
    "效率",
    "满意度",
    "标杆",
    "典型",
    "表率",
    "理论武装",
    "思想自觉",
    "行动自觉",
    "作风",
    "纪律",
    "廉洁",
    "规矩",
    "阵地",
    "讲堂",
    "课堂",
    "培训",
];
const CITIES: &[&str] = &["珠海", "浏阳", "长春", "天津", "广州", "深圳", "成都", "杭州", "武汉", "西安"];
const DEPTS: &[&str] =
    &["财政局", "司法局", "公安局", "审计局", "生态环境局", "教育局", "卫生健康委", "税务局", "人社局", "交通运输局"];
const REGIONS: &[&str] = &["广东", "湖南", "吉林", "天津", "四川", "浙江", "湖北", "陕西"];
const TYPES: &[&str] = &["党建工作法", "党建品牌", "工作机制", "示范点", "实训阵地"];
const TAGS: &[&str] = &[
    "党建+业务融合",
    "模范机关创建",
    "我为群众办实事",
    "乡村振兴",
    "志愿服务",
    "三会一课",
    "第一议题",
    "先锋班组",
    "党员教育",
    "作风建设",
    "营商环境",
    "基层治理",
    "廉政建设",
    "理论学习",
    "青年党员",
    "主题党日",
    "结对共建",
    "双报到",
    "党史学习教育",
    "红色阵地",
    "数字党建",
    "考核评价",
    "党务干部培训",
    "标准化规范化",
    "四强党支部",
    "文明创建",
    "法治建设",
    "生态文明",
    "审计监督",
    "海关监管",
];
const HONOURS: &[&str] = &[
    "全市先进基层党组织",
    "优质机关党建品牌",
    "全省最具传播影响力案例",
    "全国百优案例",
    "省先锋杯工作创新大赛一等奖",
    "市直机关优秀党建工作法",
    "全国司法行政先进集体",
];
const SUFFIX: &[&str] = &["先锋", "先来", "同行", "聚力", "领航", "铸魂", "连心"];

/// A small deterministic PRNG (xorshift64*), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.range(0, xs.len() - 1)]
    }
    fn sample(&mut self, xs: &[&str], k: usize) -> Vec<String> {
        let mut set = BTreeSet::new();
        while set.len() < k {
            set.insert(self.range(0, xs.len() - 1));
        }
        set.into_iter().map(|i| xs[i].to_string()).collect()
    }
}

fn sentence(r: &mut Rng) -> String {
    let n = r.range(6, 16);
    let mut s = String::new();
    for i in 0..n {
        s.push_str(r.pick(WORDS));
        if i < n - 1 && r.range(0, 9) < 3 {
            s.push_str(r.pick(&["，", "，", "，", "、"]));
        }
    }
    s + "。"
}

fn paragraph(r: &mut Rng) -> String {
    (0..r.range(3, 7)).map(|_| sentence(r)).collect()
}

fn body(r: &mut Rng, brand: &str) -> String {
    let mut out = vec![format!("背景\n{}", paragraph(r)), "主要做法".to_string()];
    for k in 0..r.range(2, 4) {
        out.push(format!("做法{}：{}{}\n{}", k + 1, r.pick(WORDS), r.pick(WORDS), paragraph(r)));
        if r.range(0, 9) < 4 {
            out.extend((0..r.range(2, 5)).map(|_| sentence(r)));
        }
    }
    out.push(format!("工作成效\n“{brand}”{}", paragraph(r)));
    out.push(format!("经验启示\n{}", paragraph(r)));
    out.join("\n")
}

/// Generates `n` synthetic cases.
pub fn corpus(n: usize) -> Vec<SearchDoc> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| {
            let org = format!("{}市{}", r.pick(CITIES), r.pick(DEPTS));
            let brand = format!("{}{}{i}", r.pick(WORDS), r.pick(SUFFIX));
            let ty = r.pick(TYPES);
            let year = r.range(2016, 2025).to_string();
            let k = r.range(2, 5);
            let tags = r.sample(TAGS, k);
            let k = r.range(0, 2);
            let honours = r.sample(HONOURS, k);
            let region = r.pick(REGIONS).to_string();
            SearchDoc {
                url: format!("/cases/case-{i:05}/"),
                title: format!("{org}“{brand}”{ty}"),
                description: sentence(&mut r) + &sentence(&mut r),
                body: body(&mut r, &brand),
                facets: vec![
                    ("org".into(), vec![org.clone()]),
                    ("region".into(), vec![region]),
                    ("type".into(), vec![ty.into()]),
                    ("year".into(), vec![year.clone()]),
                    ("tags".into(), tags.clone()),
                ],
                date: format!("{year}-{:02}-{:02}", r.range(1, 12), r.range(1, 28)),
                kind: "case".into(),
                brand,
                org: vec![org],
                tags,
                honours,
                sources: vec!["《机关党建》2023年第4期".into()],
            }
        })
        .collect()
}

/// User + system CPU seconds of this process so far (Linux `/proc/self/stat`, 100 Hz ticks):
/// on a loaded machine wall time overstates the work, CPU time does not.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn gzip(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}

fn file<'a>(files: &'a [SearchFile], path: &str) -> &'a SearchFile {
    files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path}"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let docs = corpus(n);
    if std::env::var("XF_FOLD").is_ok() {
        let _ = fold("x");
        fold_timing(&docs);
    }
    let t0 = Instant::now();
    let _ = fold("預熱");
    let t_map = t0.elapsed();
    let (t1, c1) = (Instant::now(), cpu_seconds());
    let files = build_index(&docs);
    let (t_build, c_build) = (t1.elapsed(), cpu_seconds() - c1);
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!("docs {n}, threads {}", rayon::current_num_threads());
    println!("build_index CPU time {:.0} ms (user + system, all threads)", c_build * 1e3);
    println!("fold map init {:.0} ms; build_index {:.0} ms", t_map.as_secs_f64() * 1e3, t_build.as_secs_f64() * 1e3);
    println!(
        "files {}, index size {:.1} MB (shards {:.1} MB, fragments {:.1} MB)",
        files.len(),
        total as f64 / 1e6,
        files.iter().filter(|f| f.path.contains("/shards/")).map(|f| f.bytes.len()).sum::<usize>() as f64 / 1e6,
        files.iter().filter(|f| f.path.contains("/fragments/")).map(|f| f.bytes.len()).sum::<usize>() as f64 / 1e6
    );
    let manifest: serde_json::Value = serde_json::from_slice(&file(&files, "search/manifest.json").bytes).unwrap();
    println!("shards: {}", manifest["shards"]);
    let js_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/search/");
    let js = std::fs::read(format!("{js_dir}xianfeng-search.js")).unwrap_or_default();
    let ui = std::fs::read(format!("{js_dir}search-ui.js")).unwrap_or_default();
    let gz = |p: &str| gzip(&file(&files, p).bytes);
    let fixed =
        [("xianfeng-search.js", gzip(&js)), ("search-ui.js", gzip(&ui)), ("manifest.json", gz("search/manifest.json"))];
    for (name, size) in &fixed {
        println!("  {name}: {size} B gz");
    }
    let facet_files: Vec<&SearchFile> = files.iter().filter(|f| f.path.starts_with("search/facets/")).collect();
    let facets: usize = facet_files.iter().map(|f| gzip(&f.bytes)).sum();
    println!(
        "  facet columns (all {}): {facets} B gz ({:?})",
        facet_files.len(),
        facet_files.iter().map(|f| gzip(&f.bytes)).collect::<Vec<_>>()
    );
    // Ten results: head fragment (with the first passage) + the other passages each.
    let frag10: usize = (0..10)
        .map(|i| i * (n / 10).max(1) % n)
        .map(|d| gz(&format!("search/fragments/{d}.json")) + gz(&format!("search/fragments/{d}-p.json")))
        .sum();
    println!("  10 results' fragments (head + rest): {frag10} B gz");
    println!("per-query bytes (what the client really fetches): node benches/search_bytes.mjs OUT_DIR");
    if let Some(dir) = args.get(2) {
        for f in &files {
            let p = std::path::Path::new(dir).join(&f.path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &f.bytes).unwrap();
        }
    }
}

#[allow(dead_code)]
fn fold_timing(docs: &[SearchDoc]) {
    let t = Instant::now();
    let mut n = 0;
    for d in docs {
        n += fold(&d.body).len();
    }
    eprintln!("fold bodies {:?} {n}", t.elapsed());
    let t = Instant::now();
    let mut n = 0;
    for d in docs {
        tokenize::tokenize(&d.body, |_| n += 1);
    }
    eprintln!("tokenize bodies {:?} {n}", t.elapsed());
}
