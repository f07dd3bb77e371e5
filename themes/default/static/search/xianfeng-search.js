// xianfeng-search.js: the dependency-free client of xianfeng's build-time search index.
//
// export async function search(query, {filters, limit, facets}) ->
//   {total, exact, results: [{url, title, titleHtml, excerpt, meta}], facets: {name: [[value, count]]}}
// export async function preload(query, {limit, facets}): starts what search() will download.
//
// The index lives next to this file (`new URL('./', import.meta.url)`), so the site works from
// any base path. File formats: src/search/format.rs. Folding and tokenising mirror
// src/chinese/fold.rs and src/search/tokenize.rs exactly: NFKC, Traditional→Simplified per
// character (the map ships in blocks, fetched for the query's own characters), lowercase; CJK
// runs become uni-/bi-/trigrams, letter/digit runs words.

const BASE = new URL('./', import.meta.url);
const K1 = 1.2;
const BODY = 4;
const HIGH_FIELDS = 0b111; // title, brand, org: a phrase wholly in one of them ranks higher
const RELAX_BELOW = 10; // relax (non-adjacent bigrams) when fewer exact hits than this
const EXCERPT_CHARS = 110;

const files = new Map(); // path -> Promise
let manifestP = null;
const t2s = new Map(); // Traditional char -> Simplified char (blocks loaded so far)
const t2sBlocks = new Map(); // block -> Promise
const shards = new Map(); // shard index -> Promise<{buf, entries: Map}>
const facetCols = new Map(); // facet index -> Promise<Array<Uint32Array|number[]>>

function fetchFile(path, kind) {
  if (!files.has(path)) {
    const p = manifest().then((m) => get(`${path}?v=${m.version}`, kind));
    p.catch(() => files.delete(path)); // a failed fetch may be retried later
    files.set(path, p);
  }
  return files.get(path);
}

async function get(path, kind) {
  const res = await fetch(new URL(path, BASE));
  if (!res.ok) throw new Error(`search: ${path}: HTTP ${res.status}`);
  if (kind === 'json') return res.json();
  if (kind === 'text') return res.text();
  return new Uint8Array(await res.arrayBuffer());
}

/** The manifest (fetched once). */
export function manifest() {
  if (!manifestP) {
    manifestP = get('manifest.json', 'json');
    manifestP.catch(() => { manifestP = null; });
  }
  return manifestP;
}

// ---- folding -------------------------------------------------------------------------------

const isCjk = (cp) => (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff)
  || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af);
const WORD_RE = /[\p{L}\p{N}]/u;
const isWordChar = (ch, cp) => (cp < 0x80 ? /[A-Za-z0-9]/.test(ch) : !isCjk(cp) && WORD_RE.test(ch));

let tradBits = null; // manifest.trad decoded: which of U+4E00..U+9FFF are Traditional

/** May `cp` have a fold-map entry? Exactly known for U+4E00..U+9FFF (the manifest's bitset). */
function mayFold(m, cp) {
  if (m.trad && cp >= 0x4e00 && cp <= 0x9fff) {
    if (!tradBits) tradBits = Uint8Array.from(atob(m.trad), (c) => c.charCodeAt(0));
    const i = cp - 0x4e00;
    return (tradBits[i >> 3] >> (i & 7)) & 1;
  }
  return true;
}

/** Loads the fold-map blocks the characters of `text` need (none for a Simplified query). */
async function loadFoldMap(text) {
  const m = await manifest();
  const have = new Set(m.t2s);
  const need = new Set();
  for (const ch of text.normalize('NFKC')) {
    const cp = ch.codePointAt(0);
    if (have.has(cp >> 9) && !t2s.has(ch) && mayFold(m, cp)) need.add(cp >> 9);
  }
  await Promise.all([...need].map((b) => {
    if (!t2sBlocks.has(b)) {
      const p = fetchFile(`t2s/${b}.json`, 'json').then(({ t, s }) => {
        const tt = [...t]; const ss = [...s];
        tt.forEach((c, i) => t2s.set(c, ss[i]));
      });
      p.catch(() => t2sBlocks.delete(b));
      t2sBlocks.set(b, p);
    }
    return t2sBlocks.get(b);
  }));
}

