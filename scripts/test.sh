#!/usr/bin/env bash
# Runs every check, in order, and prints one summary table; exits non-zero if any failed.
# This is the README's test command (`npm test`) and what .ci/run calls.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

results=()
failed=0
run() { # $1 = label, rest = command
  local label=$1; shift
  printf '\n===== %s\n' "$label"
  local start=$SECONDS
  if "$@"; then
    results+=("PASS  $label ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $label ($((SECONDS - start)) s)")
    failed=1
  fi
}

run "cargo fmt --check" cargo fmt --all --check
run "clippy (host, all crates and targets)" cargo clippy --quiet --workspace --all-targets -- -D warnings
run "clippy (wasm32 client)" cargo clippy --quiet --target wasm32-unknown-unknown -- -D warnings
run "clippy (wasm32 emulator)" cargo clippy --quiet --target wasm32-unknown-unknown --features emulator -- -D warnings
run "clippy (wasm32 webhooks)" cargo clippy --quiet --target wasm32-unknown-unknown -p callingbox-webhooks-wasm -- -D warnings
run "clippy (wasm32 phone)" cargo clippy --quiet --target wasm32-unknown-unknown -p callingbox-phone-wasm -- -D warnings
run "cargo test (core + emulator, native)" cargo test --quiet --workspace
run "rustdoc (no broken links)" env RUSTDOCFLAGS="-D warnings" cargo doc --quiet --workspace --no-deps
run "callingbox-core links into a wasm32 app" cargo build --quiet --release -p wasm-consumer --target wasm32-unknown-unknown
run "build pkg/" bash scripts/build.sh
run "size budget" node scripts/size-budget.mjs
for t in scripts/test-*.sh; do
  [ -f "$t" ] && run "$(basename "$t" .sh)" bash "$t"
done

printf '\n===== summary\n'
printf '%s\n' "${results[@]}"
passed=$(printf '%s\n' "${results[@]}" | grep -c '^PASS')
echo "suites: $passed passed, $(( ${#results[@]} - passed )) failed"
exit $failed
