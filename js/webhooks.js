// Webhook signature verification (contract §6.4): one synchronous Rust function, the same
// bytes on every runtime — no `Buffer`, no `crypto.subtle`, no async.
import { signWebhook, verifyWebhook } from "./callingbox_core.js";
import { ready, utf8 } from "./runtime.js";
import { adopt, ValidationError } from "./errors.js";

const decoder = new TextDecoder();

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

function seconds(value, field, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${field} must be a number of seconds ≥ 0`, { field });
  }
  return Math.floor(value);
}

/** Rounded up: only an exact 0 disables the time check (0.5 must not fail open). */
function tolerance(value) {
  seconds(value, "tolerance", 300); // validates
  return Math.ceil(value);
}

function secretOf(secret) {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new ValidationError("secret must be the endpoint's signing secret (whsec_...)", { field: "secret" });
  }
  return secret;
}

export const Webhooks = Object.freeze({
  /**
   * Verifies `CallingBox-Signature` over the raw body and returns the parsed event
   * ({ id, type, created, api_version, data: { call } }). Throws WebhookSignatureError with a
   * `reason` (malformed_header, missing_timestamp, missing_signature,
   * timestamp_outside_tolerance, no_matching_signature, invalid_payload).
   */
  constructEvent(rawBody, signatureHeader, secret, options) {
    ready("core");
    const bytes = bytesOf(rawBody, "rawBody");
    if (signatureHeader !== undefined && signatureHeader !== null && typeof signatureHeader !== "string") {
      throw new ValidationError("signatureHeader must be the CallingBox-Signature header string", { field: "signatureHeader" });
    }
    const opts = options ?? {};
    const tol = opts.tolerance === undefined ? 300 : tolerance(opts.tolerance);
    const now = seconds(opts.now, "now", Math.floor(Date.now() / 1000));
    try {
      verifyWebhook(bytes, signatureHeader ?? "", secretOf(secret), tol, now);
    } catch (e) {
      throw adopt(e);
    }
    return JSON.parse(typeof rawBody === "string" ? rawBody : decoder.decode(bytes));
  },

  /** A valid `CallingBox-Signature` value for `payload` (for your tests). */
  generateTestHeader({ payload, secret, timestamp } = {}) {
    ready("core");
    const body = typeof payload === "string" || payload instanceof Uint8Array || payload instanceof ArrayBuffer ? payload : JSON.stringify(payload);
    return signWebhook(bytesOf(body, "payload"), secretOf(secret), seconds(timestamp, "timestamp", Math.floor(Date.now() / 1000)));
  },
});
