// Type-checking only (tsconfig.checkjs.json; never shipped, never bundled): the shapes of the
// modules and host globals js/*.js uses that the checker cannot see from here.
//
// 1. The wasm-bindgen glue. scripts/build.sh generates callingbox_core.js,
//    callingbox_emulator.js, callingbox_webhooks.js and callingbox_phone.js (--target web) next to a copy of js/*.js,
//    so they do not exist in js/. These mirror the generated .d.ts for the exports the driver uses; a wildcard
//    module name is how an ambient declaration can answer a relative import.
// 2. The .wasm imports of the workerd entries (the bundler / Miniflare gives a compiled module).
// 3. The few Node.js / Bun / Deno APIs the entries use (the workspace has no @types/node, and
//    the rest of the driver must not come to depend on one runtime's types).

declare module "*/callingbox_core.js" {
  /** JSON `{ method, url, headers, body? }` of the request for operation `op`. */
  export function build(options: string, op: string, ids: string, params: string, idempotency_key: string): string;
  /** The canonical number, or `"\0<reason code>\0<message>"`. */
  export function checkE164(input: string): string;
  /** Throws a `ValidationError` record for bad client options. */
  export function checkOptions(options: string): string;
  /** `undefined`: JSON.parse the body as is; a string: parse it instead; or throws an error record. */
  export function decode(op: string, status: number, body: Uint8Array | number[], request_id: string, id: string, location: string, parsed: boolean): string;
  /** The `OutcomeUnknownError` record (to `adopt`). */
  export function outcomeUnknown(op: string, idempotency_key: string, cause: string, attempts: number): string;
  /** JSON of one retry decision (see RetryDecision in js/client.js). */
  export function retryDecision(config: string, attempt: string): string;

  export type SyncInitInput = BufferSource | WebAssembly.Module;
  export interface InitOutput {
    readonly memory: WebAssembly.Memory;
  }
  export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
}

declare module "*/callingbox_webhooks.js" {
  /** `t=<timestamp>,v1=<hex>` for `body`. */
  export function signWebhook(body: Uint8Array | number[], secret: string, timestamp: number): string;
  /** Throws a `WebhookSignatureError` record when the signature does not verify. */
  export function verifyWebhook(body: Uint8Array | number[], header: string, secret: string, tolerance_secs: number, now_secs: number): void;
  export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): { readonly memory: WebAssembly.Memory };
}

declare module "*/callingbox_phone.js" {
  /** `"+<code>\0<national>\0<region>\0<extension>"`, or `"\0<reason code>\0<message>"`. */
  export function checkPhone(input: string, defaultCountry: string): string;
  /** The answers of `checkPhone` for numbers separated by "\n", separated by "\n". */
  export function checkPhones(inputs: string, defaultCountry: string): string;
  export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): { readonly memory: WebAssembly.Memory };
}

declare module "*/callingbox_emulator.js" {
  export class Emulator {
    /** `options`: JSON `{ seed?, startTime?, initialCreditMilliCents?, faults? }`. */
    constructor(options: string);
    free(): void;
    advance(ms: number): void;
    balanceMilliCents(api_key: string): number | undefined;
    defaultSigningSecret(api_key: string): string | undefined;
    /** `headers`: JSON `[[name, value], ...]`; answers JSON (an `Answer`). */
    handle(method: string, url: string, headers: string, body: string): string;
    nextDueMs(): number | undefined;
    nowMs(): number;
    queueFault(kind: string): void;
    reportDelivery(delivery_id: string, status: number, error: string): boolean;
    setBalanceMilliCents(api_key: string, milli_cents: number): boolean;
    setFaults(faults: string): void;
    stats(): string;
    /** JSON of `OutboxItem[]`. */
    takeOutbox(): string;
  }
  /** JSON `[{ number, outcome, description }]`. */
  export function testNumbers(): string;

  // The JSON the methods above answer (not part of the generated .d.ts).
  /**
   * A fault the emulator applied to an answer. `delayMs` may be read on any of them
   * (undefined but for a delay).
   */
  export type Fault = null | { delayMs: number } | ("drop" & { delayMs?: undefined });
  /** `handle`'s answer. */
  export interface Answer {
    status: number;
    headers: [string, string][];
    body: string;
    fault: Fault;
    latencyMs?: number;
  }
  /** One delivery of `takeOutbox`. */
  export interface OutboxItem {
    deliveryId: string;
    url: string;
    headers: [string, string][];
    body: string;
  }

