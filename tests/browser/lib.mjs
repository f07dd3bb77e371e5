// Shared helpers for the browser tests: a static server on 127.0.0.1 (optionally under a
// subpath, optionally gzip like a real static host), the xianfeng binary, and Chromium.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, normalize, extname, dirname, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8', '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.txt': 'text/plain; charset=utf-8',
};

/** The release binary (built once by the test runner script). */
export function xianfengBin() {
  const bin = process.env.XIANFENG_BIN || join(repoRoot, 'target', 'release', 'xianfeng');
  if (!existsSync(bin)) throw new Error(`xianfeng binary not found at ${bin}: run cargo build --release`);
  return bin;
}

/**
 * A fresh temp folder, removed when the test process exits (node --test runs each file in a
 * process of its own): a built 10,000-case site is 400 MB, and runs must not fill the disk.
 */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Builds `site` into a fresh temp folder; returns the folder. */
export function buildSite(site = repoRoot, extraArgs = []) {
  const out = tempDir('xianfeng-browser-');
  // --no-cache: tests leave no build cache in the sites they build (the demo is the repository).
  execFileSync(xianfengBin(), ['build', site, '--no-cache', '-o', join(out, 'public'), ...extraArgs], { stdio: 'pipe' });
  return join(out, 'public');
}

/**
 * Serves `root` at `http://127.0.0.1:PORT{basePath}/`. With gzip, compressible responses are
 * gzipped and `bytes` counts what went over the wire. Resolves to {url, close, bytes, log}.
 */
export function serve(root, { basePath = '', gzip = true } = {}) {
  const stats = { bytes: 0, log: [] };
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    stats.log.push(path);
    if (!path.startsWith(basePath + '/')) { res.writeHead(404); res.end('outside base path'); return; }
    path = normalize(path.slice(basePath.length)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(root) || !existsSync(file)) {
      const notFound = join(root, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(existsSync(notFound) ? readFileSync(notFound) : 'not found');
      return;
    }
    const type = TYPES[extname(file)] || 'application/octet-stream';
    let body = readFileSync(file);
    const headers = { 'content-type': type, 'cache-control': 'no-cache' };
    if (gzip && /text|json|javascript|xml|svg/.test(type) && /gzip/.test(req.headers['accept-encoding'] || '')) {
      body = gzipSync(body, { level: 9 });
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    stats.bytes += body.length;
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    ok({
      url: `http://127.0.0.1:${port}${basePath}/`,
      origin: `http://127.0.0.1:${port}`,
      stats,
      close: () => new Promise((done) => server.close(done)),
    });
  }));
}

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try { return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim(); } catch {
    throw new Error('chromium not found: install Debian\'s chromium package (tests/run-all.sh does)');
  }
}

/** Headless Debian Chromium with the flags this closed network needs. */
export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page that records console errors, page errors and any request leaving 127.0.0.1.
 * Returns {page, problems} where problems is an array filled as things happen.
 */
export async function watchedPage(browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:', 'about:'].includes(u.protocol)) {
      problems.push(`external request: ${r.url()}`);
    }
  });
  return { page, context, problems };
}
