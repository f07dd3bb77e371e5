// search-ui.js: the search page (/search/). Results as you type, facets with counts, state in
// the URL (?q=…&org=…&year=…), keyboard navigation, "更多" paging. Contract (DESIGN.md):
// #search-results has aria-busy="true" while a query runs and "false" once its results or the
// no-results message are shown; each hit is <a class="search-result" href="…">.
import { search, preload } from './xianfeng-search.js';

const $ = (id) => document.getElementById(id);
const box = $('search-results');
// The built-in facets and their names as the site names them (site.yaml taxonomies, e.g. 年度,
// 主题), from the page: data-facet-names="org=单位|type=类型|…".
const BUILT_IN_FACETS = (box.dataset.facetNames || '').split('|').filter(Boolean).map((p) => p.split('='));
// A compilation (type 案例汇编) is a book of cases, not a case: labelled and counted apart.
const COMPILATION = 'compilation';
// Facets counted on demand: their group starts closed and its column (the largest, on a big
// site) is fetched only when the group is opened or one of its values is in the URL.
const LAZY = new Set(['tags']);
const opened = new Set();
const PAGE = 10;
const DEBOUNCE_MS = 100;
const FACET_SHOWN = 12;

const form = $('search-form');
const input = $('search-input');
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
const side = $('search-side');
const panel = $('search-filter');
const chosenLine = $('search-filter-chosen');
const empty = $('search-empty');
const start = $('search-start');
// Wide screens show the facets beside the results; phones keep them folded under 筛选.
const WIDE = window.matchMedia('(min-width: 48rem)');
panel.open = WIDE.matches;
WIDE.addEventListener('change', () => { panel.open = WIDE.matches; });

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

/** 2022-03-22 as 2022年3月22日, as the rest of the site writes dates. */
function zhDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : '';
}

function metaLine(r) {
  const m = r.meta || {};
  const types = (m.type || []).filter((t) => r.meta.kind !== COMPILATION || t !== '案例汇编');
  const parts = [(m.org || []).join('、'), (m.region || [])[0], types.join('、')].filter(Boolean).map(esc);
  const date = zhDate(m.date);
  if (date) parts.push(`<time datetime="${esc(m.date)}">${date}</time>`);
  return parts.join(' · ');
}

function renderResults(res) {
  list.innerHTML = res.results.map((r) => `<li><a class="search-result" href="${esc(r.url)}">
    <h2 class="result-title">${r.meta.kind === COMPILATION ? '<span class="badge result-kind">案例汇编</span>' : ''}${r.titleHtml || esc(r.title)}</h2>
    <p class="result-meta">${metaLine(r)}</p>
    <p class="result-excerpt">${r.excerpt}</p></a></li>`).join('');
  more.hidden = res.total <= res.results.length;
}

/** "找到 8 个相关案例、1 部案例汇编": compilations are not counted as cases. */
function countLine(res) {
  const typeFilter = state.filters.type;
  const comp = typeFilter && !typeFilter.includes('案例汇编') ? 0
    : ((res.facets.type || []).find(([v]) => v === '案例汇编') || [])[1] || 0;
  const cases = res.total - comp;
  const parts = [];
  if (cases) parts.push(`${cases} 个相关案例`);
  if (comp) parts.push(`${comp} 部案例汇编`);
  return `找到 ${parts.join('、')}`;
}

/** The chosen filters, on the folded 筛选 button: "（2）：珠海市公安局、2022". */
function showChosen() {
  const values = FACETS.flatMap(([name]) => state.filters[name] || []);
  chosenLine.textContent = values.length ? `（已选 ${values.length} 项：${values.join('、')}）` : '';
}

const wanted = () => FACETS.map(([n]) => n).filter((n) => !LAZY.has(n) || opened.has(n) || state.filters[n]);

function renderFacets(facets) {
  showChosen();
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
      <span class="facet-value">${esc(v)}</span><span class="count">${c}</span></label>`).join('')}</fieldset>`;
    return LAZY.has(name) ? `<details open data-facet="${name}"><summary>${label}</summary>${group}</details>` : group;
  }).join('');
}

/** Runs the current query; only the latest run may touch the page. */
async function run() {
  const my = ++seq;
  box.setAttribute('aria-busy', 'true');
  writeUrl();
  const blank = !state.q.trim();
  start.hidden = !blank;
  if (blank) {
    list.innerHTML = ''; facetBox.innerHTML = ''; more.hidden = true; empty.hidden = true; side.hidden = true;
    status.textContent = '请输入关键词，或从常用主题、单位开始浏览。';
    box.setAttribute('aria-busy', 'false');
    return;
  }
  try {
    const res = await search(state.q, { filters: state.filters, limit: state.limit, facets: wanted() });
    if (my !== seq) return;
    res.facets = res.facets || {};
    const filtered = Object.keys(state.filters).length > 0;
    if (res.total) renderResults(res); else { list.innerHTML = ''; more.hidden = true; }
    // No results: one message, the way on below it, and no facets left over (unless filters
    // are what emptied the list: then they stay, to be unticked).
    status.textContent = res.total ? countLine(res) : `没有找到与“${state.q.trim()}”相关的案例。`;
    empty.hidden = res.total > 0;
    $('search-empty-filters').hidden = !filtered;
    side.hidden = !res.total && !filtered;
    renderFacets(res.facets);
  } catch (e) {
    if (my !== seq) return;
    list.innerHTML = ''; empty.hidden = true; side.hidden = true;
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
