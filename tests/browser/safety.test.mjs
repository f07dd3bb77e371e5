// Stored XSS, tried in a real browser: a case whose front matter and Markdown carry script
// URLs in every form an editor's paste or an attacker can produce, printed on its own page and
// in full in a compilation. Chromium's own URL parser judges every link and image of both
// pages, every link is clicked, and no script may run (no dialog, no page error).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildSite, serve, launch, watchedPage } from './lib.mjs';

let site, out, server, browser;

const BODY = [
  '[点我](javascript:alert(1))，<javascript:alert(2)>，[引用][r]，[大小写](JaVaScRiPt:alert(4))，',
  '[空格]( javascript:alert(5))，[实体](&#106;avascript:alert(6))，[制表](java\tscript:alert(8))，',
  '![图](data:image/svg+xml,<svg/onload=alert(7)>) [正常链接](https://www.zhuhai.gov.cn/)',
  '',
  '<a href="javascript:alert(10)">原始HTML</a><img src="/favicon.svg" onerror="alert(11)"><a href="vbscript:msgbox(12)">vb</a>',
  '',
  '[r]: javascript:alert(3)',
].join('\n');

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'xianfeng-xss-site-'));
  mkdirSync(join(site, 'content', 'cases'), { recursive: true });
  mkdirSync(join(site, 'content', 'compilations'), { recursive: true });
  writeFileSync(join(site, 'site.yaml'), 'title: 安全测试\nbase_url: https://dj.example.cn\n');
  writeFileSync(join(site, 'content', 'cases', 'xss.md'), [
    '---', 'title: 注入测试', 'brand: 测试品牌', 'org: 某局', 'date: 2021-05-01',
    'sources:', '  - {title: 来源一, url: "javascript:alert(9)"}', '  - {title: 来源二, url: " JAVASCRIPT:alert(13)"}',
    '  - {title: 来源三, url: "https://www.zhuhai.gov.cn/"}', 'cover: {src: "data:image/png;base64,AAAA", alt: 封面}',
    '---', '', BODY, '',
  ].join('\n'));
  writeFileSync(join(site, 'content', 'compilations', 'c.md'),
    '---\ntitle: 汇编\ndate: 2021-06-01\nchapters:\n  - title: 第一部分\n    cases: [xss]\n---\n前言\n');
  out = buildSite(site);
  server = await serve(out);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

const ALLOWED = ['http:', 'https:', 'mailto:', 'tel:'];

for (const [name, path] of [['case page', 'cases/xss/'], ['compilation', 'compilations/c/']]) {
  test(`no script URL survives on the ${name}, and clicking every link runs nothing`, async () => {
    const { page, context, problems } = await watchedPage(browser);
    const dialogs = [];
    page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
    // Clicks must not leave the page: every navigation is stopped at the network.
    await context.route('**/*', (route) => (route.request().isNavigationRequest() && route.request().url() !== server.url + path
      ? route.abort() : route.continue()));
    // A click's navigation is aborted by the route above; one still on its way when the page is
    // loaded again aborts that load too (net::ERR_ABORTED), so the load is tried again.
    const load = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await page.goto(server.url + path, { waitUntil: 'networkidle' });
        } catch (e) {
          if (attempt === 3 || !String(e).includes('ERR_ABORTED')) throw e;
        }
      }
    };
    await load();
    const urls = await page.evaluate(() => [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .map((el) => ({ tag: el.tagName, url: el.href || el.src || el.action || el.formAction }))
      .filter((x) => typeof x.url === 'string' && x.url !== ''));
    for (const { tag, url } of urls) {
      assert.ok(ALLOWED.includes(new URL(url).protocol), `${tag} ${url} on the ${name}`);
    }
    assert.ok(urls.some((u) => u.url === 'https://www.zhuhai.gov.cn/'), 'the safe links stay');
    const text = await page.locator('main').textContent();
    for (const kept of ['点我', '引用', '原始HTML']) assert.ok(text.includes(kept), `the text "${kept}" stays`);
    const links = await page.locator('main a').count();
    for (let i = 0; i < links; i++) {
      await page.locator('main a').nth(i).click({ noWaitAfter: true, timeout: 2000 }).catch(() => {});
      await page.waitForLoadState('networkidle').catch(() => {});
      if (page.url().split('#')[0] !== server.url + path) await load();
    }
    await page.waitForTimeout(200);
    assert.deepEqual(dialogs, [], `no script ran on the ${name}`);
    assert.deepEqual(problems.filter((p) => p.startsWith('pageerror')), []);
    await context.close();
  });
}
