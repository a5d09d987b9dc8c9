#!/usr/bin/env bash
# The Rust API (crates/callingbox): native tests against the emulator in process and over
# real HTTP on 127.0.0.1 with reqwest, doc tests, clippy of every transport's build, and the
# wasm32 build in Node (wasm-bindgen-test, gloo-net) against the HTTP emulator, and the
# workers-rs example Worker in workerd (Miniflare).
# Usage: bash scripts/test-rust-client.sh (run by npm test)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== rust client: %s\n' "$*"; }

step "generated models are up to date"
node scripts/gen.mjs --check

step "native: integration tests (emulator in process + reqwest over HTTP) and doc tests"
cargo test --quiet -p callingbox

step "clippy: native (reqwest), wasm32 (gloo-net, its tests), wasm32 Workers (worker)"
cargo clippy --quiet -p callingbox --all-targets -- -D warnings
cargo clippy --quiet -p callingbox --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --quiet -p callingbox --target wasm32-unknown-unknown --no-default-features --features worker -- -D warnings

# The HTTP emulator for the wasm tests (pkg/ is built by scripts/build.sh when missing). The
# Chromium run's test page is served from a port chosen here, so that the emulator can let that
# origin use its admin routes.
step "publishable: the crate and the two it depends on package and build as crates.io would serve them"
# Packaged together (core, emulator, client): each is built from its .crate against the others'.
# Cargo verifies through a temporary registry in target/package. It unpacks those crates into
# $CARGO_HOME/registry/src/-<hash of that path>/ and builds them into target/debug, and trusts
# both on the next run from the same folder, as it trusts anything from a registry (same name and
# version, same crate): this commit's client would be built against an earlier commit's core.
# The unpacked copies and the built ones go first.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/callingbox*-[0-9]*
cargo clean --quiet -p callingbox-core -p callingbox-emulator -p callingbox
cargo package --quiet -p callingbox-core -p callingbox-emulator -p callingbox --allow-dirty

[ -f pkg/emulator-node.js ] || bash scripts/build.sh
page_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
export WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$page_port"
emulator_log=$(mktemp)
node tests/rust-client/serve-emulator.mjs "http://127.0.0.1:$page_port" > "$emulator_log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -f "$emulator_log"' EXIT
url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$emulator_log" | head -n 1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start:"; cat "$emulator_log"; exit 1; }
export CALLINGBOX_EMULATOR_URL=$url
hostile=""
for _ in $(seq 100); do
  hostile=$(sed -n 's/^hostile on //p' "$emulator_log")
  [ -n "$hostile" ] && break
  sleep 0.1
done
[ -n "$hostile" ] || { echo "the hostile server did not start:"; cat "$emulator_log"; exit 1; }
export CALLINGBOX_HOSTILE_URL=$hostile

# wasm-bindgen-test-runner ships with wasm-bindgen-cli, which must be the wasm-bindgen version
# in Cargo.lock (scripts/setup.sh installs it; installed here too when missing).
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
  cargo install wasm-bindgen-cli --version "$want" --debug --force
fi

step "wasm32 in Node: wasm-bindgen-test, gloo-net transport against the emulator at $url"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p callingbox --target wasm32-unknown-unknown --test wasm

# Chromium (Debian's chromium and chromium-driver, scripts/setup-extra.sh), with the flags in
# crates/callingbox/webdriver.json.
step "wasm32 in headless Chromium: the same tests through the browser's fetch"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p callingbox --target wasm32-unknown-unknown --test wasm

step "Cloudflare Workers: examples/rust-worker (workers-rs, built by worker-build) run in workerd (Miniflare)"
cargo clippy --quiet -p rust-worker --target wasm32-unknown-unknown -- -D warnings
bash examples/rust-worker/build.sh
node --test examples/rust-worker/test.mjs
