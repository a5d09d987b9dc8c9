// Type declarations for the `callingbox` package. Field names are the API's own (snake_case);
// methods and options are camelCase. Resource interfaces list the documented fields of
// contract §3 (a native test checks they match the Rust decoding tables); unknown fields
// from newer API versions pass through at run time.

/** ISO-8601 UTC timestamp, e.g. "2026-04-15T14:28:01Z". */
export type Timestamp = string;
/** An E.164 phone number, e.g. "+14155550123". */
export type E164 = string;
/** Enum values the API may extend: known literals, plus any string. */
type Open<T extends string> = T | (string & {});

export interface ClientOptions {
  /** A CallingBox secret key (`sk_...`). Never appears in errors or logs. */
  apiKey: string;
  /** Defaults to "https://api.callingbox.io". */
  baseUrl?: string;
  /** Any fetch-compatible function (tests, proxies, the emulator). Defaults to the global fetch. */
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
}

/** Metadata of the HTTP exchange, on every returned object (non-enumerable). */
export interface ResponseInfo {
  status: number;
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
export interface PageParams {
  /** 1-100 (default 20). */
  limit?: number;
  /** Cursor: an object id; returns older objects. */
  starting_after?: string;
  /** Cursor: an object id; returns newer objects. */
  ending_before?: string;
}

export interface PhoneNumber {
  id: string;
  e164: E164;
  friendly_name: string | null;
  country_code: string;
  number_type: Open<"local" | "toll_free">;
  status: Open<"active">;
  monthly_cost_cents: number;
  purchased_at: Timestamp;
  inbound_agent_id: string | null;
  outbound_agent_ids: string[];
}

export interface AvailableNumber {
  phone_number: E164;
  country_code: string;
  number_type: Open<"local" | "toll_free">;
  state: string | null;
  locality: string | null;
  monthly_cost_cents: number;
  upfront_cost_cents: number;
  currency: string;
}

export type ReturnsSchema = Record<string, "boolean" | "string" | "number">;

export interface Tool {
  type: Open<"http" | "builtin">;
  name: string;
  description: string;
  policy?: Open<"read" | "confirm_first_write">;
  [key: string]: unknown;
}

export interface Agent {
  id: string;
  org_id: string;
  user_id: string | null;
  name: string;
  type: Open<"inbound" | "outbound">;
  persona: string | null;
  instructions: string | null;
  voice: string | null;
  language: string | null;
  returns: ReturnsSchema | null;
  tools: Tool[] | null;
  webhook_url: string | null;
  voicemail_action: Open<"hangup" | "leave_message">;
  primary_number_id: string | null;
  archived_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  numbers?: PhoneNumber[];
}

export type CallStatus = Open<"queued" | "initiated" | "ringing" | "in_progress" | "completed" | "no_answer" | "busy" | "canceled" | "failed">;

export interface Call {
  id: string;
  agent_id: string | null;
  to_number: E164;
  from_number: E164;
  status: CallStatus;
  direction: Open<"inbound" | "outbound">;
  persona: string | null;
  instructions: string | null;
  prompt: string | null;
  context: Record<string, unknown> | null;
  returns: ReturnsSchema | null;
  result: Record<string, unknown> | null;
  result_status: Open<"pending" | "completed" | "failed">;
  result_error: string | null;
  language: string | null;
  webhook_url: string | null;
  webhook_status: Open<"none" | "pending" | "delivered" | "failed">;
  webhook_error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  answered_at: Timestamp | null;
  ended_at: Timestamp | null;
  duration_seconds: number | null;
  billed_duration_seconds: number | null;
  billing_amount_milli_cents: number | null;
  reservation_status: Open<"reserved" | "settled" | "released">;
  error_code: string | number | null;
  error_message: string | null;
  hangup_cause: string | null;
  /** "machine" when voicemail answered (status "no_answer"). */
  answered_by?: Open<"machine" | "human"> | null;
  metadata: Record<string, unknown>;
  updated_at: Timestamp;
}

export interface TranscriptSegment {
  sequence_no: number;
  role: Open<"agent" | "user">;
  text: string;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  duration_ms: number | null;
  source: string;
}

export interface Transcript {
  call_id: string;
  segments: TranscriptSegment[];
}

export type WebhookEventType = Open<
  "call.queued" | "call.ringing" | "call.answered" | "call.completed" | "call.failed" | "call.no_answer" | "call.busy" | "call.canceled"
>;

export interface WebhookEndpoint {
  id: string;
  org_id: string;
  url: string;
  description: string | null;
  enabled_events: Array<WebhookEventType | "*">;
  status: Open<"enabled" | "disabled">;
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  consecutive_failures: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Only in create and rotateSecret responses. */
  signing_secret?: string;
}

export interface DeletedWebhookEndpoint {
  id: string;
  deleted: boolean;
}

export interface WebhookDelivery {
  id: string;
  org_id: string;
  endpoint_id: string | null;
  call_id: string | null;
  event_type: WebhookEventType;
  url: string;
  status: Open<"pending" | "delivered" | "exhausted">;
  attempt_count: number;
  manual_retry_count: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  last_response_status: number | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentParams {
  name?: string;
  persona?: string | null;
  instructions?: string;
  voice?: string;
  language?: string;
  returns?: ReturnsSchema;
  tools?: Tool[];
  webhook_url?: string;
  voicemail_action?: "hangup" | "leave_message";
  number_ids?: string[];
  primary_number_id?: string;
}
export interface AgentCreateParams extends AgentParams {
  name: string;
  type: "inbound" | "outbound";
}

export interface CallCreateParams {
  agent_id: string;
  /** E.164; separators are accepted and removed ("+1 (415) 555-0123"). */
  to: string;
  from_number?: string;
  instructions?: string;
  context?: Record<string, unknown>;
  webhook_url?: string;
  metadata?: Record<string, unknown>;
}

export interface NumbersResource {
  list(params?: PageParams, options?: RequestOptions): PagePromise<PhoneNumber>;
  searchAvailable(
    params?: { country_code?: string; area_code?: string; number_type?: "local" | "toll_free"; limit?: number },
    options?: RequestOptions,
  ): Promise<WithResponse<AvailableNumber[]>>;
  purchase(params: { phone_number: string }, options?: RequestOptions): Promise<WithResponse<PhoneNumber>>;
}

export interface AgentsResource {
  list(params?: { type?: "inbound" | "outbound" }, options?: RequestOptions): PagePromise<Agent>;
  create(params: AgentCreateParams, options?: RequestOptions): Promise<WithResponse<Agent>>;
  retrieve(id: string, options?: RequestOptions): Promise<WithResponse<Agent>>;
  update(id: string, params: AgentParams, options?: RequestOptions): Promise<WithResponse<Agent>>;
  /** Archives (soft-deletes) the agent; past calls are kept. */
  archive(id: string, options?: RequestOptions): Promise<WithResponse<Agent | { id: string; archived: true }>>;
  attachNumber(id: string, params: { number_id: string; set_as_primary?: boolean }, options?: RequestOptions): Promise<WithResponse<Agent>>;
  detachNumber(id: string, numberId: string, options?: RequestOptions): Promise<WithResponse<Agent>>;
  setPrimaryNumber(id: string, params: { number_id: string }, options?: RequestOptions): Promise<WithResponse<Agent>>;
}

export interface CallsResource {
  create(params: CallCreateParams, options?: RequestOptions): Promise<WithResponse<Call>>;
  list(params?: PageParams, options?: RequestOptions): PagePromise<Call>;
  retrieve(id: string, options?: RequestOptions): Promise<WithResponse<Call>>;
  getTranscript(id: string, options?: RequestOptions): Promise<WithResponse<Transcript>>;
}

export interface WebhookEndpointsResource {
  create(
    params: { url: string; description?: string | null; enabled_events?: Array<WebhookEventType | "*"> },
    options?: RequestOptions,
  ): Promise<WithResponse<WebhookEndpoint>>;
  list(params?: Record<string, never>, options?: RequestOptions): PagePromise<WebhookEndpoint>;
  retrieve(id: string, options?: RequestOptions): Promise<WithResponse<WebhookEndpoint>>;
  update(
    id: string,
    params: { url?: string; description?: string | null; enabled_events?: Array<WebhookEventType | "*">; status?: "enabled" | "disabled" },
    options?: RequestOptions,
  ): Promise<WithResponse<WebhookEndpoint>>;
  delete(id: string, options?: RequestOptions): Promise<WithResponse<DeletedWebhookEndpoint>>;
  rotateSecret(id: string, options?: RequestOptions): Promise<WithResponse<WebhookEndpoint>>;
}

export interface WebhookDeliveriesResource {
  list(
    params?: { endpoint_id?: string; call_id?: string; status?: "pending" | "delivered" | "exhausted"; limit?: number },
    options?: RequestOptions,
  ): PagePromise<WebhookDelivery>;
  retrieve(id: string, options?: RequestOptions): Promise<WithResponse<WebhookDelivery>>;
  redeliver(id: string, options?: RequestOptions): Promise<WithResponse<WebhookDelivery>>;
}

export declare class CallingBox {
  constructor(options: ClientOptions);
  readonly numbers: NumbersResource;
  readonly agents: AgentsResource;
  readonly calls: CallsResource;
  readonly webhookEndpoints: WebhookEndpointsResource;
  readonly webhookDeliveries: WebhookDeliveriesResource;
}

/** Validates and canonicalises an E.164 number ("+1 (415) 555-0123" → "+14155550123"). */
export declare function parseE164(input: string): E164;

export type E164Reason =
  | "empty" | "contains_letters" | "invalid_character" | "missing_plus" | "misplaced_plus"
  | "country_code_leading_zero" | "too_long" | "too_short";

/** The same check without throwing, for bulk validation. */
export declare function checkE164(
  input: unknown,
): { ok: true; value: E164 } | { ok: false; reason: E164Reason | "not_a_string"; message: string };

/**
 * `text` with `secret` removed wherever it appears: as written, JSON-escaped (`\u0073k_...`),
 * or cut off at the end of a clipped text. What the client applies to everything it throws;
 * for proxies and loggers that pass on what a server said.
 */
export declare function redactSecret(text: string, secret: string): string;

/** Diagnostics: bytes of linear memory of the client's wasm instance. */
export declare function wasmMemoryBytes(): number;

// ---- webhooks ----

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** Unix seconds. */
  created: number;
  api_version: string;
  /** Checked for call.* events. Events of a type this SDK does not know yet verify and pass through with their own data. */
  data: { call: Call };
}

export declare const Webhooks: {
  /**
   * Verifies the `CallingBox-Signature` header over the raw body (synchronously, on every
   * runtime) and returns the parsed event. Throws WebhookSignatureError.
   */
  constructEvent(
    rawBody: string | Uint8Array | ArrayBuffer,
    signatureHeader: string | null | undefined,
    secret: string,
    options?: {
      /** Seconds `t` may differ from `now`: default 300, must be > 0 (0 throws ValidationError).
       *  `Infinity` skips the check: tests with recorded events only, it disables replay protection. */
      tolerance?: number;
      /** Unix seconds; default the clock. */
      now?: number;
    },
  ): WebhookEvent;
  /** A valid header for `payload` (an object is JSON.stringify'd), for tests. */
  generateTestHeader(args: { payload: unknown; secret: string; timestamp?: number }): string;
};

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
  readonly reason: E164Reason;
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
}
export declare class BadRequestError extends APIError {}
export declare class AuthenticationError extends APIError {}
export declare class InsufficientCreditError extends APIError {}
export declare class PermissionDeniedError extends APIError {}
export declare class NotFoundError extends APIError {}
export declare class ConflictError extends APIError {}
export declare class UnprocessableEntityError extends APIError {}
export declare class RateLimitError extends APIError {}
export declare class InternalServerError extends APIError {}
export declare class TelephonyProviderError extends InternalServerError {}
export declare class APIConnectionError extends CallingBoxError {}
export declare class TimeoutError extends CallingBoxError {
  readonly timeout: number;
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
  readonly idempotencyKey?: string;
  readonly attempts: number;
  /** What the last attempt ran into. */
  readonly cause: string;
}
export declare class WebhookSignatureError extends CallingBoxError {
  readonly reason:
    | "malformed_header" | "missing_timestamp" | "missing_signature" | "timestamp_outside_tolerance"
    | "no_matching_signature" | "invalid_payload";
}
