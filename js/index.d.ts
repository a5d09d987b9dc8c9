// Type declarations for the `callingbox` package: the client, its options, errors and
// webhook events (`Webhooks` itself is callingbox/webhooks: webhooks.d.ts). The API's own types (resources, params, the resource methods and the status
// error classes) are generated from the API description into api.d.ts and re-exported here.
// Field names are the API's own (snake_case); methods and options are camelCase.

import type { Call, CallCreateParams, Resources, WebhookEventType } from "./api.js";
export * from "./api.js";

/** ISO-8601 UTC timestamp, e.g. "2026-04-15T14:28:01Z". */
export type Timestamp = string;
/** An E.164 phone number, e.g. "+14155550123". */
export type E164 = string;

export interface ClientOptions {
  /** A CallingBox secret key (`sk_...`); default `CALLINGBOX_API_KEY` of the environment. Never appears in errors or logs. */
  apiKey?: string;
  /** Default "https://api.callingbox.io" (or `CALLINGBOX_BASE_URL` when the key comes from the environment). */
  baseUrl?: string;
  /** Any fetch-compatible function (tests, proxies, the emulator). Defaults to the global fetch; in Node, to `node:http` while fetch is not configured (no replaced `globalThis.fetch`, no undici dispatcher of your own, no `NODE_USE_ENV_PROXY`). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Timeout of each attempt in ms (default 60000). */
  timeout?: number;
  /** Retries of connection errors, timeouts, 408, 429 and 5xx (default 2). POSTs are retried with the same Idempotency-Key. */
  maxRetries?: number;
  /** Cap on any wait between attempts, including a server's Retry-After (ms, default 60000). */
  maxRetryDelay?: number;
  /** Overall budget across all attempts and waits (ms); no retry starts past it. */
  deadline?: number;
  /** First backoff delay (ms, default 500; doubles each retry, with jitter). */
  initialRetryDelay?: number;
  /** Cap on the exponential backoff (ms, default 8000). */
  maxBackoff?: number;
  /** Observes each retry before its wait. */
  onRetry?: (info: RetryInfo) => void;
  /** Extra headers on every request (cannot replace Authorization, Content-Type, Idempotency-Key; the Fetch standard's forbidden request headers, such as Connection or Transfer-Encoding, are refused). */
  defaultHeaders?: Record<string, string>;
  /** Largest 2xx body accepted, in bytes (default 16 MiB); checked while the body streams in. Error bodies are clipped to 64 KiB. */
  maxResponseSize?: number;
  /** Allows an `http://` baseUrl to a host that is not loopback (the key then crosses the network in clear text). Default false. */
  allowInsecureHttp?: boolean;
  /**
   * The region (ISO 3166-1 alpha-2, e.g. "US", "GB") phone-number params written without `+` are
   * read in: `"(415) 555-0100"` becomes `"+14155550100"` with "US". Without it they must be
   * international (`+…`).
   */
  defaultCountry?: string;
  /**
   * Allows a secret key (`sk_...`) in a web page, where every visitor can read it. Without it,
   * the client refuses one where `window` and `document` exist (Workers are not pages): the
   * page should call your own server (a proxy) with a token of its own instead. Default false.
   */
  dangerouslyAllowBrowser?: boolean;
  /**
   * What the client logs to (default `console`; `null`: nowhere): one string per line,
   * starting "callingbox: ", with the API key removed and phone numbers cut to their last 4 digits.
   */
  logger?: Logger | null;
  /**
   * "debug": every attempt (operation, method, path, status, duration, request id, attempt);
   * "info": retries and outcome-unknowns; "warn" (default) and "error": nothing today; "off".
   */
  logLevel?: LogLevel;
}

export type LogLevel = "off" | "error" | "warn" | "info" | "debug";
/** The console methods the client logs with (a missing one: its lines are dropped). */
export interface Logger {
  error?(line: string): void;
  warn?(line: string): void;
  info?(line: string): void;
  debug?(line: string): void;
}

export interface RetryInfo {
  operation: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  reason: "connection_failed" | "connection_lost" | "timeout" | "request_timeout" | "rate_limited" | "server_error";
  delayMs: number;
  status?: number;
  idempotencyKey?: string;
}

