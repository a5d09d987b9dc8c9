#!/usr/bin/env bash
# The package as bundlers and other consumers get it (tests/bundlers/run.mjs):
#   - a one-call browser app bundled by esbuild, Vite (build and dev server), webpack, Rollup
#     (+ node-resolve) and `bun build`, with no configuration, each bundle RUN against the
#     emulator (headless Chromium; Bun for the `bun build` output): a .wasm the bundler did
#     not copy fails here;
#   - Deno with `--allow-net` only; `require("callingbox")` in Node; tsc on .cts/.mts files under
#     module/moduleResolution node16;
#   - an uncaught CallingBox error in Node prints short, readable lines.
# `npm pack ./pkg`, installed into a scratch consumer project, target/bundlers/app, next to the
# files of tests/bundlers/app/: every bundler resolves `callingbox` by name through `exports`.
#   - the same five bundlers on a webhook app (tests/bundlers/app/webhooks/: callingbox/webhooks
#     alone) and on a phone app (tests/bundlers/app/phone/: callingbox/phone alone), run the same
#     way: each must work, and must not ship the client's wasm;
# Usage: bash scripts/test-bundlers.sh [cell ...]   (cells: esbuild vite webpack rollup vite-dev bun
#   esbuild-webhooks vite-webhooks webpack-webhooks rollup-webhooks bun-webhooks
#   esbuild-phone vite-phone webpack-phone rollup-phone bun-phone
#   deno-allow-net require tsc-node16 uncaught-esm-async uncaught-esm-sync uncaught-cjs-async
#   uncaught-cjs-sync)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$PATH"

[ -f pkg/package.json ] || bash scripts/build.sh
for tool in deno bun esbuild vite webpack rollup tsc; do
  [ -x "node_modules/.bin/$tool" ] || { echo "node_modules/.bin/$tool is missing: run npm ci (bash scripts/setup.sh)" >&2; exit 1; }
done

work="$root/target/bundlers"
rm -rf "$work"
mkdir -p "$work/app"
tarball=$(npm pack ./pkg --pack-destination "$work" --silent | tail -n 1)
cp -r tests/bundlers/app/* "$work/app/"
cat > "$work/app/package.json" <<JSON
{ "name": "callingbox-bundlers-consumer", "private": true, "version": "0.0.0", "type": "module" }
JSON
cat > "$work/app/emulator.mjs" <<'JS'
// callingbox/emulator as a user imports it (run.mjs starts the emulator server through this).
export * from "callingbox/emulator";
JS
(cd "$work/app" && npm install --no-audit --no-fund --no-package-lock --silent "../$tarball")
echo "installed $tarball into target/bundlers/app"

node tests/bundlers/run.mjs "$work/app" "$@"
