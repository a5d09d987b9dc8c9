#!/usr/bin/env bash
# Packaging lints on the tarball users get (`npm pack ./pkg`):
#   publint --strict   (package.json fields, exports map, files; warnings fail too)
#   attw --profile esm-only  (@arethetypeswrong/cli: do the types resolve for every condition
#     and resolution mode?) The package is ESM-only on purpose (top-level await in the browser
#     entry, `import wasm from "*.wasm"` in the Workers entry), so `require("callingbox")` from
#     CommonJS is not offered; the esm-only profile leaves out exactly that check
#     (node16-from-CJS, "CJSResolvesToESM") and node10, and keeps node16-ESM and bundler.
#     The two .wasm subpath exports are assets, not modules (attw looks for their types and
#     reports "no resolution"), so they are excluded from its entry points.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
[ -f pkg/package.json ] || bash scripts/build.sh

work=target/packaging
rm -rf "$work"
mkdir -p "$work"
tarball="$work/$(npm pack ./pkg --pack-destination "$work" --silent | tail -n 1)"

failed=0
echo "== publint --strict $tarball"
publint run --strict "$tarball" || failed=1
echo "== attw --profile esm-only $tarball"
attw --profile esm-only --format ascii --no-color --no-emoji \
  --exclude-entrypoints ./callingbox_core_bg.wasm ./callingbox_emulator_bg.wasm -- "$tarball" || failed=1
exit $failed
