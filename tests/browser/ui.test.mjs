// The default theme on phones and desktops (issue 17), in real headless Chromium: the search
// page (one box, results first, facets under 筛选, excerpts, dates, names, compilations, no
// results, empty query), the gallery's folded filters, the case page's first screen, the page
// frame, and the 大字版 toggle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, serve, launch, watchedPage, repoRoot } from './lib.mjs';
import { pageTypes, open, LARGE_KEY } from './audit.mjs';

const BASE = '/showcase';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
let out, server, browser;

before(async () => {
  out = buildSite(repoRoot, ['--base-url', `https://dj.example.cn${BASE}`]);
  server = await serve(out, { basePath: BASE });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

const path = (name) => pageTypes(out).find(([n]) => n === name)[1];

/** A fresh page at `viewport` showing `p`; returns {page, context, problems}. */
async function visit(viewport, p) {
  const w = await watchedPage(browser, viewport);
  await open(w.page, server.url, p);
  return w;
}

const search = (q) => `/search/?q=${encodeURIComponent(q)}`;

test('phone search: one search box, the first result on the first screen, facets folded under 筛选 with 44 px targets', async () => {
  const { page, context, problems } = await visit(PHONE, search('党建'));
  const boxes = await page.locator('input[type="search"]:visible').count();
  assert.equal(boxes, 1, 'one search box on the search page');
  const first = await page.locator('a.search-result').first().boundingBox();
  assert.ok(first && first.y < 500, `first result starts at ${first?.y}px`);
  assert.equal(await page.locator('#search-filter').evaluate((d) => d.open), false, '筛选 folded on a phone');
  const summary = await page.locator('#search-filter > summary').boundingBox();
  assert.ok(summary.height >= 44, `筛选 button ${summary.height}px tall`);
  assert.ok(summary.y < first.y, '筛选 sits above the results, as one line');
  await page.click('#search-filter > summary');
  const label = page.locator('#search-facets label').first();
  const box = await label.boundingBox();
  assert.ok(box.height >= 44, `facet option ${box.height}px tall`);
  // Ticking a facet shows it on the 筛选 button.
  const value = await label.locator('input').getAttribute('value');
  await label.locator('input').check();
  await page.waitForSelector('#search-results[aria-busy="false"]');
  assert.match(await page.textContent('#search-filter > summary'), new RegExp(`已选 1 项：${value}`));
  assert.deepEqual(problems, []);
  await context.close();
});

test('desktop search: facets open beside the results, in the theme colours', async () => {
  const { page, context } = await visit(DESKTOP, search('党建'));
  assert.equal(await page.locator('#search-filter').evaluate((d) => d.open), true);
  const side = await page.locator('#search-side').boundingBox();
  const results = await page.locator('#search-list').boundingBox();
  assert.ok(side.x + side.width <= results.x, 'facets to the left of the results');
  const colours = await page.evaluate(() => ({
    title: getComputedStyle(document.querySelector('.result-title')).color,
    button: getComputedStyle(document.querySelector('.search-box button')).backgroundColor,
  }));
  assert.deepEqual(colours, { title: 'rgb(142, 18, 18)', button: 'rgb(183, 28, 28)' }, 'the theme red (--red-dark, --red)');
  await context.close();
});

test('search excerpts are text around the hit, never the line of honours, sources and editors', async () => {
  const { page, context } = await visit(DESKTOP, search('全市抗击疫情先进集体'));
  const hit = page.locator('a.search-result[href$="/cases/zhuhai-caizheng-rang-wo-xian-lai/"]');
  assert.equal(await hit.count(), 1, 'the case holding the honour is found');
  const excerpt = await hit.locator('.result-excerpt').textContent();
  assert.doesNotMatch(excerpt, /来源：|荣誉：|品牌：|单位：|标签：| · /, excerpt);
  assert.match(excerpt, /全市抗击疫情先进集体/, 'the body sentence that holds it');
  for (const q of ['党建', '让我先来', '观海融媒']) {
    await open(page, server.url, search(q));
    for (const ex of await page.locator('.result-excerpt').allTextContents()) {
      assert.doesNotMatch(ex, /来源：|荣誉：|标签：/, `${q}: ${ex}`);
    }
  }
  await context.close();
});

test('search results: dates as 2022年3月22日, facets named as the site names them, a compilation labelled and counted apart', async () => {
  const { page, context } = await visit(DESKTOP, search('党建'));
  const metas = await page.locator('.result-meta').allTextContents();
  assert.ok(metas.every((m) => /\d{4}年\d{1,2}月\d{1,2}日/.test(m) && !/\d{4}-\d{2}-\d{2}/.test(m)), metas.join('\n'));
  const names = await page.locator('#search-facets legend, #search-facets details > summary').allTextContents();
  assert.ok(names.includes('年度') && names.includes('主题'), names.join(','));
  assert.ok(!names.includes('年份') && !names.includes('标签'), names.join(','));
  const comp = page.locator('a.search-result', { has: page.locator('.result-kind') });
  assert.equal(await comp.count(), 1, 'the compilation is labelled');
  assert.equal(await comp.locator('.result-kind').textContent(), '案例汇编');
  assert.match(await comp.getAttribute('href'), /\/compilations\//);
  // Every hit shown (更多 until it goes): the cases are the hits less the compilation.
  while (await page.locator('#search-more').isVisible()) {
    const n = await page.locator('a.search-result').count();
    await page.click('#search-more');
    await page.waitForFunction((k) => document.querySelectorAll('a.search-result').length > k, n);
  }
  const total = await page.locator('a.search-result').count();
  const status = await page.textContent('#search-status');
  assert.equal(status, `找到 ${total - 1} 个相关案例、1 部案例汇编`);
  await context.close();
});

test('no results: one message, no facets left over, links to term pages; an empty query offers the most used 主题 and 单位', async () => {
  const { page, context } = await visit(PHONE, search('量子引力'));
  assert.equal(await page.textContent('#search-status'), '没有找到与“量子引力”相关的案例。');
  assert.equal(await page.locator('#search-results :text("没有找到")').count(), 1, 'one message');
  assert.ok(await page.locator('#search-side').isHidden(), 'no empty facet panel');
  const links = await page.locator('#search-empty a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.some((l) => /\/tags\/[^/]+\/$/.test(l)) && links.some((l) => /\/org\/[^/]+\/$/.test(l)), links.join(' '));

  await open(page, server.url, '/search/');
  assert.ok(await page.locator('#search-start').isVisible());
  const heads = await page.locator('#search-start h2').allTextContents();
  assert.deepEqual(heads, ['常用主题', '常用单位']);
  const counts = await page.locator('#search-start .search-popular-group').first().locator('.count')
    .evaluateAll((els) => els.map((e) => Number(e.textContent.replace(/\D/g, ''))));
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'most used first');
  await page.locator('#search-start a').first().click();
  await page.waitForURL(/\/tags\/[^/]+\/$/);
  await context.close();
});

test('phone gallery: the filters fold behind 筛选, which shows the active filters; open on desktop', async () => {
  const rows = JSON.parse(readFileSync(join(out, 'brands', 'brands.json'), 'utf8'));
  const { page, context, problems } = await visit(PHONE, '/brands/');
  assert.equal(await page.locator('#brand-filter-panel').evaluate((d) => d.open), false);
  const card = await page.locator('#brand-grid .card').first().boundingBox();
  assert.ok(card.y < 844, `the first card starts at ${card.y}px, on the first screen`);
  assert.ok((await page.locator('#brand-filter-panel > summary').boundingBox()).height >= 44);
  await page.click('#brand-filter-panel > summary');
  await page.selectOption('#f-org', rows[0].o);
  await page.waitForFunction(() => new URLSearchParams(location.search).has('org'));
  assert.match(await page.textContent('#brand-filter-panel > summary'), new RegExp(`单位：${rows[0].o}`));
  // Reloaded with the filter in the URL: folded, and the button says what is chosen.
  await page.reload({ waitUntil: 'networkidle' });
  assert.equal(await page.locator('#brand-filter-panel').evaluate((d) => d.open), false);
  assert.match(await page.textContent('#brand-filter-panel > summary'), new RegExp(`单位：${rows[0].o}`));
  assert.deepEqual(problems, []);
  await context.close();
  const desk = await visit(DESKTOP, '/brands/');
  assert.equal(await desk.page.locator('#brand-filter-panel').evaluate((d) => d.open), true);
  await desk.context.close();
});

test('phone case page: the lead and the first section are on the first screen; 基本信息 and 目录 fold', async () => {
  for (const name of ['case', 'traditional case']) {
    const { page, context } = await visit(PHONE, path(name));
    const lead = await page.locator('.case-summary').boundingBox();
    assert.ok(lead && lead.y + lead.height <= 844, `${name}: lead ends at ${lead && lead.y + lead.height}px`);
    const section = await page.locator('.case-content > :first-child').boundingBox();
    assert.ok(section.y < 844 - 40, `${name}: the body starts at ${section.y}px`);
    const open = await page.locator('.case-aside details').evaluateAll((ds) => ds.map((d) => d.open));
    assert.ok(open.length >= 1 && open.every((o) => !o), `${name}: folded panels ${open}`);
    await context.close();
  }
  const { page, context } = await visit(DESKTOP, path('case'));
  const open = await page.locator('.case-aside details').evaluateAll((ds) => ds.map((d) => d.open));
  assert.ok(open.every((o) => o), 'open on desktop');
  await context.close();
});

test('the footer reaches the bottom of a short page; list and term pages line up with the header', async () => {
  const { page, context } = await visit({ width: 1280, height: 1600 }, '/no-such-page/');
  const bottom = await page.evaluate(() => document.querySelector('.site-footer').getBoundingClientRect().bottom);
  assert.ok(Math.abs(bottom - 1600) <= 1, `footer ends at ${bottom}px of 1600`);
  for (const name of ['cases', 'term', 'compilations', 'about']) {
    await open(page, server.url, path(name));
    const [title, h1] = await page.evaluate(() => [
      document.querySelector('.site-title').getBoundingClientRect().left,
      document.querySelector('main h1').getBoundingClientRect().left,
    ]);
    assert.ok(Math.abs(title - h1) <= 1, `${name}: h1 at ${h1}px, header title at ${title}px`);
  }
  await context.close();
});

test('大字版: a real toggle button, by keyboard, remembered across pages, set before the first paint, no sideways scroll at 390 px', async () => {
  const { page, context, problems } = await visit(PHONE, '/');
  const button = page.locator('button#text-size-toggle');
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  const small = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('main p, main li')).fontSize));
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('large-text')));
  const large = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('main p, main li')).fontSize));
  assert.ok(large >= small * 1.2, `text ${small}px → ${large}px`);
  // The next page starts large: the class is on <html> before <body> exists.
  await context.addInitScript(() => {
    new MutationObserver((_, o) => {
      if (document.body) { window.__largeAtBody = document.documentElement.classList.contains('large-text'); o.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
  for (const name of ['case', 'brands', 'search', 'compilation']) {
    await open(page, server.url, path(name));
    assert.equal(await page.evaluate(() => window.__largeAtBody), true, `${name}: large before the body is drawn`);
    assert.equal(await page.locator('#text-size-toggle').getAttribute('aria-pressed'), 'true');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 1, `${name} scrolls sideways by ${overflow}px`);
  }
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), LARGE_KEY), '1');
  await page.keyboard.press('Tab'); // skip link
  await page.locator('#text-size-toggle').focus();
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#text-size-toggle').getAttribute('aria-pressed'), 'false');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), LARGE_KEY), null);
  assert.deepEqual(problems, []);
  await context.close();
});
