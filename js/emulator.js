// The built-in CallingBox emulator: a strict, deterministic local API (the Rust state
// machine in src/emulator, compiled to its own wasm) behind a `fetch` function, so the
// real client can run against it in any runtime:
//
//   const emu = createEmulator();
//   const client = new CallingBox({ apiKey: emu.apiKey, fetch: emu.fetch });
//   await emu.advance(200_000); // virtual time: the call completes, webhooks are delivered
//
// This file is only the transport: latency, injected faults (drop the connection after
// processing, answer late), webhook delivery, and the virtual clock's driver.

import { Emulator as WasmEmulator, testNumbers } from "./callingbox_emulator.js";
import { ready } from "./runtime.js";

/** The API key the demo and tests use; any key matching ^sk_[A-Za-z0-9_]{8,}$ works. */
export const TEST_API_KEY = "sk_test_emulator_local";

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

// The public types are js/emulator.d.ts (what "./emulator.js" names in a type: a .d.ts next to
// a .js file is what TypeScript reads for it); createEmulator is checked against them.
/** @typedef {import("./emulator.js").Emulator} PublicEmulator */
/** @typedef {import("./emulator.js").EmulatorFaults} EmulatorFaults */
/** @typedef {import("./emulator.js").WebhookDeliveryAttempt} WebhookDeliveryAttempt */
/** @typedef {import("./callingbox_emulator.js").Answer} EmulatorAnswer the wasm's answer to one request */
/** @typedef {import("./callingbox_emulator.js").OutboxItem} OutboxItem a webhook delivery due */
/** @typedef {(method: string, url: string, headers: [string, string][], body: string) => EmulatorAnswer} HandleFn */
/** @typedef {PublicEmulator & { handle: HandleFn }} FullEmulator the emulator, with the server's `handle` */

/**
 * @param {any} e a message, or anything thrown (its `message` is read)
 * @returns {Error}
 */
function fail(e) {
  const err = new Error(`callingbox emulator: ${typeof e === "string" ? e : e && e.message}`);
  err.name = "EmulatorOptionsError";
  return err;
}

/**
 * @param {AbortSignal} signal
 * @returns {unknown}
 */
function abortReason(signal) {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * @param {number} ms
 * @param {AbortSignal | null | undefined} signal
 * @returns {Promise<void>}
 */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortReason(signal));
    const done = () => {
      if (signal) signal.removeEventListener("abort", onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(/** @type {AbortSignal} */ (signal)));
    };
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * True for http(s) URLs on 127.0.0.0/8, localhost or [::1]: the only places we deliver to.
 * @param {string} url
 * @returns {boolean}
 */
export function isLoopbackUrl(url) {
  try {
    const u = new URL(url);
    return (u.protocol === "http:" || u.protocol === "https:") && LOOPBACK.test(u.hostname);
  } catch {
    return false;
  }
}

/**
 * @param {object} [options]
 * @param {number} [options.seed] seeds ids, secrets and fault rolls (default 0)
 * @param {number} [options.startTime] virtual clock start, unix ms (default 2026-04-15T14:28:00Z)
 * @param {number} [options.initialCreditMilliCents] credit per new organisation (default $5)
 * @param {EmulatorFaults} [options.faults] { latencyMs, rate429, retryAfterSecs, rate503, rateDrop, rateDelay, delayMs, method, pathPrefix }
 * @param {"record"|"fetch"|"off"|((delivery: WebhookDeliveryAttempt) => number | Promise<number>)} [options.webhooks] how deliveries are made:
 *   "record" (default) keeps them in `emu.webhooks` and answers 200; "fetch" POSTs them to
 *   loopback URLs (anything else fails the attempt); a function gets each delivery and
 *   returns the HTTP status to report; "off" leaves them pending.
 * @param {typeof fetch} [options.webhookFetch] the fetch used by "fetch" mode
 * @returns {FullEmulator}
 */
