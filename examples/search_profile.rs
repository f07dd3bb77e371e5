//! Times the search stage on a real site: `cargo run --release --example search_profile -- SITE [RUNS]`.
//!
//! Loads the site and its model once, then runs `search_docs` and `build_index` RUNS times
//! (default 5) and prints wall times (min and median). With `XIANFENG_PROFILE=1` `build_index`
//! also prints its phases. With `XF_HASH=1` prints a digest of the index files (to check that a
//! change keeps the bytes identical).

use std::path::PathBuf;
use std::time::Instant;

use xianfeng::config::load_config;
use xianfeng::content::load_content;
use xianfeng::search::build_index;
use xianfeng::search_docs::search_docs;
use xianfeng::site::{build_model, ModelOptions};

// As the xianfeng binary: the allocator changes the timings.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// User + system CPU seconds of this process so far (all threads; 10 ms ticks).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

/// A `/proc/self/status` field in kB.
fn status_kb(field: &str) -> i64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn stats(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!("min {:.0} ms, median {:.0} ms", v[0], v[v.len() / 2])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = PathBuf::from(args.get(1).expect("usage: search_profile SITE [RUNS]"));
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let (config, _) = load_config(&root);
    let loaded = load_content(&root, &[], None);
    let (site, _) = build_model(config, loaded, &root, &ModelOptions::default(), None, &Default::default());
    let _ = xianfeng::search::fold("預熱");
    let (mut t_docs, mut t_index, mut c_index) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let docs = search_docs(&site);
        t_docs.push(ms(t));
        // Resets the peak RSS, so VmHWM after the build is the peak during it.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let rss0 = status_kb("VmRSS");
        let (t, c) = (Instant::now(), cpu_seconds());
        let files = build_index(&docs);
        t_index.push(ms(t));
        c_index.push((cpu_seconds() - c) * 1e3);
        eprintln!(
            "peak RSS during build_index: {} MiB above the {} MiB before",
            (status_kb("VmHWM") - rss0) / 1024,
            rss0 / 1024
        );
        let t = Instant::now();
        drop(files);
        drop(docs);
        eprintln!("drop {:.0} ms", ms(t));
        if std::env::var_os("XF_HASH").is_some() {
            let docs = search_docs(&site);
            let files = build_index(&docs);
            let mut h = blake3::Hasher::new();
            for f in &files {
                h.update(f.path.as_bytes());
                h.update(&f.bytes);
            }
            let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
            println!("index: {} files, {bytes} bytes, digest {}", files.len(), &h.finalize().to_hex()[..16]);
        }
    }
    println!("docs {}, threads {}", site.cases.len() + site.compilations.len(), rayon::current_num_threads());
    println!("search_docs: {}", stats(t_docs));
    println!("build_index: {}", stats(t_index));
    println!("build_index CPU (user + sys, all threads): {}", stats(c_index));
}
