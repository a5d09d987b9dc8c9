#!/usr/bin/env bash
# Extra tools for the runtime matrix (scripts/test-runtimes.sh), called by scripts/setup.sh.
# Deno, Bun, workerd (Miniflare), esbuild, playwright-core, publint and attw come from
# package-lock.json (npm ci). Chromium cannot come from npm here (playwright's own browser
# download fetches from the internet), so it is Debian's package: installed only when
# /usr/bin/chromium is missing, with chromium-driver (the Rust client's wasm tests drive Chromium
# through chromedriver). Idempotent; CI runs it as root on a brand-new machine.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "setup-extra: /usr/bin/chromium or /usr/bin/chromedriver is missing and we are not root (install Debian's chromium and chromium-driver packages)" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# A registry hiccup on a fresh machine should not fail CI: try a few times.
for attempt in 1 2 3; do
  if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; then
    break
  fi
  [ "$attempt" = 3 ] && { echo "setup-extra: could not install chromium" >&2; exit 1; }
  sleep $((attempt * 10))
done
echo "chromium: $(/usr/bin/chromium --version)"
