#!/usr/bin/env bash
# Builds the npm package into pkg/: the client wasm (+ the emulator's, the webhooks' and the phone's wasm), wasm-bindgen
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
# The client, the webhooks and the phone (the emulator is not size-critical and takes long): re-structure
# the control flow once more after -Oz (~150 B gzip, same speed; ~10 s of build time).
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

# Cargo's output folder (CARGO_TARGET_DIR when set, as cargo itself reads it).
cargo_out="${CARGO_TARGET_DIR:-$root/target}/wasm32-unknown-unknown/release"
build_wasm() { # $1 = output name, $2 = the crate's wasm file, $3 = extra wasm-opt passes, rest = cargo flags
  local name=$1 crate_wasm=$2 extra=$3; shift 3
  cargo build --quiet --release --target wasm32-unknown-unknown "$@"
  # wasm-bindgen picks its ABI from the features the module declares. With multi-value
  # exports, Node 20's V8 compiles one TurboFan JS-to-wasm wrapper per export signature at
  # `new WebAssembly.Module` (~5 ms of our cold start); the classic ABI (results through
  # linear memory, JS values in a JS array) keeps every export on V8's generic wrapper.
  node scripts/wasm-features.mjs "$cargo_out/$crate_wasm" "$tmp/$name.wasm" multivalue reference-types
  wasm-bindgen --target web --out-dir "$tmp/$name" --out-name "$name" "$tmp/$name.wasm"
  node scripts/glue-reinit.mjs "$tmp/$name/$name.js"
  # shellcheck disable=SC2086 # $extra is a list of flags
  "$WASM_OPT" "${OPT_FLAGS[@]}" $extra "$tmp/$name/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  # Every import must come from the module's own glue: a symbol nobody defined (say, a core
  # hook the binding forgot to register) would otherwise become an `env` import, and the
  # module would fail only when a runtime instantiates it.
  node -e '
    const [file, glue] = process.argv.slice(1);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(require("fs").readFileSync(file)));
    const stray = imports.filter((i) => i.module !== glue).map((i) => `${i.module}.${i.name}`);
    if (stray.length) { console.error(`${file}: imports from outside its glue: ${stray.join(", ")}`); process.exit(1); }
  ' "$out/${name}_bg.wasm" "./${name}_bg.js"
}

build_wasm callingbox_core callingbox_wasm.wasm "${CLIENT_OPT_FLAGS[*]}"
# The emulator, the webhooks and the phone-number reader are wasm modules of their own
# (callingbox/emulator, callingbox/webhooks, callingbox/phone), so the client's stays lean.
build_wasm callingbox_emulator callingbox_wasm.wasm "" --features emulator
build_wasm callingbox_webhooks callingbox_webhooks_wasm.wasm "${CLIENT_OPT_FLAGS[*]}" -p callingbox-webhooks-wasm
build_wasm callingbox_phone callingbox_phone_wasm.wasm "${CLIENT_OPT_FLAGS[*]}" -p callingbox-phone-wasm
# Leave the default (client) build in target/ for tools that look at it.
cargo build --quiet --release --target wasm32-unknown-unknown

