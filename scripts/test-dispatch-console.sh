#!/usr/bin/env bash
# The dispatch console (examples/dispatch-console) end to end, all on 127.0.0.1:
# - headless Chromium drives its page against the Worker in workerd (Miniflare: assets, queue,
#   Durable Objects) and the HTTP emulator: a 200-row CSV with bad rows, every good row to its
#   end, the results CSV against the emulator, 0 duplicates, the page's weight
#   (tests/dispatch-console/page.test.mjs; screenshots under target/dispatch-console/);
# - its API without a browser: token, routes, fields, sizes, rate limits, forged webhooks,
#   a campaign started twice, the polling fallback for lost webhooks (api.test.mjs);
# - the queue at scale with emulator faults and consumer crashes: SCALE_ROWS rows (default
#   10,000, about 4 minutes; SCALE_ROWS=1000 for a quick run), every row exactly one call
#   (tests/dispatch-console/scale.mjs).
# Needs pkg/ (built here when missing), the consumer install (made here), /usr/bin/chromium
# (bash scripts/setup-extra.sh) and the npm tools of package-lock.json (npm ci). Anything
# missing fails the script: nothing is skipped.
source "$(dirname "$0")/browser-worker-prereqs.sh"

# One after the other: they bundle the Worker into the same target/dispatch-console/worker/.
node --test tests/dispatch-console/api.test.mjs
node --test tests/dispatch-console/page.test.mjs
node tests/dispatch-console/scale.mjs "${SCALE_ROWS:-10000}"
