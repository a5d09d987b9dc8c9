#!/usr/bin/env bash
# Prints the biggest items of the optimised client wasm (names kept): where the bytes go.
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
t=target/size-probe; rm -rf "$t"; mkdir -p "$t"
cargo build --quiet --release --target wasm32-unknown-unknown "$@"
# The same ABI as scripts/build.sh (no multi-value, no externref table).
node scripts/wasm-features.mjs ${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/callingbox_wasm.wasm "$t/in.wasm" multivalue reference-types
wasm-bindgen --target web --keep-debug --out-dir "$t" --out-name c "$t/in.wasm"
F=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
wasm-opt -Oz -g "${F[@]}" "$t/c_bg.wasm" -o "$t/named.wasm"
wasm-opt -Oz --strip-debug "${F[@]}" "$t/c_bg.wasm" -o "$t/stripped.wasm"
echo "wasm: $(wc -c < "$t/stripped.wasm") bytes, $(gzip -9c "$t/stripped.wasm" | wc -c) gzip"
twiggy top -n "${TOP:-25}" "$t/named.wasm"