export interface RequestOptions {
  /** Overrides the client's per-attempt timeout for this request (ms). */
  timeout?: number;
  maxRetries?: number;
  deadline?: number;
  maxRetryDelay?: number;
  /** Aborts the request; the promise rejects with AbortError. */
  signal?: AbortSignal;
  /** For POSTs: your own Idempotency-Key (one is generated otherwise). */
  idempotencyKey?: string;
  /**
   * Headers for this request, over the client's `defaultHeaders` (by name, any case; `null`
   * drops one). Authorization, Content-Type, Idempotency-Key and the Fetch standard's forbidden
   * request headers are refused with a ValidationError.
   */
  headers?: Record<string, string | null>;
}

/** Metadata of the HTTP exchange, on every returned object (non-enumerable). */
export interface ResponseInfo {
  status: number;
  /** The response's headers (lowercase names), with the API key removed from any value. */
  readonly headers: Record<string, string>;
  requestId?: string;
  idempotencyKey?: string;
  /** How many attempts it took (1 = no retry). */
  attempts: number;
}
export type WithResponse<T> = T & { readonly lastResponse: ResponseInfo };

export interface Page<T> {
  data: T[];
  has_more: boolean;
}

/**
 * A list call: await it for one page, or iterate it for every item of every page
 * (`for await (const call of client.calls.list({ limit: 100 }))`).
 */
export type PagePromise<T> = Promise<WithResponse<Page<T>>> & AsyncIterable<T>;

// ---- following a call ----

export interface WaitOptions {
  /** Give up after this many ms with a WaitTimeoutError (default 3,600,000: one hour). */
  timeout?: number;
  /** The first wait between polls in ms (default 1000); each wait is 1.5× the one before, up to 10 s (or pollInterval if larger). */
  pollInterval?: number;
  /** Stops the wait (and a poll in flight) with an AbortError. */
  signal?: AbortSignal;
  /** Called with the Call each time its status changes (the first time too); what it throws is ignored. */
  onStatus?: (call: Call) => void;
}

/** Helpers on `client.calls`, next to the API's own methods. */
export interface CallHelpers {
  /**
   * Polls the call until it is over: a terminal status (completed, no_answer, busy, canceled,
   * failed) and, for a completed call, its result extracted (`result_status` not "pending").
   * Given an id it polls at once; given a Call, it first waits `pollInterval`. A poll that fails
   * with 408, 429, 5xx, a lost connection or a request timeout (after the request's own retries,
   * which honour Retry-After) is followed by the next poll; other errors end the wait. Throws
   * WaitTimeoutError (with the last Call, and the last poll's error as `cause`) or AbortError.
   */
  waitUntilDone(call: string | Call, options?: WaitOptions): Promise<Call>;
  /** `calls.create` (one idempotency key: pass `idempotencyKey` to choose it), then `waitUntilDone`. */
  createAndWait(params: CallCreateParams, options?: WaitOptions & { idempotencyKey?: string }): Promise<Call>;
  /**
   * Checks `params` as `create` would, without sending anything: the body `create` would send
   * (phone numbers in E.164), or a ValidationError / InvalidPhoneNumberError.
   */
  checkCreate(params: CallCreateParams): CallCreateParams;
}

/** The client: one property per resource (`client.calls.create(...)`), see `Resources`. */
export declare class CallingBox {
  /**
   * Without `apiKey`, `CALLINGBOX_API_KEY` of the runtime's environment is used (and
   * `CALLINGBOX_BASE_URL` unless `baseUrl` is given): `process.env`, or `Deno.env` (which needs
   * `--allow-env`). With `apiKey` given, the environment is not read.
   */
  constructor(options?: ClientOptions);
  /**
   * A client configured from `env` (e.g. a Cloudflare Worker's `env`; default: the runtime's
   * environment): `CALLINGBOX_API_KEY` and `CALLINGBOX_BASE_URL`. `options` adds the rest.
   */
  static fromEnv(
    env?: { readonly CALLINGBOX_API_KEY?: unknown; readonly CALLINGBOX_BASE_URL?: unknown },
    options?: Omit<ClientOptions, "apiKey">,
  ): CallingBox;
}
export interface CallingBox extends Resources {}

