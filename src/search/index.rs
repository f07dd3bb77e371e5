//! Building the index files from the site's search documents.
//!
//! Work is split in contiguous runs of documents processed in parallel (rayon); each run
//! produces token → postings maps in doc-id order, merged in run order, so postings stay sorted
//! without a global sort and the output is byte-identical whatever the thread count.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;
use serde_json::json;

use super::format::{
    encode_packed, encode_postings, external_ref, put_bits, put_token, put_varint, Posting, FLAG_EXTERNAL, FLAG_NO_TF,
    FLAG_PACKED, FLAG_PASSAGE, GROUP_LISTS,
};
use super::tokenize::{hash, token_text, tokenize, Token};
use super::{SearchDoc, SearchFile};
use crate::chinese::fold::{char_map, fold};
use base64::Engine;
use std::borrow::Borrow;

/// Field order: the bit of the field in a posting's mask, and its ranking weight.
pub const FIELDS: [(&str, f32); 8] = [
    ("title", 6.0),
    ("brand", 6.0),
    ("org", 4.0),
    ("description", 2.0),
    ("body", 1.0),
    ("tags", 2.5),
    ("honours", 2.0),
    ("sources", 1.5),
];

/// Facets always listed first, in this order; other facet names follow sorted.
/// Index of the body in [`FIELDS`].
const BODY: usize = 4;

/// Minimum passage length in characters (a passage is what an excerpt is cut from).
const PASSAGE_CHARS: usize = 160;

/// Postings carry the passage of the first body match only for tokens at most this frequent
/// (or at most 1/64 of the docs): for frequent tokens any passage will do, and the byte per
/// posting would dominate the shard.
const PASSAGE_DF_MIN: usize = 128;

/// Tokens in more than 1/DENSE_DIV of the docs drop tf from their postings (see `put_token`).
const DENSE_DIV: usize = 8;

const FACET_ORDER: [&str; 5] = ["org", "region", "type", "year", "tags"];

/// Inline postings bytes aimed at per shard: a query's shards stay a few KB.
const SHARD_TARGET_BYTES: usize = 512;
/// Tokens aimed at per shard at most: the directory part of a shard must stay small too.
const SHARD_TARGET_TOKENS: usize = 24;
const MAX_SHARDS: usize = 4096;

/// Postings lists longer than this get their own file (see `format::FLAG_EXTERNAL`).
const EXTERNAL_BYTES: usize = 384;

