// Search latency and bytes in real headless Chromium, over a local static HTTP server that
// gzips text types (compressed once per file, like a host serving precompressed files).
//
//   node benches/search_latency.mjs [--public DIR]... [--site SITE]... [--cold N] [--json]
//
// --public serves an already built output folder; --site builds SITE with $XIANFENG_BIN (default
// target/release/xianfeng) first. Without either: the demo site (this repo) and, if present,
// /dev/shm/xianfeng-bench/corpus-10000/site.
//
// Measured in the page (performance.now()), from the query being issued to its results shown:
// the form is submitted (the search page runs the query at once, as when its 100 ms debounce
// fires) and the clock stops when #search-results gets aria-busy="false" (results in the DOM)
// and again at the next animation frame (painted). Cold: the first query of a fresh page (new
// browser context, empty cache), after the page has loaded. Warm: 20 different queries on that
// page afterwards, median. Typed: 20 more queries put in the box with an input event, as typing
// does; the page preloads during its debounce; timed from the input event, debounce included.
// Bytes: gzip bytes on the wire; the first query's total counts
// everything the search needs beyond the page's HTML (JS, manifest, fold map, shards,
// fragments, facet columns), CSS and favicon excluded.
import { createServer } from 'node:http';
import { existsSync, statSync, readFileSync, mkdtempSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, normalize, extname, resolve, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repo, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.xml': 'application/xml; charset=utf-8', '.svg': 'image/svg+xml',
};

const COLD_QUERY = '党建品牌';
const WARM_QUERIES = ['先锋示范', '党员干部', '志愿服务', '珠海市财政局', '模范机关创建', '我为群众办实事', '乡村振兴',
  '理论学习', '基层治理', '主题党日', '结对共建', '三会一课', '讓我先來', '数字党建', '审计监督', '长春市司法局',
  '全国百优案例', '高质量发展', '示范点', '"责任清单"'];
const DEMO_WARM = ['让我先来', '讓我先來', '双示范', '法先锋', '审计先锋', '四融四同', '五力工程', '肩并肩', '堡垒指数',
  '财政月讲堂', '五个精准发力', '基层党建实训', '拱北海关', '珠海市公安局', '浏阳市财政局', '党建工作法',
  '一支部一特色', '粤港澳大湾区', '机关党建 示范', '谈心谈话'];

// Typed like a visitor (the text lands in the box at once, as an input method commits it): the
// page preloads while its debounce runs. Queries not asked before on that page.
const TYPED_QUERIES = ['组织力', '堡垒', '窗口担当', '满意度', '台账', '督查', '表率', '阵地建设', '纪律', '效率',
  '载体', '整改', '引领', '融合', '讲堂', '先锋杯', '社区', '廉洁', '课堂', '标杆'];
const DEMO_TYPED = ['党建品牌', '财政', '司法', '公安', '生态环境', '审计', '海关', '党课', '志愿', '示范', '先锋',
  '珠海', '长春', '天津', '浏阳', '考核', '廉政', '服务', '学习', '实训'];
const DEBOUNCE_MS = 100; // search-ui.js

function args() {
  const a = process.argv.slice(2);
  const out = { targets: [], cold: 5, json: false };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--public') out.targets.push({ public: resolve(a[++i]) });
    else if (a[i] === '--site') out.targets.push({ site: resolve(a[++i]) });
    else if (a[i] === '--cold') out.cold = Number(a[++i]);
    else if (a[i] === '--json') out.json = true;
    else throw new Error(`unknown argument ${a[i]}`);
  }
  if (!out.targets.length) {
    out.targets.push({ site: repo });
    const big = '/dev/shm/xianfeng-bench/corpus-10000/site';
    if (existsSync(big)) out.targets.push({ site: big });
  }
  return out;
}

function build(site) {
  const bin = process.env.XIANFENG_BIN || join(repo, 'target/release/xianfeng');
  const out = join(mkdtempSync(join(tmpdir(), 'xf-latency-')), 'public');
  execFileSync(bin, ['build', site, '-o', out], { stdio: 'pipe' });
  return out;
}

