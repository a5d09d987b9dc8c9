// The CallingBox client: the I/O driver around the wasm core. The core decides everything
// (validation, URL, headers, body, decoding, error kinds); this file only calls `fetch`,
// runs timers and AbortSignals, and turns core records into Error instances.

import {
  build as coreBuild, checkE164 as coreCheckE164, checkOptions, decode as coreDecode,
  outcomeUnknown as coreOutcomeUnknown, retryDecision,
} from "./callingbox_core.js";
import { defaultFetch, instance, ready, utf8, wasm } from "./runtime.js";
import {
  adopt, AbortError, APIConnectionError, APIError, CallingBoxError, InvalidResponseError,
  TimeoutError, ValidationError, WaitTimeoutError,
} from "./errors.js";
import { notAString, phoneError, refusal } from "./phone-answer.js";
import { CLIENT_HEADERS, ERROR_BODY_BYTES, MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES_CEILING, OPERATIONS, WAIT_GROWTH, WAIT_INTERVAL, WAIT_MAX_INTERVAL, WAIT_TIMEOUT, callEnded } from "./operations.js";
import { redactSecret, scrub } from "./redact.js";

export {
  CallingBoxError, ValidationError, InvalidPhoneNumberError, APIError, InternalServerError,
  APIConnectionError, TimeoutError, WaitTimeoutError, AbortError, InvalidResponseError, OutcomeUnknownError,
  WebhookSignatureError,
} from "./errors.js";
export * from "./api-errors.js";
export { redactSecret } from "./redact.js";

/** @typedef {import("./errors.js").ErrorProps} ErrorProps */
/**
 * A fetch-compatible function (the global one, or the client's `fetch` option). A custom one
 * may return anything: its answer is checked before use.
 * @typedef {(input: string, init: RequestInit) => Promise<Response>} FetchFn
 */
/**
 * What `onRetry` is given (before each wait); what it returns is ignored (a rejection too).
 * @typedef {{ operation: string, attempt: number, reason: string, delayMs: number, status?: number, idempotencyKey?: string }} RetryInfo
 */
/** @typedef {(info: RetryInfo) => unknown} OnRetry */
/**
 * The client's retry/timeout options as given (checked by the core, sent to it as JSON).
 * @typedef {Record<"timeout" | "maxRetries" | "maxRetryDelay" | "deadline" | "initialRetryDelay" | "maxBackoff", unknown>} RetryConfig
 */
/** @typedef {"timeout" | "maxRetries" | "deadline" | "maxRetryDelay"} PerRequestOption */
/**
 * Request options after `checkRequestOptions` (the retry ones are checked by the core).
 * @typedef {{ timeout?: number, signal?: AbortSignal | null, idempotencyKey?: string, headers?: unknown } & Partial<Record<PerRequestOption, unknown>>} CheckedRequestOptions
 */
/**
 * The core's decision (`retryDecision`): another attempt (and its timeout), or stop. The one
 * before a first attempt (`{ kind: "start" }`) is always a RetryDecision.
 * @typedef {{ retry: true, delayMs: number, timeoutMs: number, reason: string, ambiguous: boolean }} RetryDecision
 * @typedef {{ retry: false, outcomeUnknown?: boolean, reason?: string }} StopDecision
 * @typedef {RetryDecision | StopDecision} Decision
 */
/**
 * The request the core built (`build`).
 * @typedef {{ method: string, url: string, headers: Record<string, string>, body?: string }} BuiltRequest
 */
/**
 * How one HTTP attempt ended (`#attempt`): an answer, or none (with why). The fields an
 * answer has are undefined on the others, so they can be read before telling them apart.
 * @typedef {{ kind: "response", status: number, bytes: Uint8Array, text: string, requestId?: string,
 *             location?: string, retryAfter?: string, retryAfterMs?: string, headers?: Headers }} Answer
 * @typedef {{ error: unknown, status?: undefined, requestId?: undefined, retryAfter?: undefined, retryAfterMs?: undefined }} NoAnswerBase
 * @typedef {NoAnswerBase & ({ kind: "timeout", timeout: number } | { kind: "lost" | "before_send", timeout?: undefined })} NoAnswer
 * @typedef {Answer | NoAnswer} AttemptResult
 */
/** @typedef {{ key: string | undefined, sent: boolean }} RequestState what `#finish` needs to know of a request */
/** @typedef {<T>(promise: T | PromiseLike<T>) => Promise<T>} Gate awaits `promise` unless the attempt is stopped first */
/** @typedef {(name: string) => string | undefined} HeaderFn a non-empty response header, or undefined */
/** @typedef {{ data: unknown[], has_more?: unknown, lastResponse?: { status: number } }} Page a list's page */

const DEFAULT_TIMEOUT = 60_000;
// Bodies cross into the wasm as UTF-8 bytes: one copy, where a string argument is copied a
// character at a time by the glue (a 56 KB page: ~4× faster).
const MAX_TIMER = 2_147_483_647; // setTimeout's ceiling
const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder();


/**
 * @param {unknown} value
 * @param {string} field
 * @returns {number | undefined}
 */
function checkTimeout(value, field) {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER) {
    throw new ValidationError(`${field} must be a number of milliseconds between 1 and ${MAX_TIMER}`, { field });
  }
  return value;
}

const CLIENT_OPTIONS = [
  "apiKey", "baseUrl", "defaultHeaders", "allowInsecureHttp", "defaultCountry", "fetch", "onRetry", "maxResponseSize", "dangerouslyAllowBrowser",
  "logger", "logLevel",
  "timeout", "maxRetries", "maxRetryDelay", "deadline", "initialRetryDelay", "maxBackoff",
];
/** @type {PerRequestOption[]} */
const PER_REQUEST = ["timeout", "maxRetries", "deadline", "maxRetryDelay"];
const REQUEST_OPTIONS = new Set(["timeout", "signal", "idempotencyKey", "maxRetries", "deadline", "maxRetryDelay", "headers"]);
/** From quiet to chatty: a level logs itself and everything before it. */
const LOG_LEVELS = ["off", "error", "warn", "info", "debug"];
/**
 * A phone number in a log line: all but its last 4 digits masked (E.164 as the client sends it,
 * `+` or `%2B` in a URL).
 */
const PHONE = /(\+|%2B)\d{3,}(\d{4})/gi;

/** @type {CheckedRequestOptions} */
const NO_OPTIONS = Object.freeze({});