/** Validates and canonicalises an international number ("+1 (415) 555-0123" → "+14155550123"). */
export declare function parseE164(input: string): E164;

/** Why a phone number was refused (`InvalidPhoneNumberError.reason`). */
export type PhoneNumberReason =
  | "empty" | "contains_letters" | "invalid_character" | "missing_plus" | "misplaced_plus"
  | "country_code_leading_zero" | "too_long" | "too_short"
  /** No country or service has this calling code (`+891…`). */
  | "unassigned_country_code"
  /** Too short, too long, or a length no number of that calling code has. */
  | "invalid_length";
/** {@link PhoneNumberReason}, by its earlier name. */
export type E164Reason = PhoneNumberReason;

/** The same check without throwing, for bulk validation. */
export declare function checkE164(
  input: unknown,
): { ok: true; value: E164 } | { ok: false; reason: PhoneNumberReason | "not_a_string"; message: string };

/**
 * `text` with `secret` removed wherever it appears: as written, JSON-escaped (`\u0073k_...`),
 * or cut off at the end of a clipped text. What the client applies to everything it throws;
 * for proxies and loggers that pass on what a server said.
 */
export declare function redactSecret(text: string, secret: string): string;

/** Diagnostics: bytes of linear memory of the client's wasm instance. */
export declare function wasmMemoryBytes(): number;

// ---- webhooks (verified with `Webhooks` from callingbox/webhooks: webhooks.d.ts) ----

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** Unix seconds. */
  created: number;
  api_version: string;
  /** Checked for call.* events. Events of a type this SDK does not know yet verify and pass through with their own data. */
  data: { call: Call };
}

// ---- errors ----

export declare class CallingBoxError extends Error {
  /** Stable machine-readable kind, e.g. "not_found", "timeout", "invalid_phone_number". */
  readonly code: string;
  /** For a POST that may have reached the server: resending with this key can never place a second call. */
  readonly idempotencyKey?: string;
}
export declare class ValidationError extends CallingBoxError {
  /** The argument or option that was rejected. */
  readonly field: string;
}
export declare class InvalidPhoneNumberError extends ValidationError {
  readonly reason: PhoneNumberReason;
}
export declare class APIError extends CallingBoxError {
  readonly status: number;
  readonly requestId?: string;
  /** The error body: parsed JSON when it is JSON, the raw text otherwise. */
  readonly body: unknown;
  /** `error.code` from the body, when the API sent one. */
  readonly apiCode?: string;
  /** A 3xx answer's `Location` (the client never follows redirects; absent in browsers, which hide it). */
  readonly location?: string;
  /** The response headers (lowercase names; the API key removed from every value), e.g. `retry-after`. */
  readonly headers?: Record<string, string>;
}
export declare class InternalServerError extends APIError {}
export declare class APIConnectionError extends CallingBoxError {}
export declare class TimeoutError extends CallingBoxError {
  readonly timeout: number;
}
/** `calls.waitUntilDone` gave up before the call ended. */
export declare class WaitTimeoutError extends TimeoutError {
  readonly code: "wait_timeout";
  /** The last Call seen (undefined if no poll succeeded). */
  readonly call?: Call;
}
export declare class AbortError extends CallingBoxError {
  /** For POSTs: the key to resend with, since an aborted request may have reached the server. */
  readonly idempotencyKey?: string;
}
export declare class InvalidResponseError extends CallingBoxError {
  readonly status?: number;
  readonly requestId?: string;
}
/** A POST may or may not have taken effect (a timeout or lost connection, retries used up). */
export declare class OutcomeUnknownError extends CallingBoxError {
  /** Send the request again with this `idempotencyKey` to get the original result, never a second call. */
  readonly idempotencyKey: string;
  readonly attempts: number;
  /** What the last attempt ran into. */
  readonly cause: string;
}
export declare class WebhookSignatureError extends CallingBoxError {
  readonly reason:
    | "malformed_header" | "missing_timestamp" | "missing_signature" | "timestamp_outside_tolerance"
    | "no_matching_signature" | "invalid_payload";
}
