// Accessibility of the default theme, checked by outside tools on every page type of the demo
// site at 390 px and 1280 px, with 大字版 off and on: axe-core (WCAG 2.1 AA and best practice)
// finds nothing above minor; no tap target under 24 px outside running text and none of the
// main controls under 44 px; no text under 12 px; no sideways scrolling; the Nu HTML Checker
// finds no error in the built pages nor in the search page as its script draws it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { buildSite, serve, launch, watchedPage, repoRoot } from './lib.mjs';
import { pageTypes, open, axeViolations, measure, vnuErrors, snapshotHtml, LARGE_KEY } from './audit.mjs';

const BASE = '/showcase';
let out, server, browser;
const runs = []; // {label, axe, m} per page type, width and text size

before(async () => {
  out = buildSite(repoRoot, ['--base-url', `https://dj.example.cn${BASE}`]);
  server = await serve(out, { basePath: BASE });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

/** Visits every page type once per width and text size, recording axe and the measurements. */
async function audit() {
  if (runs.length) return runs;
  for (const large of [false, true]) {
    for (const width of [390, 1280]) {
      const { page, context, problems } = await watchedPage(browser, { width, height: 844 });
      if (large) await context.addInitScript((key) => localStorage.setItem(key, '1'), LARGE_KEY);
      for (const [name, path] of pageTypes(out)) {
        await open(page, server.url, path);
        const label = `${name} at ${width}px${large ? ', 大字版' : ''}`;
        const isLarge = await page.evaluate(() => document.documentElement.classList.contains('large-text'));
        assert.equal(isLarge, large, `${label}: 大字版 class on <html>`);
        runs.push({ label, axe: await axeViolations(page), m: await measure(page) });
      }
      assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), [], `console or network problems at ${width}px`);
      await context.close();
    }
  }
  // A11Y_REPORT=file.json keeps every measurement, for a reader fixing what the tests report.
  if (process.env.A11Y_REPORT) writeFileSync(process.env.A11Y_REPORT, JSON.stringify(runs, null, 1));
  return runs;
}

const report = (pick) => runs.flatMap((r) => pick(r).map((x) => `${r.label}: ${x}`));

test('axe-core finds no violation above minor on any page type, at 390 and 1280 px, 大字版 on and off', async () => {
  await audit();
  assert.ok(runs.length >= 15 * 4, `${runs.length} page visits`);
  assert.deepEqual(report((r) => r.axe), []);
});

test('no tap target under 24 px outside running text, and main controls at least 44 px, at 390 px', async () => {
  await audit();
  const phone = runs.filter((r) => r.label.includes('390px'));
  assert.deepEqual(phone.flatMap((r) => r.m.smallTargets.map((x) => `${r.label}: ${x}`)), []);
  assert.deepEqual(phone.flatMap((r) => r.m.smallMainControls.map((x) => `${r.label}: ${x}`)), []);
});

test('no visible text under 12 px and no sideways scrolling, on any page type and width', async () => {
  await audit();
  assert.deepEqual(report((r) => r.m.tinyText), []);
  assert.deepEqual(report((r) => (r.m.overflow > 1 ? [`scrolls sideways by ${r.m.overflow}px`] : [])), []);
});

test('the Nu HTML Checker finds no error in the built page types nor in the drawn search page', async () => {
  const files = pageTypes(out).filter(([, p]) => !p.includes('?') && p !== '/no-such-page/')
    .map(([, p]) => join(out, p, 'index.html'));
  files.push(join(out, '404.html'));
  const { page, context } = await watchedPage(browser, { width: 390, height: 844 });
  for (const [name, path] of pageTypes(out).filter(([, p]) => p.startsWith('/search/'))) {
    await open(page, server.url, path);
    files.push(await snapshotHtml(page, name));
  }
  await context.close();
  assert.deepEqual(vnuErrors(files), []);
});
