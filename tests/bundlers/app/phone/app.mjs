// The browser phone app every bundler builds (tests/bundlers/run.mjs): callingbox/phone by name
// and nothing of the client; the outcome left in globalThis.__result for Playwright.
import * as phone from "callingbox/phone";
import { checkPhones } from "./check.mjs";

try {
  globalThis.__result = { ok: true, summary: checkPhones(phone) };
} catch (e) {
  globalThis.__result = { ok: false, error: String((e && e.stack) || e) };
}
