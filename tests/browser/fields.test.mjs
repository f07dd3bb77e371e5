// The real-style example (examples/real-style) in headless Chromium at phone and desktop
// widths: the site's declared fields (site.yaml `fields:`) on the case page under their labels
// in declaration order, the facet's link to its term page, a search: true field found by the
// search page with the facet among the filters. No console error, no external request, no
// sideways scrolling. SHOTS=dir saves a screenshot of the case page at each width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, buildSite, serve, launch, watchedPage } from './lib.mjs';

const BASE = '/showcase';
const LABELS = ['品牌系列', '特色做法', '党员人数', '创建时间', '网上展馆', '联系方式', '品牌由来'];
let server, browser;

before(async () => {
  const out = buildSite(join(repoRoot, 'examples', 'real-style'), ['--base-url', `https://dj.example.cn${BASE}`]);
  server = await serve(out, { basePath: BASE });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 900 }]]) {
  test(`the declared fields show under their labels in order, on a ${name}`, async () => {
    const { page, context, problems } = await watchedPage(browser, viewport);
    await page.goto(`${server.url}cases/rang-wo-xian-lai/`);
    // On a phone 基本信息 is folded under its heading (the body comes first): open it.
    if (viewport.width < 960) await page.click('summary:has(#facts-title)');
    const facts = await page.$$eval('.fact-declared', (rows) => rows.map((r) => ({
      label: r.querySelector('dt').textContent,
      value: r.querySelector('dd').innerText.trim(),
      visible: r.getBoundingClientRect().width > 0,
    })));
    assert.deepEqual(facts.map((f) => f.label), LABELS);
    assert.ok(facts.every((f) => f.visible), JSON.stringify(facts));
    const value = (label) => facts.find((f) => f.label === label).value;
    assert.equal(value('特色做法'), '党员先锋岗、急难任务认领、月度讲评');
    assert.equal(value('党员人数'), '186');
    assert.equal(value('创建时间'), '2019年7月1日');
    assert.match(value('联系方式'), /联系人：机关党委办公室\s*电话：0756-1234567/);
    const site = await page.getAttribute('.fact-declared[data-field="website"] a', 'href');
    assert.equal(site, 'https://czj.example.gov.cn/dangjian/');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `no sideways scrolling (${wide}px too wide)`);
    if (process.env.SHOTS) {
      mkdirSync(process.env.SHOTS, { recursive: true });
      await page.locator('.case-aside').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(process.env.SHOTS, `case-fields-${viewport.width}.png`), fullPage: true });
    }
    // The facet's value leads to its term page, which lists both cases of the series.
    await page.click('.fact-declared[data-field="series"] a');
    await page.waitForURL(/\/series\//);
    const titles = await page.$$eval('main a', (as) => as.map((a) => a.textContent));
    assert.ok(titles.some((t) => t.includes('让我先来')) && titles.some((t) => t.includes('小实招')), JSON.stringify(titles));
    assert.match(await page.textContent('main'), /品牌系列/);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a Traditional case names its facet in its own script and links to the folded term', async () => {
  const { page, context, problems } = await watchedPage(browser);
  await page.goto(`${server.url}cases/shu-dian-xing/`);
  const link = page.locator('.fact-declared[data-field="series"] a');
  assert.equal(await link.textContent(), '示範創建系列');
  assert.equal(decodeURIComponent(await link.getAttribute('href')), `${BASE}/series/示范创建系列/`);
  const own = await page.getAttribute('.fact-declared[data-field="website"] a', 'href');
  assert.equal(own, `${BASE}/cases/rang-wo-xian-lai/`, 'a url field naming a page of the site gets the base path');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the search page finds a search: true field and offers the declared facet', async () => {
  const { page, context, problems } = await watchedPage(browser);
  await page.goto(`${server.url}search/?q=${encodeURIComponent('急难任务认领')}`);
  await page.waitForSelector('#search-results[aria-busy="false"]');
  const hrefs = await page.$$eval('a.search-result', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, [`${BASE}/cases/rang-wo-xian-lai/`]);
  await page.goto(`${server.url}search/?q=${encodeURIComponent('党建')}`);
  await page.waitForSelector('#search-results[aria-busy="false"]');
  const legends = await page.$$eval('#search-facets legend', (ls) => ls.map((l) => l.textContent));
  assert.ok(legends.includes('品牌系列'), JSON.stringify(legends));
  await page.check('#search-facets input[name="series"][value="党员先锋系列"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('series') === '党员先锋系列');
  await page.waitForSelector('#search-results[aria-busy="false"]');
  const filtered = await page.$$eval('a.search-result', (as) => as.map((a) => a.getAttribute('href')).sort());
  assert.deepEqual(filtered, [`${BASE}/cases/rang-wo-xian-lai/`, `${BASE}/cases/xiao-shi-zhao/`]);
  assert.deepEqual(problems, []);
  await context.close();
});
