#!/usr/bin/env bash
# The runtime matrix: the conformance scenario (tests/conformance/scenario.mjs),
# unchanged, in Node, Deno, Bun, workerd (Miniflare) and headless Chromium, against the
# emulator as a real HTTP server on 127.0.0.1 (one per cell, started and stopped here).
#   1. `npm pack ./pkg` and install the tarball into a scratch consumer project,
#      target/runtimes/app (its own, so the Node tests' target/consumer is left alone),
#      next to the cell files of tests/runtimes/app/ and a byte-for-byte copy of the scenario.
#   2. node tests/runtimes/matrix.mjs: every cell imports `callingbox` by name, through the
#      export condition its runtime picks; prints the matrix; non-zero if any cell fails.
# Usage: bash scripts/test-runtimes.sh [cell ...]   (cells: node deno bun workerd chromium chromium-bundle)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$PATH"

[ -f pkg/package.json ] || bash scripts/build.sh
for tool in deno bun esbuild; do
  [ -x "node_modules/.bin/$tool" ] || { echo "node_modules/.bin/$tool is missing: run npm ci (bash scripts/setup.sh)" >&2; exit 1; }
done

work="$root/target/runtimes"
rm -rf "$work"
mkdir -p "$work/app"
tarball=$(npm pack ./pkg --pack-destination "$work" --silent | tail -n 1)
cp tests/runtimes/app/* "$work/app/"
cp tests/conformance/scenario.mjs "$work/app/scenario.mjs"
cat > "$work/app/package.json" <<JSON
{ "name": "callingbox-runtimes-consumer", "private": true, "version": "0.0.0", "type": "module" }
JSON
cat > "$work/app/emulator.mjs" <<'JS'
// callingbox/emulator as a user imports it (the matrix starts its servers through this).
export * from "callingbox/emulator";
JS
(cd "$work/app" && npm install --no-audit --no-fund --no-package-lock --silent "../$tarball")
echo "installed $tarball into target/runtimes/app"

node tests/runtimes/matrix.mjs "$work/app" "$@"
