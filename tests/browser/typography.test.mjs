// Chinese typography and sharing on the demo site in real headless Chromium, at the width each
// concerns: dates and figures never break inside, units in pinyin order, a Traditional case's
// own spelling beside Simplified cards, the organisation profile, honours by level, and the
// 扫码阅读 code (desktop and print, not on a phone's screen).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, serve, launch, watchedPage } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
let out, server, browser;

before(async () => {
  out = buildSite();
  server = await serve(out);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(viewport, path) {
  const watched = await watchedPage(browser, viewport);
  await watched.page.goto(server.url + path.replace(/^\//, ''));
  return watched;
}

const casePaths = () => readdirSync(join(out, 'cases'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => `/cases/${e.name}/`);

test('dates, figures with their units and the length line never break inside at 390 px, even squeezed', async () => {
  const broken = [];
  for (const path of ['/', '/cases/', ...casePaths()]) {
    const { page, context, problems } = await open(PHONE, path);
    // Each is measured squeezed: its container narrowed to 2em, as a long name beside it or a
    // 大字版 line would. Only a box that never breaks inside stays one line.
    const found = await page.$$eval('time, .metric-figure, .metric-year, .case-length', (els) => els
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => {
        const box = el.parentElement;
        const saved = box.style.width;
        box.style.width = '2em';
        const style = getComputedStyle(el);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.8;
        // An inline box that wraps has one rectangle per line; a block one grows taller.
        const measured = { text: el.textContent.trim(), lines: el.getClientRects().length, tall: el.getBoundingClientRect().height > line * 1.5 };
        box.style.width = saved;
        return measured;
      }));
    assert.ok(found.length > 0, `${path} has dates or figures`);
    for (const f of found) if (f.lines > 1 || f.tall) broken.push(`${path}: “${f.text}”`);
    assert.deepEqual(problems, [], path);
    await context.close();
  }
  assert.deepEqual(broken, []);
});

test('units are listed in pinyin order: 长春 (cháng) before 拱北 before 珠海', async () => {
  const { page, context } = await open(DESKTOP, '/org/');
  const names = await page.$$eval('.term-list .term-name', (els) => els.map((e) => e.textContent.trim()));
  const at = (prefix) => names.findIndex((n) => n.startsWith(prefix));
  assert.ok(at('长春') >= 0 && at('拱北') >= 0 && at('珠海') >= 0, names.join(' '));
  assert.ok(at('长春') < at('拱北') && at('拱北') < at('珠海'), names.join(' '));
  await context.close();
});

test('a Traditional case shows its own spelling and its Simplified cards keep the Simplified font', async () => {
  const { page, context } = await open(PHONE, '/cases/tianjin-shiji-jiguan-shuang-shifan/');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hant');
  const crumbs = await page.$$eval('.breadcrumb li', (els) => els.map((e) => e.textContent.trim()));
  assert.ok(crumbs.includes('天津市級機關工委'), crumbs.join(' › '));
  const cards = await page.$$eval('.related article.card', (els) => els.map((e) => ({
    lang: e.getAttribute('lang'),
    font: getComputedStyle(e.querySelector('.card-title')).fontFamily,
  })));
  assert.ok(cards.length >= 2, 'the case relates two Simplified cases');
  const bodyFont = await page.$eval('.case-content', (e) => getComputedStyle(e).fontFamily);
  for (const card of cards) {
    assert.equal(card.lang, 'zh-Hans');
    assert.notEqual(card.font, bodyFont, 'a Simplified card does not take the Traditional font');
  }
  await context.close();
});

test('an organisation page opens with its profile on the first phone screen, without sideways scrolling', async () => {
  const { page, context, problems } = await open(PHONE, `/org/${encodeURIComponent('珠海市财政局')}/`);
  const box = await page.$eval('.org-profile', (e) => e.getBoundingClientRect().toJSON());
  assert.ok(box.bottom < PHONE.height, `profile ends at ${box.bottom}px`);
  const text = await page.textContent('.org-profile');
  assert.match(text, /案例\s*1\s*个/);
  assert.match(text, /荣誉\s*4\s*项/);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a case groups its honours under their levels, highest first', async () => {
  const { page, context } = await open(DESKTOP, '/cases/zhuhai-caizheng-rang-wo-xian-lai/');
  const levels = await page.$$eval('.honour-level', (els) => els.map((e) => e.textContent.trim()));
  assert.deepEqual(levels, ['全国荣誉', '市级荣誉']);
  await context.close();
});

test('the 扫码阅读 code shows on a desktop and in print, not on a phone screen', async () => {
  const path = '/cases/zhuhai-caizheng-rang-wo-xian-lai/';
  const desktop = await open(DESKTOP, path);
  const size = await desktop.page.$eval('.qr-panel svg', (e) => e.getBoundingClientRect().width);
  assert.ok(size >= 100, `the code is ${size}px wide`);
  assert.equal(await desktop.page.getAttribute('.qr-panel svg', 'role'), 'img');
  await desktop.context.close();
  const phone = await open(PHONE, path);
  assert.equal(await phone.page.isVisible('.qr-panel'), false);
  await phone.page.emulateMedia({ media: 'print' });
  assert.equal(await phone.page.isVisible('.qr-panel'), true, 'printed from a phone, the code is on paper');
  await phone.context.close();
  const compilation = await open(PHONE, '/compilations/zhuhai-dianxing-anli/');
  assert.equal(await compilation.page.isVisible('.qr-panel svg'), true, 'a compilation shows its code');
  await compilation.context.close();
});
