// The browser webhook app every bundler builds (tests/bundlers/run.mjs): callingbox/webhooks by
// name and nothing of the client, verifying the API documentation's test vector (and refusing
// it tampered); the outcome left in globalThis.__result for Playwright.
import { Webhooks, WebhookSignatureError } from "callingbox/webhooks";
import { VECTOR, verifyVector } from "./vector.mjs";

try {
  globalThis.__result = { ok: true, summary: verifyVector(Webhooks, WebhookSignatureError, VECTOR) };
} catch (e) {
  globalThis.__result = { ok: false, error: String((e && e.stack) || e) };
}
