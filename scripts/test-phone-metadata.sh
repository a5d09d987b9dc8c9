#!/usr/bin/env bash
# Checks that crates/callingbox-core/src/phone_metadata.rs is what scripts/gen-phone-metadata.mjs
# writes from the libphonenumber-js pinned in tools/phone-metadata (package-lock.json).
# Installs that one package once (idempotent; a warm run does no install).
# Usage: bash scripts/test-phone-metadata.sh (run by npm test)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d tools/phone-metadata/node_modules ] || npm ci --prefix tools/phone-metadata --no-audit --no-fund --loglevel=error
node scripts/gen-phone-metadata.mjs --check
