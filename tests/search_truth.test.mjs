// Correctness of search() against brute force: for realistic queries on the demo site (content/,
// 12 cases and a compilation, one in Traditional script) and on a small generated corpus, the
// expected results are computed by substring search over the folded texts the index saw
// (examples/search_truth.rs writes them next to the index). Every expected doc must be found
// (recall 100%), and the exact hits must be exactly the expected docs: phrases of 4+ characters,
// which the trigrams alone only approximate, must not bring false positives.
// Run: node --test tests/search_truth.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientPath = join(root, 'themes/default/static/search/xianfeng-search.js');
const clientBase = pathToFileURL(dirname(clientPath)).href + '/';
const gen = join(root, '..', 'shared', 'bench', 'gen_corpus.py');

/** Builds SITE's index and truth with the Rust indexer; returns the output folder. */
function buildTruth(site) {
  const out = mkdtempSync(join(tmpdir(), 'xf-truth-'));
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  execFileSync('cargo', ['run', '-q', ...(process.env.XF_RELEASE ? ['--release'] : []), '--example', 'search_truth', '--', site, out], { cwd: root, stdio: 'inherit' });
  return out;
}

let dirs = {};
const fetchRoot = { dir: null };

before(() => {
  dirs.demo = buildTruth(root);
  if (existsSync(gen)) {
    const g = mkdtempSync(join(tmpdir(), 'xf-truth-gen-'));
    process.on('exit', () => rmSync(g, { recursive: true, force: true }));
    execFileSync('python3', [gen, '300', g, '--seed', '11'], { stdio: 'pipe' });
    dirs.gen = buildTruth(join(g, 'site'));
  }
  globalThis.fetch = async (url) => {
    const rel = new URL(url).href.split('?')[0].slice(clientBase.length);
    try {
      return new Response(readFileSync(join(fetchRoot.dir, 'search', rel)), { status: 200 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
});

/** A fresh copy of the client (its caches belong to one index) reading `dir`'s index, and the
 *  folding of queries, from the whole fold map (NFKC, Traditional → Simplified, lowercase). */
async function clientFor(dir) {
  fetchRoot.dir = dir;
  const client = await import(`${pathToFileURL(clientPath).href}?dir=${encodeURIComponent(dir)}`);
  const map = new Map();
  for (const f of readdirSync(join(dir, 'search', 't2s'))) {
    const { t, s } = JSON.parse(readFileSync(join(dir, 'search', 't2s', f), 'utf8'));
    const ss = [...s];
    [...t].forEach((c, i) => map.set(c, ss[i]));
  }
  const fold = (text) => [...text.normalize('NFKC')].map((c) => (map.get(c) || c).toLowerCase()).join('');
  return { client, fold };
}

const isCjk = (cp) => (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff)
  || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af);
const isWord = (ch) => { const cp = ch.codePointAt(0); return !isCjk(cp) && /[\p{L}\p{N}]/u.test(ch); };

/** What a folded query term asks for: quoted, the text as written; else each Han run as a
 *  substring and each other letter/digit run as a whole word (the index has words, not
 *  prefixes), each anywhere in the doc (terms are ANDed token sets, not one string). */
function needles(term) {
  if (term.quoted) return [{ text: term.text, word: false }];
  return (term.text.match(/\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) || [])
    .map((p) => ({ text: p, word: !isCjk(p.codePointAt(0)) }));
}

function holds(text, n) {
  if (!n.word) return text.includes(n.text);
  for (let i = text.indexOf(n.text); i >= 0; i = text.indexOf(n.text, i + 1)) {
    const before = [...text.slice(0, i)].pop() || '';
    const after = [...text.slice(i + n.text.length)][0] || '';
    if (!(before && isWord(before)) && !(after && isWord(after))) return true;
  }
  return false;
}

function termsOf(folded) {
  const out = [];
  for (const m of folded.matchAll(/["“”]([^"“”]*)["“”]?|(\S+)/gu)) {
    if (m[1] !== undefined) out.push({ quoted: true, text: m[1].trim() });
    else out.push({ quoted: false, text: m[2] });
  }
  return out.filter((t) => t.text);
}

/** The urls whose texts hold every needle of every term (each within one field or passage). */
function expected(truth, fold, query) {
  const all = termsOf(fold(query)).flatMap(needles);
  return truth.filter((d) => all.every((n) => d.texts.some((x) => holds(x, n)))).map((d) => d.url).sort();
}

async function check(dir, queries) {
  const { client, fold } = await clientFor(dir);
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
  const report = [];
  for (const q of queries) {
    const want = expected(truth, fold, q);
    const r = await client.search(q, { limit: 100000, facets: false });
    const got = r.results.map((x) => x.url);
    const exact = r.results.filter((x) => x.meta.exact).map((x) => x.url).sort();
    const missing = want.filter((u) => !got.includes(u));
    assert.deepEqual(missing, [], `${q}: every doc holding it is found`);
    assert.deepEqual(exact, want, `${q}: the exact hits are exactly the docs holding it`);
    assert.equal(r.total, got.length);
    report.push(`${q}:${want.length}`);
  }
  return report;
}

const DEMO = [
  '让我先来', '讓我先來', '双示范', '雙示範', '示范点', '示範點', '黨建', '党建工作法', '党建品牌',
  '党建工作品牌', '法先锋', '审计先锋', '财经卫士', '"审计先锋 财经卫士"', '四融四同', '五力工程', '肩并肩',
  '堡垒指数', '先锋指数', '财政月讲堂', '五个精准发力', '基层党建实训', '拱北海关', '珠海市公安局',
  '浏阳市财政局', '长春市直机关工委', '一支部一特色', '党建+业务融合', '粤港澳大湾区', '机关党建 示范',
  '党务之星', '十佳标兵', '党员 教育', '谈心谈话', '2018', '珠海 党建品牌', '機關黨建',
];

const GENERATED = [
  '先锋示范', '党员干部', '品牌活动', '支部堡垒', '示范引领', '创新机制', '学习教育', '考核整改',
  '党建+业务融合', '模范机关创建', '我为群众办实事', '珠海市财政局', '先锋示范 品牌', '机制载体品牌活动',
  '理论武装思想自觉', '"责任清单 督查"', '服务群众基层', '窗口效率满意度', '高质量发展', '全国百优案例',
  '党建品牌', '堡垒先锋', '阵地讲堂课堂培训', '引领融合创新', '示范点',
];

// Ranking sanity: realistic queries (brands, organisations, phrases, Traditional script) and
// the cases a person typing them is after; each must be among the first 10 results.
const c = (slug) => `/cases/${slug}/`;
const RANKED = [
  ['让我先来', [c('zhuhai-caizheng-rang-wo-xian-lai')]],
  ['讓我先來', [c('zhuhai-caizheng-rang-wo-xian-lai')]],
  ['双示范', [c('tianjin-shiji-jiguan-shuang-shifan')]],
  ['雙示範', [c('tianjin-shiji-jiguan-shuang-shifan')]],
  ['黨建 示範', [c('tianjin-shiji-jiguan-shuang-shifan')]],
  ['示範點', [c('tianjin-shiji-jiguan-shuang-shifan'), c('zhuhai-gongan-si-rong-si-tong')]],
  ['法先锋', [c('zhuhai-sifa-fa-xianfeng')]],
  ['审计先锋 财经卫士', [c('zhuhai-shenji-shenji-xianfeng')]],
  ['四融四同', [c('zhuhai-gongan-si-rong-si-tong')]],
  ['五力工程', [c('zhuhai-gongan-wu-li-gongcheng')]],
  ['肩并肩', [c('zhuhai-shengtai-huanjing-jian-bing-jian')]],
  ['堡垒指数', [c('liuyang-caizheng-baolei-xianfeng-zhishu')]],
  ['先锋指数', [c('liuyang-caizheng-baolei-xianfeng-zhishu')]],
  ['财政月讲堂', [c('liuyang-caizheng-yue-jiangtang')]],
  ['五个精准发力', [c('changchun-shizhi-jiguan-wu-ge-jingzhun-fali')]],
  ['基层党建实训', [c('gongbei-haiguan-dangjian-shixun')]],
  ['拱北海关', [c('gongbei-haiguan-dangjian-shixun')]],
  ['珠海市公安局', [c('zhuhai-gongan-si-rong-si-tong'), c('zhuhai-gongan-wu-li-gongcheng')]],
  ['浏阳市财政局', [c('liuyang-caizheng-baolei-xianfeng-zhishu'), c('liuyang-caizheng-yue-jiangtang')]],
  ['长春市直机关工委', [c('changchun-shizhi-jiguan-wu-ge-jingzhun-fali')]],
  ['天津市级机关工委', [c('tianjin-shiji-jiguan-shuang-shifan')]],
  ['一支部一特色', [c('zhuhai-shizhi-jiguan-dangjian')]],
  ['党建业务融合', [c('zhuhai-gongan-si-rong-si-tong')]],
  ['党建品牌', [c('zhuhai-shenji-shenji-xianfeng'), c('zhuhai-sifa-fa-xianfeng')]],
  ['党建工作法', [c('zhuhai-caizheng-rang-wo-xian-lai'), c('zhuhai-gongan-wu-li-gongcheng'),
    c('zhuhai-shengtai-huanjing-jian-bing-jian')]],
  ['粤港澳大湾区', [c('gongbei-haiguan-dangjian-shixun')]],
  ['谈心谈话', [c('liuyang-caizheng-baolei-xianfeng-zhishu')]],
  ['珠海 典型案例汇编', ['/compilations/zhuhai-dianxing-anli/']],
  ['生态环境局 党建工作法', [c('zhuhai-shengtai-huanjing-jian-bing-jian')]],
  ['審計先鋒', [c('zhuhai-shenji-shenji-xianfeng')]],
];

test('demo site: the cases meant by 30 realistic queries are in the first 10 results', async (t) => {
  const { client } = await clientFor(dirs.demo);
  let found = 0; let total = 0; const misses = [];
  for (const [q, want] of RANKED) {
    const top = (await client.search(q, { limit: 10, facets: false })).results.map((x) => x.url);
    for (const u of want) {
      total++;
      if (top.includes(u)) found++; else misses.push(`${q} → ${u} (top: ${top.join(' ')})`);
    }
  }
  t.diagnostic(`recall@10: ${found}/${total}`);
  assert.deepEqual(misses, []);
});

test('demo site: recall 100%, exact hits are exactly the docs holding the query', async (t) => {
  const report = await check(dirs.demo, DEMO);
  t.diagnostic(`expected docs per query: ${report.join(' ')}`);
});

test('generated corpus: recall 100%, no false positives for long phrases', async (t) => {
  assert.ok(dirs.gen, `the corpus generator is expected at ${gen}`);
  const report = await check(dirs.gen, GENERATED);
  t.diagnostic(`expected docs per query: ${report.join(' ')}`);
});
