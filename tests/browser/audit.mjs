// Outside checks of the built demo site, shared by a11y.test.mjs: the page types a visitor
// meets, axe-core run inside the page, tap-target and text-size measurements, and the Nu HTML
// Checker (vnu.jar from the vnu-jar package, run with Java) over HTML files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
export const VNU_JAR = require.resolve('vnu-jar/build/dist/vnu.jar');

/** The key the theme's 大字版 toggle keeps its choice under (themes/default/templates/base.html). */
export const LARGE_KEY = 'xianfeng-large-text';

/** The page types of the demo site, as [name, path under the base], found from the build output. */
export function pageTypes(out) {
  const rows = JSON.parse(readFileSync(join(out, 'brands', 'brands.json'), 'utf8'));
  const strip = (u) => u.replace(/^\/[^/]+/, ''); // drop the base path segment
  const trad = rows.find((r) => /tianjin-shiji-jiguan-shuang-shifan/.test(r.u)) || rows[0];
  const comps = readFileSync(join(out, 'compilations', 'index.html'), 'utf8');
  const comp = comps.match(/<li class="comp-card">\s*<h2><a href="([^"]+)"/)[1].replace(/&#x2F;/g, '/');
  const orgs = readFileSync(join(out, 'org', 'index.html'), 'utf8');
  const term = orgs.match(/href="([^"]*\/org\/[^"/]+\/)"/)[1].replace(/&#x2F;/g, '/');
  return [
    ['home', '/'],
    ['brands', '/brands/'],
    ['cases', '/cases/'],
    ['case', strip(rows.find((r) => r !== trad).u)],
    ['traditional case', strip(trad.u)],
    ['term', strip(term)],
    ['taxonomy list', '/tags/'],
    ['region list', '/region/'],
    ['search', `/search/?q=${encodeURIComponent('党建')}`],
    ['search, no results', `/search/?q=${encodeURIComponent('量子引力')}`],
    ['search, empty query', '/search/'],
    ['compilations', '/compilations/'],
    ['compilation', strip(comp)],
    ['about', '/about/'],
    ['404', '/no-such-page/'],
  ];
}

/** Loads `path` and waits until it is drawn (the search page: until its results are shown). */
export async function open(page, base, path) {
  await page.goto(base + path.replace(/^\//, ''), { waitUntil: 'networkidle' });
  if (path.startsWith('/search/')) await page.waitForSelector('#search-results[aria-busy="false"]', { timeout: 10000 });
}

/** axe-core's violations of WCAG 2.1 A/AA and best practice, above `minor`, as short lines. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return res.violations.filter((v) => v.impact !== 'minor')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

/**
 * Measures, in the page: tap targets under 24×24 px that are not links inside running text
 * (WCAG 2.5.8's inline exception), main controls under 44 px tall, visible text under 12 px,
 * and sideways scrolling.
 */
export function measure(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) return false;
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden' || s.clip === 'rect(0px, 0px, 0px, 0px)') return false;
        if (e.tagName === 'DETAILS' && !e.open && e !== el && !el.closest('summary')) return false;
      }
      return true;
    };
    // A link in running text: inline, inside a block whose text goes beyond the link's own.
    const inRunningText = (el) => {
      if (getComputedStyle(el).display !== 'inline') return false;
      let block = el.parentElement;
      while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
      if (!block) return false;
      // What the block says besides its links (separators such as · and 、 do not count).
      let rest = block.textContent;
      for (const a of block.querySelectorAll('a')) rest = rest.replace(a.textContent, '');
      return rest.replace(/[\s·、，,|/›（）()]+/g, '').length >= 4;
    };
    const boxOf = (el) => {
      // A checkbox or radio inside its label: the label is what a finger hits.
      if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) return el.closest('label').getBoundingClientRect();
      return el.getBoundingClientRect();
    };
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} “${(el.textContent || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20)}”`;
    const small = []; const mainSmall = [];
    const targets = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]');
    for (const el of targets) {
      if (el.closest('.skip-link') || el.classList.contains('skip-link')) continue;
      if (!visible(el) && !(el.matches('input[type=checkbox], input[type=radio]') && el.closest('label') && visible(el.closest('label')))) continue;
      if (el.matches('a') && inRunningText(el)) continue;
      const r = boxOf(el);
      if (r.width < 24 || r.height < 24) small.push(`${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      if (el.closest('[data-main-control]') || el.matches('[data-main-control]')) {
        if (r.height < 44 || r.width < 44) mainSmall.push(`${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    const tiny = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (!el || el.closest('script, style, noscript, .visually-hidden')) continue;
      if (!visible(el)) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 12) tiny.add(`${name(el)} ${size.toFixed(2)}px`);
    }
    return {
      smallTargets: small,
      smallMainControls: mainSmall,
      tinyText: [...tiny],
      overflow: document.documentElement.scrollWidth - window.innerWidth,
    };
  });
}

/** The Nu HTML Checker's errors for `files` (HTML files), as "file: line: message" lines. */
export function vnuErrors(files) {
  let out = '';
  try {
    execFileSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], { stdio: 'pipe', maxBuffer: 64 << 20 });
  } catch (e) {
    if (!e.stderr) throw e;
    out = e.stderr.toString();
  }
  if (!out.trim()) return [];
  const { messages } = JSON.parse(out);
  return messages.filter((m) => m.type === 'error')
    .map((m) => `${decodeURIComponent(m.url || '').replace(/^file:/, '')}:${m.lastLine}: ${m.message}`);
}

/** Writes the page's current DOM as an HTML file (for vnu on what scripts drew); returns its path. */
export async function snapshotHtml(page, label) {
  const dir = tempDir('xianfeng-dom-');
  const file = join(dir, `${label.replace(/[^a-z0-9]+/gi, '-')}.html`);
  writeFileSync(file, await page.content());
  return file;
}
