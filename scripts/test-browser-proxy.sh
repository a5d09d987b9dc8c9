#!/usr/bin/env bash
# Keys stay out of browsers, end to end: a page in headless Chromium uses the package's own
# client (pkg/browser.js) against examples/worker's /proxy in workerd (Miniflare), backed by
# the emulator, all on 127.0.0.1 (tests/browser-proxy/browser-proxy.test.mjs).
# Needs pkg/ (built here when missing), the consumer install (made here), /usr/bin/chromium
# (bash scripts/setup-extra.sh) and the npm tools of package-lock.json (npm ci). Anything
# missing fails the script: nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium is missing: run bash scripts/setup-extra.sh" >&2; exit 1; }
for module in playwright-core miniflare esbuild; do
  [ -f "node_modules/$module/package.json" ] || { echo "node_modules/$module is missing: run npm ci (bash scripts/setup.sh)" >&2; exit 1; }
done
[ -f pkg/package.json ] || bash scripts/build.sh
bash scripts/consumer.sh

node --test tests/browser-proxy/browser-proxy.test.mjs
