#!/usr/bin/env bash
# Node tests against the BUILT package (run scripts/build.sh first; scripts/test.sh does):
#   1. `npm pack ./pkg` + `npm install` of the tarball into target/consumer (scripts/consumer.sh)
#   2. node --test tests/node/*.test.mjs  (injected fake fetch: no network)
#   3. tsc -p tests/types                 (type tests through the same install)
# Exits non-zero if any step fails.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

[ -f pkg/package.json ] || bash scripts/build.sh || exit 1
bash scripts/consumer.sh || { echo "FAIL: packing/installing the consumer project" >&2; exit 1; }

failed=0
echo "== node --test tests/node"
node --test tests/node/*.test.mjs || failed=1
echo "== tsc -p tests/types"
if [ -x node_modules/.bin/tsc ]; then
  node_modules/.bin/tsc -p tests/types && echo "type tests: ok" || failed=1
else
  echo "FAIL: node_modules/.bin/tsc missing (run npm ci)" >&2
  failed=1
fi
exit $failed
