// Browser cell of the runtime matrix, loaded by browser.html (import map) and, bundled by
// esbuild, by bundle.html. Reads apiKey/baseUrl from the page's query string (the test points
// it at the emulator, another origin: CORS is real) and leaves the results in
// globalThis.__conformance for Playwright.
// quickstart:start browser
import { CallingBox } from "callingbox";

const { apiKey, baseUrl } = Object.fromEntries(new URLSearchParams(location.search));
const client = new CallingBox({ apiKey, baseUrl });
const { data: agents } = await client.agents.list();
document.body.append(`${agents.length} agents`);
// quickstart:end
import * as sdk from "callingbox";
import { runConformance } from "./conformance.mjs";

try {
  globalThis.__conformance = await runConformance(sdk, { baseUrl, apiKey });
} catch (e) {
  globalThis.__conformance = { error: String((e && e.stack) || e) };
}
