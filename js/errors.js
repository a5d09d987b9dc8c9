// Error classes. Every failure the SDK reports is one of these: a real `Error` with a
// stable `name` and `code` (branch on `err.code` or use `instanceof`). The wasm core
// produces plain records ({ __callingbox, name, code, message, ... }); `adopt` turns them
// into instances. Messages and properties never contain the API key.

/**
 * The properties an error may carry (copied onto the instance; `cause` goes to Error's own).
 * @typedef {{
 *   cause?: unknown, field?: string, reason?: string, status?: number, requestId?: string,
 *   body?: unknown, idempotencyKey?: string, timeout?: number, attempts?: number, call?: unknown,
 *   headers?: Record<string, string>,
 * }} ErrorProps
 */
/**
 * What the core throws: `{ __callingbox: true, name, code, message, ...props }` (or its JSON).
 * @typedef {{ __callingbox?: unknown, name: string, message: string, [key: string]: unknown }} ErrorRecord
 */

// Each entry point (the client, callingbox/webhooks, and the CommonJS build of each) bundles its
// own copy of these classes, so `instanceof` also recognises an error made by another copy:
// every class's prototype carries its name under a registry symbol (the same in every copy and
// realm), and a class accepts any value whose prototype chain has its own one or that brand.
const BRAND = Symbol.for("callingbox.error");

export class CallingBoxError extends Error {
  /**
   * @param {string} message
   * @param {ErrorProps} [props]
   */
  constructor(message, props) {
    super(message, props?.cause !== undefined ? { cause: props.cause } : undefined);
    if (props) {
      for (const key of Object.keys(props)) {
        if (key !== "cause" && key !== "name" && key !== "message") /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (this))[key] = /** @type {Record<string, unknown>} */ (props)[key];
      }
    }
  }

  /**
   * `value instanceof` this class, or the same-named class of another copy (a subclass
   * declared outside the package has no brand and gets the ordinary check).
   * @override
   * @param {unknown} value
   * @returns {boolean}
   */
  static [Symbol.hasInstance](value) {
    const own = /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (this.prototype));
    const brand = Object.hasOwn(own, BRAND) && own[BRAND];
    for (let p = value; p != null && (p = Object.getPrototypeOf(p)); ) {
      if (p === own || (brand && Object.hasOwn(p, BRAND) && /** @type {Record<symbol, unknown>} */ (p)[BRAND] === brand)) return true;
    }
    return false;
  }
}

/**
 * Every class by name, for `adopt` (each `define` adds one; the status classes are generated
 * into api-errors.js).
 * @type {Record<string, typeof CallingBoxError>}
 */
const CLASSES = { CallingBoxError };

/**
 * A subclass of `Base` whose `name` (of the class and of its instances) and `code` are given.
 * @param {typeof CallingBoxError} Base
 * @param {string} name
 * @param {string} code
 * @returns {typeof CallingBoxError}
 */
export const define = (Base, name, code) => {
  const Cls = { [name]: class extends Base {} }[name];
  brand(Cls, name, code);
  CLASSES[name] = Cls;
  return Cls;
};

/**
 * Gives a class's instances their `name` and `code`, and the prototype its brand.
 * @param {typeof CallingBoxError} Cls
 * @param {string} name
 * @param {string} code
 */
function brand(Cls, name, code) {
  Object.defineProperty(Cls.prototype, "name", { value: name, writable: true, configurable: true });
  Object.defineProperty(Cls.prototype, "code", { value: code, writable: true, configurable: true });
  Object.defineProperty(Cls.prototype, BRAND, { value: name });
}

Object.defineProperty(CallingBoxError, "name", { value: "CallingBoxError" });
brand(CallingBoxError, "CallingBoxError", "callingbox_error");

/** An argument was rejected before any network I/O. `field` names it. */
export const ValidationError = define(CallingBoxError, "ValidationError", "validation_error");
/** A phone number is not a possible E.164 number; `reason` says why (missing_plus, invalid_length, ...). */
export const InvalidPhoneNumberError = define(ValidationError, "InvalidPhoneNumberError", "invalid_phone_number");
/** The API answered with an error status: `status`, `requestId`, `body` (parsed when JSON). */
export const APIError = define(CallingBoxError, "APIError", "api_error");
export const InternalServerError = define(APIError, "InternalServerError", "server_error");
/** The request could not be sent or its answer was lost (network down, connection refused, reset). */
export const APIConnectionError = define(CallingBoxError, "APIConnectionError", "connection_error");
/** No complete answer within `timeout` ms. */
export const TimeoutError = define(CallingBoxError, "TimeoutError", "timeout");
/** `calls.waitUntilDone` gave up before the call ended: `call` is the last one seen, `timeout` the ms waited. */
export const WaitTimeoutError = define(TimeoutError, "WaitTimeoutError", "wait_timeout");
/** The caller's AbortSignal fired. */
export const AbortError = define(CallingBoxError, "AbortError", "aborted");
/** A 2xx answer whose body is not the documented resource (not JSON, truncated, wrong types). */
export const InvalidResponseError = define(CallingBoxError, "InvalidResponseError", "invalid_response");
/** A POST may or may not have taken effect; retry with the same `idempotencyKey` or look it up. */
export const OutcomeUnknownError = define(CallingBoxError, "OutcomeUnknownError", "outcome_unknown");
/** A webhook failed verification; `reason` says why. */
export const WebhookSignatureError = define(CallingBoxError, "WebhookSignatureError", "webhook_signature_invalid");

/**
 * Turns a record thrown by the wasm core into an Error instance; other values pass through.
 * @param {unknown} thrown
 * @returns {unknown}
 */
export function adopt(thrown) {
  let raw = /** @type {ErrorRecord} */ (thrown);
  if (typeof thrown === "string") {
    try {
      raw = JSON.parse(thrown);
    } catch {
      return thrown;
    }
  }
  if (!raw || typeof raw !== "object" || raw.__callingbox !== true) return thrown;
  const Cls = Object.hasOwn(CLASSES, raw.name) ? CLASSES[raw.name] : CallingBoxError;
  /** @type {Record<string, unknown>} */
  const props = {};
  for (const key of Object.keys(raw)) {
    if (key !== "__callingbox" && key !== "name" && key !== "message") props[key] = raw[key];
  }
  // `body` is already the parsed document when the core could parse it, else the text.
  return new Cls(raw.message, props);
}
