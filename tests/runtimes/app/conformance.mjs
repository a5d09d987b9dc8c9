// Shared by every runtime cell: runs the conformance scenario (tests/conformance/scenario.mjs,
// copied byte-for-byte next to this file) with the package's three entries the cell imported by
// name ("callingbox", "callingbox/webhooks" and "callingbox/phone"), then
// records which entry point answered: the runtime name the package puts in its User-Agent
// ("node", "bun", "deno", "workerd"; browsers send none). Web globals only.
import { runScenario } from "./scenario.mjs";

export async function runConformance(sdk, webhooks, phone, { baseUrl, apiKey }) {
  const results = await runScenario({ sdk, webhooks, phone, baseUrl, apiKey });
  let userAgent = null;
  const probe = new sdk.CallingBox({
    apiKey,
    baseUrl,
    dangerouslyAllowBrowser: true, // the browser cells run this in a page, with the emulator's key
    fetch: (url, init) => {
      userAgent = new Headers(init && init.headers).get("user-agent");
      return fetch(url, init);
    },
  });
  await probe.calls.list({ limit: 1 });
  return { results, userAgent };
}

/** The one line a cell prints for scripts/test-runtimes.sh (tests/runtimes/matrix.mjs). */
export function report(out, extra = {}) {
  return "CONFORMANCE " + JSON.stringify({ ...out, ...extra });
}
