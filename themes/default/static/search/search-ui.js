// search-ui.js: the search page (/search/). Results as you type, facets with counts, state in
// the URL (?q=…&org=…&year=…), keyboard navigation, "更多" paging. Contract (DESIGN.md):
// #search-results has aria-busy="true" while a query runs and "false" once its results or the
// no-results message are shown; each hit is <a class="search-result" href="…">.
import { search, preload } from './xianfeng-search.js';

const BUILT_IN_FACETS = [['org', '单位'], ['region', '地区'], ['type', '类型'], ['year', '年份'], ['tags', '标签']];
// Facets counted on demand: their group starts closed and its column (the largest, on a big
// site) is fetched only when the group is opened or one of its values is in the URL.
const LAZY = new Set(['tags']);
const opened = new Set();
const PAGE = 10;
const DEBOUNCE_MS = 100;
const FACET_SHOWN = 12;

const $ = (id) => document.getElementById(id);
const form = $('search-form');
const input = $('search-input');
const box = $('search-results');
const list = $('search-list');
const status = $('search-status');
const more = $('search-more');
const facetBox = $('search-facets');
// The site's declared fields with `facet: true` (site.yaml `fields:`), as [[key, label]].
const declaredFacets = () => {
  try { return JSON.parse(facetBox.dataset.declared || '[]'); } catch { return []; }
};
// Open groups first, then the site's own, then the groups counted on demand (closed).
const FACETS = [...BUILT_IN_FACETS.filter(([n]) => !LAZY.has(n)), ...declaredFacets(), ...BUILT_IN_FACETS.filter(([n]) => LAZY.has(n))];

const state = { q: '', filters: {}, limit: PAGE };
let seq = 0;
let timer = 0;

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function readUrl() {
  const p = new URLSearchParams(location.search);
  state.q = p.get('q') || '';
  state.filters = {};
  for (const [name] of FACETS) {
    const v = p.getAll(name).filter(Boolean);
    if (v.length) state.filters[name] = v;
  }
}

function writeUrl() {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const [name] of FACETS) for (const v of state.filters[name] || []) p.append(name, v);
  const qs = p.toString();
  history.replaceState(null, '', location.pathname + (qs ? `?${qs}` : '') + location.hash);
}

function metaLine(r) {
  const m = r.meta || {};
  return [(m.org || []).join('、'), (m.region || [])[0], (m.type || []).join('、'), m.date]
    .filter(Boolean).map(esc).join(' · ');
}

function renderResults(res) {
  list.innerHTML = res.results.map((r) => `<li><a class="search-result" href="${esc(r.url)}">
    <h2 class="result-title">${r.titleHtml || esc(r.title)}</h2>
    <p class="result-meta">${metaLine(r)}</p>
    <p class="result-excerpt">${r.excerpt}</p></a></li>`).join('');
  more.hidden = res.total <= res.results.length;
}

function renderEmpty() {
  const org = box.dataset.taxonomyOrg; const tags = box.dataset.taxonomyTags;
  const filtered = Object.keys(state.filters).length;
  list.innerHTML = `<li class="search-empty"><p>没有找到与“${esc(state.q)}”相关的案例。</p>
    <p>建议：检查错别字；换用更短或更常用的词；${filtered ? '取消部分筛选条件；' : ''}多个词之间用空格分隔。</p>
    <p>也可以按<a href="${esc(org)}">单位</a>或<a href="${esc(tags)}">主题标签</a>浏览全部案例。</p></li>`;
  more.hidden = true;
}

const wanted = () => FACETS.map(([n]) => n).filter((n) => !LAZY.has(n) || opened.has(n) || state.filters[n]);

function renderFacets(facets) {
  facetBox.innerHTML = FACETS.map(([name, label]) => {
    const chosen = new Set(state.filters[name] || []);
    if (LAZY.has(name) && !(name in facets)) {
      return `<details class="facet-lazy" data-facet="${name}"><summary>${label}</summary></details>`;
    }
    const vals = facets[name] || [];
    const shown = vals.filter(([v], i) => i < FACET_SHOWN || chosen.has(v));
    if (!shown.length) return '';
    const group = `<fieldset><legend>${label}</legend>${shown.map(([v, c]) => `<label>
      <input type="checkbox" name="${name}" value="${esc(v)}"${chosen.has(v) ? ' checked' : ''}>
      <span>${esc(v)}</span><span class="count">${c}</span></label>`).join('')}</fieldset>`;
    return LAZY.has(name) ? `<details open data-facet="${name}"><summary>${label}</summary>${group}</details>` : group;
  }).join('');
}

/** Runs the current query; only the latest run may touch the page. */
async function run() {
  const my = ++seq;
  box.setAttribute('aria-busy', 'true');
  writeUrl();
  if (!state.q.trim()) {
    list.innerHTML = ''; facetBox.innerHTML = ''; more.hidden = true;
    status.textContent = '请输入关键词。';
    box.setAttribute('aria-busy', 'false');
    return;
  }
  try {
    const res = await search(state.q, { filters: state.filters, limit: state.limit, facets: wanted() });
    if (my !== seq) return;
    if (res.total) renderResults(res); else renderEmpty();
    status.textContent = res.total ? `找到 ${res.total} 个相关案例` : '没有找到结果';
    renderFacets(res.facets || {});
  } catch (e) {
    if (my !== seq) return;
    list.innerHTML = '';
    status.textContent = '搜索暂时不可用，请稍后重试。';
    console.error(e);
  }
  box.setAttribute('aria-busy', 'false');
}

function schedule() {
  clearTimeout(timer);
  box.setAttribute('aria-busy', 'true');
  timer = setTimeout(run, DEBOUNCE_MS);
}

input.addEventListener('input', (e) => {
  state.q = input.value;
  state.limit = PAGE;
  // The downloads start now; the debounce only holds back drawing (pinyin still being
  // composed in an input method is not a query).
  if (!e.isComposing && state.q.trim()) preload(state.q, { limit: state.limit, facets: wanted() });
  schedule();
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  state.q = input.value;
  clearTimeout(timer);
  run();
});

facetBox.addEventListener('change', (e) => {
  const el = e.target;
  if (!(el instanceof HTMLInputElement)) return;
  const set = new Set(state.filters[el.name] || []);
  if (el.checked) set.add(el.value); else set.delete(el.value);
  if (set.size) state.filters[el.name] = [...set]; else delete state.filters[el.name];
  state.limit = PAGE;
  run();
});

facetBox.addEventListener('toggle', (e) => {
  const d = e.target;
  if (!(d instanceof HTMLDetailsElement) || !d.open || opened.has(d.dataset.facet)) return;
  opened.add(d.dataset.facet);
  run();
}, true);

more.addEventListener('click', () => {
  state.limit += PAGE;
  const focusIndex = state.limit - PAGE;
  run().then(() => list.querySelectorAll('a.search-result')[focusIndex]?.focus());
});

// Keyboard: ArrowDown from the box enters the results; arrows move between them.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const links = [...list.querySelectorAll('a.search-result')];
  if (!links.length) return;
  const i = links.indexOf(document.activeElement);
  if (document.activeElement === input) {
    if (e.key === 'ArrowDown') { e.preventDefault(); links[0].focus(); }
    return;
  }
  if (i < 0) return;
  e.preventDefault();
  if (e.key === 'ArrowDown') links[Math.min(i + 1, links.length - 1)].focus();
  else if (i === 0) input.focus();
  else links[i - 1].focus();
});

readUrl();
input.value = state.q;
run();
