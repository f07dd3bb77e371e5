//! Writes a site's search index and, per document, the folded texts the index saw, for the
//! brute-force correctness test (`tests/search_truth.test.mjs`):
//! `cargo run --example search_truth -- SITE OUT_DIR` writes `OUT_DIR/search/…` and
//! `OUT_DIR/truth.json` = `[{"url": …, "texts": [folded field or passage, …]}, …]`.

use std::path::PathBuf;

use xianfeng::config::load_config;
use xianfeng::content::load_content;
use xianfeng::search::{build_index, indexed_texts};
use xianfeng::search_docs::search_docs;
use xianfeng::site::{build_model, ModelOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(site), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: search_truth SITE OUT_DIR");
        std::process::exit(2);
    };
    let root = PathBuf::from(site);
    let (config, _) = load_config(&root);
    let loaded = load_content(&root, &[], None);
    let (site, diagnostics) = build_model(config, loaded, &root, &ModelOptions::default(), None, &Default::default());
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        eprintln!("{d:?}");
        std::process::exit(1);
    }
    let docs = search_docs(&site);
    let out = PathBuf::from(out);
    for f in build_index(&docs) {
        let p = out.join(&f.path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(p, &f.bytes).expect("write");
    }
    let truth: Vec<serde_json::Value> =
        docs.iter().map(|d| serde_json::json!({"url": d.url, "texts": indexed_texts(d)})).collect();
    std::fs::write(out.join("truth.json"), serde_json::to_vec(&truth).expect("json")).expect("write");
}
