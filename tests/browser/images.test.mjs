// Covers and body images as a phone shows them, in real headless Chromium: the real-style
// example's cover whole above the text at 390 px, a tall body photo capped at 80% of the
// screen with its Markdown title as the caption, and a size on every image.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { repoRoot, buildSite, serve, launch, watchedPage, tempDir } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const CASE = 'cases/rang-wo-xian-lai/';
let server, browser;

/** A plain RGB PNG of `width` × `height` (a gradient, so it is a real photo-like image). */
function png(width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, (y * 255) / height, 120], row + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  const site = tempDir('xianfeng-images-site-');
  cpSync(join(repoRoot, 'examples', 'real-style'), site, { recursive: true });
  const folder = join(site, 'content', 'cases', 'rang-wo-xian-lai');
  writeFileSync(join(folder, 'tall.png'), png(600, 2400));
  const md = join(folder, 'index.md');
  writeFileSync(md, `${readFileSync(md, 'utf8').trimEnd()}\n\n![志愿服务现场](tall.png "党员志愿服务队在社区")\n`);
  // The example is published under /showcase/ (its base_url), and served so.
  server = await serve(buildSite(site), { basePath: '/showcase' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('on a phone the cover shows whole above the text, and body photos are capped with their caption', async () => {
  const { page, context, problems } = await watchedPage(browser, PHONE);
  await page.goto(server.url + CASE);
  // Body images load lazily; their boxes come from width and height before they load.
  await page.waitForFunction(() => document.querySelector('.case-cover img')?.complete);
  const cover = await page.$eval('.case-cover img', (img) => {
    const r = img.getBoundingClientRect();
    return { w: r.width, h: r.height, ratio: img.naturalWidth / img.naturalHeight, fit: getComputedStyle(img).objectFit };
  });
  assert.ok(cover.w <= PHONE.width && cover.w > PHONE.width * 0.8, `cover ${cover.w}px wide`);
  // Whole: the box keeps the picture's own shape (not cut to a strip), or letterboxes it.
  assert.ok(Math.abs(cover.w / cover.h - cover.ratio) < 0.03 || cover.fit === 'contain', JSON.stringify(cover));
  const textTop = await page.$eval('.case-content', (e) => e.getBoundingClientRect().top);
  const coverTop = await page.$eval('.case-cover', (e) => e.getBoundingClientRect().top);
  assert.ok(coverTop < textTop, 'the cover stands above the text');
  const tall = await page.$eval('img[src*="tall"]', (img) => {
    const r = img.getBoundingClientRect();
    return { h: r.height, caption: img.closest('figure')?.querySelector('figcaption')?.textContent.trim() };
  });
  assert.ok(tall.h <= PHONE.height * 0.8 + 1, `a 600×2400 photo is ${tall.h}px tall on an 844px screen`);
  assert.equal(tall.caption, '党员志愿服务队在社区');
  const unsized = await page.$$eval('img', (imgs) => imgs.filter((i) => !i.getAttribute('width') || !i.getAttribute('height')).map((i) => i.src));
  assert.deepEqual(unsized, [], 'every image has its size, so nothing jumps as it loads');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the phone is offered the narrow copy of the cover, not the original', async () => {
  const { page, context } = await watchedPage(browser, PHONE);
  await page.goto(server.url + CASE);
  await page.waitForFunction(() => document.querySelector('.case-cover img')?.complete);
  const chosen = await page.$eval('.case-cover img', (img) => img.currentSrc);
  assert.match(chosen, /480|960/, `the phone loaded ${chosen}`);
  await context.close();
});