/// A fast, deterministic hasher for the packed n-gram keys (SipHash dominates otherwise).
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The postings of a run of documents, grouped by run-local token id (a CSR layout: one
/// allocation instead of one vector per token): token `i` has `postings[offsets[i]..offsets[i + 1]]`,
/// in doc order.
struct RunIndex {
    grams: Vec<(u64, u32)>,
    words: Vec<(String, u32)>,
    offsets: Vec<u32>,
    postings: Vec<Posting>,
}

impl RunIndex {
    fn list(&self, id: u32) -> &[Posting] {
        &self.postings[self.offsets[id as usize] as usize..self.offsets[id as usize + 1] as usize]
    }
}

/// The folded text of each field of `doc`, in [`FIELDS`] order.
fn field_texts(doc: &SearchDoc) -> [String; 8] {
    // Facet values other than org/tags (region, type, year) are visible on the page, so they
    // are searchable too; they ride along with the tags field.
    let extra: Vec<&str> = doc
        .facets
        .iter()
        .filter(|(name, _)| name != "org" && name != "tags")
        .flat_map(|(_, vals)| vals.iter().map(String::as_str))
        .collect();
    let tags = doc.tags.iter().map(String::as_str).chain(extra);
    [
        fold(&doc.title),
        fold(&doc.brand),
        fold(&doc.org.join("\n")),
        fold(&doc.description),
        String::new(), // the body is indexed passage by passage, see `index_doc`
        fold(&tags.collect::<Vec<_>>().join("\n")),
        fold(&doc.honours.join("\n")),
        fold(&doc.sources.join("\n")),
    ]
}

/// Splits a body into passages of at least [`PASSAGE_CHARS`] characters, cut only after a
/// sentence end or a line break (never inside a CJK run, so no n-gram spans two passages).
pub fn passages(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (i, c) in body.char_indices() {
        count += 1;
        if count >= PASSAGE_CHARS && matches!(c, '。' | '！' | '？' | '\n' | '；') {
            let end = i + c.len_utf8();
            out.push(&body[start..end]);
            (start, count) = (end, 0);
        }
    }
    if start < body.len() {
        out.push(&body[start..]);
    }
    out.retain(|p| !p.trim().is_empty());
    out
}

/// One run of documents being inverted. Tokens get run-local dense ids, so the per-posting
/// work is one hash lookup plus array indexing, and postings are appended to one flat vector
/// (sequential writes) and grouped by token once at the end of the run (a counting sort).
struct Run {
    /// Direct-mapped cache in front of `gram_ids` (key, id + 1): CJK text reuses a small
    /// vocabulary, so most lookups end here without probing the hash map.
    cache: Vec<(u64, u32)>,
    gram_ids: FxMap<u64, u32>,
    word_ids: FxMap<String, u32>,
    /// Per token id: 1 + the last doc that used it, and where its posting is in `flat` (one
    /// array: both are read on every occurrence).
    seen: Vec<(u32, u32)>,
    flat: Vec<(u32, Posting)>,
}

const CACHE_BITS: u32 = 14;

impl Run {
    /// A run appending to `flat` (empty; a buffer reused from the thread's previous run, so its
    /// pages are already mapped).
    fn new(flat: Vec<(u32, Posting)>) -> Run {
        Run {
            cache: vec![(0, 0); 1 << CACHE_BITS],
            gram_ids: FxMap::default(),
            word_ids: FxMap::default(),
            seen: Vec::new(),
            flat,
        }
    }

    fn new_id(&mut self) -> u32 {
        self.seen.push((0, 0));
        (self.seen.len() - 1) as u32
    }

    #[inline(always)]
    fn id_of(&mut self, t: Token<'_>) -> u32 {
        match t {
            Token::Gram(k) => {
                let c = (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - CACHE_BITS)) as usize;
                if self.cache[c].0 == k && self.cache[c].1 != 0 {
                    return self.cache[c].1 - 1;
                }
                let id = match self.gram_ids.get(&k) {
                    Some(&id) => id,
                    None => {
                        let id = self.new_id();
                        self.gram_ids.insert(k, id);
                        id
                    }
                };
                self.cache[c] = (k, id + 1);
                id
            }
            Token::Word(w) => match self.word_ids.get(w) {
                Some(&id) => id,
                None => {
                    let id = self.new_id();
                    self.word_ids.insert(w.to_string(), id);
                    id
                }
            },
        }
    }

    /// Records one occurrence of `t` in `doc`, field `bit`, body passage `passage` (0 = none).
    #[inline(always)]
    fn add(&mut self, doc: u32, t: Token<'_>, bit: u8, passage: u8) {
        let id = self.id_of(t) as usize;
        let seen = self.seen[id];
        if seen.0 == doc + 1 {
            let p = &mut self.flat[seen.1 as usize].1;
            p.mask |= bit;
            // tf is capped: beyond 127 ranking no longer changes and one byte suffices.
            p.tf = (p.tf + 1).min(127);
            if p.passage == 0 {
                p.passage = passage;
            }
        } else {
            self.seen[id] = (doc + 1, self.flat.len() as u32);
            self.flat.push((id as u32, Posting { doc, mask: bit, tf: 1, passage }));
        }
    }

    /// Groups the flat postings by token (a counting sort, stable, so each list stays in doc
    /// order); hands the emptied flat buffer back for the next run.
    fn finish(self) -> (RunIndex, Vec<(u32, Posting)>) {
        let n = self.seen.len();
        let mut offsets = vec![0u32; n + 1];
        self.flat.iter().for_each(|(id, _)| offsets[*id as usize + 1] += 1);
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets[..n].to_vec();
        let mut postings = vec![Posting { doc: 0, mask: 0, tf: 0, passage: 0 }; self.flat.len()];
        for &(id, p) in &self.flat {
            let at = &mut fill[id as usize];
            postings[*at as usize] = p;
            *at += 1;
        }
        let mut flat = self.flat;
        flat.clear();
        let grams = self.gram_ids.into_iter().collect();
        let words = self.word_ids.into_iter().collect();
        (RunIndex { grams, words, offsets, postings }, flat)
    }
}

/// The folded texts the index tokenises for `doc`, one per field and one per body passage (no
/// token spans two of them): what a search must match, for tests that compute the expected
/// results by brute force.
pub fn indexed_texts(doc: &SearchDoc) -> Vec<String> {
    let mut texts: Vec<String> = field_texts(doc).into_iter().filter(|t| !t.is_empty()).collect();
    texts.extend(passages(&doc.body).iter().map(|p| fold(p)));
    texts
}

