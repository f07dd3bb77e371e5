// The default theme in real headless Chromium: the demo site under a base path, at phone and
// desktop widths; the brand gallery's filters (across all pages, state in the URL, no reload);
// the case page; the compilation's print layout. No console error and no external request
// on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, readdirSync, statSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { repoRoot, buildSite, serve, launch, watchedPage } from './lib.mjs';

const BASE = '/showcase';
let site, out, server, browser;

before(async () => {
  // The demo site, with small gallery pages so that filtering must reach beyond page 1.
  site = mkdtempSync(join(tmpdir(), 'xianfeng-theme-site-'));
  for (const entry of ['site.yaml', 'content']) cpSync(join(repoRoot, entry), join(site, entry), { recursive: true });
  for (const entry of ['templates', 'static', 'themes']) {
    if (existsSync(join(repoRoot, entry))) cpSync(join(repoRoot, entry), join(site, entry), { recursive: true });
  }
  const yaml = readFileSync(join(site, 'site.yaml'), 'utf8').replace(/^paginate_brands:.*$/m, '');
  writeFileSync(join(site, 'site.yaml'), `${yaml.trimEnd()}\npaginate_brands: 5\n`);
  out = buildSite(site, ['--base-url', `https://dj.example.cn${BASE}`]);
  server = await serve(out, { basePath: BASE });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

function htmlFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) found.push(...htmlFiles(p));
    else if (name.endsWith('.html')) found.push(p);
  }
  return found;
}

function firstCaseUrl() {
  const rows = JSON.parse(readFileSync(join(out, 'brands', 'brands.json'), 'utf8'));
  return rows[0].u;
}

function firstCompilationUrl() {
  const html = readFileSync(join(out, 'compilations', 'index.html'), 'utf8');
  const m = html.match(/<li class="comp-card">\s*<h2><a href="([^"]+)"/);
  assert.ok(m, 'the compilation list links a compilation');
  return m[1].replace(/&#x2F;/g, '/');
}

const pages = () => [
  ['home', '/'],
  ['brands', '/brands/'],
  ['cases', '/cases/'],
  ['case', firstCaseUrl().slice(BASE.length)],
  ['region', '/region/'],
  ['tags', '/tags/'],
  ['compilations', '/compilations/'],
  ['compilation', firstCompilationUrl().slice(BASE.length)],
  ['about', '/about/'],
];

