// The CallingBox client: the I/O driver around the wasm core. The core decides everything
// (validation, URL, headers, body, decoding, error kinds); this file only calls `fetch`,
// runs timers and AbortSignals, and turns core records into Error instances.

import { Core, parseE164 as coreParseE164, uuidV4 } from "./callingbox_core.js";
import { ready } from "./runtime.js";
import {
  adopt, AbortError, APIConnectionError, InvalidResponseError, TimeoutError, ValidationError,
} from "./errors.js";

export * from "./errors.js";

const DEFAULT_TIMEOUT = 60_000;
const MAX_TIMER = 2_147_483_647; // setTimeout's ceiling

// resource → method → [operation, number of id arguments, takes params]
const OPERATIONS = {
  numbers: {
    list: ["numbers.list", 0, true],
    searchAvailable: ["numbers.searchAvailable", 0, true],
    purchase: ["numbers.purchase", 0, true],
  },
  agents: {
    list: ["agents.list", 0, true],
    create: ["agents.create", 0, true],
    retrieve: ["agents.retrieve", 1, false],
    update: ["agents.update", 1, true],
    archive: ["agents.archive", 1, false],
    attachNumber: ["agents.attachNumber", 1, true],
    detachNumber: ["agents.detachNumber", 2, false],
    setPrimaryNumber: ["agents.setPrimaryNumber", 1, true],
  },
  calls: {
    create: ["calls.create", 0, true],
    list: ["calls.list", 0, true],
    retrieve: ["calls.retrieve", 1, false],
    getTranscript: ["calls.getTranscript", 1, false],
  },
  webhookEndpoints: {
    create: ["webhookEndpoints.create", 0, true],
    list: ["webhookEndpoints.list", 0, false],
    retrieve: ["webhookEndpoints.retrieve", 1, false],
    update: ["webhookEndpoints.update", 1, true],
    delete: ["webhookEndpoints.delete", 1, false],
    rotateSecret: ["webhookEndpoints.rotateSecret", 1, false],
  },
  webhookDeliveries: {
    list: ["webhookDeliveries.list", 0, true],
    retrieve: ["webhookDeliveries.retrieve", 1, false],
    redeliver: ["webhookDeliveries.redeliver", 1, false],
  },
};

function checkTimeout(value, field) {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER) {
    throw new ValidationError(`${field} must be a number of milliseconds between 1 and ${MAX_TIMER}`, { field });
  }
  return value;
}

function checkRequestOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw new ValidationError("request options must be an object like { timeout, signal, idempotencyKey }", { field: "options" });
  }
  const { timeout, signal, idempotencyKey } = options;
  checkTimeout(timeout, "timeout");
  if (signal !== undefined && signal !== null && (typeof signal !== "object" || typeof signal.aborted !== "boolean" || typeof signal.addEventListener !== "function")) {
    throw new ValidationError("signal must be an AbortSignal", { field: "signal" });
  }
  // Sent as a header value: printable ASCII only, no line breaks (header injection), no
  // leading/trailing spaces (fetch would trim them, so the key would not be the user's).
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== "string" || idempotencyKey.length > 255 || !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(idempotencyKey))) {
    throw new ValidationError("idempotencyKey must be 1-255 printable ASCII characters (no line breaks, no leading or trailing spaces)", { field: "idempotencyKey" });
  }
  return options;
}

/**
 * JSON text of a user value for the core. Values JSON cannot carry are rejected rather than
 * silently dropped (JSON.stringify would drop functions and symbols, and throw on BigInt).
 */
function toJson(value, field) {
  try {
    return JSON.stringify(value === undefined ? null : value, function (key, v) {
      const t = typeof v;
      if (t === "function" || t === "symbol" || t === "bigint") {
        const name = key || field;
        throw new ValidationError(`${name} cannot be sent as JSON (it is a ${t})`, { field: name });
      }
      // An invalid Date's toJSON() is null: it would be sent as null without a word.
      const raw = this[key];
      if (raw instanceof Date && Number.isNaN(raw.getTime())) {
        const name = key || field;
        throw new ValidationError(`${name} is an invalid Date`, { field: name });
      }
      return v;
    });
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(`${field} cannot be sent as JSON: ${describe(e)}`, { field });
  }
}

function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return uuidV4(bytes);
}

function describe(e) {
  const msg = e && typeof e.message === "string" ? e.message : String(e);
  const cause = e && e.cause && typeof e.cause.message === "string" ? ` (${e.cause.message})` : "";
  return msg + cause;
}