/// Indexes one document (id `id`, body passages `body`) into `run`.
fn index_doc(id: u32, doc: &SearchDoc, body: &[&str], run: &mut Run) {
    let texts = field_texts(doc);
    for (f, text) in texts.iter().enumerate() {
        tokenize(text, |t| run.add(id, t, 1 << f, 0));
    }
    for (p, text) in body.iter().enumerate() {
        let passage = u8::try_from(p + 1).unwrap_or(u8::MAX);
        tokenize(&fold(text), |t| run.add(id, t, 1 << BODY, passage));
    }
}

/// The bytes of text `index_doc` tokenises in `d` (roughly).
fn text_bytes(d: &SearchDoc) -> usize {
    let lists = [&d.org, &d.tags, &d.honours, &d.sources];
    d.title.len()
        + d.brand.len()
        + d.description.len()
        + d.body.len()
        + lists.iter().flat_map(|l| l.iter()).map(String::len).sum::<usize>()
}

/// Inverts all documents (already in id order), in parallel over contiguous runs.
fn invert(docs: &[&SearchDoc], bodies: &[Vec<&str>]) -> Vec<RunIndex> {
    // Many short runs: each thread's flat buffer holds one run at a time, so the peak is the
    // finished postings plus two runs' worth (16 per thread: 1,457 MiB instead of 1,548 at
    // 50,000 cases; the output is the same whatever the number).
    let runs = rayon::current_num_threads().max(1) * 16;
    let run_len = docs.len().div_ceil(runs).max(1);
    docs.par_chunks(run_len)
        .enumerate()
        .map_init(Vec::new, |flat, (r, chunk)| {
            let mut run = Run::new(std::mem::take(flat));
            // About one posting per three bytes of text: reserved up front, the buffer never grows
            // (growing copies it and touches fresh pages).
            let bytes: usize = chunk.iter().map(|d| text_bytes(d)).sum();
            run.flat.reserve(bytes / 3);
            for (i, d) in chunk.iter().enumerate() {
                let id = r * run_len + i;
                index_doc(id as u32, d, &bodies[id], &mut run);
            }
            let (index, buffer) = run.finish();
            *flat = buffer;
            index
        })
        .collect()
}

/// A token of the whole index.
#[derive(Clone, Copy)]
enum Key<'a> {
    Gram(u64),
    Word(&'a str),
}

/// The runs' vocabularies merged: global token ids, and per token where its postings are.
struct Merged<'a> {
    keys: Vec<Key<'a>>,
    /// Token `g`'s pieces are `pieces[starts[g]..starts[g + 1]]`: (run, run-local id), in run
    /// (so doc) order.
    starts: Vec<u32>,
    pieces: Vec<(u32, u32)>,
}

impl Merged<'_> {
    fn pieces(&self, g: usize) -> &[(u32, u32)] {
        &self.pieces[self.starts[g] as usize..self.starts[g + 1] as usize]
    }
}

fn merge(runs: &[RunIndex]) -> Merged<'_> {
    let mut gram_ids: FxMap<u64, u32> = FxMap::default();
    let mut word_ids: FxMap<&str, u32> = FxMap::default();
    let mut keys: Vec<Key<'_>> = Vec::new();
    // Per run: run-local id → global id.
    let mut global: Vec<Vec<u32>> = Vec::with_capacity(runs.len());
    for run in runs {
        let mut g = vec![0u32; run.offsets.len() - 1];
        for &(k, id) in &run.grams {
            g[id as usize] = *gram_ids.entry(k).or_insert_with(|| {
                keys.push(Key::Gram(k));
                keys.len() as u32 - 1
            });
        }
        for (w, id) in &run.words {
            g[*id as usize] = *word_ids.entry(w.as_str()).or_insert_with(|| {
                keys.push(Key::Word(w));
                keys.len() as u32 - 1
            });
        }
        global.push(g);
    }
    let mut starts = vec![0u32; keys.len() + 1];
    global.iter().flatten().for_each(|&g| starts[g as usize + 1] += 1);
    for i in 0..keys.len() {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts[..keys.len()].to_vec();
    let mut pieces = vec![(0u32, 0u32); starts[keys.len()] as usize];
    for (r, g) in global.iter().enumerate() {
        for (id, &g) in g.iter().enumerate() {
            let at = &mut fill[g as usize];
            pieces[*at as usize] = (r as u32, id as u32);
            *at += 1;
        }
    }
    Merged { keys, starts, pieces }
}