/**
 * The request options, read once into a plain object (a getter cannot change them later).
 * @param {unknown} options
 * @returns {CheckedRequestOptions}
 */
function checkRequestOptions(options) {
  if (options === undefined || options === null) return NO_OPTIONS;
  if (typeof options !== "object") {
    throw new ValidationError("request options must be an object like { timeout, signal, idempotencyKey }", { field: "options" });
  }
  /** @type {Record<string, unknown>} */
  const copy = {};
  for (const key of Object.keys(options)) {
    if (!REQUEST_OPTIONS.has(key)) {
      throw new ValidationError(`unknown request option "${key}" (request options are ${[...REQUEST_OPTIONS].join(", ")}; API parameters go in the argument before)`, { field: key });
    }
    copy[key] = /** @type {Record<string, unknown>} */ (options)[key];
  }
  const { timeout, signal, idempotencyKey } = copy;
  checkTimeout(timeout, "timeout");
  if (signal !== undefined && signal !== null && !isSignal(signal)) {
    throw new ValidationError("signal must be an AbortSignal", { field: "signal" });
  }
  // Sent as a header value: printable ASCII only, no line breaks (header injection), no
  // leading/trailing spaces (fetch would trim them, so the key would not be the user's).
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== "string" || idempotencyKey.length > 255 || !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(idempotencyKey))) {
    throw new ValidationError("idempotencyKey must be 1-255 printable ASCII characters (no line breaks, no leading or trailing spaces)", { field: "idempotencyKey" });
  }
  return copy;
}

/**
 * Duck-typed (an AbortSignal from another realm or a polyfill counts).
 * @param {any} s any value: only its members are read
 * @returns {s is AbortSignal}
 */
function isSignal(s) {
  return typeof s === "object" && typeof s.aborted === "boolean" &&
    typeof s.addEventListener === "function" && typeof s.removeEventListener === "function";
}

// One "abort" listener per signal however many requests share it (past 10, Node prints
// MaxListenersExceededWarning). Returns the function that stops watching.
/** @typedef {Set<() => void> & { fire: () => void }} Watchers */
/** @type {WeakMap<AbortSignal, Watchers>} */
const watchers = new WeakMap(); // signal → Set of callbacks, with .fire
/** APIErrors whose status the core's retry rules retry (408, 429, 5xx): a later poll may do better. */
const retriable = new WeakSet();
/**
 * @param {AbortSignal} signal
 * @param {() => void} fn
 * @returns {() => void}
 */
function onAbort(signal, fn) {
  let set = watchers.get(signal);
  if (!set) {
    set = /** @type {Watchers} */ (new Set());
    set.fire = () => {
      watchers.delete(signal);
      for (const f of /** @type {Watchers} */ (set)) f();
    };
    watchers.set(signal, set);
    signal.addEventListener("abort", set.fire, { once: true });
  }
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0 && watchers.get(signal) === set) {
      watchers.delete(signal);
      signal.removeEventListener("abort", set.fire);
    }
  };
}

/** Ids as JSON for the core: strings as they are; anything else by its JSON type only, so the
 * core names the wrong type (an object's toJSON must not turn it into an id).
 * @param {unknown[]} ids
 * @returns {string}
 */
function idsJson(ids) {
  return JSON.stringify(ids.map((id) => (typeof id === "string" || typeof id === "number" || typeof id === "boolean" ? id : id === null || id === undefined ? null : Array.isArray(id) ? [] : {})));
}

/**
 * JSON text of a user value for the core. Values JSON cannot carry are rejected rather than
 * silently dropped (JSON.stringify would drop functions and symbols, and throw on BigInt).
 * @param {unknown} value
 * @param {string} field named in the errors (a member's own name when one is at fault)
 * @returns {string}
 */
function toJson(value, field) {
  try {
    return JSON.stringify(value === undefined ? null : value, function (key, v) {
      const t = typeof v;
      if (t === "number" && !Number.isFinite(v)) {
        // JSON.stringify would send NaN/Infinity as null (and null means "default").
        const name = key || field;
        throw new ValidationError(`${name} must be a finite number, got ${v}`, { field: name });
      }
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

// Random bytes for Idempotency-Keys, drawn from the CSPRNG 4 KB at a time (one
// getRandomValues call per 256 keys instead of one per key). Formatting them as a UUID v4
// is done here rather than in the core: it needs the host's randomness anyway, and one wasm
// export fewer keeps the package under its size ceiling.
/** @type {string[] | undefined} */
let HEX; // "00".."ff", built with the first pool (not at import: ~0.1 ms of cold start)
let pool = new Uint8Array(0);
let poolAt = 0;
/** @returns {string} a random UUID v4 */
function newIdempotencyKey() {
  if (poolAt + 16 > pool.length) {
    HEX ??= Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1));
    pool = globalThis.crypto.getRandomValues(new Uint8Array(4096));
    poolAt = 0;
  }
  const b = pool.subarray(poolAt, (poolAt += 16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  let s = "";
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? "-" : "") + /** @type {string[]} */ (HEX)[b[i]];
  return s;
}

/**
 * A one-line description of anything thrown (never throws itself).
 * @param {any} e any value: only its members are read, defensively
 * @returns {string}
 */
function describe(e) {
  try {
    const msg = e && typeof e.message === "string" ? e.message : String(e);
    const cause = typeof e?.cause?.message === "string" ? ` (${e.cause.message})` : "";
    return msg + cause;
  } catch {
    return "(an error that cannot be read)"; // a hostile getter or toString
  }
}

/**
 * The OutcomeUnknownError for a POST given up on while its outcome is unknown.
 * @param {string} op
 * @param {string | undefined} key the Idempotency-Key sent
 * @param {string} cause
 * @param {number} attempts
 * @returns {CallingBoxError}
 */
function outcomeUnknown(op, key, cause, attempts) {
  return /** @type {CallingBoxError} */ (adopt(wasm(coreOutcomeUnknown, [op, key ?? "", cause, attempts])));
}

// Errors a runtime gives when the request provably never left the machine (nothing can
// have reached the server): Node/undici `cause.code`, Bun `code`, Deno's message.
// TLS handshake failures count too: no HTTP request is sent before the handshake completes.
// Trusted only from the runtime's own HTTP client (its fetch, or node:http in Node: see
// node-http.js), which the client calls with redirect: "manual"
// (one hop: a refused connection cannot be a redirect's second hop after the first was
// processed); a custom fetch may follow redirects or retry by itself.
const NEVER_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ConnectionRefused|FailedToOpenSocket|ERR_TLS_\w+|ERR_SSL_\w+|CERT_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_\w+)$/;
/**
 * @param {any} e what fetch threw: only its members are read
 * @returns {boolean}
 */
function neverSent(e) {
  const code = e?.cause?.code || e?.code;
  return (typeof code === "string" && NEVER_SENT.test(code)) || /tcp connect error|dns error/i.test(describe(e));
}

/**
 * Sleeps `ms`, or rejects with the signal's AbortError at once.
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @param {() => Error} [makeAbort] (needed with a signal)
 * @returns {Promise<void>}
 */
function sleep(ms, signal, makeAbort) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(/** @type {() => Error} */ (makeAbort)());
    const unwatch = signal ? onAbort(signal, () => {
      clearTimeout(timer);
      reject(/** @type {() => Error} */ (makeAbort)());
    }) : undefined;
    const timer = setTimeout(() => {
      unwatch?.();
      resolve();
    }, ms);
  });
}

