// Bytes a real query downloads: runs the search client against an index directory through a
// fetch shim and sums the gzip size of every file fetched (as a static host serving gzip would).
// Usage: cargo run --release --example search_bench -- 10000 /tmp/xf10k
//        node benches/search_bytes.mjs /tmp/xf10k
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientPath = join(root, 'themes/default/static/search/xianfeng-search.js');
const uiPath = join(root, 'themes/default/static/search/search-ui.js');
const clientBase = pathToFileURL(dirname(clientPath)).href + '/';
const dir = process.argv[2] || '/tmp/xf10k';
const gz = (b) => gzipSync(b, { level: 6 }).length;

let log = [];
globalThis.fetch = async (url) => {
  const rel = new URL(url).href.split('?')[0].slice(clientBase.length);
  const bytes = readFileSync(join(dir, 'search', rel));
  // Like nginx's default gzip_types: text, JSON and JS are gzipped, binary files are not.
  log.push([rel, /\.(json|js|txt)$/.test(rel) ? gz(bytes) : bytes.length]);
  return new Response(bytes, { status: 200 });
};
const { search } = await import(pathToFileURL(clientPath).href);
const jsBytes = gz(readFileSync(clientPath)) + gz(readFileSync(uiPath));

async function measure(q, opts) {
  log = [];
  const t = performance.now();
  const r = await search(q, opts);
  const ms = performance.now() - t;
  const bytes = log.reduce((s, [, b]) => s + b, 0);
  return { r, ms, bytes, files: log.length };
}

// What the search page asks for: counts for org/region/type/year (tags on demand).
const opts = { limit: 10, facets: ['org', 'region', 'type', 'year'] };
const queries = ['党建工作品牌', '讓我先來', '珠海市财政局', '先锋班组', '支部先锋123', '廉洁 纪律', '党', '"高质量发展"'];
console.log(`JS (client + UI): ${jsBytes} B gz`);
let first = true;
for (const q of queries) {
  const cold = await measure(q, opts);
  const warm = await measure(q, opts);
  const extra = first ? jsBytes : 0;
  console.log(`${q}: total ${cold.r.total} (exact ${cold.r.exact}); ${first ? 'first' : 'next'} query ${cold.bytes + extra} B gz`
    + ` in ${cold.files} files${first ? ' incl. JS' : ''}, ${cold.ms.toFixed(1)} ms; repeat ${warm.bytes} B, ${warm.ms.toFixed(1)} ms`);
  first = false;
}
const tags = await measure('党建', { limit: 10, facets: true });
console.log(`党建 with the tags facet too: ${tags.bytes} B gz`);