const foldChar = (ch) => (t2s.get(ch) || ch).toLowerCase();

/** Folds text as the index did (the needed map blocks must be loaded). */
export function fold(text) {
  let out = '';
  for (const ch of text.normalize('NFKC')) out += foldChar(ch);
  return out;
}

/** Folds `text` one character at a time, keeping for each folded UTF-16 unit the index of
 *  the original character it came from (for highlighting). */
function foldMapped(text) {
  const chars = [...text];
  let folded = '';
  const from = [];
  chars.forEach((ch, i) => {
    const f = fold(ch);
    folded += f;
    for (let k = 0; k < f.length; k++) from.push(i);
  });
  return { chars, folded, from };
}

// ---- query parsing -------------------------------------------------------------------------

/** Splits folded text into segments: {cjk: true, text} runs of Han, {cjk: false, text} words. */
function segments(text) {
  const out = [];
  let cur = null;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    const kind = isCjk(cp) ? 'c' : isWordChar(ch, cp) ? 'w' : null;
    if (cur && cur.kind === kind) cur.text += ch;
    else {
      if (cur) out.push(cur);
      cur = kind ? { kind, text: ch } : null;
    }
  }
  if (cur) out.push(cur);
  return out.map((s) => ({ cjk: s.kind === 'c', text: s.text }));
}

/** Exact tokens of a segment: the n-grams whose AND (near-)certainly means the substring. */
function exactTokens(seg) {
  if (!seg.cjk) return [seg.text];
  const cs = [...seg.text];
  const n = Math.min(cs.length, 3);
  const out = [];
  for (let i = 0; i + n <= cs.length; i++) out.push(cs.slice(i, i + n).join(''));
  return out;
}

/** Relaxed tokens: disjoint bigrams covering the segment (党建品牌 → 党建, 品牌). */
function relaxedTokens(seg) {
  const cs = [...seg.text];
  if (!seg.cjk || cs.length < 3) return null;
  const out = [];
  for (let i = 0; i + 2 <= cs.length; i += 2) out.push(cs[i] + cs[i + 1]);
  if (cs.length % 2) out.push(cs[cs.length - 2] + cs[cs.length - 1]);
  return out;
}

/** Parses a folded query into terms: quoted phrases and space-separated words. */
function parseQuery(folded) {
  const terms = [];
  const re = /["“”「」『』]([^"“”「」『』]*)["“”「」『』]?|(\S+)/gu;
  for (const m of folded.matchAll(re)) {
    const phrase = m[1] !== undefined;
    const segs = segments(m[1] ?? m[2]);
    if (!segs.length) continue;
    terms.push({ phrase, segs, exact: segs.flatMap(exactTokens),
      relaxed: phrase ? null : relaxTerm(segs), verify: verifyNeedles(phrase, m[1], segs) });
  }
  return terms;
}

/** What the n-grams of a term cannot prove, to check against the text of its hits: a CJK run
 *  of 4+ characters is only known to hold all its trigrams, not them in a row; a quoted phrase
 *  of several segments must appear as written (spaces and punctuation between them too). */
function verifyNeedles(phrase, quoted, segs) {
  if (phrase && segs.length > 1) return [quoted.trim()];
  return segs.filter((s) => s.cjk && [...s.text].length > 3).map((s) => s.text);
}

function relaxTerm(segs) {
  const r = segs.map((s) => relaxedTokens(s));
  if (r.every((x) => !x)) return null;
  return segs.flatMap((s, i) => r[i] || exactTokens(s));
}

// ---- index access --------------------------------------------------------------------------

function hash(text) {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
  return h >>> 0;
}

function varint(buf, st) {
  let v = 0; let mul = 1; let b;
  do {
    b = buf[st.p++];
    v += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80);
  return v;
}

const utf8 = new TextDecoder();