/** A static server; gzip for text types, each file compressed once. */
function serve(root) {
  const log = [];
  const cache = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = join(root, normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(root) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    const type = TYPES[extname(file)] || 'application/octet-stream';
    const headers = { 'content-type': type, 'cache-control': 'no-cache' };
    let body;
    if (/text|json|javascript|xml|svg/.test(type) && /gzip/.test(req.headers['accept-encoding'] || '')) {
      if (!cache.has(file)) cache.set(file, gzipSync(readFileSync(file), { level: 6 }));
      body = cache.get(file);
      headers['content-encoding'] = 'gzip';
    } else body = readFileSync(file);
    headers['content-length'] = body.length;
    log.push({ path: url.pathname, bytes: body.length });
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}/`, log, close: () => new Promise((d) => server.close(d)),
  })));
}

/** Runs `q` on the search page and times it to results shown: `submit` submits the form (the
 *  query runs at once), `type` puts it in the box with an input event, as typing does (the page
 *  preloads, then runs it when its debounce ends). Resolves to {dom, frame, shown}: ms from the
 *  submit or input event to results in the DOM and to the next frame, and the results shown. */
function timedQuery(page, q, how = 'submit') {
  return page.evaluate(([query, mode]) => new Promise((resolveQuery) => {
    const box = document.getElementById('search-results');
    const input = document.getElementById('search-input');
    let t0 = 0;
    const obs = new MutationObserver(() => {
      if (box.getAttribute('aria-busy') !== 'false') return;
      obs.disconnect();
      const dom = performance.now() - t0;
      requestAnimationFrame(() => resolveQuery({
        dom, frame: performance.now() - t0, shown: document.querySelectorAll('a.search-result').length,
      }));
    });
    obs.observe(box, { attributes: true, attributeFilter: ['aria-busy'] });
    input.value = query;
    t0 = performance.now();
    if (mode === 'type') input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: query }));
    else document.getElementById('search-form').requestSubmit();
  }), [q, how]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const isSearch = (p) => p.startsWith('/search/') && p !== '/search/';

async function measure(browser, root, coldRuns, warmQueries, typedQueries) {
  const server = await serve(root);
  const cold = []; let bytes = null; const warm = []; const typed = [];
  try {
    for (let run = 0; run < coldRuns; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}search/`);
      await page.waitForSelector('#search-results[aria-busy="false"]');
      await page.waitForLoadState('networkidle');
      const pageDone = server.log.length;
      const t = await timedQuery(page, COLD_QUERY);
      cold.push(t);
      if (run === 0) {
        const pageFiles = server.log.slice(0, pageDone).filter((r) => isSearch(r.path));
        const query = server.log.slice(pageDone);
        bytes = { page: sum(pageFiles.map((r) => r.bytes)), first: sum(query.map((r) => r.bytes)),
          firstFiles: query.length, pageFiles: pageFiles.map((r) => r.path) };
        for (const q of warmQueries) {
          const before = server.log.length;
          const w = await timedQuery(page, q);
          const fetched = server.log.slice(before);
          warm.push({ q, ...w, bytes: sum(fetched.map((r) => r.bytes)), files: fetched.length });
        }
        for (const q of typedQueries) {
          const before = server.log.length;
          const t = await timedQuery(page, q, 'type');
          const fetched = server.log.slice(before);
          typed.push({ q, ...t, bytes: sum(fetched.map((r) => r.bytes)), files: fetched.length });
        }
      }
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      await context.close();
    }
  } finally {
    await server.close();
  }
  return { cold, bytes, warm, typed };
}

const opts = args();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim(),
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const report = [];
try {
  for (const t of opts.targets) {
    const root = t.public || build(t.site);
    const docs = JSON.parse(readFileSync(join(root, 'search/manifest.json'), 'utf8')).docs;
    const big = docs > 1000;
    const r = await measure(browser, root, opts.cold, big ? WARM_QUERIES : DEMO_WARM, big ? TYPED_QUERIES : DEMO_TYPED);
    const f = (x) => x.toFixed(1);
    const coldDom = r.cold.map((c) => c.dom); const coldFrame = r.cold.map((c) => c.frame);
    const warmDom = r.warm.map((w) => w.dom); const warmFrame = r.warm.map((w) => w.frame);
    const line = {
      target: t.public || t.site, docs,
      coldMs: { medianDom: median(coldDom), medianFrame: median(coldFrame), max: Math.max(...coldFrame) },
      warmMs: { medianDom: median(warmDom), medianFrame: median(warmFrame), max: Math.max(...warmFrame) },
      typedMs: { medianTotal: median(r.typed.map((t) => t.dom)), medianFrame: median(r.typed.map((t) => t.frame)),
        medianAfterDebounce: median(r.typed.map((t) => t.frame)) - DEBOUNCE_MS,
        bytesMedian: median(r.typed.map((t) => t.bytes)) },
      bytes: { searchAssetsWithPage: r.bytes.page, firstQuery: r.bytes.first, firstTotal: r.bytes.page + r.bytes.first,
        secondQuery: r.warm[0].bytes, warmMedian: median(r.warm.map((w) => w.bytes)) },
      shownCold: r.cold[0].shown,
    };
    report.push(line);
    if (!opts.json) {
      console.log(`\n${line.target} (${docs} docs)`);
      console.log(`  cold first query "${COLD_QUERY}": median ${f(line.coldMs.medianDom)} ms to results in the DOM, ${f(line.coldMs.medianFrame)} ms to the next frame (max ${f(line.coldMs.max)}; ${opts.cold} fresh pages), ${line.shownCold} shown`);
      console.log(`  warm (${r.warm.length} different queries): median ${f(line.warmMs.medianDom)} ms DOM, ${f(line.warmMs.medianFrame)} ms frame, max ${f(line.warmMs.max)} ms`);
      console.log(`  bytes (gzip): search JS + manifest with the page ${r.bytes.page} (${r.bytes.pageFiles.join(', ')}); first query ${r.bytes.first} in ${r.bytes.firstFiles} files; first total ${line.bytes.firstTotal}; second query "${r.warm[0].q}" ${line.bytes.secondQuery}; warm median ${line.bytes.warmMedian}`);
      for (const w of r.warm) console.log(`    ${w.q}: ${f(w.dom)} / ${f(w.frame)} ms, ${w.shown} shown, ${w.bytes} B in ${w.files} files`);
      console.log(`  typed (${r.typed.length} new queries, preloaded during the ${DEBOUNCE_MS} ms debounce): median ${f(line.typedMs.medianTotal)} ms DOM, ${f(line.typedMs.medianFrame)} ms frame from the input event, so ${f(line.typedMs.medianAfterDebounce)} ms after the debounce; bytes median ${line.typedMs.bytesMedian}`);
      for (const t of r.typed) console.log(`    ${t.q}: ${f(t.dom)} / ${f(t.frame)} ms, ${t.shown} shown, ${t.bytes} B in ${t.files} files`);
    }
  }
} finally {
  await browser.close();
}
if (opts.json) console.log(JSON.stringify(report, null, 2));
