// Types for `callingbox/emulator`: the built-in, deterministic CallingBox emulator.

export declare const TEST_API_KEY: string;

export interface EmulatorFaults {
  /** Added to every in-scope response (ms). */
  latencyMs?: number;
  /** Share (0-1) of requests answered 429 + Retry-After without being processed. */
  rate429?: number;
  retryAfterSecs?: number;
  /** Share (0-1) of requests answered 503 without being processed. */
  rate503?: number;
  /** Share (0-1) of requests processed, then the connection is dropped. */
  rateDrop?: number;
  /** Share (0-1) of requests processed, then answered after `delayMs`. */
  rateDelay?: number;
  delayMs?: number;
  /** Only requests with this method / path prefix are faulted. */
  method?: string;
  pathPrefix?: string;
}

export interface WebhookDeliveryAttempt {
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface EmulatorOptions {
  seed?: number;
  /** Virtual clock start, unix ms. */
  startTime?: number;
  initialCreditMilliCents?: number;
  faults?: EmulatorFaults;
  /** "record" (default): keep deliveries in `webhooks` and answer 200; "fetch": POST to loopback URLs; a function: your handler's status; "off". */
  webhooks?: "record" | "fetch" | "off" | ((delivery: WebhookDeliveryAttempt) => number | Promise<number>);
  webhookFetch?: typeof fetch;
}

export interface EmulatorStats {
  requests: number;
  calls_placed: number;
  idempotent_replays: number;
  idempotency_conflicts: number;
  faults_429: number;
  faults_503: number;
  faults_dropped: number;
  faults_delayed: number;
  webhook_attempts: number;
  webhooks_delivered: number;
  [counter: string]: number;
}

export interface TestNumber {
  number: string;
  outcome: string;
  description: string;
}

export interface Emulator {
  readonly apiKey: string;
  /** Serves the whole API in process; pass it as the client's `fetch`. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Moves virtual time forward, running every call step and webhook delivery due. */
  advance(ms: number): Promise<void>;
  now(): number;
  stats(): EmulatorStats;
  setFaults(faults: EmulatorFaults | null): void;
  queueFault(kind: "rate_limited" | "unavailable" | "drop" | "delay"): void;
  /**
   * The secret that signs inline `webhook_url` deliveries of the organisation of `apiKey`
   * (default: the test key); `undefined` for a string that is not an API key. Endpoints
   * have their own secrets (`signing_secret` on create and rotate).
   */
  defaultSigningSecret(apiKey?: string): string | undefined;
  balanceMilliCents(apiKey?: string): number | undefined;
  setBalanceMilliCents(milliCents: number, apiKey?: string): boolean;
  readonly webhooks: Array<WebhookDeliveryAttempt & { event: unknown }>;
  readonly testNumbers: TestNumber[];
  /** Runs the virtual clock on real time × speed. */
  start(options?: { speed?: number; intervalMs?: number }): void;
  stop(): Promise<void>;
}

export declare function createEmulator(options?: EmulatorOptions): Emulator;
export declare function isLoopbackUrl(url: string): boolean;

export interface EmulatorServer {
  url: string;
  apiKey: string;
  emulator: Emulator;
  close(): Promise<void>;
}
