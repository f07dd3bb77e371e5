//! Integration tests of the search index: determinism and decoding shards back to postings.

use xianfeng::search::format::{decode_facet, decode_shard};
use xianfeng::search::tokenize::hash;
use xianfeng::search::{build_index, fold, SearchDoc, SearchFile};

fn doc(url: &str, title: &str, org: &str, year: &str, body: &str) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        brand: String::new(),
        org: vec![org.into()],
        description: String::new(),
        body: body.into(),
        tags: vec!["志愿服务".into()],
        honours: vec![],
        sources: vec!["《机关党建》".into()],
        facets: vec![("org".into(), vec![org.into()]), ("year".into(), vec![year.into()])],
        date: format!("{year}-01-01"),
        kind: "case".into(),
    }
}

fn corpus() -> Vec<SearchDoc> {
    vec![
        doc("/b/", "讓我先來", "珠海市财政局", "2021", "黨建示範點"),
        doc("/a/", "党建品牌", "长春市司法局", "2022", "党建工作品牌 ABC1"),
        doc("/c/", "Plain", "珠海市财政局", "2021", "party building"),
    ]
}

fn file<'a>(files: &'a [SearchFile], path: &str) -> &'a [u8] {
    &files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path}")).bytes
}

fn manifest(files: &[SearchFile]) -> serde_json::Value {
    serde_json::from_slice(file(files, "search/manifest.json")).unwrap()
}

/// Looks a token up the way the client does: hash → shard → entry.
fn lookup(files: &[SearchFile], token: &str) -> Vec<(u32, u8)> {
    let shards = manifest(files)["shards"].as_u64().unwrap() as u32;
    let path = format!("search/shards/{}.bin", hash(token) & (shards - 1));
    let entries = decode_shard(file(files, &path), external(files, &path)).expect("shard decodes");
    entries
        .into_iter()
        .find(|(t, _)| t == token)
        .map(|(_, ps)| ps.iter().map(|p| (p.doc, p.mask)).collect())
        .unwrap_or_default()
}

/// Loader of a shard's external postings files.
fn external<'a>(files: &'a [SearchFile], shard: &str) -> impl Fn(usize) -> Option<Vec<u8>> + 'a {
    let stem = shard.trim_end_matches(".bin").to_string();
    move |i| {
        let p = format!("{stem}-{i}.bin");
        files.iter().find(|f| f.path == p).map(|f| f.bytes.clone())
    }
}

fn doc_url(files: &[SearchFile], id: u32) -> String {
    let v: serde_json::Value = serde_json::from_slice(file(files, &format!("search/fragments/{id}.json"))).unwrap();
    v["u"].as_str().unwrap().to_string()
}

#[test]
fn build_is_deterministic() {
    let a = build_index(&corpus());
    let mut reversed = corpus();
    reversed.reverse();
    let b = build_index(&reversed);
    assert_eq!(a, b, "same docs in any order give byte-identical files");
}

#[test]
fn shards_decode_to_the_right_docs_and_fields() {
    let files = build_index(&corpus());
    // Traditional text is indexed folded: 让我先来 (title, bit 0) is in /b/.
    let hits = lookup(&files, &fold("讓我"));
    assert_eq!(hits.len(), 1);
    assert_eq!(doc_url(&files, hits[0].0), "/b/");
    assert_eq!(hits[0].1 & 1, 1, "title bit");
    // Trigram, body field (bit 4).
    let hits = lookup(&files, "工作品");
    assert_eq!(doc_url(&files, hits[0].0), "/a/");
    assert_ne!(hits[0].1 & (1 << 4), 0);
    // Words are folded (full-width/case) and indexed whole.
    assert_eq!(lookup(&files, "abc1").len(), 1);
    assert_eq!(lookup(&files, "party").len(), 1);
    assert!(lookup(&files, "ABC1").is_empty());
}

#[test]
fn every_token_is_in_its_hash_shard_and_sorted() {
    let files = build_index(&corpus());
    let shards = manifest(&files)["shards"].as_u64().unwrap() as u32;
    let is_shard = |p: &str| p.starts_with("search/shards/") && !p.contains('-');
    for f in files.iter().filter(|f| is_shard(&f.path)) {
        let entries = decode_shard(&f.bytes, external(&files, &f.path)).unwrap();
        let names: Vec<&String> = entries.iter().map(|e| &e.0).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        for (t, ps) in &entries {
            assert_eq!(f.path, format!("search/shards/{}.bin", hash(t) & (shards - 1)));
            assert!(ps.windows(2).all(|w| w[0].doc < w[1].doc), "postings sorted by doc");
        }
    }
}

#[test]
fn big_postings_lists_live_in_their_own_files() {
    let docs: Vec<SearchDoc> =
        (0..400).map(|i| doc(&format!("/d{i}/"), "党建", "某局", "2020", &format!("工作{i}"))).collect();
    let files = build_index(&docs);
    assert!(files.iter().any(|f| f.path.starts_with("search/shards/") && f.path.contains('-')));
    assert_eq!(lookup(&files, "党建").len(), 400);
    assert_eq!(lookup(&files, "工作").len(), 400);
    assert_eq!(lookup(&files, "399").len(), 1);
}

#[test]
fn facets_decode_with_counts() {
    let files = build_index(&corpus());
    let m = manifest(&files);
    assert_eq!(m["docs"], 3);
    let org = &m["facets"][0];
    assert_eq!(org["name"], "org");
    // In pinyin order, as the site's filters are: 长春 (cháng) before 珠海.
    assert_eq!(org["values"], serde_json::json!(["长春市司法局", "珠海市财政局"]));
    assert_eq!(org["counts"], serde_json::json!([1, 2]));
    let col = decode_facet(file(&files, "search/facets/0.bin"), 3).unwrap();
    assert_eq!(col.iter().filter(|v| v == &&vec![1]).count(), 2);
    // Multi-valued facets are stored inverted and decode to the same per-doc form.
    let mut docs = corpus();
    docs[0].facets.push(("tags".into(), vec!["甲".into(), "乙".into()]));
    docs[1].facets.push(("tags".into(), vec!["乙".into()]));
    let files = build_index(&docs);
    let tags = manifest(&files)["facets"].as_array().unwrap().iter().position(|f| f["name"] == "tags").unwrap();
    let bytes = file(&files, &format!("search/facets/{tags}.bin"));
    assert_eq!(bytes[0], 1);
    let mut col = decode_facet(bytes, 3).unwrap();
    col.sort();
    // 甲 (jiǎ) before 乙 (yǐ).
    assert_eq!(col, vec![vec![], vec![0, 1], vec![1]]);
}
