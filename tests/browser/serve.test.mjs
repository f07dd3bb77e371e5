// `xianfeng serve` in real headless Chromium: open tabs reload after a save, stylesheets are
// swapped without a reload, the error overlay appears in every tab and goes when the file is
// fixed, and more tabs than the browser's six connections per host all keep reloading (one
// shared event stream). The site has its own minimal templates, so this does not depend on
// the default theme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { xianfengBin, launch, watchedPage } from './lib.mjs';

let site, server, origin, browser;

const TEMPLATES = ['index', 'brands', 'cases', 'case', 'taxonomy_list', 'taxonomy_term', 'compilations',
  'compilation', 'page', 'search', '404', 'alias'];

function write(rel, text) {
  const path = join(site, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

function caseFile(body, brand = '先锋') {
  return `---\ntitle: 让我先来\nbrand: ${brand}\norg: 珠海市财政局\ndate: 2021-05-01\n---\n\n${body}\n`;
}

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'xianfeng-serve-site-'));
  write('site.yaml', 'title: 测试站点\nbase_url: https://dj.example.cn/showcase\n');
  for (const name of TEMPLATES) {
    const main = name === 'case' ? '<article id="case">{{ case.content | safe }}</article>' : '';
    write(`templates/${name}.html`, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ site.title }}</title>
<link rel="stylesheet" href="{{ asset(path='style.css') }}"></head><body><h1>${name}</h1>${main}</body></html>\n`);
  }
  write('static/style.css', 'body { color: rgb(200, 0, 0); }\n');
  write('content/cases/a.md', caseFile('第一版正文'));
  const child = spawn(xianfengBin(), ['serve', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', () => {});
  const first = await new Promise((ok, fail) => {
    createInterface({ input: child.stdout }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`xianfeng serve exited with ${code}`)));
  });
  const m = /^serving on (http:\/\/127\.0\.0\.1:\d+)\/$/.exec(first);
  assert.ok(m, `unexpected first line: ${first}`);
  origin = m[1];
  server = child;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (site) rmSync(site, { recursive: true, force: true });
});

async function openTabs(n, path) {
  const context = await browser.newContext();
  const problems = [];
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(origin + path);
    pages.push(page);
  }
  return { context, pages, problems };
}

const text = (page) => page.locator('#case').innerText();

test('open tabs reload after a save; more than six tabs all follow', async () => {
  const { context, pages, problems } = await openTabs(8, '/cases/a/');
  for (const page of pages) {
    assert.match(await text(page), /第一版正文/);
    await page.evaluate(() => { window.__before = true; });
  }
  write('content/cases/a.md', caseFile('第二版正文'));
  for (const page of pages) {
    await page.waitForFunction(() => document.querySelector('#case')?.innerText.includes('第二版正文'), null, { timeout: 15000 });
    assert.equal(await page.evaluate(() => window.__before), undefined, 'the page was reloaded');
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a stylesheet change is applied without a reload', async () => {
  const { context, pages, problems } = await openTabs(1, '/cases/a/');
  const [page] = pages;
  await page.evaluate(() => { window.__kept = true; });
  write('static/style.css', 'body { color: rgb(0, 0, 200); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).color === 'rgb(0, 0, 200)', null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => window.__kept), true, 'no reload for a CSS-only change');
  assert.equal(await page.locator('link[rel="stylesheet"]').count(), 1, 'the old stylesheet link is removed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a broken file shows the overlay in every tab, and fixing it removes it', async () => {
  const { context, pages } = await openTabs(2, '/cases/a/');
  write('content/cases/a.md', caseFile('第三版正文', '[先锋'));
  for (const page of pages) {
    await page.locator('#xianfeng-overlay').waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await page.locator('#xianfeng-overlay').innerText(), /content\/cases\/a\.md:\d+/);
    assert.match(await text(page), /第二版正文/, 'the last good page stays under the overlay');
  }
  write('content/cases/a.md', caseFile('第四版正文'));
  for (const page of pages) {
    await page.waitForFunction(() => document.querySelector('#case')?.innerText.includes('第四版正文'), null, { timeout: 15000 });
    assert.equal(await page.locator('#xianfeng-overlay').count(), 0);
  }
  await context.close();
});
