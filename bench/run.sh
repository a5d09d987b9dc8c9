#!/usr/bin/env bash
# Issue 7 benchmarks, one command: `bash bench/run.sh` (or `npm run bench` at the root).
# Installs the bench's own dev dependencies (openai, retell-sdk, libphonenumber-js, esbuild;
# exact versions in bench/package-lock.json), packs ../pkg with `npm pack` and installs that
# tarball into bench/node_modules without saving it, as a user would get `callingbox`, then
# runs every benchmark and prints one table (also written to bench/results.md).
# Numbers only: nothing here fails on a slow result, and CI does not run it.
# Network: the registry for `npm ci`; every benchmark request goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")"
bench=$PWD
root=$(cd .. && pwd)

[ -f "$root/pkg/package.json" ] || bash "$root/scripts/build.sh"
# Miniflare (workerd) is the root's dev dependency (same pinned version as the runtime matrix).
[ -d "$root/node_modules/miniflare" ] || (cd "$root" && npm ci --no-audit --no-fund)

npm ci --no-audit --no-fund --loglevel=error
rm -rf .out && mkdir -p .out
# `npm pack` of pkg/ (the build is atomic, so a concurrent rebuild never shows half a pkg/).
npm pack "$root/pkg" --json --pack-destination .out > .out/pack.json
tarball=$(node -e 'const p=require("./.out/pack.json")[0]; process.stdout.write(p.filename)')
npm install --no-save --no-audit --no-fund --loglevel=error "./.out/$tarball"

node bench.mjs "$@"
# Large 2xx bodies, 1 KB to 50 MB: the client against JSON.parse of the same text.
node decode.mjs | tee -a results.md
# createMany against a hand-written promise pool of raw fetch (needs the consumer install of pkg/).
bash "$root/scripts/consumer.sh" > /dev/null
node batch-throughput.mjs 2000 7 16 0 | tee -a results.md
node batch-throughput.mjs 2000 7 16 20 | tee -a results.md
# The same in Deno and Bun (the root's dev dependencies), where the client sends with fetch.
for latency in 0 20; do
  "$root/node_modules/.bin/deno" run --allow-net=127.0.0.1 --allow-read --allow-run=node --allow-env batch-throughput.mjs 2000 7 16 "$latency" | tee -a results.md
  "$root/node_modules/.bin/bun" batch-throughput.mjs 2000 7 16 "$latency" | tee -a results.md
done