/// Number of shards for `inline_bytes` of inline postings: a power of two so the client can mask the hash.
fn shard_count(inline_bytes: usize, tokens: usize) -> usize {
    (inline_bytes / SHARD_TARGET_BYTES)
        .max(tokens / SHARD_TARGET_TOKENS)
        .clamp(1, MAX_SHARDS)
        .next_power_of_two()
        .min(MAX_SHARDS)
}

/// Token `g`'s postings, gathered from its runs into `scratch` (borrowed when one run holds
/// them all).
fn postings_of<'a>(
    merged: &Merged<'_>,
    runs: &'a [RunIndex],
    g: usize,
    scratch: &'a mut Vec<Posting>,
) -> &'a [Posting] {
    match merged.pieces(g) {
        [(r, id)] => runs[*r as usize].list(*id),
        pieces => {
            scratch.clear();
            for &(r, id) in pieces {
                scratch.extend_from_slice(runs[r as usize].list(id));
            }
            scratch
        }
    }
}

/// Encodes the inverted index into shard files.
fn write_shards(runs: &[RunIndex], docs: usize, out: &mut Vec<SearchFile>) -> usize {
    let merged = merge(runs);
    let texts: Vec<String> = merged
        .keys
        .par_iter()
        .map(|k| match *k {
            Key::Gram(k) => token_text(&Token::Gram(k)),
            Key::Word(w) => w.to_string(),
        })
        .collect();
    let df: Vec<usize> = (0..texts.len())
        .into_par_iter()
        .map(|g| merged.pieces(g).iter().map(|&(r, id)| runs[r as usize].list(id).len()).sum())
        .collect();
    // Only small lists stay inline, so they alone size the shards.
    let inline: usize = df.iter().map(|n| n * 3).filter(|&b| b <= EXTERNAL_BYTES).sum();
    let shards = shard_count(inline, texts.len());
    let passage_df = PASSAGE_DF_MIN.max(docs / 64);
    let shard_of: Vec<u32> = texts.par_iter().map(|t| hash(t) & (shards as u32 - 1)).collect();
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); shards];
    for (g, &s) in shard_of.iter().enumerate() {
        buckets[s as usize].push(g as u32);
    }
    let files: Vec<Vec<SearchFile>> = buckets
        .into_par_iter()
        .enumerate()
        .map_init(Vec::new, |scratch, (i, mut toks)| {
            toks.sort_unstable_by(|&a, &b| texts[a as usize].cmp(&texts[b as usize]));
            let mut files = Vec::new();
            let mut bytes = Vec::new();
            // Big lists of this shard, packed GROUP_LISTS per file in entry order.
            let mut group: Vec<u8> = Vec::new();
            let mut in_group = 0;
            put_varint(&mut bytes, toks.len() as u64);
            for &g in &toks {
                let text = &texts[g as usize];
                let postings = postings_of(&merged, runs, g as usize, scratch);
                let n = postings.len();
                let mut flags = if n <= passage_df { FLAG_PASSAGE } else { 0 };
                if n * DENSE_DIV > docs {
                    flags |= FLAG_NO_TF;
                }
                // Every posting takes at least a byte: longer lists are big without encoding.
                let body = if n > EXTERNAL_BYTES { Vec::new() } else { encode_postings(postings, flags) };
                if n > EXTERNAL_BYTES || body.len() > EXTERNAL_BYTES {
                    if in_group == GROUP_LISTS {
                        let path = format!("search/shards/{i}-{}.bin", files.len());
                        files.push(SearchFile { path, bytes: std::mem::take(&mut group) });
                        in_group = 0;
                    }
                    // Group files travel uncompressed: big lists are bit-packed.
                    let body = encode_packed(postings, flags);
                    let r = external_ref(files.len(), group.len(), body.len());
                    put_token(&mut bytes, text, n, flags | FLAG_EXTERNAL | FLAG_PACKED, &r);
                    group.extend_from_slice(&body);
                    in_group += 1;
                } else {
                    put_token(&mut bytes, text, n, flags, &body);
                }
            }
            if in_group > 0 {
                let path = format!("search/shards/{i}-{}.bin", files.len());
                files.push(SearchFile { path, bytes: group });
            }
            let path = format!("search/shards/{i}.bin");
            files.push(SearchFile { path, bytes });
            files
        })
        .collect();
    out.extend(files.into_iter().flatten());
    shards
}