  export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
  export type SyncInitInput = BufferSource | WebAssembly.Module;
  export interface InitOutput {
    readonly memory: WebAssembly.Memory;
  }
  export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
  export default function __wbg_init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
}

declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

// Node.js ≥ 20.11 and Bun give the module's folder; other runtimes leave it undefined.
interface ImportMeta {
  readonly dirname?: string;
}

/** Node.js / Bun: only what js/*.js uses. */
declare var process: {
  readonly argv: string[];
  readonly env: Record<string, string | undefined>;
  /** js/cli.js writes its output, status lines and progress bars here. */
  readonly stdout: TerminalStream;
  readonly stderr: TerminalStream;
  exitCode: number | undefined;
  exit(code?: number): never;
  on(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  getBuiltinModule(id: "node:fs"): typeof import("node:fs");
  getBuiltinModule(id: "node:http"): typeof import("node:http");
  getBuiltinModule(id: "node:https"): typeof import("node:https");
};

interface TerminalStream {
  /** True when it is a terminal (absent otherwise). */
  readonly isTTY?: boolean;
  /** The terminal's width in characters (when it is one). */
  readonly columns?: number;
  write(text: string): boolean;
}

/** Deno: only what js/*.js uses. */
declare var Deno: {
  readFileSync(path: string | URL): Uint8Array<ArrayBuffer>;
};

/** Bun: js/node.js tells it from Node.js by this global. */
declare var Bun: object | undefined;

declare module "node:fs" {
  export function readFileSync(path: string | URL): Uint8Array<ArrayBuffer>;
}

declare module "node:https" {
  export { request } from "node:http";
}

declare module "node:http" {
  /** A readable stream of the request body's chunks. */
  export interface IncomingMessage {
    // (Optional in @types/node, always set on the requests a server is given.)
    readonly method: string;
    readonly url: string;
    readonly headers: Record<string, string | undefined>;
    /** Names and values, alternating. */
    readonly rawHeaders: string[];
    readonly socket: { readonly destroyed: boolean; destroy(): void };
    /** Set on the answers a client request is given. */
    readonly statusCode?: number;
    /** Every value of every header, by lowercase name. */
    readonly headersDistinct: Record<string, string[] | undefined>;
    on(event: "data", listener: (chunk: Uint8Array) => void): this;
    on(event: "end" | "close", listener: () => void): this;
    on(event: "error", listener: (err: Error) => void): this;
    destroy(): void;
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  }
  /** A request js/node-http.js sends. */
  export interface ClientRequest {
    /** Whether the request went out on a kept-alive connection (known from its "socket" event). */
    readonly reusedSocket: boolean;
    destroy(reason?: unknown): void;
    once(event: "socket", listener: (socket: { once(event: "connect" | "secureConnect", listener: () => void): unknown }) => void): this;
    once(event: "error", listener: (err: Error) => void): this;
    once(event: "response", listener: (res: IncomingMessage) => void): this;
    once(event: "close", listener: () => void): this;
    once(event: "upgrade", listener: (res: IncomingMessage, socket: { destroy(): void }) => void): this;
    end(body?: string): this;
  }
  export function request(url: URL, options: { method: string, headers: Record<string, string | number> }): ClientRequest;
  export interface ServerResponse {
    readonly destroyed: boolean;
    readonly headersSent: boolean;
    writeHead(status: number, headers?: Record<string, string> | string[]): this;
    end(body?: string): this;
  }
  export interface Socket {
    destroy(): void;
    on(event: "close", listener: () => void): this;
  }
  export interface AddressInfo {
    address: string;
    family: string;
    port: number;
  }
  export interface Server {
    address(): AddressInfo | string | null;
    listen(port: number, host: string, listener: () => void): this;
    close(callback?: (err?: Error) => void): this;
    on(event: "connection", listener: (socket: Socket) => void): this;
    once(event: "error", listener: (err: Error) => void): this;
  }
  export function createServer(listener: (req: IncomingMessage, res: ServerResponse) => void): Server;
}

/** Node.js / Bun: only what js/emulator-server.js uses. */
declare var Buffer: {
  concat(list: readonly Uint8Array[]): Uint8Array & { toString(encoding: "utf8"): string };
  byteLength(text: string): number;
};