/** Parses a shard's token directory (postings are decoded lazily). */
function parseShard(buf) {
  const st = { p: 0 };
  const entries = new Map();
  const count = varint(buf, st);
  for (let i = 0; i < count; i++) {
    const len = varint(buf, st);
    const text = utf8.decode(buf.subarray(st.p, st.p + len));
    st.p += len;
    const df = varint(buf, st);
    const flags = buf[st.p++];
    const bytes = varint(buf, st);
    entries.set(text, { df, flags, index: i, start: st.p, end: st.p + bytes, decoded: null });
    st.p += bytes;
  }
  return { buf, entries };
}

/** Bit-packed postings (format.rs FLAG_PACKED): Rice-coded gaps, common-mask bit, gamma tf. */
function decodePacked(buf, e, docs, mask, tf, passage) {
  let at = e.start * 8;
  const bit = () => { const b = (buf[at >> 3] >> (at & 7)) & 1; at++; return b; };
  // n ≤ 24 bits, least significant first, a byte (or what is left of it) at a time.
  const read = (n) => {
    let v = 0;
    for (let got = 0; got < n;) {
      const off = at & 7; const take = Math.min(8 - off, n - got);
      v |= ((buf[at >> 3] >> off) & ((1 << take) - 1)) << got;
      got += take; at += take;
    }
    return v;
  };
  const k = read(8); const common = read(8);
  let doc = -1;
  for (let i = 0; i < e.df; i++) {
    let q = 0;
    while (bit()) q++;
    doc += q * 2 ** k + read(k) + 1;
    docs[i] = doc;
    if (e.flags & 2) { mask[i] = bit() ? 0b1 : 0b10000; tf[i] = 1; } else {
      mask[i] = bit() ? read(8) : common;
      let n = 0;
      while (!bit()) n++;
      let t = 1;
      for (let b = 0; b < n; b++) t = t * 2 + bit();
      tf[i] = Math.min(t, 255);
    }
    if (e.flags & 1) passage[i] = read(8);
  }
}

function decodePostings(buf, e) {
  if (e.decoded) return e.decoded;
  const st = { p: e.start };
  const docs = new Uint32Array(e.df);
  const mask = new Uint8Array(e.df);
  const tf = new Uint8Array(e.df);
  const passage = new Uint8Array(e.df);
  let doc = 0;
  const dense = e.flags & 2;
  if (e.flags & 8) decodePacked(buf, e, docs, mask, tf, passage);
  else for (let i = 0; i < e.df; i++) {
    if (dense) {
      // Dense list: gap << 1 | in-title/brand/org; no tf, no mask (format.rs FLAG_NO_TF).
      const v = varint(buf, st);
      doc += Math.floor(v / 2);
      mask[i] = v % 2 ? 0b1 : 0b10000;
      tf[i] = 1;
    } else {
      doc += varint(buf, st);
      mask[i] = buf[st.p++];
      tf[i] = Math.min(varint(buf, st), 255);
    }
    docs[i] = doc;
    if (e.flags & 1) passage[i] = buf[st.p++];
  }
  e.decoded = { df: e.df, docs, mask, tf, passage, byDoc: positions(docs) };
  return e.decoded;
}

let docCount = 0; // manifest.docs, set before any list is decoded

/** doc → index in a sorted doc list: a dense table for long lists (one array read; lists of a
 *  few thousand docs are looked up for every hit), binary search for short ones. */
function positions(docs) {
  if (docs.length > 64 && docCount) {
    const at = new Int32Array(docCount + 1).fill(-1);
    for (let i = 0; i < docs.length; i++) at[docs[i]] = i;
    const get = (d) => { const i = d < at.length ? at[d] : -1; return i < 0 ? undefined : i; };
    return { get, has: (d) => get(d) !== undefined };
  }
  const get = (d) => {
    let lo = 0; let hi = docs.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (docs[mid] < d) lo = mid + 1; else hi = mid; }
    return lo < docs.length && docs[lo] === d ? lo : undefined;
  };
  return { get, has: (d) => get(d) !== undefined };
}