/// A facet's values (sorted) and how many documents hold each.
struct Facet {
    name: String,
    values: Vec<String>,
    counts: Vec<u32>,
}

/// A facet column, per doc (mode 0): `varint n, n × varint value`; the fallback for columns
/// where some doc has several values but the inverted form is larger.
fn doc_column(ids: &[Vec<usize>]) -> Vec<u8> {
    let mut bytes = vec![0];
    for vals in ids {
        put_varint(&mut bytes, vals.len() as u64);
        vals.iter().for_each(|&v| put_varint(&mut bytes, v as u64));
    }
    bytes
}

/// Per doc, the code of a single-valued column: 0 = no value, `v + 1` = value `v`.
fn codes(ids: &[Vec<usize>]) -> Vec<u32> {
    ids.iter().map(|v| v.first().map_or(0, |&x| x as u32 + 1)).collect()
}

/// A single-valued facet column, run-length encoded (mode 2): `varint runs, (code, length)*`.
/// Docs are numbered by org, region, year and type, so those columns are long runs.
fn run_column(codes: &[u32]) -> Vec<u8> {
    let mut runs: Vec<(u32, usize)> = Vec::new();
    for &c in codes {
        match runs.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => runs.push((c, 1)),
        }
    }
    let mut bytes = vec![2];
    put_varint(&mut bytes, runs.len() as u64);
    for (c, n) in runs {
        put_varint(&mut bytes, u64::from(c));
        put_varint(&mut bytes, n as u64);
    }
    bytes
}

/// A single-valued facet column, bit-packed (mode 3): `u8 bits`, then a `bits`-wide code per doc.
fn packed_column(codes: &[u32], values: usize) -> Vec<u8> {
    let bits = usize::BITS - values.leading_zeros(); // codes go up to `values`
    let mut packed = Vec::with_capacity((codes.len() * bits as usize).div_ceil(8));
    for (d, &c) in codes.iter().enumerate() {
        put_bits(&mut packed, d * bits as usize, bits, c);
    }
    let mut bytes = vec![3, bits as u8];
    bytes.extend_from_slice(&packed);
    bytes
}

/// A facet column, per value (mode 1): `varint count, count × varint doc-gap`. Multi-valued
/// facets (tags) are random per doc; their doc lists gzip to about half the per-doc form.
fn inverted_column(ids: &[Vec<usize>], values: usize) -> Vec<u8> {
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); values];
    for (d, vals) in ids.iter().enumerate() {
        vals.iter().for_each(|&v| lists[v].push(d as u32));
    }
    let mut bytes = vec![1];
    for list in lists {
        put_varint(&mut bytes, list.len() as u64);
        let mut prev = 0;
        for d in list {
            put_varint(&mut bytes, u64::from(d - prev));
            prev = d;
        }
    }
    bytes
}

/// Builds facet dictionaries and one column file per facet (`facets/<i>.bin`).
fn write_facets(docs: &[&SearchDoc], out: &mut Vec<SearchFile>) -> Vec<Facet> {
    let mut names: Vec<String> = docs.iter().flat_map(|d| d.facets.iter().map(|(n, _)| n.clone())).collect();
    names.sort_by_key(|n| (FACET_ORDER.iter().position(|o| o == n).unwrap_or(99), n.clone()));
    names.dedup();
    let mut facets = Vec::new();
    for (fi, name) in names.into_iter().enumerate() {
        let vals_of = |d: &SearchDoc| -> Vec<String> {
            let mut v: Vec<String> =
                d.facets.iter().filter(|(n, _)| *n == name).flat_map(|(_, v)| v.iter().cloned()).collect();
            v.sort();
            v.dedup();
            v
        };
        let per_doc: Vec<Vec<String>> = docs.iter().map(|d| vals_of(d)).collect();
        let mut values: Vec<String> = per_doc.iter().flatten().cloned().collect();
        values.sort();
        values.dedup();
        // Listed in pinyin order, as the site's term lists are (code-point order puts 财政局 last).
        let pinyin = crate::chinese::PinyinOrder::new();
        values.sort_by_cached_key(|v| (pinyin.key(v), v.clone()));
        let index: HashMap<&str, usize> = values.iter().enumerate().map(|(i, v)| (v.as_str(), i)).collect();
        let ids: Vec<Vec<usize>> =
            per_doc.iter().map(|vals| vals.iter().map(|v| index[v.as_str()]).collect()).collect();
        let mut counts = vec![0u32; values.len()];
        ids.iter().flatten().for_each(|&i| counts[i] += 1);
        let multi = ids.iter().any(|v| v.len() > 1);
        // The smallest encoding wins (binary files travel uncompressed from most hosts).
        let candidates = if multi {
            vec![inverted_column(&ids, values.len()), doc_column(&ids)]
        } else {
            let c = codes(&ids);
            vec![run_column(&c), packed_column(&c, values.len()), inverted_column(&ids, values.len())]
        };
        let bytes = candidates.into_iter().min_by_key(Vec::len).unwrap_or_default();
        facets.push(Facet { name, values, counts });
        out.push(SearchFile { path: format!("search/facets/{fi}.bin"), bytes });
    }
    facets
}

