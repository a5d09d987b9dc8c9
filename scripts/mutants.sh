#!/usr/bin/env bash
# Mutation testing of the security-critical core with cargo-mutants (https://mutants.rs):
# each mutant is one small change to the code (an operator flipped, a function body replaced
# by a default value); a mutant that `cargo test` still passes is a gap in the tests (or an
# equivalent change, listed with its reason in docs/mutants.md). Prints caught / missed /
# unviable / timeout counts per file and lists the missed mutants.
#
#   bash scripts/mutants.sh                          # the default files (below)
#   bash scripts/mutants.sh crates/callingbox-core/src/webhook.rs ...  # only these files
#   JOBS=1 TIMEOUT=60 bash scripts/mutants.sh        # fewer parallel builds, longer timeout
#   FAIL_ON_MISSED=1 bash scripts/mutants.sh         # exit 2 if any mutant is missed
#
# Slow: every mutant is a rebuild plus the whole `cargo test` (~10-20 s each on 2 cores;
# measured run times are in docs/mutants.md). Results: target/mutants/mutants.out/.
set -euo pipefail
cd "$(dirname "$0")/.."

# The version this was measured with; --locked builds it with the dependency versions it
# was released with, --debug because a release build of it takes minutes longer and its
# own speed does not matter (the time goes into building and testing the mutants).
VERSION=27.1.0
if ! cargo mutants --version >/dev/null 2>&1; then
  echo "== installing cargo-mutants $VERSION from crates.io"
  cargo install cargo-mutants --version "$VERSION" --locked --debug
fi

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(crates/callingbox-core/src/webhook.rs crates/callingbox-core/src/sha256.rs crates/callingbox-core/src/error.rs crates/callingbox-core/src/request.rs crates/callingbox-core/src/response.rs crates/callingbox-core/src/e164.rs)
fi
args=()
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "no such file: $f" >&2; exit 1; }
  args+=(--file "$f")
done

out=${MUTANTS_OUT:-target/mutants}
mkdir -p "$out"
# A mutant can make a loop that allocates as it goes endless (the SHA-256 padding loop):
# cap the address space so it aborts within a second instead of eating the machine's
# memory until the timeout. 8 GiB is far above what rustc and the tests need.
ulimit -v $((8 * 1024 * 1024))

# The property tests (fixed seed) run their CI case counts unless told otherwise: ~17 s per
# mutant. 1,000 cases each keeps a mutant's test run to seconds; fewer cases can only make
# a mutant look missed, never caught.
export PROPTEST_CASES=${PROPTEST_CASES:-1000}

status=0
cargo mutants "${args[@]}" --jobs "${JOBS:-2}" --timeout "${TIMEOUT:-30}" --output "$out" --colors never || status=$?
# cargo-mutants: 0 all caught, 2 some missed, 3 some timed out; anything else (1 usage,
# 4 the unmutated tree fails its tests, 70 internal) means there are no results to read.
case $status in
  0 | 2 | 3) ;;
  *) echo "cargo mutants failed (exit $status); see $out/mutants.out/" >&2; exit "$status" ;;
esac

res="$out/mutants.out"
# How many lines of outcome list $1 are about file $2 ("all": every line); 0 if none.
count() {
  local pattern="^$2:"
  [ "$2" = all ] && pattern=.
  # grep -c prints 0 (and fails) when nothing matches; a missing file counts 0 too.
  local n
  n=$(grep -c "$pattern" "$res/$1.txt" 2>/dev/null) || true
  echo "${n:-0}"
}
echo
printf '%-24s %7s %7s %9s %8s %9s\n' file caught missed unviable timeout "caught %"
for f in "${files[@]}" all; do
  c=$(count caught "$f") m=$(count missed "$f") u=$(count unviable "$f") t=$(count timeout "$f")
  # Timeouts count as caught: the mutant made the tests hang, which a test run notices.
  pct=$(awk -v k=$((c + t)) -v n=$((c + m + t)) 'BEGIN { if (n > 0) printf "%.1f", 100 * k / n; else print "-" }')
  printf '%-24s %7s %7s %9s %8s %9s\n' "$f" "$c" "$m" "$u" "$t" "$pct"
done
if [ -s "$res/missed.txt" ]; then
  echo
  echo "missed (tests still pass with these changes):"
  sed 's/^/  /' "$res/missed.txt"
  [ -z "${FAIL_ON_MISSED:-}" ] || exit 2
fi
exit 0
