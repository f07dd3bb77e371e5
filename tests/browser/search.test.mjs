// The search page in real headless Chromium over real HTTP (gzip, like a static host):
// typing into the real box, Traditional↔Simplified, phrases, facets, <mark>, no results,
// URL state, and bytes per query on a generated 10,000-case site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildSite, serve, launch, watchedPage, repoRoot, tempDir } from './lib.mjs';

let browser, server, problems;

before(async () => {
  server = await serve(buildSite(repoRoot, ['--base-url', 'https://dj.example.cn/jgdj/showcase/']), { basePath: '/jgdj/showcase' });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

/** Opens the search page with `query` string and waits until the results are shown. */
async function openSearch(query) {
  const watched = await watchedPage(browser);
  problems = watched.problems;
  const { page } = watched;
  await page.goto(`${server.url}search/${query}`);
  await page.waitForSelector('#search-results[aria-busy="false"]', { timeout: 10000 });
  return page;
}

/** Types into the real search box and waits for the new results. */
async function type(page, text) {
  await page.fill('#search-input', '');
  await page.type('#search-input', text, { delay: 20 });
  await page.waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, text, { timeout: 10000 });
  await page.waitForSelector('#search-results[aria-busy="false"]', { timeout: 10000 });
}

const hits = (page) => page.$$eval('a.search-result', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));

test('a brand name typed into the box finds its case, with <mark> and the URL updated', async () => {
  const page = await openSearch('');
  await type(page, '法先锋');
  const results = await hits(page);
  assert.ok(results.length >= 1, 'at least one hit');
  assert.equal(results[0].href, '/jgdj/showcase/cases/zhuhai-sifa-fa-xianfeng/', 'the brand ranks first, under the subpath');
  const marks = await page.$$eval('a.search-result mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(marks.some((m) => m.includes('法先锋')), `marks: ${marks}`);
  assert.deepEqual(problems, []);
});

test('a Traditional query finds a Simplified case and the reverse', async () => {
  const page = await openSearch('?q=' + encodeURIComponent('讓我先來'));
  const trad = await hits(page);
  assert.ok(trad.some((h) => h.href.endsWith('/cases/zhuhai-caizheng-rang-wo-xian-lai/')), JSON.stringify(trad));
  await type(page, '双示范');
  const simp = await hits(page);
  assert.ok(simp.some((h) => h.href.endsWith('/cases/tianjin-shiji-jiguan-shuang-shifan/')), JSON.stringify(simp));
  assert.deepEqual(problems, []);
});

test('a quoted phrase matches exactly and no-results offers the term pages', async () => {
  const page = await openSearch('?q=' + encodeURIComponent('"让我先来"'));
  const phrase = await hits(page);
  assert.ok(phrase.length >= 1);
  for (const h of phrase) assert.ok(h.text.includes('让我先来') || h.text.includes('讓我先來'), h.text);
  await type(page, '量子引力弦论');
  assert.equal((await hits(page)).length, 0);
  const status = await page.textContent('#search-results');
  assert.match(status, /没有|未找到|无结果/);
  const links = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.some((l) => l.includes('/org/')) && links.some((l) => l.includes('/tags/')), JSON.stringify(links));
});

test('a facet filter narrows the results, shows counts and is kept in the URL', async () => {
  const page = await openSearch('?q=' + encodeURIComponent('党建'));
  const all = await hits(page);
  assert.ok(all.length >= 5, `broad query has hits: ${all.length}`);
  const orgBox = page.locator('#search-facets input[name="org"][value="珠海市公安局"]');
  const label = await orgBox.locator('xpath=..').textContent();
  const count = Number(label.match(/(\d+)\s*$/)[1]);
  assert.ok(count >= 1, label);
  await orgBox.check();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('org') === '珠海市公安局');
  await page.waitForSelector('#search-results[aria-busy="false"]');
  const filtered = await hits(page);
  assert.equal(filtered.length, count, 'the count next to the facet is the number of filtered results');
  for (const h of filtered) assert.match(h.text, /公安/);
  // The URL alone restores the same state.
  const again = await openSearch(new URL(page.url()).search);
  assert.equal((await hits(again)).length, count);
  assert.ok(await again.locator('#search-facets input[name="org"][value="珠海市公安局"]').isChecked());
  assert.deepEqual(problems, []);
});

test('arrow keys move between results', async () => {
  const page = await openSearch('?q=' + encodeURIComponent('党建'));
  await page.focus('#search-input');
  await page.keyboard.press('ArrowDown');
  const first = await page.evaluate(() => document.activeElement.classList.contains('search-result'));
  assert.ok(first, 'ArrowDown from the box focuses the first result');
});

test('bytes for a cold and a warm query on a 10,000-case site', async (t) => {
  const gen = join(repoRoot, '..', 'shared', 'bench', 'gen_corpus.py');
  assert.ok(existsSync(gen), `the corpus generator is expected at ${gen}`);
  const dir = tempDir('xianfeng-10k-');
  execFileSync('python3', [gen, '10000', dir], { stdio: 'pipe' });
  writeFileSync(join(dir, 'site', 'site.yaml'), 'title: 基准\nbase_url: https://bench.example.cn\n');
  const big = await serve(buildSite(join(dir, 'site')));
  try {
    const { page } = await watchedPage(browser);
    await page.goto(`${big.url}search/`);
    await page.waitForSelector('#search-results[aria-busy="false"]');
    const htmlDone = big.stats.bytes;
    const started = Date.now();
    await page.fill('#search-input', '党建品牌');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === '党建品牌');
    await page.waitForSelector('#search-results[aria-busy="false"]');
    const cold = big.stats.bytes - htmlDone;
    const coldMs = Date.now() - started;
    const shown = (await hits(page)).length;
    assert.ok(shown >= 10, `at least 10 results shown: ${shown}`);
    const beforeWarm = big.stats.bytes;
    await page.fill('#search-input', '先锋示范');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === '先锋示范');
    await page.waitForSelector('#search-results[aria-busy="false"]');
    const warm = big.stats.bytes - beforeWarm;
    t.diagnostic(`10k cases: first query ${cold} B gzip (${coldMs} ms incl. debounce), second query ${warm} B`);
    assert.ok(cold <= 60 * 1024, `first query ${cold} B ≤ 60 KB (page's HTML excluded; JS included)`);
    assert.ok(warm <= 15 * 1024, `second query ${warm} B ≤ 15 KB`);
  } finally {
    await big.close();
  }
});
