#!/usr/bin/env bash
# scripts/rust-toolchain.sh on machines whose rustup cannot download the pinned compiler,
# each simulated with a scratch RUSTUP_HOME (rustup's server pointed at a closed loopback
# port): (1) the pinned rustc installed as `stable` only: the checkout uses it;
# (2) only a different rustc: the script fails with one clear sentence.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

want=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
host=$(rustc -vV | sed -n 's/^host: //p')
sysroot=$(rustc --print sysroot)
export RUSTUP_DIST_SERVER=http://127.0.0.1:9 RUSTUP_UPDATE_ROOT=http://127.0.0.1:9
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
home() { # $1 = scratch home, $2 = what its `stable` is
  mkdir -p "$1/toolchains"
  printf 'version = "12"\ndefault_toolchain = "stable-%s"\nprofile = "minimal"\n' "$host" > "$1/settings.toml"
  ln -s "$2" "$1/toolchains/stable-$host"
}

# (1) Same compiler, another name. (1b) later installed under its own name. (2) another compiler.
home "$scratch/same" "$sysroot"
if RUSTUP_HOME="$scratch/same" rustc --version >/dev/null 2>&1; then
  echo "FAIL: the scratch rustup already resolves rustc $want before the script ran" >&2
  exit 1
fi
RUSTUP_HOME="$scratch/same" bash scripts/rust-toolchain.sh
got=$(RUSTUP_HOME="$scratch/same" rustc --version | awk '{print $2}')
[ "$got" = "$want" ] || { echo "FAIL: rustc is $got after the script, want $want" >&2; exit 1; }
RUSTUP_HOME="$scratch/same" cargo clippy --version >/dev/null
RUSTUP_HOME="$scratch/same" bash scripts/rust-toolchain.sh # idempotent
echo "ok: rustc $want installed as stable only -> used for this checkout"

# (1b) Later the pinned toolchain is installed under its own name: the override goes.
ln -s "$sysroot" "$scratch/same/toolchains/$want-$host"
RUSTUP_HOME="$scratch/same" bash scripts/rust-toolchain.sh
if RUSTUP_HOME="$scratch/same" rustup override list 2>/dev/null | grep -F "$PWD" >/dev/null; then
  echo "FAIL: the override stayed after rustc $want was installed under its name" >&2
  exit 1
fi
got=$(RUSTUP_HOME="$scratch/same" rustc --version | awk '{print $2}')
[ "$got" = "$want" ] || { echo "FAIL: rustc is $got, want $want" >&2; exit 1; }
echo "ok: rustc $want installed under its name later -> the override is removed"

# (2) A different compiler: a stand-in toolchain whose rustc says another version.
mkdir -p "$scratch/other-toolchain/bin"
printf '#!/bin/sh\necho "rustc 1.80.0 (00000000 2024-07-21)"\n' > "$scratch/other-toolchain/bin/rustc"
chmod +x "$scratch/other-toolchain/bin/rustc"
home "$scratch/other" "$scratch/other-toolchain"
if out=$(RUSTUP_HOME="$scratch/other" bash scripts/rust-toolchain.sh 2>&1); then
  echo "FAIL: the script accepted rustc 1.80.0 for $want" >&2
  exit 1
fi
last=$(printf '%s\n' "$out" | tail -1)
case "$last" in
  "error: rust-toolchain.toml pins rustc $want"*) echo "ok: a different rustc -> $last" ;;
  *) echo "FAIL: unclear error: $out" >&2; exit 1 ;;
esac