const EMPTY = { df: 0, docs: new Uint32Array(0), mask: new Uint8Array(0), tf: new Uint8Array(0),
  passage: new Uint8Array(0), byDoc: positions(new Uint32Array(0)) };

/** Shard `s` (its token directory and inline postings), fetched once. */
function shardFile(s) {
  if (!shards.has(s)) {
    const p = fetchFile(`shards/${s}.bin`, 'bin').then(parseShard);
    p.catch(() => shards.delete(s));
    shards.set(s, p);
  }
  return shards.get(s);
}

/** Starts fetching the shards of `tokens` (not their group files). */
function prefetchShards(m, tokens) {
  for (const t of new Set(tokens)) shardFile(hash(t) & (m.shards - 1)).catch(() => {});
}

/** The postings of each token (fetching only the shards they live in). */
async function postings(tokens) {
  const m = await manifest();
  docCount = m.docs;
  const out = new Map();
  await Promise.all([...new Set(tokens)].map(async (t) => {
    const s = hash(t) & (m.shards - 1);
    const sh = await shardFile(s);
    const e = sh.entries.get(t);
    if (!e) out.set(t, EMPTY);
    else if (e.flags & 4) {
      // Big list in a group file (FLAG_EXTERNAL): the entry holds group, offset, length.
      const st = { p: e.start };
      const group = varint(sh.buf, st); const offset = varint(sh.buf, st); const len = varint(sh.buf, st);
      const buf = await fetchFile(`shards/${s}-${group}.bin`, 'bin');
      if (!e.decoded) e.decoded = decodePostings(buf, { ...e, start: offset, end: offset + len });
      out.set(t, e.decoded);
    } else out.set(t, decodePostings(sh.buf, e));
  }));
  return out;
}

/** A facet column: per doc, the value index (a number) or indices (an array). */
function facetColumn(i) {
  if (!facetCols.has(i)) {
    const p = Promise.all([manifest(), fetchFile(`facets/${i}.bin`, 'bin')]).then(([m, buf]) => {
      const st = { p: 1 };
      const col = new Array(m.docs);
      if (buf[0] === 2) {
        // Run-length codes (0 = no value, v + 1 = value v).
        const runs = varint(buf, st);
        for (let r = 0, d = 0; r < runs; r++) {
          const code = varint(buf, st); const len = varint(buf, st);
          if (code) col.fill(code - 1, d, d + len);
          d += len;
        }
      } else if (buf[0] === 3) {
        // Bit-packed codes, `bits` wide, little-endian bit order.
        const bits = buf[1];
        for (let d = 0, at = 16; d < m.docs; d++, at += bits) {
          let code = 0;
          for (let k = 0; k < bits; k++) code |= ((buf[(at + k) >> 3] >> ((at + k) & 7)) & 1) << k;
          if (code) col[d] = code - 1;
        }
      } else if (buf[0] === 0) {
        for (let d = 0; d < m.docs; d++) {
          const n = varint(buf, st);
          if (n === 1) col[d] = varint(buf, st);
          else {
            const vs = [];
            for (let k = 0; k < n; k++) vs.push(varint(buf, st));
            col[d] = vs;
          }
        }
      } else {
        for (let v = 0; st.p < buf.length; v++) {
          const n = varint(buf, st);
          for (let k = 0, d = 0; k < n; k++) {
            d += varint(buf, st);
            col[d] = col[d] === undefined ? [v] : [].concat(col[d], v);
          }
        }
      }
      return col;
    });
    p.catch(() => facetCols.delete(i));
    facetCols.set(i, p);
  }
  return facetCols.get(i);
}

const valuesOf = (v) => (v === undefined ? [] : typeof v === 'number' ? [v] : v);

// ---- matching and ranking ------------------------------------------------------------------

/** Docs holding every token (smallest list first), as a sorted array. */
function intersect(lists) {
  if (!lists.length) return [];
  const sorted = [...lists].sort((a, b) => a.df - b.df);
  let cur = Array.from(sorted[0].docs);
  for (const l of sorted.slice(1)) {
    cur = cur.filter((d) => l.byDoc.has(d));
    if (!cur.length) break;
  }
  return cur;
}

