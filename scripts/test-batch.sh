#!/usr/bin/env bash
# createMany's proof against the HTTP emulator with faults: a 1,000-row batch, its process killed
# at random points 100 times and re-run each time, then run to its end: every row must be placed
# exactly once (tests/batch/kill-rerun.mjs; SEED=N repeats a run). Needs pkg/ (npm run build).
# Usage: bash scripts/test-batch.sh (run by npm test)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/consumer.sh > /dev/null
node tests/batch/kill-rerun.mjs 100 1000