export class CallingBox {
  #core;
  #fetch;
  #timeout;

  /**
   * @param {{ apiKey: string, baseUrl?: string, fetch?: typeof fetch, timeout?: number,
   *           defaultHeaders?: Record<string, string> }} options
   */
  constructor(options) {
    const platform = ready("core");
    if (options === null || typeof options !== "object") {
      throw new ValidationError("options must be an object like { apiKey: \"sk_...\" }", { field: "options" });
    }
    const { apiKey, baseUrl, defaultHeaders } = options;
    try {
      this.#core = new Core(toJson({ apiKey, baseUrl, defaultHeaders }, "options"), platform);
    } catch (e) {
      throw adopt(e);
    }
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new ValidationError("fetch must be a function compatible with the global fetch", { field: "fetch" });
    }
    this.#fetch = options.fetch;
    this.#timeout = checkTimeout(options.timeout, "timeout") ?? DEFAULT_TIMEOUT;
    for (const [resource, methods] of Object.entries(OPERATIONS)) {
      const ns = {};
      for (const [method, [op, ids, takesParams]] of Object.entries(methods)) {
        ns[method] = (...args) => {
          const idArgs = args.slice(0, ids);
          const params = takesParams ? args[ids] : undefined;
          const options = args[takesParams ? ids + 1 : ids];
          return this.#request(op, idArgs, params, options);
        };
      }
      Object.defineProperty(this, resource, { value: Object.freeze(ns), enumerable: true });
    }
  }

  async #request(op, ids, params, options) {
    const core = this.#core;
    let built;
    let opts;
    try {
      opts = checkRequestOptions(options);
      built = JSON.parse(core.build(op, toJson(ids, "ids"), toJson(params, "params"), opts.idempotencyKey ?? newIdempotencyKey()));
    } catch (e) {
      throw adopt(e);
    }
    const signal = opts.signal ?? undefined;
    if (signal && signal.aborted) throw new AbortError("the request was aborted before it was sent", { cause: signal.reason });
    const timeout = opts.timeout ?? this.#timeout;
    const fetchFn = this.#fetch ?? globalThis.fetch;
    if (typeof fetchFn !== "function") {
      throw new APIConnectionError("no fetch function: this runtime has no global fetch; pass { fetch } to the client");
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const onAbort = () => controller.abort();
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
    const fail = (e) => {
      if (signal && signal.aborted) return new AbortError(`${op} was aborted`, { cause: signal.reason });
      if (timedOut) return new TimeoutError(`${op} timed out after ${timeout} ms`, { timeout });
      return new APIConnectionError(`${op} failed to reach the API: ${core.redact(describe(e))}`);
    };
    let status;
    let text;
    let requestId;
    try {
      let res;
      try {
        // Called as a plain function (this = undefined): a fetch bound to another object
        // throws "Illegal invocation" in browsers and Workers.
        res = await fetchFn(built.url, { method: built.method, headers: built.headers, body: built.body, signal: controller.signal });
      } catch (e) {
        throw fail(e);
      }
      if (!res || typeof res.status !== "number" || typeof res.text !== "function") {
        throw new InvalidResponseError(`${op}: fetch did not return a Response`);
      }
      status = res.status;
      requestId = (res.headers && typeof res.headers.get === "function" && res.headers.get("x-request-id")) || undefined;
      try {
        text = await res.text();
      } catch (e) {
        throw fail(e);
      }
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", onAbort);
    }
    let normalised;
    try {
      normalised = core.decode(op, status, text, requestId ?? "", toJson(ids, "ids"));
    } catch (e) {
      throw adopt(e);
    }
    let result;
    try {
      result = JSON.parse(normalised ?? text);
    } catch (e) {
      throw new InvalidResponseError(`${op}: ${describe(e)}`, { status, requestId });
    }
    if (result && typeof result === "object") {
      Object.defineProperty(result, "lastResponse", {
        value: { status, requestId, idempotencyKey: built.headers["Idempotency-Key"] },
        enumerable: false,
      });
    }
    return result;
  }
}

/** Validates and canonicalises an E.164 phone number, or throws InvalidPhoneNumberError. */
export function parseE164(input) {
  ready("core");
  try {
    return coreParseE164(toJson(input, "phone number"));
  } catch (e) {
    throw adopt(e);
  }
}
