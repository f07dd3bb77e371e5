#!/usr/bin/env bash
# Every test of xianfeng: the Rust tests (cargo test) and the browser tests in real headless
# Chromium. On a fresh Debian machine it installs what the tests need: Debian's poppler-utils,
# fonts-noto-cjk, chromium and a Java runtime (for the Nu HTML Checker), and the npm packages
# of tests/browser (playwright-core, axe-core, vnu-jar, pinned in its lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's packages the tests need, installed before any test runs: poppler-utils (pdftotext,
# pdffonts, pdfinfo read back the compilation PDFs in tests/pdf.rs), the Noto CJK fonts the PDFs
# and the browser layout measurements are set in (without them Chinese falls back to whatever
# the machine has, and no PDF is made), chromium for the browser tests and a Java runtime for
# the Nu HTML Checker (vnu.jar).
missing=""
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$missing fonts-noto-cjk"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
if [ -n "$missing" ]; then
  echo "installing Debian's$missing"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

echo "== Rust tests"
cargo test

echo "== Search client tests (Node, on an index built by the Rust indexer)"
node --test tests/search_client.test.mjs tests/search_truth.test.mjs

echo "== Browser tests"
# playwright-core, axe-core and vnu-jar, pinned in the lockfile. --ignore-scripts: vnu-jar's
# postinstall would download a Java build of its own; the Debian one above runs the jar.
for pkg in playwright-core axe-core vnu-jar; do
  if [ ! -d "tests/browser/node_modules/$pkg" ]; then
    (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    break
  fi
done
cargo build --release --quiet
XIANFENG_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/xianfeng" node --test --test-concurrency=1 tests/browser/
