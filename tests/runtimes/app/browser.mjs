// Browser cell of the runtime matrix, loaded by browser.html (import map) and, bundled by
// esbuild, by bundle.html. First the README's browser quickstart (readme-browser.mjs:
// matrix.mjs writes it from README.md), then the conformance scenario with apiKey/baseUrl from
// the page's query string (the test points it at the emulator, another origin: CORS is real);
// the results are left in globalThis.__conformance for Playwright.
import "./readme-browser.mjs";
import * as sdk from "callingbox";
import * as webhooks from "callingbox/webhooks";
import * as phone from "callingbox/phone";
import { runConformance } from "./conformance.mjs";

const params = new URLSearchParams(location.search);
try {
  globalThis.__conformance = await runConformance(sdk, webhooks, phone, { baseUrl: params.get("baseUrl"), apiKey: params.get("apiKey") });
} catch (e) {
  globalThis.__conformance = { error: String((e && e.stack) || e) };
}
