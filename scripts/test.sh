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

run "cargo fmt --check" cargo fmt --check
run "clippy (host, all targets)" cargo clippy --quiet --all-targets -- -D warnings
run "clippy (wasm32)" cargo clippy --quiet --target wasm32-unknown-unknown --lib --features emulator -- -D warnings
run "cargo test (native core + emulator)" cargo test --quiet
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
