#!/usr/bin/env bash
# Builds the Worker into examples/rust-worker/build/ with workers-rs' own tool, worker-build
# (the version of the `worker` crate in Cargo.lock, installed from crates.io when missing). Its
# helper tools come from this machine, not from its downloads (which fetch from GitHub): the
# wasm-bindgen CLI of the version in Cargo.lock, and esbuild and wasm-opt from npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

want=$(awk '/^name = "worker"$/{getline; gsub(/version = |"/,""); print; exit}' "$root/Cargo.lock")
if [ "$(worker-build --version 2>/dev/null | awk '{print $NF}')" != "$want" ]; then
  cargo install worker-build --version "$want" --debug --force
fi

cd "$here"
rm -rf build
WASM_BINDGEN_BIN="$(command -v wasm-bindgen)" \
  ESBUILD_BIN="$root/node_modules/.bin/esbuild" \
  WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt" \
  worker-build --release