export function createEmulator(options = {}) {
  ready("emulator");
  if (options === null || typeof options !== "object") throw fail("options must be an object");
  const { seed, startTime, initialCreditMilliCents, faults, webhooks = "record", webhookFetch } = options;
  if (!(webhooks === "record" || webhooks === "fetch" || webhooks === "off" || typeof webhooks === "function")) {
    throw fail('webhooks must be "record", "fetch", "off" or a function');
  }
  /** @type {WasmEmulator} */
  let wasm;
  try {
    wasm = new WasmEmulator(JSON.stringify({ seed, startTime, initialCreditMilliCents, faults }));
  } catch (e) {
    throw fail(e);
  }
  /** @type {Array<WebhookDeliveryAttempt & { event: unknown }>} */
  const received = [];
  /** @type {ReturnType<typeof setInterval> | null} */
  let timer = null;
  let delivering = Promise.resolve();

  /** @param {OutboxItem} d */
  async function deliverOne(d) {
    const headers = Object.fromEntries(d.headers);
    const delivery = { id: d.deliveryId, url: d.url, headers, body: d.body };
    try {
      let status;
      if (webhooks === "record") {
        received.push({ ...delivery, event: JSON.parse(d.body) });
        status = 200;
      } else if (typeof webhooks === "function") {
        status = Number(await webhooks(delivery)) || 0;
      } else {
        if (!isLoopbackUrl(d.url)) {
          return wasm.reportDelivery(d.deliveryId, 0, "not delivered: the emulator only delivers to loopback addresses");
        }
        const f = webhookFetch ?? globalThis.fetch;
        // No redirects: a loopback receiver must not be able to bounce a signed webhook
        // to another address. A 3xx counts as a failed attempt, as the API documents.
        const res = await f(d.url, { method: "POST", headers, body: d.body, redirect: "manual", signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer().catch(() => {});
        status = res.type === "opaqueredirect" ? 307 : res.status;
      }
      wasm.reportDelivery(d.deliveryId, status, status ? "" : "no status");
    } catch (/** @type {any} */ e) {
      wasm.reportDelivery(d.deliveryId, 0, String((e && e.message) || e));
    }
  }

  async function deliverDue() {
    if (webhooks === "off") return;
    /** @type {OutboxItem[]} */
    const due = JSON.parse(wasm.takeOutbox());
    await Promise.all(due.map(deliverOne));
  }

  /**
   * Moves virtual time forward by `ms`, running every call step and delivery due on the way.
   * @param {number} ms
   * @returns {Promise<void>}
   */
  async function advance(ms) {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw fail("advance(ms) needs a number of milliseconds ≥ 0");
    const run = async () => {
      const target = wasm.nowMs() + ms;
      for (let guard = 0; guard < 100_000; guard++) {
        await deliverDue();
        const due = wasm.nextDueMs();
        if (due === undefined || due > target) break;
        const now = wasm.nowMs();
        if (due <= now) {
          wasm.advance(0.5); // a due step at "now": let the state machine apply it
          if (wasm.nextDueMs() === due) break; // nothing moved (an attempt still in flight)
        } else {
          wasm.advance(due - now);
        }
      }
      const rest = target - wasm.nowMs();
      if (rest > 0) wasm.advance(rest);
      await deliverDue();
    };
    delivering = delivering.then(run, run);
    return delivering;
  }

  /**
   * @param {string | URL | Request} input
   * @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  async function emulatorFetch(input, init = {}) {
    const req = typeof Request === "function" && input instanceof Request ? input : null;
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : req ? req.url : String(input);
    const method = String(init.method ?? (req ? req.method : "GET")).toUpperCase();
    const headers = new Headers(init.headers ?? (req ? req.headers : undefined));
    const signal = init.signal ?? (req ? req.signal : undefined);
    let body = "";
    if (init.body !== undefined && init.body !== null) body = await new Response(init.body).text();
    else if (req && req.body) body = await req.text();
    if (signal && signal.aborted) throw abortReason(signal);
    /** @type {EmulatorAnswer} */
    const out = JSON.parse(wasm.handle(method, url, JSON.stringify([...headers]), body));
    const wait = (out.latencyMs || 0) + (out.fault && out.fault.delayMs ? out.fault.delayMs : 0);
    if (wait > 0) await sleep(wait, signal);
    if (out.fault === "drop") {
      throw new TypeError("fetch failed: the emulator dropped the connection after processing the request");
    }
    const nullBody = out.status === 204 || out.status === 304 || method === "HEAD";
    return new Response(nullBody ? null : out.body, { status: out.status, headers: out.headers });
  }

  return {
    apiKey: TEST_API_KEY,
    /** A fetch-compatible function serving the whole API in process. */
    fetch: emulatorFetch,
    advance,
    /**
     * Handles one raw request (for servers): { status, headers, body, fault, latencyMs }.
     * @type {HandleFn}
     */
    handle: (method, url, headers, body) => JSON.parse(wasm.handle(method, url, JSON.stringify(headers), body)),
    /** Virtual time, unix ms. */
    now: () => wasm.nowMs(),
    /** Counts of what the emulator really did: calls_placed, idempotent_replays, faults_*, ... */
    stats: () => JSON.parse(wasm.stats()),
    setFaults(f) {
      try {
        wasm.setFaults(JSON.stringify(f ?? null));
      } catch (e) {
        throw fail(e);
      }
    },
    /** Injects one fault into the next in-scope request: "rate_limited", "unavailable", "drop", "delay". */
    queueFault(kind) {
      try {
        wasm.queueFault(String(kind));
      } catch (e) {
        throw fail(e);
      }
    },
    /** The signing secret of inline webhook_url deliveries for an organisation (API key). */
    defaultSigningSecret: (apiKey = TEST_API_KEY) => wasm.defaultSigningSecret(apiKey),
    balanceMilliCents: (apiKey = TEST_API_KEY) => wasm.balanceMilliCents(apiKey),
    setBalanceMilliCents: (milliCents, apiKey = TEST_API_KEY) => wasm.setBalanceMilliCents(apiKey, milliCents),
    /** Deliveries made in "record" mode: { id, url, headers, body, event }. */
    webhooks: received,
    /** Destination numbers that force outcomes: [{ number, outcome, description }]. */
    testNumbers: JSON.parse(testNumbers()),
    /** Runs the virtual clock on real time × `speed` until stop(). */
    start({ speed = 1, intervalMs = 50 } = {}) {
      if (timer) return;
      let last = Date.now();
      timer = setInterval(() => {
        const now = Date.now();
        advance((now - last) * speed).catch(() => {});
        last = now;
      }, intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      return delivering;
    },
  };
}