/// The line of a document's other visible fields (brand, org, tags, honours, sources): the
/// client matches phrases against it but takes excerpts only from the description and body.
fn head_meta(d: &SearchDoc) -> String {
    let mut meta: Vec<String> = Vec::new();
    let mut add = |label: &str, vals: &[String]| {
        let vals: Vec<&str> = vals.iter().map(String::as_str).filter(|v| !v.is_empty()).collect();
        if !vals.is_empty() {
            meta.push(format!("{label}：{}", vals.join("、")));
        }
    };
    add("品牌", std::slice::from_ref(&d.brand));
    add("单位", &d.org);
    add("标签", &d.tags);
    add("荣誉", &d.honours);
    add("来源", &d.sources);
    meta.join(" · ")
}

/// The fold-map entries for the Traditional characters in `texts`, as aligned strings
/// `[t, s]`: the client highlights matches in a Traditional page without fetching map blocks
/// for the page's characters (Simplified pages get two empty strings).
fn fold_map_for(texts: &[&str]) -> [String; 2] {
    let map = char_map();
    let mut pairs: Vec<(char, char)> =
        texts.iter().flat_map(|t| t.chars()).filter_map(|c| map.get(c).map(|s| (c, s))).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let (t, s) = pairs.into_iter().unzip();
    [t, s]
}

/// Per facet, value → its index in the facet's list (which is in pinyin order, not code-point
/// order, so it cannot be binary-searched).
fn value_indices(facets: &[Facet]) -> Vec<HashMap<&str, usize>> {
    facets.iter().map(|f| f.values.iter().enumerate().map(|(i, v)| (v.as_str(), i)).collect()).collect()
}

/// The document's facet value indices, per facet (so few results need no facet column).
fn facet_ids(d: &SearchDoc, facets: &[Facet], indices: &[HashMap<&str, usize>]) -> Vec<Vec<usize>> {
    facets
        .iter()
        .zip(indices)
        .map(|(f, index)| {
            let mut ids: Vec<usize> = d
                .facets
                .iter()
                .filter(|(n, _)| *n == f.name)
                .flat_map(|(_, vs)| vs.iter().filter_map(|v| index.get(v.as_str()).copied()))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect()
}

/// Body passages carried in the head file (the usual excerpt source when the head has none).
const HEAD_PASSAGES: usize = 1;

/// A head fragment (see [`write_fragments`]); fields in key order, as a JSON object of them
/// was written before.
#[derive(serde::Serialize)]
struct Head<'a> {
    d: &'a str,
    f: &'a [String; 2],
    k: &'a str,
    m: &'a [Vec<usize>],
    n: usize,
    p: &'a [&'a str],
    t: &'a str,
    u: &'a str,
    x: &'a str,
    y: &'a str,
}

