# Sourced by the scripts that run a page in headless Chromium against a Worker in Miniflare
# (test-browser-proxy.sh, test-dispatch-console.sh): fails loudly when /usr/bin/chromium or
# an npm tool is missing (nothing is skipped), builds pkg/ when missing and makes the consumer
# install the tests import the package from. Leaves the shell at the repository's root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium is missing: run bash scripts/setup-extra.sh" >&2; exit 1; }
for module in playwright-core miniflare esbuild; do
  [ -f "node_modules/$module/package.json" ] || { echo "node_modules/$module is missing: run npm ci (bash scripts/setup.sh)" >&2; exit 1; }
done
[ -f pkg/package.json ] || bash scripts/build.sh
bash scripts/consumer.sh
