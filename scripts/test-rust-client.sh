#!/usr/bin/env bash
# The Rust API (crates/callingbox): native tests against the emulator in process and over
# real HTTP on 127.0.0.1 with reqwest, doc tests, and clippy of every transport's build.
# Usage: bash scripts/test-rust-client.sh (run by npm test)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== rust client: %s\n' "$*"; }

step "generated models are up to date"
node scripts/gen.mjs --check

step "native: integration tests (emulator in process + reqwest over HTTP) and doc tests"
cargo test --quiet -p callingbox

step "clippy: native default, wasm32 (gloo-net)"
cargo clippy --quiet -p callingbox --all-targets -- -D warnings
cargo clippy --quiet -p callingbox --target wasm32-unknown-unknown -- -D warnings
