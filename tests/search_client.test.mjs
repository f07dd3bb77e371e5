// Tests of the search client (themes/default/static/search/xianfeng-search.js) against an index
// built by the Rust indexer (examples/search_fixture.rs), through a fetch shim reading files.
// Run: node --test tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientPath = join(root, 'themes/default/static/search/xianfeng-search.js');
const clientBase = pathToFileURL(dirname(clientPath)).href + '/';
let search;
let preload;
const fetched = [];

before(async () => {
  const out = mkdtempSync(join(tmpdir(), 'xf-search-'));
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  execFileSync('cargo', ['run', '-q', '--example', 'search_fixture', '--', out], { cwd: root, stdio: 'inherit' });
  globalThis.fetch = async (url) => {
    const u = new URL(url);
    const rel = u.href.split('?')[0].slice(clientBase.length);
    fetched.push(rel);
    try {
      const bytes = readFileSync(join(out, 'search', rel));
      return new Response(bytes, { status: 200 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
  ({ search, preload } = await import(pathToFileURL(clientPath).href));
});

const urls = (r) => r.results.map((x) => x.url);
const slug = (s) => `/showcase/cases/${s}/`;

test('preload downloads what the search then needs', async () => {
  // First, while nothing is cached: a Traditional term (fold-map blocks) and a long one
  // (checked against the hits' text).
  for (const q of ['制度建設', '党员干部争当先锋']) {
    const start = fetched.length;
    await preload(q);
    assert.ok(fetched.length > start, `${q}: preload fetched files`);
    const before = fetched.length;
    const r = await search(q);
    assert.ok(r.total > 0, `${q} finds something`);
    assert.deepEqual(fetched.slice(before), [], `${q}: nothing left to fetch after preload`);
  }
});

test('Traditional query finds a Simplified case', async () => {
  const r = await search('讓我先來');
  assert.deepEqual(urls(r), [slug('rang-wo-xian-lai')]);
  assert.match(r.results[0].titleHtml, /<mark>让我先来<\/mark>/);
});

test('Simplified query finds a Traditional case', async () => {
  const r = await search('示范点');
  assert.deepEqual(urls(r), [slug('shi-fan-dian')]);
  assert.match(r.results[0].excerpt, /<mark>示範點<\/mark>/);
});

test('full-width and case fold', async () => {
  const r = await search('ＡＢＣ１ xianfeng');
  assert.deepEqual(urls(r), [slug('latin')]);
});

test('exact phrase ranks first, relaxed matches after', async () => {
  const r = await search('党建品牌');
  assert.equal(r.results[0].url, slug('dang-jian-pin-pai'));
  assert.ok(r.results[0].meta.exact);
  const relaxed = r.results.filter((x) => !x.meta.exact).map((x) => x.url);
  assert.ok(relaxed.includes(slug('rang-wo-xian-lai')), '党建工作品牌 is a relaxed hit');
  assert.ok(relaxed.includes(slug('separate')), '党建…品牌 is a relaxed hit');
  assert.ok(r.results.findIndex((x) => !x.meta.exact) > r.results.findLastIndex((x) => x.meta.exact));
});

test('quoted phrase matches only the exact substring', async () => {
  const r = await search('"党建工作品牌"');
  assert.deepEqual(urls(r), [slug('rang-wo-xian-lai')]);
  assert.match(r.results[0].excerpt, /<mark>党建工作品牌<\/mark>/);
  const none = await search('"建设队伍党员"');
  assert.equal(none.total, 0);
});

test('terms are ANDed', async () => {
  const r = await search('志愿服务 杭州');
  assert.deepEqual(urls(r), [slug('separate')]);
  const both = await search('志愿服务');
  assert.equal(both.total, 2);
});

test('excerpts escape HTML and mark every match', async () => {
  const r = await search('营商环境');
  const ex = r.results[0].excerpt;
  assert.match(ex, /<mark>营商环境<\/mark>/);
  assert.ok(!ex.includes('<b>'));
});

test('facet counts over the whole result set, and filters', async () => {
  const r = await search('党建');
  assert.equal(r.total, 5);
  const org = Object.fromEntries(r.facets.org);
  assert.equal(org['珠海市财政局'], 2);
  assert.equal(Object.fromEntries(r.facets.year)['2021'], 2);
  const f = await search('党建', { filters: { org: '珠海市财政局', year: ['2021'] } });
  assert.deepEqual(urls(f), [slug('rang-wo-xian-lai')]);
  assert.deepEqual(f.results[0].meta.org, ['珠海市财政局']);
  // Disjunctive: the org facet still counts other orgs under the org filter.
  assert.ok(f.facets.org.length > 1);
});

test('facet columns (many hits) agree with the heads (few hits)', async () => {
  const few = await search('党建', { filters: { tags: '志愿服务' } });
  const many = await search('党建', { filters: { tags: '志愿服务' }, limit: 1 });
  assert.deepEqual(many.facets, few.facets);
  assert.equal(many.total, 2);
  assert.equal(many.results.length, 1);
  assert.ok(fetched.some((f) => f.startsWith('facets/')), 'columns fetched');
});

test('single characters and brand names', async () => {
  assert.equal((await search('黨')).total, 5);
  assert.deepEqual(urls(await search('红色税务')), [slug('dang-jian-pin-pai')]);
});

test('no results', async () => {
  const r = await search('不存在的词语');
  assert.equal(r.total, 0);
  assert.deepEqual(r.results, []);
});

test('fetches only needed files', async () => {
  assert.ok(fetched.every((f) => !f.startsWith('fragments/') || /^fragments\/\d+(-p)?\.json$/.test(f)));
  assert.equal(new Set(fetched).size, fetched.length, 'no file fetched twice');
});
