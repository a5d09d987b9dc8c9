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
wants=("emulator: http://127.0.0.1:" "bought +1415" "for \$1.00/month" "dispatched call" "  … queued" "✓ completed: 158s, billed 152s = \$0.13" "result (completed): {\"confirmed\":true,\"reschedule_to\":\"next Thursday at 3pm\"}" "transcript:"
  "agent Hi, is this Maria Lopez?" "I'm calling to confirm tomorrow's 2pm appointment." "agent Can you confirm that works for you?" "user  Yes, that works for me." "To sum up, confirmed: yes; reschedule to: next Thursday at 3pm."
  "✗ busy (hangup_cause user_busy, reservation released, billed \$0.00)" "InvalidPhoneNumberError (missing_plus)" "NotFoundError 404 not_found" "2 calls placed")
# What the demo printed before it read like a call: placeholder answers, field names as
# questions, money to the milli-cent.
unwanted=("sample " "Could you tell me your" "\$0.12667")
for want in "${wants[@]}"; do
  if ! grep -qF -- "$want" <<<"$out"; then
    echo "demo output lacks: $want" >&2
    fail=1
  fi
done
for bad in "${unwanted[@]}"; do
  if grep -qF -- "$bad" <<<"$out"; then
    echo "demo output has: $bad" >&2
    fail=1
  fi
done
total=$((${#wants[@]} + ${#unwanted[@]}))
[ $fail = 0 ] && echo "demo: $total passed, 0 failed" || { echo "demo: output check failed" >&2; exit 1; }
