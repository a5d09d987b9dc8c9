#!/usr/bin/env bash
# Makes the compiler that rust-toolchain.toml pins available under its name, idempotently.
# The pin keeps the size budget reproducible to the byte. Where rustup's own server cannot be
# reached (only package registries are), a machine may have the same compiler installed under
# another name (say `stable`): this checkout then uses it through a rustup directory override
# (which takes precedence over rust-toolchain.toml; rustup refuses to link a custom toolchain
# under an official name). A compiler that really differs is an error, in one sentence.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

want=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
installed() { rustup toolchain list | awk '{print $1}'; }

if installed | grep -Eq "^${want}(-|$)"; then
  exit 0
fi
# An override from an earlier run that still points at the right compiler.
if [ "$(rustc --version 2>/dev/null | awk '{print $2}' || true)" = "$want" ]; then
  exit 0
fi
for toolchain in $(installed); do
  version=$(rustup run "$toolchain" rustc --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$version" = "$want" ]; then
    echo "rustc $want is installed as '$toolchain': using it for this checkout"
    rustup override set "$toolchain"
    exit 0
  fi
done
echo "trying to download rustc $want with rustup"
if timeout 300 rustup toolchain install "$want" --profile minimal \
  --component clippy,rustfmt --target wasm32-unknown-unknown; then
  exit 0
fi
echo "error: rust-toolchain.toml pins rustc $want (the wasm's byte size depends on it), rustup could not download it, and no installed toolchain is rustc $want: install it (rustup toolchain install $want), or make an installed rustc $want this checkout's with 'rustup override set <toolchain>'" >&2
exit 1
