// The browser one-call app every bundler builds (tests/bundlers/run.mjs): the package by name,
// one call against the emulator (its URL and an API key in the page's query string), the
// outcome left in globalThis.__result for Playwright.
import { CallingBox } from "callingbox";

const { apiKey, baseUrl } = Object.fromEntries(new URLSearchParams(location.search));
try {
  // A test page on this machine, with the emulator's key: a secret key in a page needs consent.
  const client = new CallingBox({ apiKey, baseUrl, dangerouslyAllowBrowser: true });
  const { data } = await client.calls.list();
  globalThis.__result = { ok: Array.isArray(data), calls: data.length };
} catch (e) {
  globalThis.__result = { ok: false, error: String((e && e.stack) || e) };
}