/// Per document: `fragments/<id>.json` (what a shown result needs: url, title, date, kind,
/// description, line of names, passage count, the first passages) and `fragments/<id>-p.json`, the remaining
/// body passages, fetched only when the excerpt comes from them. Two files per document.
/// Emits each document's fragment files; returns their digests in document order.
fn write_fragments(
    docs: &[&SearchDoc],
    bodies: &[Vec<&str>],
    facets: &[Facet],
    emit: &(dyn Fn(SearchFile) + Sync),
) -> Vec<blake3::Hash> {
    let indices = value_indices(facets);
    let digests: Vec<Vec<blake3::Hash>> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let ps: Vec<&str> = bodies[i].iter().map(|p| p.trim()).collect();
            let x = d.description.trim();
            let y = head_meta(d);
            let f = fold_map_for(&[&d.title, x, &y, &d.body]);
            let m = facet_ids(d, facets, &indices);
            let (first, rest) = ps.split_at(ps.len().min(HEAD_PASSAGES));
            let head =
                Head { d: &d.date, f: &f, k: &d.kind, m: &m, n: ps.len(), p: first, t: &d.title, u: &d.url, x, y: &y };
            let bytes = serde_json::to_vec(&head).unwrap_or_default();
            let mut v = vec![SearchFile { path: format!("search/fragments/{i}.json"), bytes }];
            if !rest.is_empty() {
                v.push(SearchFile {
                    path: format!("search/fragments/{i}-p.json"),
                    bytes: serde_json::to_vec(rest).unwrap_or_default(),
                });
            }
            v.into_iter()
                .map(|file| {
                    let digest = file_digest(&file);
                    emit(file);
                    digest
                })
                .collect()
        })
        .collect();
    digests.into_iter().flatten().collect()
}

/// The fold map for the client, split by 512-code-point block of the Traditional character so
/// a query fetches only the blocks of its own characters: `t2s/<block>.json` holds two aligned
/// strings `{"t": …, "s": …}`. Returns the blocks written, for the manifest.
fn write_t2s(out: &mut Vec<SearchFile>) -> Vec<u32> {
    let mut blocks: Vec<(u32, String, String)> = Vec::new();
    for &(t, s) in char_map().pairs() {
        let b = t as u32 >> 9;
        if blocks.last().is_none_or(|l| l.0 != b) {
            blocks.push((b, String::new(), String::new()));
        }
        if let Some(l) = blocks.last_mut() {
            l.1.push(t);
            l.2.push(s);
        }
    }
    for (b, t, s) in &blocks {
        out.push(SearchFile {
            path: format!("search/t2s/{b}.json"),
            bytes: json!({"t": t, "s": s}).to_string().into_bytes(),
        });
    }
    blocks.into_iter().map(|b| b.0).collect()
}

/// Which characters of [`CJK_UNIFIED`](crate::chinese::fold::CJK_UNIFIED) the fold map changes, as a
/// bitset (bit `c − 0x4E00`, least significant bit first) in base64: the client then knows that
/// a Simplified query needs no fold-map block at all (about 1.8 KB gzip in the manifest,
/// against a block of ~400 bytes and a round trip for most characters of every query).
fn traditional_bits() -> String {
    // Standard alphabet with padding: what the client's `atob` reads.
    base64::engine::general_purpose::STANDARD.encode(char_map().cjk_bitset())
}

/// The sort key that numbers documents: first org, region, year, type.
fn facet_key(d: &SearchDoc) -> Vec<String> {
    let first =
        |name: &str| d.facets.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.first()).cloned().unwrap_or_default();
    let org = d.org.first().cloned().unwrap_or_else(|| first("org"));
    vec![org, first("region"), first("year"), first("type")]
}

