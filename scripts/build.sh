#!/usr/bin/env bash
# Builds the npm package into pkg/: the client wasm (+ the emulator wasm), wasm-bindgen
# glue (--target web: one build for every runtime), wasm-opt -Oz, the JS entry points and
# the TypeScript declarations. pkg/ is build output: never edit it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# npm binaryen only: Debian's wasm-opt 108 produces modules that crash at load.
WASM_OPT="$root/node_modules/.bin/wasm-opt"
[ -x "$WASM_OPT" ] || { echo "wasm-opt from npm binaryen is missing: run npm ci" >&2; exit 1; }
OPT_FLAGS=(-Oz --converge --low-memory-unused --zero-filled-memory --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
# No --enable-multivalue / --enable-reference-types: the modules must not use them (see
# build_wasm), and wasm-opt fails validation if they do.
# The client only (the emulator is not size-critical and takes long): re-structure the
# control flow once more after -Oz (~150 B gzip, same speed; ~10 s of build time).
CLIENT_OPT_FLAGS=(--flatten --rereloop -Oz)

# One build at a time (parallel test scripts may ask for one).
mkdir -p "$root/target"
exec 9>"$root/target/.build.lock"
flock 9

# Assemble in a staging folder and swap it in at the end, so readers never see half a pkg/.
out="$root/target/pkg-staging"
tmp="$root/target/pkg-tmp"
rm -rf "$out" "$tmp"
mkdir -p "$out" "$tmp"

build_wasm() { # $1 = output name, $2 = extra wasm-opt passes, rest = cargo flags
  local name=$1 extra=$2; shift 2
  cargo build --quiet --release --target wasm32-unknown-unknown "$@"
  # wasm-bindgen picks its ABI from the features the module declares. With multi-value
  # exports, Node 20's V8 compiles one TurboFan JS-to-wasm wrapper per export signature at
  # `new WebAssembly.Module` (~5 ms of our cold start); the classic ABI (results through
  # linear memory, JS values in a JS array) keeps every export on V8's generic wrapper.
  node scripts/wasm-features.mjs target/wasm32-unknown-unknown/release/callingbox_wasm.wasm "$tmp/$name.wasm" multivalue reference-types
  wasm-bindgen --target web --out-dir "$tmp/$name" --out-name "$name" "$tmp/$name.wasm"
  node scripts/glue-reinit.mjs "$tmp/$name/$name.js"
  # shellcheck disable=SC2086 # $extra is a list of flags
  "$WASM_OPT" "${OPT_FLAGS[@]}" $extra "$tmp/$name/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
}

build_wasm callingbox_core "${CLIENT_OPT_FLAGS[*]}"
# The emulator is its own wasm (callingbox/emulator), so the client's stays lean.
build_wasm callingbox_emulator "" --features emulator
# Leave the default (client) build in target/ for tools that look at it.
cargo build --quiet --release --target wasm32-unknown-unknown

# Each entry point ships as ONE minified ES module (driver, errors, wasm-bindgen glue
# bundled in): one gzip stream and one module to load instead of six. The .wasm stays a
# separate file (workerd imports it as a module; browsers fetch it next to the entry).
# The readable source is js/ in the repository.
src="$tmp/js"
mkdir -p "$src"
cp js/*.js "$src/"
cp "$tmp"/callingbox_core/callingbox_core.js "$tmp"/callingbox_emulator/callingbox_emulator.js "$src/"
for e in node deno workerd browser emulator-node emulator-deno emulator-workerd emulator-browser; do
  esbuild "$src/$e.js" --bundle --format=esm --platform=neutral --target=es2022 --minify \
    --external:'node:*' --external:'*.wasm' --legal-comments=none --log-level=warning --outfile="$out/$e.js"
done
# The CLI stays a thin script over the emulator's Node entry.
esbuild js/callingbox-emulator.js --minify --format=esm --target=es2022 --legal-comments=none --log-level=warning --outfile="$out/callingbox-emulator.js"
cp js/index.d.ts js/api.d.ts js/emulator.d.ts js/emulator-node.d.ts "$out/"
chmod +x "$out/callingbox-emulator.js"
node scripts/package-json.mjs > "$out/package.json"
cp README.md "$out/README.md" 2>/dev/null || true
rm -rf "$root/target/pkg-old"
[ -d "$root/pkg" ] && mv "$root/pkg" "$root/target/pkg-old"
mv "$out" "$root/pkg"
rm -rf "$root/target/pkg-old" "$tmp"
echo "built pkg/: $(cd "$root/pkg" && ls | tr '\n' ' ')"
