#!/usr/bin/env bash
# Builds the Worker into examples/rust-worker/build/: cargo (release, wasm32), wasm-bindgen
# `--target web` (the CLI of the wasm-bindgen version in Cargo.lock), wasm-opt from npm
# `binaryen`, and the entry shim.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet --release -p rust-worker --target wasm32-unknown-unknown
rm -rf "$here/build"
wasm-bindgen --target web --out-dir "$here/build" --out-name rust_worker \
  "$target/wasm32-unknown-unknown/release/rust_worker.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$here/build/rust_worker_bg.wasm" -o "$here/build/rust_worker_bg.wasm"
cp "$here/shim.mjs" "$here/build/shim.mjs"
