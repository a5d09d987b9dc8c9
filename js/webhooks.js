// callingbox/webhooks: webhook signature verification, one synchronous Rust function in a wasm of
// its own (crates/callingbox-webhooks-wasm), the same bytes on every runtime — no `Buffer`, no
// `crypto.subtle`, no async. Its own entry point, so an app that never receives a webhook does
// not load it. Each runtime's webhooks-*.js entry registers how to load the wasm.
import { signWebhook, verifyWebhook } from "./callingbox_webhooks.js";
import { ready, utf8, wasm } from "./runtime.js";
import { ValidationError } from "./errors.js";

// The classes its errors are made from (they are `instanceof` the main entry's too: js/errors.js).
export { CallingBoxError, ValidationError, WebhookSignatureError } from "./errors.js";

const decoder = new TextDecoder();

/**
 * The bytes of a raw body (a string as its UTF-8 encoding); anything else is a ValidationError.
 * @param {unknown} body
 * @param {string} field
 * @returns {Uint8Array}
 */
function bytesOf(body, field) {
  if (typeof body === "string") return utf8.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new ValidationError(
    `${field} must be the raw request body (a string, Uint8Array or ArrayBuffer), not a parsed object: the signature covers the exact bytes`,
    { field },
  );
}

/**
 * Whole seconds ≥ 0 (rounded down), `fallback` when undefined.
 * @param {unknown} value
 * @param {string} field
 * @param {number} fallback
 * @returns {number}
 */
function seconds(value, field, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${field} must be a number of seconds ≥ 0`, { field });
  }
  return Math.floor(value);
}

/**
 * Seconds > 0, rounded up (0.5 becomes 1, never 0). `Infinity` is the one way to skip the
 * timestamp check (the core reads it as "any t"); 0 is refused, because in the official
 * Python SDK it means "off", and a config typo must not silently open the replay window.
 * @param {unknown} value
 * @returns {number}
 */
function tolerance(value) {
  if (typeof value !== "number" || !(value > 0)) {
    throw new ValidationError("tolerance must be seconds > 0, or Infinity to skip the time check (tests only)", { field: "tolerance" });
  }
  return Math.ceil(value);
}

/**
 * @param {unknown} secret
 * @returns {string}
 */
function secretOf(secret) {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new ValidationError("secret must be the endpoint's signing secret (whsec_...)", { field: "secret" });
  }
  return secret;
}

export const Webhooks = Object.freeze({
  /**
   * Verifies `CallingBox-Signature` over the raw body and returns the parsed event
   * ({ id, type, created, api_version, data }; `data.call` is checked for `call.*` types,
   * other types pass through with their `data` as sent). Throws WebhookSignatureError with
   * a `reason` (malformed_header, missing_timestamp, missing_signature,
   * timestamp_outside_tolerance, no_matching_signature, invalid_payload).
   *
   * Options: `tolerance` — seconds `t` may differ from `now` (default 300, must be > 0;
   * `Infinity` skips the check: no replay protection, for tests with recorded events);
   * `now` — unix seconds (default the clock).
   *
   * The event is parsed from the very bytes that were verified: a string body is taken as
   * its UTF-8 encoding (lone surrogates become U+FFFD), and that is what is returned.
   *
   * @param {unknown} rawBody string, Uint8Array, ArrayBuffer or another ArrayBufferView
   * @param {unknown} signatureHeader
   * @param {unknown} secret
   * @param {{ tolerance?: unknown, now?: unknown } | null} [options]
   * @returns {unknown} the parsed event
   */
  constructEvent(rawBody, signatureHeader, secret, options) {
    ready("webhooks");
    const bytes = bytesOf(rawBody, "rawBody");
    if (signatureHeader !== undefined && signatureHeader !== null && typeof signatureHeader !== "string") {
      throw new ValidationError("signatureHeader must be the CallingBox-Signature header string", { field: "signatureHeader" });
    }
    const opts = options ?? {};
    const tol = opts.tolerance === undefined ? 300 : tolerance(opts.tolerance);
    const now = seconds(opts.now, "now", Math.floor(Date.now() / 1000));
    wasm(verifyWebhook, [bytes, signatureHeader ?? "", secretOf(secret), tol, now], undefined, "webhooks");
    // The verified bytes, not `rawBody`: a string with a lone surrogate is signed as its
    // U+FFFD encoding, so parsing the string itself would return text nobody signed.
    return JSON.parse(decoder.decode(bytes));
  },

  /**
   * A valid `CallingBox-Signature` value for `payload` (for your tests).
   * @param {{ payload?: unknown, secret?: unknown, timestamp?: unknown }} [options]
   * @returns {string}
   */
  generateTestHeader({ payload, secret, timestamp } = {}) {
    ready("webhooks");
    const body = typeof payload === "string" || payload instanceof Uint8Array || payload instanceof ArrayBuffer ? payload : JSON.stringify(payload);
    return wasm(signWebhook, [bytesOf(body, "payload"), secretOf(secret), seconds(timestamp, "timestamp", Math.floor(Date.now() / 1000))], undefined, "webhooks");
  },
});