/**
 * Response headers as a record: lowercase names, the key removed from every value, and a header
 * whose name holds the key (a hostile server can send one; fetch lowercases names) left out.
 * @param {Headers | undefined} headers
 * @param {string} secret
 * @returns {Record<string, string>}
 */
function headerRecord(headers, secret) {
  /** @type {Record<string, string>} */
  const out = {};
  const name = secret.toLowerCase();
  headers?.forEach((v, k) => {
    // A repeated header (set-cookie, which Headers gives one at a time) is joined, as get() does.
    if (!k.includes(name)) out[k] = /** @type {string} */ (redactSecret(Object.hasOwn(out, k) ? `${out[k]}, ${v}` : String(v), secret));
  });
  return out;
}

/**
 * The options of `calls.waitUntilDone` / `createAndWait`, checked.
 * @param {unknown} options
 * @returns {{ timeout: number, pollInterval: number, signal?: AbortSignal, onStatus?: (call: unknown) => void, idempotencyKey?: string }}
 */
function waitOptions(options) {
  if (options === undefined) return { timeout: WAIT_TIMEOUT, pollInterval: WAIT_INTERVAL };
  if (options === null || typeof options !== "object") {
    throw new ValidationError("wait options must be an object like { timeout, pollInterval, signal, onStatus }", { field: "options" });
  }
  const { timeout, pollInterval, signal, onStatus, idempotencyKey } = /** @type {Record<string, any>} */ (options);
  if (signal !== undefined && !isSignal(signal)) throw new ValidationError("signal must be an AbortSignal", { field: "signal" });
  if (onStatus !== undefined && typeof onStatus !== "function") throw new ValidationError("onStatus must be a function", { field: "onStatus" });
  return {
    timeout: checkTimeout(timeout, "timeout") ?? WAIT_TIMEOUT,
    pollInterval: checkTimeout(pollInterval, "pollInterval") ?? WAIT_INTERVAL,
    signal, onStatus, idempotencyKey,
  };
}

/**
 * The client's options (js/index.d.ts documents each).
 * @typedef {{ apiKey?: string, baseUrl?: string, fetch?: FetchFn, timeout?: number,
 *             maxRetries?: number, maxRetryDelay?: number, deadline?: number,
 *             initialRetryDelay?: number, maxBackoff?: number,
 *             maxResponseSize?: number, allowInsecureHttp?: boolean, defaultCountry?: string,
 *             onRetry?: OnRetry, defaultHeaders?: Record<string, string>, dangerouslyAllowBrowser?: boolean }} ClientOptions
 */

/**
 * `name` from `env` when given (a Workers `env`), else from the runtime's environment:
 * `Deno.env` (it needs --allow-env) or `process.env` (Node, Bun, Workers with nodejs_compat).
 * Undefined where there is none, or where reading it is not allowed.
 * @param {string} name
 * @param {Record<string, unknown>} [env]
 * @returns {unknown}
 */
function environment(name, env) {
  if (env) return env[name];
  const g = /** @type {{ Deno?: { env: { get(name: string): string | undefined } }, process?: { env?: Record<string, string | undefined> } }} */ (/** @type {unknown} */ (globalThis));
  try {
    return g.Deno ? g.Deno.env.get(name) : g.process?.env?.[name];
  } catch {
    return undefined; // Deno without --allow-env
  }
}

export class CallingBox {
  /** @type {string} */
  #options; // { apiKey, baseUrl, defaultHeaders, allowInsecureHttp, defaultCountry, platform } as JSON, converted once
  /** @type {string} */
  #platform;
  /** @type {string} */
  #key; // for redaction
  /** @type {FetchFn | undefined} */
  #fetch;
  /** @type {number} */
  #maxResponse;
  /** @type {RetryConfig} */
  #retry; // client-level retry/timeout options, as given
  /** @type {string} */
  #retryJson; // ... as the JSON the core reads
  /** @type {RetryDecision | undefined} */
  #startDecision; // the core's decision before a first attempt with the client's options (#start)
  /** @type {[string, RetryDecision] | undefined} */
  #perRequest; // the last per-request options (as JSON) and their first decision
  /** @type {OnRetry | undefined} */
  #onRetry;
  /** @type {((level: string, line: () => string) => void) | undefined} */
  #log; // undefined when nothing is logged

  /**
   * A client configured from `env` (a Workers `env`), else from the runtime's environment:
   * `CALLINGBOX_API_KEY` and `CALLINGBOX_BASE_URL`; `options` adds the rest (and wins).
   * @param {Record<string, unknown>} [env]
   * @param {Omit<ClientOptions, "apiKey">} [options]
   */
  static fromEnv(env, options) {
    return new CallingBox(options, env);
  }

