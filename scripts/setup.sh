#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently, on a fresh machine of
# this kind (Debian, Rust via rustup, Node 20 + npm; registries only).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== setup: %s\n' "$*"; }

step "rust toolchain (rust-toolchain.toml)"
bash scripts/rust-toolchain.sh

step "wasm32 target"
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# The CLI must be exactly the wasm-bindgen version in Cargo.lock, or it refuses the module.
# No --locked: one locked dependency of the CLI is missing from the registry.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
step "wasm-bindgen-cli $want (have: ${have:-none})"
if [ "$have" != "$want" ]; then
  cargo install wasm-bindgen-cli --version "$want" --debug --force
fi

step "node $(node --version) / npm $(npm --version): npm ci"
# package-lock.json pins every tool (binaryen's wasm-opt, TypeScript, ...).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ -f scripts/setup-extra.sh ]; then
  step "runtime matrix tools"
  bash scripts/setup-extra.sh
fi
echo "setup done"