function idf(n, df) {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Score of a term in a doc: mean BM25-like token score (tf saturation, field boosts via the
 *  mask), boosted when the whole term sits in the title/brand/org (all tokens share that
 *  field), and by passage proximity (all tokens first seen in one passage). */
function termScore(m, lists, tokens, doc) {
  let sum = 0; let common = 0xff; let passage = 0; let onePassage = true;
  for (const t of tokens) {
    const l = lists.get(t);
    const i = l.byDoc.get(doc);
    if (i === undefined) { common = 0; continue; }
    const mask = l.mask[i];
    let w = l.tf[i];
    for (let f = 0; f < m.weights.length; f++) if (f !== BODY && mask & (1 << f)) w += m.weights[f];
    sum += idf(m.docs, l.df) * (w * (K1 + 1)) / (w + K1);
    common &= mask;
    const p = l.passage[i];
    if (p) { if (passage && p !== passage) onePassage = false; passage = p; }
  }
  let score = sum / Math.max(tokens.length, 1);
  if (common & HIGH_FIELDS) score *= 2;
  else if (common) score *= 1.3;
  if (passage && onePassage) score *= 1.2;
  return score;
}

/** Facet value getter: from the heads of the hits when they are all loaded, else the columns. */
async function columnGetter(m, heads, fi) {
  if (heads) return (d) => heads.get(d).m[fi];
  const col = await facetColumn(fi);
  return (d) => col[d];
}

async function filterDocs(m, docs, filters, heads) {
  const active = Object.entries(filters || {}).filter(([, v]) => v && [].concat(v).length);
  for (const [name, vals] of active) {
    const fi = m.facets.findIndex((f) => f.name === name);
    if (fi < 0) return [];
    const want = new Set([].concat(vals).map((v) => m.facets[fi].values.indexOf(String(v))));
    const col = await columnGetter(m, heads, fi);
    docs = docs.filter((d) => {
      const v = col(d);
      return typeof v === 'number' ? want.has(v) : v !== undefined && v.some((x) => want.has(x));
    });
  }
  return docs;
}

/** Facet counts over `docs` (disjunctive: a facet's counts ignore its own filter). */
async function facetCounts(m, docs, filters, heads, names) {
  const out = {};
  await Promise.all(m.facets.map(async (f, fi) => {
    if (names && !names.includes(f.name)) return;
    const others = { ...(filters || {}) };
    delete others[f.name];
    const base = await filterDocs(m, docs, others, heads);
    const col = await columnGetter(m, heads, fi);
    const counts = new Uint32Array(f.values.length);
    for (const d of base) {
      const v = col(d);
      if (typeof v === 'number') counts[v]++;
      else if (v !== undefined) for (const x of v) counts[x]++;
    }
    out[f.name] = [...counts].map((c, v) => [f.values[v], c]).filter(([, c]) => c > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }));
  return out;
}

const rankCache = new Map();

/** Matches and ranks: exact hits first, then relaxed hits (all bigrams, not adjacent). */
async function rank(folded) {
  if (rankCache.has(folded)) return rankCache.get(folded);
  const m = await manifest();
  const terms = parseQuery(folded);
  if (!terms.length) return { terms, hits: [], exact: 0, lists: new Map() };
  // The relaxed tokens' shards come along (a few hundred bytes each): when the exact hits are
  // few, the relaxed match then needs no second round trip (or only for its big lists).
  prefetchShards(m, terms.flatMap((t) => t.relaxed || []));
  const lists = await postings(terms.flatMap((t) => t.exact));
  const exactSets = terms.map((t) => intersect(t.exact.map((x) => lists.get(x))));
  let docs = exactSets.reduce((a, b) => { const s = new Set(b); return a.filter((d) => s.has(d)); });
  const score = (d, key) => terms.reduce((s, t) => s + termScore(m, lists, t[key] || t.exact, d), 0);
  const hits = docs.map((d) => ({ d, s: score(d, 'exact'), exact: true }));
  hits.sort((a, b) => b.s - a.s || a.d - b.d);
  const exact = hits.length;
  if (exact < RELAX_BELOW && terms.some((t) => t.relaxed)) {
    const rl = await postings(terms.flatMap((t) => t.relaxed || []));
    for (const [k, v] of rl) lists.set(k, v);
    const sets = terms.map((t) => intersect((t.relaxed || t.exact).map((x) => lists.get(x))));
    const seen = new Set(docs);
    docs = sets.reduce((a, b) => { const s = new Set(b); return a.filter((d) => s.has(d)); })
      .filter((d) => !seen.has(d));
    const more = docs.map((d) => ({ d, s: score(d, 'relaxed'), exact: false }));
    more.sort((a, b) => b.s - a.s || a.d - b.d);
    hits.push(...more);
  }
  const r = { terms, hits, exact, lists };
  if (rankCache.size > 50) rankCache.clear();
  rankCache.set(folded, r);
  return r;
}

// ---- excerpts ------------------------------------------------------------------------------

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

/** Ranges [start, end) of original characters whose folded text matches a needle. */
function matchRanges(text, needles) {
  const { chars, folded, from } = foldMapped(text);
  const ranges = [];
  for (const n of needles) {
    if (!n) continue;
    for (let i = folded.indexOf(n); i >= 0; i = folded.indexOf(n, i + 1)) {
      ranges.push([from[i], from[i + n.length - 1] + 1, n.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); last[2] += r[2]; } else merged.push([...r]);
  }
  return { chars, ranges: merged };
}

/** HTML of chars[a..b) with `ranges` wrapped in <mark>, everything else escaped. */
function markup(chars, ranges, a, b) {
  let html = ''; let p = a;
  for (const [s, e] of ranges) {
    if (e <= a || s >= b) continue;
    const s2 = Math.max(s, a); const e2 = Math.min(e, b);
    html += escapeHtml(chars.slice(p, s2).join('')) + '<mark>' + escapeHtml(chars.slice(s2, e2).join('')) + '</mark>';
    p = e2;
  }
  return html + escapeHtml(chars.slice(p, b).join(''));
}

/** A window of about EXCERPT_CHARS characters around the best cluster of matches. */
function excerptHtml(text, needles) {
  const { chars, ranges } = matchRanges(text, needles);
  if (!ranges.length) return { html: escapeHtml(chars.slice(0, EXCERPT_CHARS).join('')) + (chars.length > EXCERPT_CHARS ? '…' : ''), hits: 0 };
  let best = 0; let bestWeight = -1;
  for (let i = 0; i < ranges.length; i++) {
    let w = 0;
    for (let j = i; j < ranges.length && ranges[j][0] < ranges[i][0] + EXCERPT_CHARS; j++) w += ranges[j][2];
    if (w > bestWeight) { bestWeight = w; best = i; }
  }
  let a = Math.max(0, ranges[best][0] - 20);
  const b = Math.min(chars.length, a + EXCERPT_CHARS);
  a = Math.max(0, Math.min(a, b - EXCERPT_CHARS));
  return { html: (a > 0 ? '…' : '') + markup(chars, ranges, a, b) + (b < chars.length ? '…' : ''), hits: ranges.length };
}

/** Needles to highlight: the query segments, and for relaxed hits their bigram pieces. */
function needlesFor(terms, exact) {
  const n = terms.flatMap((t) => t.segs.map((s) => s.text));
  if (!exact) for (const t of terms) if (t.relaxed) n.push(...t.relaxed);
  return [...new Set(n)].sort((a, b) => b.length - a.length);
}

const headOf = (d) => fetchFile(`fragments/${d}.json`, 'json');

/** Loads the fold-map entries a head carries (its page's Traditional characters). */
function useHeadMap(head) {
  if (head.f) {
    const s = [...head.f[1]];
    [...head.f[0]].forEach((c, i) => t2s.set(c, s[i]));
  }
}

const docText = new Map(); // doc -> Promise<folded text of head fields>, then of all fields

/** The folded text the index saw for doc `d` (fields and passages, a line each): the head's
 *  (title, head text, facet values, first passages), and with `all` the other passages too. */
function foldedText(m, d, all) {
  const key = all ? `${d}+` : `${d}`;
  if (!docText.has(key)) {
    const p = headOf(d).then(async (head) => {
      useHeadMap(head);
      const parts = [head.t, head.x, head.y || '', ...(head.p || [])];
      m.facets.forEach((f, fi) => { for (const v of valuesOf(head.m?.[fi])) parts.push(f.values[v]); });
      if (all && head.n > (head.p || []).length) parts.push(...await fetchFile(`fragments/${d}-p.json`, 'json'));
      return parts.map(fold).join('\n');
    });
    p.catch(() => docText.delete(key));
    docText.set(key, p);
  }
  return docText.get(key);
}

/** True when doc `d`'s text holds every needle (the rest of the passages are fetched only when
 *  the head does not settle it). */
async function holdsAll(m, d, needles) {
  const head = await foldedText(m, d, false);
  if (needles.every((n) => head.includes(n))) return true;
  const head0 = await headOf(d);
  if (head0.n <= (head0.p || []).length) return false;
  const text = await foldedText(m, d, true);
  return needles.every((n) => text.includes(n));
}

/**
 * Exact hits of multi-trigram terms are checked against their text, best first, until `limit`
 * are confirmed: a hit that holds the trigrams but not the phrase is moved after the exact
 * hits (it is still a close match). Hits past the confirmed ones stay unchecked.
 */
async function verifyHits(m, hits, needles, limit) {
  // Exact hits come first (rank()), relaxed ones after them.
  let n = 0;
  while (n < hits.length && hits[n].exact) n++;
  const ok = []; const moved = [];
  let i = 0;
  while (i < n && ok.length < limit) {
    const batch = hits.slice(i, Math.min(n, i + limit - ok.length));
    i += batch.length;
    const held = await Promise.all(batch.map((h) => holdsAll(m, h.d, needles)));
    batch.forEach((h, k) => (held[k] ? ok : moved).push(h));
  }
  if (!moved.length) return hits;
  return ok.concat(hits.slice(i, n), moved.map((h) => ({ ...h, exact: false })), hits.slice(n));
}

/** The body passage most of the hit's (rarer) tokens first occur in, from their postings. */
function votedPassage(r, hit) {
  const votes = new Map();
  for (const t of r.terms.flatMap((x) => (hit.exact ? x.exact : x.relaxed || x.exact))) {
    const l = r.lists.get(t); const i = l && l.byDoc.get(hit.d);
    if (i !== undefined && l.passage[i]) votes.set(l.passage[i], (votes.get(l.passage[i]) || 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

/** Passages in the head fragment (index.rs HEAD_PASSAGES). */
const HEAD_PASSAGES = 1;

/** Starts the fetches a shown hit needs at once: its head, and its other passages when the
 *  excerpt will come from them (else they would wait for the head). */
function prefetchPassages(r, hit) {
  headOf(hit.d).catch(() => {});
  if (votedPassage(r, hit) > HEAD_PASSAGES) fetchFile(`fragments/${hit.d}-p.json`, 'json').catch(() => {});
}

async function resultFor(m, r, hit) {
  const head = await headOf(hit.d);
  useHeadMap(head);
  const needles = needlesFor(r.terms, hit.exact);
  // The excerpt is text around the hit: the description or a body passage, never the line of
  // names in head.y (honours, sources, editors), which the match may have come from.
  // The passage holding the query: from the postings of the rarer tokens (they record it).
  let ex = excerptHtml(head.x || '', needles);
  let p = votedPassage(r, hit);
  if (!p && !ex.hits && head.n > 0) p = 1;
  if (p) {
    // The first passages ride in the head; the rest share one file per doc.
    const inHead = head.p || [];
    const text = p <= inHead.length ? inHead[p - 1]
      : await fetchFile(`fragments/${hit.d}-p.json`, 'json').then((r) => r[p - inHead.length - 1] || '', () => '');
    const body = excerptHtml(text, needles);
    // A hit in the body, or no description at all: the body's words.
    if ((body.hits && body.hits >= ex.hits) || !head.x) ex = body;
  }
  const meta = { date: head.d, kind: head.k, exact: hit.exact };
  m.facets.forEach((f, fi) => { meta[f.name] = valuesOf(head.m?.[fi]).map((v) => f.values[v]); });
  const title = matchRanges(head.t, needles);
  return { url: head.u, title: head.t, titleHtml: markup(title.chars, title.ranges, 0, title.chars.length),
    excerpt: ex.html, meta };
}

/**
 * Starts the downloads a search for `query` will need (its index shards, the facet columns, the
 * fragments of its first hits) and returns without showing anything: the search page calls it
 * as the visitor types, so the search that runs when the debounce ends finds them loaded (as
 * Pagefind's `preload`). Same options as `search`; errors are left to `search` to report.
 */
export async function preload(query, { limit = 10, facets = true } = {}) {
  try {
    const m = await manifest();
    await loadFoldMap(query);
    const r = await rank(fold(query));
    prefetchResults(m, r, {}, limit, facets);
    // Long terms are checked against the hits' text, which may reach past their heads.
    const needles = verifyNeedlesOf(r);
    if (needles.length) {
      for (const h of (await verifyHits(m, r.hits, needles, limit)).slice(0, limit)) prefetchPassages(r, h);
    }
  } catch { /* search() reports it */ }
}

/** Starts the downloads showing the first `limit` hits of `r` needs: the facet columns of
 *  `filters` and `facets` when there are many hits (fetched beside the results, not after
 *  them), and the shown hits' fragments. */
function prefetchResults(m, r, filters, limit, facets) {
  if (r.hits.length > limit) {
    const names = [...Object.keys(filters), ...(facets ? (Array.isArray(facets) ? facets : m.facets.map((f) => f.name)) : [])];
    m.facets.forEach((f, fi) => { if (names.includes(f.name)) facetColumn(fi).catch(() => {}); });
  }
  for (const h of r.hits.slice(0, limit)) prefetchPassages(r, h);
}

/** What the hits of `r` must be checked for in their text (see `verifyNeedles`). */
const verifyNeedlesOf = (r) => [...new Set(r.terms.flatMap((t) => t.verify))];

/**
 * Searches the index.
 * @param {string} query space-separated terms (AND); "quoted phrases" match exactly
 * @param {{filters?: Object<string, string|string[]>, limit?: number, facets?: boolean|string[]}} opts
 *   `facets`: counts for every facet (true, the default), none (false) or the named ones (each
 *   facet with many hits costs one column download; tags is the largest).
 * @returns {Promise<{total:number, exact:number, results:Array, facets:Object}>}
 */
export async function search(query, { filters = {}, limit = 10, facets = true } = {}) {
  const m = await manifest();
  await loadFoldMap(query);
  const r = await rank(fold(query));
  const all = r.hits.map((h) => h.d);
  prefetchResults(m, r, filters, limit, facets);
  // Few hits: their heads (needed to show them anyway) carry their facet values, so filters
  // and counts need no facet column. Many hits: the columns (fetched once, then cached).
  let heads = null;
  if (all.length <= limit) {
    const hs = await Promise.all(all.map(headOf));
    heads = new Map(all.map((d, i) => [d, hs[i]]));
  }
  let hits = r.hits;
  if (Object.values(filters).some((v) => v && [].concat(v).length)) {
    const keep = new Set(await filterDocs(m, all, filters, heads));
    hits = hits.filter((h) => keep.has(h.d));
  }
  const needles = verifyNeedlesOf(r);
  if (needles.length) hits = await verifyHits(m, hits, needles, limit);
  const results = await Promise.all(hits.slice(0, limit).map((h) => resultFor(m, r, h)));
  const out = { total: hits.length, exact: hits.filter((h) => h.exact).length, results, facets: {} };
  if (facets) out.facets = await facetCounts(m, all, filters, heads, Array.isArray(facets) ? facets : null);
  return out;
}