# Each entry point ships as ONE ES module (driver, errors, wasm-bindgen glue bundled in): one
# module to load instead of six. The .wasm stays a separate file (workerd imports it as a
# module; browsers fetch it next to the entry; Deno imports its source: no read permission).
# Readable where a stack trace is read as is: the server-side entries (Node, Bun, Deno,
# workerd, the emulator) are bundled but NOT minified, so an uncaught error points at a line
# a person can read (Node ignores source maps unless run with --enable-source-maps). The
# browser entries are minified (the size budget counts them) with a linked source map, which
# browsers' dev tools and bundlers (esbuild, Vite, webpack with source-map-loader) follow.
src="$tmp/js"
mkdir -p "$src"
cp js/*.js "$src/"
for name in callingbox_core callingbox_emulator callingbox_webhooks callingbox_phone; do cp "$tmp/$name/$name.js" "$src/"; done
bundle() { # $1 = entry (in $src), $2 = output file, rest = extra esbuild flags
  local entry=$1 outfile=$2; shift 2
  esbuild "$src/$entry" --bundle --format=esm --platform=neutral --target=es2022 \
    --external:'node:*' --external:'*.wasm' --legal-comments=none --log-level=warning --outfile="$outfile" "$@"
}
for e in node deno workerd emulator-node emulator-deno emulator-workerd emulator-browser webhooks-node webhooks-deno webhooks-workerd phone-node phone-deno phone-workerd; do
  bundle "$e.js" "$out/$e.js"
done
# Deno: the .wasm is imported as a compiled module (`import source`, a Wasm source-phase import,
# Deno >= 2.6) rather than read from disk, so a network client needs only --allow-net. js/deno.js
# writes a plain default import (what the type checker and esbuild parse); it becomes one here.
for e in deno emulator-deno webhooks-deno phone-deno; do
  sed -i -E 's|^import ([A-Za-z_$][A-Za-z0-9_$]*) from "(\./callingbox_[a-z]+_bg\.wasm)";|import source \1 from "\2";|' "$out/$e.js"
  grep -q '^import source [A-Za-z_$0-9]* from "./callingbox_[a-z]*_bg.wasm";' "$out/$e.js" || { echo "build: no wasm source import in $e.js" >&2; exit 1; }
done
# browser-inline.js (and webhooks-browser-inline.js, phone-browser-inline.js): the same entry with the wasm inside the JS,
# for bundlers that do not copy `new URL("./x.wasm", import.meta.url)` assets (esbuild, Rollup,
# `bun build`; Vite gets it too, see scripts/package-json.mjs): zero config. The wasm is stored
# zopfli-deflated (zlib format) in base64 and inflated with DecompressionStream. gzip -9 of this
# one file is SMALLER than that of browser.js + the .wasm (35,821 B vs 36,800 B when it was
# written): base64 of deflated bytes gzips to about its own size, and zopfli beats gzip -9
# (brotli prefers the separate .wasm).
inline_entry() { # $1 = wasm name (callingbox_core), $2 = wasm as runtime.js names it, $3 = module the entry re-exports, $4 = output entry
  local name=$1 module=$2 exports=$3 entry=$4
  node --input-type=module - "$out/${name}_bg.wasm" "$src/${name}_inline.js" <<'JS'
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import zopfli from "@gfx/zopfli";
const [wasmPath, outPath] = process.argv.slice(2);
const deflated = Buffer.from(await promisify(zopfli.zlib)(readFileSync(wasmPath), { numiterations: 15 }));
writeFileSync(outPath, `export const deflated = "${deflated.toString("base64")}";\n`);
JS
  cat > "$src/$entry" <<JS
// Entry for bundlers that do not copy \`new URL(..., import.meta.url)\` assets (generated by
// scripts/build.sh): the wasm is in this file (zlib-deflated, base64), compiled at import.
// The data module is imported first, so a bundle places the base64 before the code: gzip (whose
// blocks do not follow content) then pays for one switch between base64 and code, not two.
import { deflated } from "./${name}_inline.js";
import { initSync } from "./${name}.js";
import { setup } from "./runtime.js";
export * from "./${exports}";

const bytes = Uint8Array.from(atob(deflated), (c) => c.charCodeAt(0));
const inflated = new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate")));
const compiled = await WebAssembly.compile(await inflated.arrayBuffer());
setup("${module}", () => initSync({ module: compiled }), typeof globalThis.Bun === "object" ? "bun" : typeof globalThis.Deno === "object" ? "deno" : "browser");
JS
}
inline_entry callingbox_core core client.js browser-inline.js
inline_entry callingbox_webhooks webhooks webhooks.js webhooks-browser-inline.js
inline_entry callingbox_phone phone phone.js phone-browser-inline.js
for e in browser browser-inline webhooks-browser webhooks-browser-inline phone-browser phone-browser-inline; do
  bundle "$e.js" "$out/$e.js" --minify --sourcemap --sources-content=true
done
# Source paths as a reader sees them under node_modules/callingbox/ (the text is in the map).
for m in browser browser-inline webhooks-browser webhooks-browser-inline phone-browser phone-browser-inline; do
  node -e 'const f=process.argv[1],fs=require("fs"),m=JSON.parse(fs.readFileSync(f,"utf8"));m.sources=m.sources.map(s=>s.replace(/^.*\/pkg-tmp\/js\//,"js/"));fs.writeFileSync(f,JSON.stringify(m))' "$out/$m.js.map"
done
# CommonJS for `require("callingbox")` on every Node the package supports (require(esm) needs
# Node >= 20.19) and TypeScript's CommonJS resolution (.cts files, module node16): the same
# Node entries, converted. import.meta becomes __dirname / the file's URL.
cat > "$tmp/cjs-shim.js" <<'JS'
export const import_meta_url = require("node:url").pathToFileURL(__filename).href;
JS
for e in node emulator-node webhooks-node phone-node; do
  bundle "$e.js" "$out/$e.cjs" --format=cjs --inject:"$tmp/cjs-shim.js" \
    --define:import.meta.dirname=__dirname --define:import.meta.url=import_meta_url
done
# callingbox/batch (createMany): plain JavaScript over the client's public API, one file for
# every runtime (no wasm of its own), and its CommonJS twin.
bundle batch.js "$out/batch.js"
bundle batch.js "$out/batch.cjs" --format=cjs
# callingbox/tools: plain JavaScript (no wasm, nothing at import), so one ES module serves every
# runtime and bundler; a CommonJS copy and .d.cts for require(). Not minified: it is small.
bundle tools.js "$out/tools.js"
bundle tools.js "$out/tools.cjs" --format=cjs
cp js/tools.d.ts "$out/"
sed -E 's#from "\./index\.js"#from "./index.cjs"#' js/tools.d.ts > "$out/tools.d.cts"
# The emulator's command line (callingbox-emulator) stays a thin script over its Node entry.
esbuild js/callingbox-emulator.js --format=esm --target=es2022 --legal-comments=none --log-level=warning --outfile="$out/callingbox-emulator.js"
# The command line (npx callingbox): its tables and CSV reader bundled in; the client and
# createMany imported from the package's own entries next to it (not copied). No entry imports it.
esbuild js/cli.js --bundle --format=esm --platform=node --target=es2022 --external:./node.js --external:./batch.js \
  --legal-comments=none --log-level=warning --outfile="$out/cli.js"
cp js/index.d.ts js/api.d.ts js/emulator.d.ts js/emulator-node.d.ts js/webhooks.d.ts js/phone.d.ts js/batch.d.ts "$out/"
# The same declarations for CommonJS importers (.d.cts next to the .cjs entries).
for d in index api emulator emulator-node webhooks phone batch; do
  sed -E 's#from "\./(index|api|emulator)\.js"#from "./\1.cjs"#' "js/$d.d.ts" > "$out/$d.d.cts"
done
chmod +x "$out/callingbox-emulator.js" "$out/cli.js"
node scripts/package-json.mjs > "$out/package.json"
cp README.md "$out/README.md" 2>/dev/null || true
for f in LICENSE CHANGELOG.md; do
  if [ -f "$f" ]; then cp "$f" "$out/$f"; fi
done
rm -rf "$root/target/pkg-old"
[ -d "$root/pkg" ] && mv "$root/pkg" "$root/target/pkg-old"
mv "$out" "$root/pkg"
rm -rf "$root/target/pkg-old" "$tmp"
echo "built pkg/: $(cd "$root/pkg" && ls | tr '\n' ' ')"
