//! How long the PDF of a large compilation takes (issue 18: ≤ 3 s for 50 cases on 2 cores).
//!
//! `cargo bench --bench pdf -- [--cases 50] [--keep DIR]`
//!
//! Generates a site of `--cases` cases (each with facts, figures, a table, a list, honours and
//! a source, about 1,500 characters of text) gathered in one compilation of five chapters, then
//! times, with the real binary, full builds (`--no-cache`) with the PDF and with `pdf: false`.
//! The PDF is typeset while the pages render, so the difference is what it adds to a build;
//! the build with `XIANFENG_PROFILE` set also prints its stages.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Args {
    cases: usize,
    keep: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args { cases: 50, keep: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--cases" => a.cases = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.cases),
            "--keep" => a.keep = it.next().map(PathBuf::from),
            // cargo bench passes `--bench`; ignore what is not ours.
            _ => {}
        }
    }
    a
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const CHINESE_NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn case_text(i: usize) -> String {
    let paragraph = format!(
        "第{i}党支部坚持把党建工作和业务工作一起谋划、一起部署、一起考核，围绕中心工作设岗定责，\
         把党员先锋岗设在窗口一线和攻坚项目上，每月开展一次“党员亮身份”活动，推动问题在一线发现、在一线解决。"
    );
    let facts = format!(
        "metrics:\n  - {{label: 设立党员先锋岗, value: {}, unit: 个}}\n  - {{label: 解决群众急难愁盼问题, value: {}, unit: 件}}\n",
        10 + i,
        100 + 7 * i
    );
    format!(
        "---\ntitle: 第{i}支部“先锋{n}”工作法\nbrand: 第{i}支部先锋{n}\norg: 市直机关第{i}单位\ndate: 2024-05-01\n\
         description: 第{i}支部把党建和业务一起谋划的做法。\n{facts}\
         honours:\n  - {{name: 市直机关先进基层党组织, year: 2023, level: 市级}}\n\
         sources:\n  - title: 市直机关党建交流材料\n    publication: 机关党建\n    issue: 2024年第{m}期\n---\n\n\
         ## 背景\n\n{paragraph}\n\n## 主要做法\n\n{paragraph}\n\n\
         | 环节 | 做法 | 频次 |\n| --- | --- | --- |\n| 亮身份 | 佩戴党徽、公开承诺 | 每月 |\n| 解难题 | 领题攻坚、限时办结 | 每季 |\n\n\
         - 建立问题清单，逐项销号；\n- 开展结对帮带，以老带新；\n- 推行积分管理，评先评优挂钩。\n\n\
         ## 工作成效\n\n{paragraph}{paragraph}\n\n## 经验启示\n\n{paragraph}\n",
        n = CHINESE_NUMBERS[i % 10],
        m = i % 12 + 1,
    )
}

/// A site of `cases` cases and one compilation of them in five chapters.
fn generate(root: &Path, cases: usize, pdf: bool) {
    let pdf_line = if pdf { "" } else { "pdf: false\n" };
    write(&root.join("site.yaml"), &format!("title: PDF基准\nbase_url: https://dj.example.cn\n{pdf_line}"));
    let mut chapters = String::new();
    for (chapter, slugs) in (0..cases).collect::<Vec<_>>().chunks(cases.div_ceil(5).max(1)).enumerate() {
        chapters.push_str(&format!("  - title: 第{}组案例\n    cases:\n", chapter + 1));
        for i in slugs {
            chapters.push_str(&format!("      - case-{i:03}\n"));
            write(&root.join(format!("content/cases/case-{i:03}.md")), &case_text(*i));
        }
    }
    write(
        &root.join("content/compilations/huibian.md"),
        &format!(
            "---\ntitle: 市直机关党建品牌案例汇编\nsubtitle: 基准测试\nedition: 2024年版\ndate: 2024-07-01\nchapters:\n{chapters}---\n\n{}\n",
            "本汇编收录市直机关党建品牌案例，供交流借鉴。".repeat(8)
        ),
    );
}

fn build(root: &Path) -> f64 {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_xianfeng"))
        .arg("build")
        .arg(root)
        .arg("--no-cache")
        .output()
        .expect("run xianfeng");
    let secs = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
    secs
}

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn main() {
    let args = args();
    let temp = tempfile::tempdir().expect("temp dir");
    let with = args.keep.clone().unwrap_or_else(|| temp.path().join("with"));
    let without = temp.path().join("without");
    generate(&with, args.cases, true);
    generate(&without, args.cases, false);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{} cases in one compilation; cores available: {cores} (shared machine)", args.cases);
    let pdf = with.join("public/compilations/huibian/huibian.pdf");
    let with_pdf = median((0..3).map(|_| build(&with)).collect());
    let size = std::fs::metadata(&pdf).map(|m| m.len()).expect("the PDF was written");
    let without_pdf = median((0..3).map(|_| build(&without)).collect());
    println!("build with the PDF ({:.0} kB):    {with_pdf:.2} s (median of 3)", size as f64 / 1e3);
    println!("build with pdf: false:        {without_pdf:.2} s");
    println!("the PDF adds:                 {:.2} s (target: the PDF within 3 s)", with_pdf - without_pdf);
    let profiled = Command::new(env!("CARGO_BIN_EXE_xianfeng"))
        .env("XIANFENG_PROFILE", "1")
        .arg("build")
        .arg(&with)
        .arg("--no-cache")
        .output()
        .expect("run xianfeng");
    print!("{}", String::from_utf8_lossy(&profiled.stderr));
}
