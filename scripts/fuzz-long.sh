#!/usr/bin/env bash
# The long fuzzing run (docs/fuzzing.md): the same property tests `npm test` runs, with many
# more cases and, unless pinned, fresh random seeds. Defaults give >= 1,000,000 cases:
#   PROPTEST_CASES=80000  cases per Rust property (14 properties in tests/prop_core.rs)
#   FC_RUNS=20000         runs per fast-check property (5 in tests/node/fuzz-*.test.mjs)
#   PROPTEST_RNG_SEED, FC_SEED   pin the seeds (printed below) to replay a run
#   FUZZ_RELEASE=1        build the Rust tests optimised (slower to build, faster to run)
# Needs a built package (scripts/build.sh) for the Node part; builds it if pkg/ is missing.
# Exits non-zero if any property fails; prints one "fuzz:" line per suite and the total.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

export PROPTEST_CASES=${PROPTEST_CASES:-80000}
export FC_RUNS=${FC_RUNS:-20000}
export PROPTEST_RNG_SEED=${PROPTEST_RNG_SEED:-$(( (RANDOM << 30) | (RANDOM << 15) | RANDOM ))}
export FC_SEED=${FC_SEED:-$(( (RANDOM << 15) | RANDOM ))}
export FUZZ_VERBOSE=1
echo "fuzz-long: PROPTEST_CASES=$PROPTEST_CASES FC_RUNS=$FC_RUNS PROPTEST_RNG_SEED=$PROPTEST_RNG_SEED FC_SEED=$FC_SEED"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=0
start=$SECONDS

echo "== cargo test -p callingbox-core --test prop_core"
release=()
[ "${FUZZ_RELEASE:-0}" = 1 ] && release=(--release)
cargo test --quiet "${release[@]}" -p callingbox-core --test prop_core 2>&1 | tee -a "$log" || failed=1

echo "== node --test tests/node/fuzz-*.test.mjs"
if [ -f pkg/package.json ] || bash scripts/build.sh; then
  if bash scripts/consumer.sh >/dev/null; then
    node --test tests/node/fuzz-*.test.mjs 2>&1 | tee -a "$log" || failed=1
  else
    echo "FAIL: packing/installing the consumer project" >&2
    failed=1
  fi
else
  failed=1
fi

echo
echo "== fuzz-long summary ($((SECONDS - start)) s)"
grep -ho 'fuzz: .*' "$log" | sed 's/^/  /'
total=$(grep -ho 'fuzz: [^)]*) [0-9]* cases' "$log" | awk '{ n += $NF == "cases" ? $(NF-1) : 0 } END { print n + 0 }')
echo "fuzz total: $total cases (seeds: PROPTEST_RNG_SEED=$PROPTEST_RNG_SEED FC_SEED=$FC_SEED)"
[ "$failed" = 0 ] && echo "fuzz-long: all properties hold" || echo "fuzz-long: FAILED (counterexamples above; rerun with the seeds printed)"
exit $failed