  /**
   * Every option is checked here (by the core, most of them): from JavaScript anything may come.
   * Without `apiKey`, `CALLINGBOX_API_KEY` of the runtime's environment is used (and
   * `CALLINGBOX_BASE_URL` unless `baseUrl` is given).
   * @param {ClientOptions} [options]
   * @param {Record<string, unknown>} [env] read instead of the runtime's environment (`fromEnv`)
   */
  constructor(options = {}, env = undefined) {
    const platform = ready("core");
    if (options === null || typeof options !== "object") {
      throw new ValidationError("options must be an object like { apiKey: \"sk_...\" }", { field: "options" });
    }
    /** @type {Record<string, unknown>} */
    const o = {}; // read once: a getter cannot change an option after its check
    try {
      for (const k of CLIENT_OPTIONS) o[k] = /** @type {Record<string, unknown>} */ (options)[k];
    } catch {
      throw new ValidationError("options could not be read (a getter threw)", { field: "options" });
    }
    // The environment is read only when the key is not given (Deno asks for --allow-env then).
    if (o.apiKey === undefined || o.apiKey === null) {
      o.apiKey = environment("CALLINGBOX_API_KEY", env) || undefined; // set but empty: not set
      o.baseUrl ??= environment("CALLINGBOX_BASE_URL", env);
    }
    const { apiKey, baseUrl, defaultHeaders, allowInsecureHttp, defaultCountry, fetch, onRetry, maxResponseSize, logger = console, logLevel = "warn" } = o;
    if (apiKey === undefined || apiKey === null) {
      throw new ValidationError("apiKey is required: pass { apiKey: \"sk_...\" } or set CALLINGBOX_API_KEY", { field: "apiKey" });
    }
    if (typeof apiKey !== "string") {
      throw new ValidationError(`apiKey must be a string, got ${typeof apiKey}`, { field: "apiKey" });
    }
    // In a web page (a Worker has no `document`) every visitor can read a secret key.
    if (apiKey.trim().startsWith("sk_") && typeof window == "object" && typeof document == "object" && o.dangerouslyAllowBrowser !== true) {
      throw new ValidationError("a secret key (sk_...) in a web page is readable by every visitor: call your own server instead, or pass { dangerouslyAllowBrowser: true }", { field: "apiKey" });
    }
    // Strings cannot fail toJson's checks: plain JSON.stringify for the usual options.
    const config = { apiKey, baseUrl, defaultHeaders, allowInsecureHttp, defaultCountry, platform };
    const plain = typeof apiKey === "string" && (baseUrl === undefined || typeof baseUrl === "string") &&
      defaultHeaders === undefined && allowInsecureHttp === undefined &&
      (defaultCountry === undefined || typeof defaultCountry === "string");
    this.#options = plain ? JSON.stringify(config) : toJson(config, "options");
    this.#platform = platform;
    wasm(checkOptions, [this.#options]);
    this.#key = /** @type {string} */ (apiKey).trim(); // the core accepted it: a key long enough to redact
    if (fetch !== undefined && typeof fetch !== "function") {
      throw new ValidationError("fetch must be a function compatible with the global fetch", { field: "fetch" });
    }
    if (onRetry !== undefined && typeof onRetry !== "function") {
      throw new ValidationError("onRetry must be a function", { field: "onRetry" });
    }
    if (maxResponseSize !== undefined && (!Number.isInteger(maxResponseSize) || /** @type {number} */ (maxResponseSize) < 1 || /** @type {number} */ (maxResponseSize) > MAX_RESPONSE_BYTES_CEILING)) {
      throw new ValidationError(`maxResponseSize must be a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES_CEILING}`, { field: "maxResponseSize" });
    }
    this.#maxResponse = /** @type {number | undefined} */ (maxResponseSize) ?? MAX_RESPONSE_BYTES;
    this.#fetch = /** @type {FetchFn | undefined} */ (fetch);
    this.#onRetry = /** @type {OnRetry | undefined} */ (onRetry);
    const max = LOG_LEVELS.indexOf(/** @type {string} */ (logLevel));
    if (max < 0) throw new ValidationError(`logLevel must be one of ${LOG_LEVELS.join(", ")}`, { field: "logLevel" });
    const log = /** @type {Record<string, unknown>} */ (logger);
    if (max > 0 && log !== null && !(log && LOG_LEVELS.slice(1).some((l) => typeof log[l] == "function"))) {
      throw new ValidationError("logger must be an object with console's methods (error, warn, info, debug)", { field: "logger" });
    }
    // Every line is masked: the key removed, phone numbers cut to their last 4 digits.
    if (max > 0 && log !== null) {
      this.#log = (level, line) => {
        if (LOG_LEVELS.indexOf(level) > max || typeof log[level] != "function") return;
        try {
          /** @type {(line: string) => void} */ (log[level])(`callingbox: ${/** @type {string} */ (redactSecret(line(), this.#key)).replace(PHONE, "$1***$2")}`);
        } catch {
          // a logger's failure is its own
        }
      };
    }
    const { timeout, maxRetries, maxRetryDelay, deadline, initialRetryDelay, maxBackoff } = o;
    checkTimeout(timeout, "timeout");
    this.#retry = { timeout: timeout ?? DEFAULT_TIMEOUT, maxRetries, maxRetryDelay, deadline, initialRetryDelay, maxBackoff };
    // The core validates the options now, not at the first call. Without any there is nothing
    // to validate: the first request asks for the decision (one core call less at start-up).
    if ([timeout, maxRetries, maxRetryDelay, deadline, initialRetryDelay, maxBackoff].some((v) => v !== undefined)) {
      this.#retryJson = toJson(this.#retry, "options");
      this.#startDecision = this.#decide(this.#retryJson, { kind: "start" });
    } else {
      this.#retryJson = JSON.stringify(this.#retry); // only the default timeout: nothing toJson could reject
    }
    for (const [resource, methods] of Object.entries(OPERATIONS)) {
      /** @type {Record<string, (...args: unknown[]) => Promise<unknown>>} */
      const ns = {};
      for (const [method, { ids, params: takesParams, idempotent }] of Object.entries(methods)) {
        const op = `${resource}.${method}`;
        ns[method] = (...args) => {
          const idArgs = args.slice(0, ids);
          const params = takesParams ? args[ids] : undefined;
          const options = args[takesParams ? ids + 1 : ids];
          const first = this.#request(op, idempotent, idArgs, params, options);
          // Lists are also async-iterable over every item of every page:
          // `for await (const call of client.calls.list({ limit: 100 })) { ... }`.
          if (method === "list") {
            /** @type {Promise<unknown> & Partial<AsyncIterable<unknown>>} */ (first)[Symbol.asyncIterator] = () => this.#items(first, op, idArgs, params, options);
          }
          return first;
        };
      }
      if (resource === "calls") {
        // Helpers, not API operations: not enumerable, so the namespace lists the API's own.
        Object.defineProperties(ns, {
          // What `create` would send, checked and normalised (E.164 numbers), without sending it.
          checkCreate: { value: (/** @type {unknown} */ params) => JSON.parse(/** @type {BuiltRequest} */ (JSON.parse(wasm(coreBuild, [this.#options, "calls.create", "[]", toJson(params, "params"), "check"]))).body ?? "null") },
          waitUntilDone: { value: (/** @type {unknown} */ idOrCall, /** @type {unknown} */ options) => this.#waitUntilDone(idOrCall, options) },
          createAndWait: {
            value: async (/** @type {unknown} */ params, /** @type {unknown} */ options) => {
              const wait = waitOptions(options);
              const call = await ns.create(params, { signal: wait.signal, idempotencyKey: wait.idempotencyKey });
              return this.#waitUntilDone(call, wait);
            },
          },
        });
      }
      Object.defineProperty(this, resource, { value: Object.freeze(ns), enumerable: true });
    }
  }

  /**
   * Polls `calls.retrieve` until the call is over (see `callEnded` and WAIT_* for the intervals).
   * Given an id it polls at once; given a Call, it first waits. A poll that fails for a reason
   * a retry can fix (the connection, a timeout, a status the core retries: see `retriable`)
   * after the request's own retries is followed by the next poll; any other error ends the
   * wait. No poll outlives the wait's `timeout`.
   * @param {unknown} idOrCall
   * @param {unknown} options
   * @returns {Promise<unknown>}
   */
  async #waitUntilDone(idOrCall, options) {
    const { timeout, pollInterval, signal, onStatus } = waitOptions(options);
    /** @type {{ id?: unknown, status?: unknown, result_status?: unknown } | undefined} */
    let call = idOrCall !== null && typeof idOrCall === "object" ? idOrCall : undefined;
    const id = call ? call.id : idOrCall;
    if (typeof id !== "string" || id === "") {
      throw new ValidationError("calls.waitUntilDone needs a call id or a Call object", { field: "id" });
    }
    const end = Date.now() + timeout;
    let interval = pollInterval;
    let seen;
    /** @type {unknown} */
    let failure; // why the last poll failed, if it did
    for (;;) {
      if (call && call.status !== seen) {
        seen = call.status;
        try {
          onStatus?.(call);
        } catch {
          // the observer's failure is its own
        }
      }
      if (call && callEnded(call)) return call;
      if (end - Date.now() <= 0) {
        scrub({ call }, this.#key); // the key removed from the API's JSON, where it echoed it
        throw new WaitTimeoutError(`call ${id} had not ended after ${timeout} ms (last status: ${call ? call.status : "unknown"})`, { call, timeout, cause: failure });
      }
      if (call || failure) {
        await sleep(Math.min(interval, end - Date.now()), signal, () => new AbortError(`calls.waitUntilDone(${id}) was aborted`, { cause: signal?.reason }));
        interval = Math.min(interval * WAIT_GROWTH, Math.max(WAIT_MAX_INTERVAL, pollInterval));
      }
      const left = Math.max(1, end - Date.now());
      try {
        call = /** @type {typeof call} */ (await this.#request("calls.retrieve", false, [id], undefined, {
          signal, timeout: Math.min(left, /** @type {number} */ (this.#retry.timeout)), deadline: left,
        }));
        failure = undefined;
      } catch (e) {
        if (!(e instanceof APIConnectionError || e instanceof TimeoutError || retriable.has(/** @type {object} */ (e)))) throw e;
        failure = e;
      }
    }
  }

  /** @returns {RetryDecision} */
  get #start() {
    return (this.#startDecision ??= this.#decide(this.#retryJson, { kind: "start" }));
  }

  /**
   * Every item of a list, page after page: the cursor is the last item's id
   * (`starting_after`), or the first item's when paging backwards from `ending_before`.
   * Stops when the server says `has_more: false` (lists without cursors are one page). A
   * server that says `has_more` but does not move the cursor ends in InvalidResponseError
   * rather than the same items forever.
   * @param {Promise<unknown>} first the first page's request
   * @param {string} op
   * @param {unknown[]} ids
   * @param {unknown} params
   * @param {unknown} options
   * @returns {AsyncGenerator<unknown, void, undefined>}
   */
  async *#items(first, op, ids, params, options) {
    let page = /** @type {Page} */ (await first); // a bad argument rejects here, as the caller's await would
    /** @type {Record<string, unknown>} */
    let base;
    try {
      base = params == null ? {} : { .../** @type {object} */ (params) }; // read once, like every argument
    } catch {
      throw new ValidationError(`${op}: params could not be read (a getter threw)`, { field: "params" });
    }
    const backwards = base.ending_before != null;
    // Every cursor so far: a server that cycles through pages (A, B, A) is stopped too.
    const cursors = new Set([backwards ? base.ending_before : base.starting_after]);
    for (;;) {
      yield* backwards ? [...page.data].reverse() : page.data;
      if (!page.has_more || page.data.length === 0) return;
      const edge = backwards ? page.data[0] : page.data[page.data.length - 1];
      const id = edge !== null && typeof edge === "object" ? /** @type {{ id?: unknown }} */ (edge).id : undefined;
      if (typeof id !== "string" || id === "" || cursors.has(id)) {
        throw new InvalidResponseError(`${op}: the list says has_more but does not advance (its ${backwards ? "first" : "last"} item's id is ${typeof id === "string" ? `"${redactSecret(id.slice(0, 64), this.#key)}" again` : "missing"}); stopped instead of repeating it`, { status: page.lastResponse?.status });
      }
      cursors.add(id);
      page = /** @type {Page} */ (await this.#request(op, false, ids, { ...base, ...(backwards ? { ending_before: id } : { starting_after: id }) }, options));
    }
  }

  /**
   * Asks the core what to do next (all retry/timeout rules live there).
   * @overload
   * @param {string} configJson
   * @param {{ kind: "start" }} attempt
   * @returns {RetryDecision}
   */
  /**
   * @overload
   * @param {string} configJson
   * @param {object} attempt
   * @returns {Decision}
   */
  /**
   * @param {string} configJson
   * @param {object} attempt
   * @returns {Decision}
   */
  #decide(configJson, attempt) {
    return JSON.parse(wasm(retryDecision, [configJson, JSON.stringify(attempt)]));
  }

  /**
   * One logical request. Whatever it throws passes through `#finish`: a typed error, with the
   * Idempotency-Key once a request may have left, and with the key removed (the last step).
   * @param {string} op "resource.method"
   * @param {boolean | undefined} post
   * @param {unknown[]} ids
   * @param {unknown} params
   * @param {unknown} options
   * @returns {Promise<unknown>} the decoded resource (with its non-enumerable `lastResponse`)
   */
  async #request(op, post, ids, params, options) {
    /** @type {RequestState} */
    const state = { key: undefined, sent: false };
    try {
      return await this.#send(state, op, post, ids, params, options);
    } catch (e) {
      throw this.#finish(e, state, op, post);
    }
  }

  /**
   * @param {unknown} e
   * @param {RequestState} state
   * @param {string} op
   * @param {boolean | undefined} post
   * @returns {CallingBoxError}
   */
  #finish(e, { key, sent }, op, post) {
    let err = e;
    if (!(err instanceof CallingBoxError)) {
      // Nothing should get here; if something does (a runtime's surprise), it is still typed.
      const why = `${op}: ${describe(err)}`;
      err = !sent ? new ValidationError(why, { field: "arguments", cause: err })
        : post ? outcomeUnknown(op, key, describe(err), 1)
        : new APIConnectionError(why, { cause: err });
    }
    if (sent && key !== undefined && /** @type {ErrorProps} */ (err).idempotencyKey === undefined) /** @type {ErrorProps} */ (err).idempotencyKey = key;
    return scrub(/** @type {CallingBoxError} */ (err), this.#key); // (the branch above made it one)
  }

  /**
   * @param {RequestState} state filled in as the request goes
   * @param {string} op
   * @param {boolean | undefined} post
   * @param {unknown[]} ids
   * @param {unknown} params
   * @param {unknown} options
   * @returns {Promise<unknown>}
   */
  async #send(state, op, post, ids, params, options) {
    const opts = checkRequestOptions(options);
    const paramsJson = params === undefined ? "null" : toJson(params, "params");
    let config = this.#options;
    if (opts.headers != null) {
      // This request's headers over the client's (by lowercase name), checked by the core as
      // defaultHeaders are: reserved and forbidden names refused.
      // A plain object of strings (a Headers or a Map has no keys of its own: it would be dropped).
      const h = /** @type {Record<string, unknown>} */ (opts.headers);
      const proto = typeof h === "object" && Object.getPrototypeOf(h);
      const names = (proto === Object.prototype || proto === null) && Object.values(h).every((v) => v === null || typeof v === "string") ? Object.keys(h) : undefined;
      if (!names) throw new ValidationError("headers must be a plain object of header names to strings (or null to drop a default one)", { field: "headers" });
      const own = names.find((n) => CLIENT_HEADERS.test(n));
      if (own) throw new ValidationError(`headers cannot set "${own}": the client sets it (a key of your own: the idempotencyKey option)`, { field: "headers" });
      const o = JSON.parse(config);
      const lower = (/** @type {object} */ h) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      o.defaultHeaders = { ...lower(o.defaultHeaders), ...lower(opts.headers) };
      config = toJson(o, "headers");
    }
    /** @type {BuiltRequest} */
    let built;
    try {
      built = JSON.parse(wasm(coreBuild, [
        config, op, ids.length === 0 ? "[]" : idsJson(ids), paramsJson,
        post ? opts.idempotencyKey ?? newIdempotencyKey() : "",
      ]));
    } catch (e) {
      const err = /** @type {ErrorProps & Error} */ (e);
      if (config !== this.#options && err.field === "defaultHeaders") {
        err.field = "headers";
        err.message = err.message.replace("defaultHeaders", "headers");
      }
      throw e;
    }
    const key = built.headers["Idempotency-Key"]; // only POSTs carry one
    state.key = key;
    // null/undefined per-request options leave the client's settings in force.
    let configJson = this.#retryJson;
    /** @type {Decision} */
    let decision = this.#start;
    if (opts !== NO_OPTIONS && PER_REQUEST.some((k) => opts[k] != null)) {
      const config = { ...this.#retry };
      for (const k of PER_REQUEST) if (opts[k] != null) config[k] = opts[k];
      configJson = toJson(config, "options");
      // The same per-request options on every request (createMany's maxRetries: 0) are
      // checked by the core once.
      if (this.#perRequest?.[0] === configJson) decision = this.#perRequest[1];
      else this.#perRequest = [configJson, decision = this.#decide(configJson, { kind: "start" })];
    }
    const signal = opts.signal ?? undefined;
    const aborted = (/** @type {string} */ when) => new AbortError(`${op} was aborted ${when}`, { cause: signal?.reason, idempotencyKey: key });
    if (signal?.aborted) throw aborted("before it was sent");
    const fetchFn = this.#fetch ?? defaultFetch();
    const own = this.#fetch === undefined || fetchFn === globalThis.fetch; // the runtime's own: see NEVER_SENT
    if (typeof fetchFn !== "function") {
      throw new APIConnectionError("no fetch function: this runtime has no global fetch; pass { fetch } to the client");
    }
    const started = Date.now();
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      const sentAt = Date.now();
      const r = await this.#attempt(fetchFn, own, built, decision.timeoutMs, signal, aborted, state);
      this.#log?.("debug", () => {
        const { pathname, search } = new URL(built.url);
        return `${op} ${built.method} ${pathname}${search} -> ${r.status ?? r.kind} in ${Date.now() - sentAt} ms (attempt ${attempt}, request ${r.requestId})`;
      });
      // A first attempt answered 2xx needs no decision (the core's would be "success").
      const settled = attempt === 1 && r.kind === "response" && r.status >= 200 && r.status < 300;
      decision = settled ? { retry: false } : this.#decide(configJson, {
        kind: r.kind, post: built.method === "POST", idempotencyKey: key !== undefined, attempt,
        status: r.status ?? 0, retryAfter: r.retryAfter ?? null, retryAfterMs: r.retryAfterMs ?? null,
        ambiguous, jitter: Math.random(), elapsedMs: Date.now() - started, nowMs: Date.now(),
      });
      if (decision.retry) {
        ambiguous = decision.ambiguous;
        const { reason, delayMs } = decision;
        this.#log?.("info", () => `${op}: attempt ${attempt} failed (${reason}); retrying in ${delayMs} ms`);
        if (this.#onRetry) {
          // An observer must not break the request: neither by throwing nor (async hook)
          // by rejecting, which would otherwise be an unhandled rejection.
          try {
            const p = /** @type {{ then?: unknown } | null | undefined} */ (this.#onRetry({ operation: op, attempt, reason: decision.reason, delayMs: decision.delayMs, status: r.status, idempotencyKey: key }));
            if (p && typeof p.then === "function") p.then(undefined, () => {});
          } catch {
            // ignored, as above
          }
        }
        await sleep(decision.delayMs, signal, () => aborted("while waiting to retry"));
        continue;
      }
      if (decision.outcomeUnknown) {
        this.#log?.("info", () => `${op}: outcome unknown after ${attempt} attempts; resend with Idempotency-Key ${key} to settle it`);
        throw outcomeUnknown(op, key, r.kind === "response" ? `the API answered ${r.status}` : describe(r.error), attempt);
      }
      if (r.kind !== "response") {
        const why = decision.reason === "deadline" ? " (deadline reached)" : "";
        if (r.kind === "timeout") throw new TimeoutError(`${op} timed out after ${r.timeout} ms${why}`, { timeout: r.timeout, attempts: attempt });
        throw new APIConnectionError(`${op} failed to reach the API${why}: ${describe(r.error)}`, { attempts: attempt, cause: r.error });
      }
      // A 2xx body is parsed first: when JSON.parse accepts it, the core checks the usual
      // answer in one pass over the bytes without building anything (linear time, no memory).
      /** @type {unknown} */
      let result;
      let parsed = false;
      if (r.status >= 200 && r.status <= 299) {
        try {
          result = JSON.parse(r.text);
          parsed = true;
        } catch {
          // the core words the error
        }
      }
      let normalised;
      try {
        normalised = wasm(coreDecode, [op, r.status, r.bytes, r.requestId ?? "", typeof ids[0] === "string" ? ids[0] : "", r.location ?? "", parsed],
          (m, cause) => new InvalidResponseError(`${op}: ${m}`, { status: r.status, requestId: r.requestId, cause }));
      } catch (e) {
        if (e instanceof APIError) {
          /** @type {ErrorProps} */ (e).headers = headerRecord(r.headers, this.#key);
          // The core would have retried this status (408, 429, 5xx) had retries or time been
          // left: it stopped for retries_exhausted or deadline. (Its other reasons here are
          // not_retryable, and no_idempotency_key for a POST without a key, which the client
          // never sends; a first answer in 2xx has no decision, and is no APIError.)
          if (decision.reason !== "not_retryable") retriable.add(e);
        }
        throw e;
      }
      if (normalised !== "" || !parsed) {
        try {
          result = JSON.parse(normalised || r.text);
        } catch (e) {
          throw new InvalidResponseError(`${op}: ${describe(e)}`, { status: r.status, requestId: r.requestId });
        }
      }
      if (result && typeof result === "object") {
        const secret = this.#key;
        /** @type {Record<string, string> | undefined} */
        let headers;
        const from = r.headers;
        Object.defineProperty(result, "lastResponse", {
          value: {
            status: r.status, requestId: redactSecret(r.requestId, secret), idempotencyKey: key, attempts: attempt,
            // Read on first use (most callers never do): lowercase names, the key removed from every value.
            get headers() {
              return (headers ??= headerRecord(from, secret));
            },
          },
          enumerable: false,
        });
      }
      return result;
    }
  }

  /**
   * One HTTP attempt. Resolves { kind: "response", status, bytes, text, requestId, location,
   * retryAfter, retryAfterMs } or { kind: "timeout" | "lost" | "before_send", error }; rejects
   * with AbortError (the user's signal) or InvalidResponseError (not a Response, a status
   * outside 100-599, a body over maxResponseSize, a 2xx body that is not UTF-8).
   * @param {FetchFn} fetchFn
   * @param {boolean} own `fetchFn` is the runtime's global fetch (see NEVER_SENT)
   * @param {BuiltRequest} built
   * @param {number} timeout ms
   * @param {AbortSignal | undefined} signal the user's
   * @param {(when: string) => Error} aborted makes the AbortError
   * @param {RequestState} state
   * @returns {Promise<AttemptResult>}
   */
  async #attempt(fetchFn, own, built, timeout, signal, aborted, state) {
    // The signal may have fired between the end of a backoff wait and this attempt.
    if (signal?.aborted) throw aborted("before it was sent");
    const controller = new AbortController();
    // A fetch that ignores its signal must not hang us: every await below also settles when
    // the timeout or the user's signal fires (`gated`). Rejecting it directly from those two
    // places costs less than an "abort" listener on our own signal and a Promise.race.
    let timedOut = false;
    let stopped = false;
    /** @type {((reason: unknown) => void) | undefined} */
    let interrupt; // rejects the await in progress
    /** @type {Gate} */
    const gated = (promise) => new Promise((resolve, reject) => {
      if (stopped) return reject(controller.signal.reason);
      interrupt = reject;
      Promise.resolve(promise).then(resolve, reject); // a custom fetch may return a plain value
    });
    const stop = () => {
      controller.abort();
      stopped = true;
      interrupt?.(controller.signal.reason);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeout);
    const unwatch = signal ? onAbort(signal, stop) : undefined;
    /** @type {(error: unknown, sync?: boolean) => AttemptResult} */
    const failed = (error, sync) => {
      if (signal?.aborted) throw aborted("during the request");
      if (timedOut) return { kind: "timeout", error, timeout };
      // fetch throwing before it returned a promise never sent anything (bad URL or header).
      return { kind: sync || (own && neverSent(error)) ? "before_send" : "lost", error };
    };
    let read = false; // the body was read to its end (or cancelled)
    try {
      /** @type {Response} */
      let res;
      /** @type {Promise<Response>} */
      let pending;
      try {
        // Called as a plain function (this = undefined): a fetch bound to another object
        // throws "Illegal invocation" in browsers and Workers. Redirects are not followed:
        // a redirected POST would carry the number and the Idempotency-Key to another
        // origin (or become a GET after a 303); the answer is reported instead.
        pending = fetchFn(built.url, { method: built.method, headers: built.headers, body: built.body, signal: controller.signal, redirect: "manual" });
      } catch (e) {
        return failed(e, true);
      }
      state.sent = true;
      try {
        res = await gated(pending);
      } catch (e) {
        return failed(e, false);
      }
      if (!res || typeof res !== "object" || typeof res.status !== "number" || typeof res.text !== "function") {
        throw new InvalidResponseError("fetch did not return a Response");
      }
      const status = res.status;
      if (res.type === "opaqueredirect") {
        // A browser hides a redirect's status and target from scripts.
        return { kind: "response", status: 302, bytes: new Uint8Array(0), text: "", location: "" };
      }
      if (!Number.isInteger(status) || status < 100 || status > 599) {
        throw new InvalidResponseError(`fetch returned an invalid HTTP status (${String(status).slice(0, 20)})`, { status: 0 });
      }
      const headers = res.headers && typeof res.headers.get === "function" ? res.headers : undefined;
      // (A custom fetch may give anything: only non-empty strings count as header values.)
      /** @type {HeaderFn} */
      const header = (name) => {
        const v = headers?.get(name);
        return typeof v === "string" && v !== "" ? v : undefined;
      };
      const ok = status >= 200 && status <= 299;
      /** @type {Uint8Array} */
      let bytes;
      try {
        bytes = await this.#body(res, header, ok, gated);
        read = true;
      } catch (e) {
        if (e instanceof CallingBoxError) throw e;
        return failed(e);
      }
      let text;
      if (ok) {
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3); // a BOM, as res.text() drops it
        try {
          text = strict.decode(bytes);
        } catch {
          throw new InvalidResponseError(`the API answered ${status} with a body that is not UTF-8 text`, { status, requestId: header("x-request-id") });
        }
      } else {
        // The key is removed before anything reads an error body (the core clips messages).
        text = redactSecret(lenient.decode(bytes), this.#key);
        bytes = utf8.encode(text);
      }
      // Retry-After only matters for an answer that may be retried (not a 2xx).
      return {
        kind: "response", status, bytes, text, requestId: header("x-request-id"), headers,
        location: status >= 300 && status <= 399 ? header("location") : undefined,
        retryAfter: ok ? undefined : header("retry-after"),
        retryAfterMs: ok ? undefined : header("retry-after-ms"),
      };
    } finally {
      clearTimeout(timer);
      unwatch?.();
      // An answer given up before its body ended (refused by its status or its length, or a
      // failure reading it) is cancelled: its connection must not stay open, waiting for a
      // body nobody reads.
      if (!read) controller.abort();
    }
  }

  /**
   * The body's bytes, read under the attempt's timeout. A 2xx body over maxResponseSize is an
   * InvalidResponseError (checked while it streams in, and from Content-Length first); an
   * error body is clipped to ERROR_BODY_BYTES.
   * @param {Response} res
   * @param {HeaderFn} header
   * @param {boolean} ok a 2xx answer
   * @param {Gate} gated
   * @returns {Promise<Uint8Array>}
   */
  async #body(res, header, ok, gated) {
    const limit = ok ? this.#maxResponse : ERROR_BODY_BYTES;
    const tooLarge = () => new InvalidResponseError(`the API answered ${res.status} with a body larger than maxResponseSize (${limit} bytes)`, { status: res.status, requestId: header("x-request-id") });
    const length = Number(header("content-length"));
    // Content-Length bounds the body only when it is not compressed. Browsers hide
    // Content-Encoding from cross-origin scripts, so there the body is always streamed.
    const encoded = this.#platform === "browser" || (header("content-encoding") || "identity").toLowerCase() !== "identity";
    if (ok && !encoded && length > limit) throw tooLarge();
    const stream = res.body;
    /** @type {any} */
    let reader;
    /** @type {Uint8Array} */
    let buf;
    let size = 0;
    if (!stream || typeof stream.getReader !== "function" || (!encoded && length <= limit && typeof res.arrayBuffer === "function")) {
      // A known, small enough length (the body cannot exceed it), or a Response-like object
      // without a stream (a custom fetch): read whole, then check.
      buf = typeof res.arrayBuffer === "function" ? new Uint8Array(await gated(res.arrayBuffer())) : utf8.encode(String(await gated(res.text())));
      size = buf.length;
    } else {
      // One buffer that grows. A BYOB reader fills it in place: in Deno that costs less than
      // res.text(), where a default reader adds about 40 µs an answer. Runtimes whose bodies
      // are not byte streams (Bun) give a default reader, whose chunks are copied in.
      try {
        reader = stream.getReader({ mode: "byob" });
      } catch {
        // not a byte stream
      }
      // Known by its class's name: a stream of another realm (an iframe's fetch) fails
      // instanceof. A reader given whatever the mode (node:http's answers, a Response-like
      // object's) is read as a plain one.
      const byob = reader?.constructor?.name === "ReadableStreamBYOBReader";
      reader ??= stream.getReader();
      buf = new Uint8Array(0);
      /** @param {number} need */
      const room = (need) => {
        if (need <= buf.length) return;
        const next = new Uint8Array(Math.min(Math.max(need, 2 * buf.length, 8192), limit + 1));
        next.set(buf.subarray(0, size));
        buf = next;
      };
      for (;;) {
        // (size is at most limit here, so there is room for one more byte)
        if (byob) room(size + 1);
        const { done, value } = await gated(byob ? reader.read(buf.subarray(size)) : reader.read());
        if (byob) {
          // The buffer was handed over; it comes back as the value's (a reader that gives
          // none back throws here, a failure to read the body like any other).
          buf = new Uint8Array(value.buffer);
          size += value.byteLength;
        } else if (!done) {
          // The bytes of any view (a DataView's too), or of an ArrayBuffer.
          const chunk = new Uint8Array(value.buffer || value, value.byteOffset, value.byteLength);
          // A stream of empty chunks must not keep the timeout's timer from running.
          if (!chunk.length) await sleep(0);
          const n = Math.min(chunk.length, limit + 1 - size);
          if (size) {
            room(size + n);
            buf.set(chunk.subarray(0, n), size);
          } else {
            buf = chunk; // the first chunk is kept as it is (most answers are one chunk)
          }
          size += n;
        }
        if (done || size > limit) break;
      }
    }
    if (size <= limit) return buf.subarray(0, size);
    reader?.cancel().catch(() => {});
    if (ok) throw tooLarge();
    return buf.subarray(0, limit);
  }
}

/**
 * Checks an international (E.164) phone number to be dialled without throwing: `{ ok: true,
 * value }` with the canonical number, or `{ ok: false, reason, message }`. For bulk validation.
 * @param {unknown} input
 * @returns {{ ok: true, value: string } | import("./phone-answer.js").PhoneProblem}
 */
export function checkE164(input) {
  if (typeof input !== "string") return notAString(input);
  const out = wasm(coreCheckE164, [input]);
  return out.charCodeAt(0) !== 0 ? { ok: true, value: out } : refusal(out);
}

/**
 * Validates and canonicalises an international (E.164) phone number, or throws InvalidPhoneNumberError.
 * @param {unknown} input
 * @returns {string}
 */
export function parseE164(input) {
  const r = checkE164(input);
  return r.ok ? r.value : phoneError(r);
}

/**
 * Diagnostics: bytes of linear memory of the client's wasm instance (it should not grow per request).
 * @returns {number}
 */
export function wasmMemoryBytes() {
  return instance("core").memory.buffer.byteLength;
}
