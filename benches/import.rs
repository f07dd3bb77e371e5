//! Importing many articles: the five seeds (../shared/seeds) repeated with variations (a
//! numbered title and a closing sentence of its own each, so every copy is a new article) as
//! .txt, plus each seed wrapped in a news page as .html, into a fresh site.
//!
//! `cargo bench --bench import -- [--articles 1000] [--seeds DIR]`. Reports the wall time of
//! the whole run (read, clean, guess, write), the files written, and the time per article.
//! The target: 1,000 articles in at most 10 s on 2 cores.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;
use xianfeng::import::{collect, run, ImportOptions};

fn args() -> (usize, PathBuf) {
    let mut articles = 1000;
    let mut seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--articles" => articles = it.next().and_then(|v| v.parse().ok()).unwrap_or(articles),
            "--seeds" => seeds = it.next().map(PathBuf::from).unwrap_or(seeds),
            _ => {}
        }
    }
    (articles, seeds)
}

fn news_page(text: &str, n: usize) -> String {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let title = lines.next().unwrap_or("标题");
    let body: String = lines.map(|l| format!("<p>{l}</p>\n")).collect();
    format!(
        "<html><head><title>{title}（第{n}篇）_某某网</title></head><body><div>首页 &gt; 正文</div>\
         <div class=\"TRS_Editor\">{body}<p>第{n}篇网页变体。</p></div><div>分享到：微信</div></body></html>"
    )
}

fn main() {
    let (articles, seeds_dir) = args();
    let mut seeds: Vec<String> = fs::read_dir(&seeds_dir)
        .unwrap_or_else(|e| panic!("seeds in {}: {e}", seeds_dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    seeds.sort();
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in");
    fs::create_dir_all(&input).unwrap();
    for n in 0..articles {
        let seed = &seeds[n % seeds.len()];
        // Every tenth article is a news page, the rest text.
        if n % 10 == 9 {
            fs::write(input.join(format!("{n}.html")), news_page(seed, n)).unwrap();
        } else {
            let (first, rest) = seed.split_once('\n').unwrap_or((seed, ""));
            fs::write(
                input.join(format!("{n}.txt")),
                format!("{first}（第{n}篇）\n{rest}\n\n这是第{n}篇变体的补充说明。\n"),
            )
            .unwrap();
        }
    }
    let opts = ImportOptions { inputs: vec![input], site: work.path().join("site"), dry_run: false };
    let start = Instant::now();
    let files = collect(&opts.inputs);
    let outcomes = run(&opts, &files, |_| {});
    let elapsed = start.elapsed();
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    let written = fs::read_dir(work.path().join("site/content/cases")).map(|d| d.count()).unwrap_or(0);
    println!(
        "import: {} articles in {:.2} s ({:.2} ms each), {written} case files written, {failed} failed",
        outcomes.len(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / outcomes.len().max(1) as f64
    );
}
