#!/usr/bin/env bash
# Type-checks the JS driver (js/*.js: JSDoc types, `checkJs` with `strict`) with tsc and no
# output, against tsconfig.checkjs.json. The wasm-bindgen glue the driver imports is generated
# into pkg/ at build time, so its shape is declared in js/glue.d.ts: no build is needed.
# Exits non-zero on any type error. Usage: bash scripts/test-typecheck.sh (run by npm test)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if [ ! -x node_modules/.bin/tsc ]; then
  echo "FAIL: node_modules/.bin/tsc missing (run npm ci)" >&2
  exit 1
fi
tsc -p tsconfig.checkjs.json
echo "typecheck (js/*.js, tsc $(tsc --version | sed 's/^Version //')): ok"
