#!/usr/bin/env bash
# Packaging lints on the tarball users get (`npm pack ./pkg`):
#   publint --strict   (package.json fields, exports map, files; warnings fail too)
#   attw (@arethetypeswrong/cli, every resolution mode: node10, node16 from ESM and from
#     CommonJS, bundler): do the types resolve for every condition? The package ships a
#     CommonJS build for Node's "require" condition (node.cjs, emulator-node.cjs,
#     webhooks-node.cjs, phone-node.cjs, with .d.cts types), so `require("callingbox")` and TypeScript .cts
#     files work on every Node in `engines`. The four .wasm subpath exports are assets, not modules (attw looks for their
#     types and reports "no resolution"), so they are excluded from its entry points.
#   the tarball's file list: LICENSE and CHANGELOG.md (copied from the repository root by
#     scripts/build.sh), every file the exports map names, the browser entries' source maps.
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
echo "== attw $tarball"
attw --format ascii --no-color --no-emoji \
  --exclude-entrypoints ./callingbox_core_bg.wasm ./callingbox_emulator_bg.wasm ./callingbox_webhooks_bg.wasm ./callingbox_phone_bg.wasm -- "$tarball" || failed=1
echo "== files in $tarball"
listing=$(tar -tzf "$tarball" | sed 's#^package/##')
required=(LICENSE CHANGELOG.md README.md package.json browser.js.map browser-inline.js.map webhooks-browser.js.map webhooks-browser-inline.js.map phone-browser.js.map phone-browser-inline.js.map)
# Every file the exports map (or main/module/types/bin) points at.
mapfile -t named < <(node -e '
  const p = require("./pkg/package.json"); const out = new Set();
  const walk = (v) => typeof v === "string" ? out.add(v) : v && Object.values(v).forEach(walk);
  walk(p.exports); walk([p.main, p.module, p.types, p.bin]);
  for (const f of out) console.log(f.replace(/^\.\//, ""));')
for f in "${required[@]}" "${named[@]}"; do
  if grep -qxF "$f" <<<"$listing"; then echo "  ok  $f"; else echo "  MISSING  $f"; failed=1; fi
done
exit $failed
