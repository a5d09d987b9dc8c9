#!/usr/bin/env bash
# Keys stay out of browsers, end to end: a page in headless Chromium uses the package's own
# client (pkg/browser.js) against examples/worker's /proxy in workerd (Miniflare), backed by
# the emulator, all on 127.0.0.1 (tests/browser-proxy/browser-proxy.test.mjs).
# Needs pkg/ (built here when missing), the consumer install (made here), /usr/bin/chromium
# (bash scripts/setup-extra.sh) and the npm tools of package-lock.json (npm ci). Anything
# missing fails the script: nothing is skipped.
source "$(dirname "$0")/browser-worker-prereqs.sh"

node --test tests/browser-proxy/browser-proxy.test.mjs