test('every theme page loads cleanly at 390 px and 1280 px: no errors, no external request, no sideways scroll', async () => {
  for (const width of [390, 1280]) {
    const { page, context, problems } = await watchedPage(browser, { width, height: 900 });
    for (const [name, path] of pages()) {
      const res = await page.goto(server.url + path.replace(/^\//, ''), { waitUntil: 'networkidle' });
      assert.equal(res.status(), 200, `${name} at ${width}px`);
      const lang = await page.getAttribute('html', 'lang');
      assert.match(lang, /^zh-/, `${name}: html lang`);
      assert.equal(await page.locator('main#main').count(), 1, `${name}: one <main id="main">`);
      assert.equal(await page.locator('h1').count(), 1, `${name}: one h1`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name} at ${width}px scrolls sideways by ${overflow}px`);
      const noAlt = await page.locator('img:not([alt])').count();
      assert.equal(noAlt, 0, `${name}: images without alt`);
    }
    assert.deepEqual(problems, [], `problems at ${width}px`);
    await context.close();
  }
});

test('generated pages have unique ids and the header search form', () => {
  for (const file of htmlFiles(out)) {
    const html = readFileSync(file, 'utf8');
    if (!html.includes('<main id="main"')) continue; // alias redirects, search client pages of others
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(dup, [], `duplicate ids in ${relative(out, file)}`);
    assert.match(html, /<form[^>]*role="search"[^>]*>[\s\S]*?<input[^>]*name="q"/, `search form in ${relative(out, file)}`);
  }
});

test('skip link is the first tab stop and moves focus to main', async () => {
  const { page, context } = await watchedPage(browser);
  await page.goto(server.url, { waitUntil: 'networkidle' });
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({ cls: document.activeElement.className, href: document.activeElement.getAttribute('href') }));
  assert.equal(focused.cls, 'skip-link');
  // It slides in (a 0.15 s transition): wait for it to arrive, then check where it is.
  await page.waitForFunction(() => document.querySelector('.skip-link').getBoundingClientRect().top >= 0, null, { timeout: 3000 }).catch(() => {});
  const box = await page.locator('.skip-link').boundingBox();
  assert.ok(box && box.y >= 0, 'skip link visible when focused');
  await page.keyboard.press('Enter');
  // Following the link is asynchronous: wait for it (the assertion still fails if it never comes).
  await page.waitForFunction(() => location.hash === '#main', null, { timeout: 5000 }).catch(() => {});
  assert.equal(await page.evaluate(() => location.hash), '#main');
  await context.close();
});

test('brand gallery filters across all brands without reload and keeps state in the URL', async () => {
  const rows = JSON.parse(readFileSync(join(out, 'brands', 'brands.json'), 'utf8'));
  // The organisation with the most brands, and a year of one of them.
  const byOrg = new Map();
  for (const r of rows) byOrg.set(r.o, (byOrg.get(r.o) || 0) + 1);
  const org = [...byOrg.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const expected = rows.filter((r) => r.o === org);

  const { page, context, problems } = await watchedPage(browser, { width: 1280, height: 900 });
  await page.goto(`${server.url}brands/`, { waitUntil: 'networkidle' });
  assert.ok(await page.locator('#brand-filters').isVisible(), 'filters shown when JS runs');
  assert.equal(await page.locator('#brand-grid .card').count(), Math.min(5, rows.length), 'page 1 holds 5 cards');
  await page.evaluate(() => { window.__noReload = true; });

  await page.selectOption('#f-org', org);
  await page.waitForFunction(() => new URLSearchParams(location.search).has('org'));
  assert.equal(new URL(page.url()).searchParams.get('org'), org);
  assert.equal(await page.evaluate(() => window.__noReload), true, 'no reload');
  const orgs = await page.locator('#brand-grid .card .card-org').allTextContents();
  assert.equal(orgs.length, expected.length, 'every brand of the organisation, from all pages');
  assert.ok(orgs.every((o) => o === org));
  assert.ok(await page.locator('#brand-pages').isHidden(), 'pagination hidden while filtering');
  assert.match(await page.locator('#brand-status').textContent(), new RegExp(String(expected.length)));

  // Two filters: org and year.
  const year = String(expected[0].y);
  await page.selectOption('#f-year', year);
  await page.waitForFunction(() => new URLSearchParams(location.search).has('year'));
  const both = rows.filter((r) => r.o === org && String(r.y) === year);
  assert.equal(await page.locator('#brand-grid .card').count(), both.length);

  // The URL restores the state.
  const url = page.url();
  await page.goto(url, { waitUntil: 'networkidle' });
  assert.equal(await page.inputValue('#f-org'), org);
  assert.equal(await page.inputValue('#f-year'), year);
  assert.equal(await page.locator('#brand-grid .card').count(), both.length);

  // Clearing brings back the plain page and its pagination.
  await page.click('#f-reset');
  await page.waitForFunction(() => location.search === '');
  assert.equal(await page.locator('#brand-grid .card').count(), Math.min(5, rows.length));
  assert.ok(await page.locator('#brand-pages').isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});

test('without JavaScript the gallery is a paginated list with term links', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}brands/`);
  assert.ok(await page.locator('#brand-filters').isHidden(), 'no dead filter controls without JS');
  assert.ok(await page.locator('.pagination a[rel="next"]').count() === 1, 'a next-page link');
  assert.ok(await page.locator('#brand-browse details a').count() > 0, 'term links to browse by');
  await context.close();
});

test('case page shows facts, linked region and tags, metrics, sources and print style', async () => {
  const { page, context, problems } = await watchedPage(browser);
  await page.goto(server.url + firstCaseUrl().slice(BASE.length + 1), { waitUntil: 'networkidle' });
  assert.equal(await page.locator('meta[property="og:title"]').count(), 1, 'Open Graph');
  assert.match(await page.getAttribute('meta[name="description"]', 'content'), /\S/);
  assert.match(await page.getAttribute('link[rel="canonical"]', 'href'), /^https:\/\/dj\.example\.cn\/showcase\/cases\//);
  assert.ok(await page.locator('.facts a[href*="/region/"]').count() >= 1, 'region links');
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('.site-nav').isHidden(), 'navigation hidden in print');
  assert.deepEqual(problems, []);
  await context.close();
});

test('compilation: 一、二、 numbering across chapters, a page per case in print, a clean A4 PDF', async () => {
  const { page, context, problems } = await watchedPage(browser);
  await page.goto(server.url + firstCompilationUrl().slice(BASE.length + 1), { waitUntil: 'networkidle' });
  const labels = await page.locator('.chapter .entry:not(.entry-stub) .entry-label').allTextContents();
  assert.ok(labels.length >= 2, 'numbered entries');
  assert.equal(labels[0], '一、');
  assert.equal(labels[1], '二、');
  assert.match(await page.locator('.chapter-label').first().textContent(), /^第一部分/);
  await page.emulateMedia({ media: 'print' });
  const breaks = await page.locator('.entry:not(.entry-stub)').evaluateAll((els) => els.map((e) => getComputedStyle(e).breakBefore));
  assert.ok(breaks.every((b) => b === 'page'), `page break before each case: ${breaks}`);
  const pdf = await page.pdf({ format: 'A4' });
  const count = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(count > labels.length, `the PDF has more pages (${count}) than cases (${labels.length})`);
  assert.deepEqual(problems, []);
  await context.close();
});
