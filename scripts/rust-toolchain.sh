#!/usr/bin/env bash
# Makes the compiler that rust-toolchain.toml pins the one this checkout runs, idempotently.
# The pin keeps the size budget reproducible to the byte. Where rustup's own server cannot be
# reached (only package registries are), a machine may have the same compiler installed under
# another name (say `stable`): this checkout then uses it through a rustup directory override
# (which takes precedence over rust-toolchain.toml; rustup refuses to link a custom toolchain
# under an official name). Every path ends by checking the compiler this checkout runs; a
# compiler that really differs is an error, in one sentence.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

want=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
fail() {
  echo "error: rust-toolchain.toml pins rustc $want (the wasm's byte size depends on it), $1: install it (rustup toolchain install $want), or make an installed rustc $want this checkout's with 'rustup override set <toolchain>'" >&2
  exit 1
}
command -v rustup >/dev/null || fail "and rustup is not installed"

toolchains=$(rustup toolchain list | awk '{print $1}')
here_version() { rustc --version 2>/dev/null | awk '{print $2}' || true; }

# (grep without -q: it reads all its input, so the writer never dies of SIGPIPE under pipefail)
if printf '%s\n' "$toolchains" | grep -E "^${want}(-|$)" >/dev/null; then
  # The pinned toolchain exists: an override left by an earlier run must not shadow it.
  if rustup override list 2>/dev/null | grep -F "$PWD" >/dev/null; then
    rustup override unset >/dev/null
  fi
elif [ "$(here_version)" != "$want" ]; then
  found=""
  for toolchain in $toolchains; do
    if [ "$(rustup run "$toolchain" rustc --version 2>/dev/null | awk '{print $2}' || true)" = "$want" ]; then
      found=$toolchain
      break
    fi
  done
  if [ -n "$found" ]; then
    echo "rustc $want is installed as '$found': using it for this checkout"
    rustup override set "$found" >/dev/null
  else
    echo "trying to download rustc $want with rustup"
    timeout 300 rustup toolchain install "$want" --profile minimal \
      --component clippy,rustfmt --target wasm32-unknown-unknown ||
      fail "rustup could not download it, and no installed toolchain is rustc $want"
  fi
fi

[ "$(here_version)" = "$want" ] || fail "but this checkout runs rustc $(here_version)"
