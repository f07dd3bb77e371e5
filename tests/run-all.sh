#!/usr/bin/env bash
# Every test of xianfeng: the Rust tests (cargo test) and the browser tests in real headless
# Chromium. On a fresh Debian machine it installs what the browser tests need: Debian's
# chromium package and the npm packages of tests/browser (playwright-core, pinned in its lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust tests"
cargo test

echo "== Search client tests (Node, on an index built by the Rust indexer)"
node --test tests/search_client.test.mjs tests/search_truth.test.mjs

echo "== Browser tests"
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
cargo build --release --quiet
XIANFENG_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/xianfeng" node --test --test-concurrency=1 tests/browser/
