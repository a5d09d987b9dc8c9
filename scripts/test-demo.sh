#!/usr/bin/env bash
# The README's main command, as CI runs it: the demo against the emulator server on
# 127.0.0.1 must tell the whole story (number, agent, call to completion with a result and
# a transcript, a test number's failure, typed errors).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/package.json ] || bash scripts/build.sh
out=$(DEMO_SPEED=400 timeout 120 node examples/demo.mjs)
printf '%s\n' "$out"
fail=0
for want in "emulator: http://127.0.0.1:" "bought +1415" "dispatched call" "✓ completed" "result (completed): {\"confirmed\":" "transcript:" "✗ busy (hangup_cause user_busy" "InvalidPhoneNumberError (missing_plus)" "NotFoundError 404 not_found" "2 calls placed"; do
  if ! grep -qF -- "$want" <<<"$out"; then
    echo "demo output lacks: $want" >&2
    fail=1
  fi
done
[ $fail = 0 ] && echo "demo: 10 passed, 0 failed" || { echo "demo: output check failed" >&2; exit 1; }