/// Builds every search file; deterministic: same input, byte-identical output.
pub fn build_index<D: Borrow<SearchDoc> + Sync>(docs: &[D]) -> Vec<SearchFile> {
    let collected = std::sync::Mutex::new(Vec::new());
    build_index_with(docs, &|file| collected.lock().unwrap_or_else(|e| e.into_inner()).push(file));
    let mut files = collected.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// [`build_index`], handing every file to `emit` as soon as it is made (from any thread), so
/// a build writes the per-document fragments (most of the index) without holding them all.
pub fn build_index_with<D: Borrow<SearchDoc> + Sync>(docs: &[D], emit: &(dyn Fn(SearchFile) + Sync)) {
    // Dense ids ordered by facet values, then url: facet columns become runs and compress.
    let lap = Lap::new();
    let mut ordered: Vec<&SearchDoc> = docs.iter().map(Borrow::borrow).collect();
    ordered.sort_by_cached_key(|d| (facet_key(d), d.url.clone()));
    lap.lap("order docs");
    let mut files = Vec::new();
    let t2s = write_t2s(&mut files);
    lap.lap("t2s");
    // Body passages, cut once for the fragments and the inversion.
    let bodies: Vec<Vec<&str>> = ordered.par_iter().map(|d| passages(&d.body)).collect();
    lap.lap("passages");
    // Facets and fragments run beside the inversion (facets are serial).
    let ((facets, fragment_digests), inv) = rayon::join(
        || {
            let facets = write_facets(&ordered, &mut files);
            lap.lap("facets");
            let digests = write_fragments(&ordered, &bodies, &facets, emit);
            lap.lap("fragments");
            (facets, digests)
        },
        || invert(&ordered, &bodies),
    );
    lap.lap("invert");
    let before_fragments = files.len();
    let shards = write_shards(&inv, ordered.len(), &mut files);
    lap.lap("shards");
    // The version covers every file in the order t2s, facets, fragments, shards. Files are
    // hashed in parallel, then their digests in order.
    let digests: Vec<blake3::Hash> = files.par_iter().map(file_digest).collect();
    let mut hasher = blake3::Hasher::new();
    let in_order = digests[..before_fragments].iter().chain(&fragment_digests).chain(&digests[before_fragments..]);
    in_order.for_each(|d| {
        hasher.update(d.as_bytes());
    });
    let version = hasher.finalize().to_hex()[..16].to_string();
    let manifest = json!({
        "version": version,
        "docs": ordered.len(),
        "shards": shards,
        "fields": FIELDS.iter().map(|f| f.0).collect::<Vec<_>>(),
        "weights": FIELDS.iter().map(|f| f.1).collect::<Vec<_>>(),
        "facets": facets.iter().map(|f| json!({"name": f.name, "values": f.values, "counts": f.counts})).collect::<Vec<_>>(),
        "t2s": t2s,
        "trad": traditional_bits(),
    });
    lap.lap("digest");
    files.push(SearchFile { path: super::MANIFEST.into(), bytes: manifest.to_string().into_bytes() });
    files.into_par_iter().for_each(emit);
    lap.lap("manifest, emit");
}

fn file_digest(f: &SearchFile) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(f.path.as_bytes());
    h.update(&(f.bytes.len() as u64).to_le_bytes());
    h.update(&f.bytes);
    h.finalize()
}

/// Phase end times of `build_index` (ms since it started), printed when `XIANFENG_PROFILE` is
/// set. Facets and fragments run beside the inversion, so their times overlap it.
struct Lap(Option<std::time::Instant>);

impl Lap {
    fn new() -> Lap {
        Lap(std::env::var_os("XIANFENG_PROFILE").map(|_| std::time::Instant::now()))
    }

    fn lap(&self, what: &str) {
        if let Some(t) = &self.0 {
            eprintln!("search index {what:>24} done at {:>6.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_documents_facet_ids_point_at_its_values_in_a_pinyin_ordered_list() {
        // 案例汇编 (àn) sorts before 党建品牌 (dǎng) in pinyin, after it by code point.
        use super::{facet_ids, value_indices, Facet, SearchDoc};
        let facets =
            vec![Facet {
                name: "type".into(), values: vec!["案例汇编".into(), "党建品牌".into()], counts: vec![1, 1]
            }];
        let doc = |v: &str| SearchDoc { facets: vec![("type".into(), vec![v.into()])], ..Default::default() };
        let indices = value_indices(&facets);
        assert_eq!(facet_ids(&doc("案例汇编"), &facets, &indices), vec![vec![0]]);
        assert_eq!(facet_ids(&doc("党建品牌"), &facets, &indices), vec![vec![1]]);
    }

    #[test]
    fn traditional_bits_mark_traditional_characters_only() {
        use base64::Engine;
        let bits = base64::engine::general_purpose::STANDARD.decode(super::traditional_bits()).unwrap();
        let (lo, hi) = (*crate::chinese::fold::CJK_UNIFIED.start(), *crate::chinese::fold::CJK_UNIFIED.end());
        assert_eq!(bits.len() as u32, (hi - lo + 1).div_ceil(8));
        let set = |c: char| (bits[((c as u32 - lo) >> 3) as usize] >> ((c as u32 - lo) & 7)) & 1 == 1;
        assert!(set('讓') && set('來') && set('黨'));
        assert!(!set('让') && !set('来') && !set('党'));
        // Exactly the mapped characters of the block, by the map's own pairs.
        let mapped: std::collections::HashSet<u32> = super::char_map().pairs().iter().map(|p| p.0 as u32).collect();
        for c in lo..=hi {
            assert_eq!(set(char::from_u32(c).unwrap()), mapped.contains(&c), "U+{c:X}");
        }
    }
}
