// callingbox/batch: `createMany`, many calls dispatched with bounded concurrency, each row under
// an idempotency key derived from the batch, so that running the same batch again (after a
// crash, a kill, a timeout) places no call twice. Plain JavaScript over the client's public
// API: it adds nothing to the main entry.
//
// How it dispatches:
// - every row is read and checked first (`calls.checkCreate`): invalid rows are reported before
//   any request, and the others are sent;
// - at most `concurrency` requests are in flight, and with `ratePerSecond` they start at most
//   that often;
// - each request is one attempt (`maxRetries: 0`): the batch retries, not the client, so that a
//   429 slows the whole batch (everyone waits for its Retry-After, and the concurrency is halved,
//   then grows back by one after each `concurrency` successes) instead of one row;
// - a row whose attempt failed in a way a retry can fix (429, 408, 5xx, connection, timeout,
//   outcome unknown) is sent again with the same key after a backoff, up to `maxAttempts`;
//   the server answers a key it has seen with the call it already placed.

import { AbortError, APIConnectionError, CallingBoxError, InvalidResponseError, OutcomeUnknownError, TimeoutError, ValidationError } from "./errors.js";

const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 64;
const DEFAULT_MAX_ATTEMPTS = 8;
/** Backoff of a row's retries: the first wait (ms), doubled each time up to the cap, with jitter. */
const RETRY_DELAY = 500;
const RETRY_DELAY_CAP = 8_000;
/** The whole batch's pause after a 429 without Retry-After: doubled each 429 in a row, capped. */
const PAUSE = 1_000;
const PAUSE_CAP = 30_000;
/** The longest pause a server's Retry-After gets (the client's own cap, maxRetryDelay, by default). */
const RETRY_AFTER_CAP = 60_000;
/** ratePerSecond at least this: one call every 1,000 s. */
const MIN_RATE = 0.001;
const MAX_TIMER = 2_147_483_647; // setTimeout's ceiling
/** The same rule as the client's idempotencyKey option: what an HTTP header value can carry. */
const KEY_SYNTAX = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const KEY_MAX = 255;

/**
 * @typedef {{ total: number, done: number, placed: number, failed: number, invalid: number, inFlight: number, concurrency: number }} Progress
 * @typedef {{ index: number, row: unknown, call: unknown, error?: undefined } | { index: number, row: unknown, error: CallingBoxError, call?: undefined }} Result
 * @typedef {{ batchId?: string, total: number, placed: number, failed: number, invalid: number, durationMs: number }} Summary
 * @typedef {{ calls: { create: Function, checkCreate: Function } }} Client
 */

/**
 * Dispatches one `calls.create` per row. Nothing is sent until the returned run is iterated
 * (`for await (const r of run)`) or `run.done()` is called.
 * @param {Client} client a CallingBox client
 * @param {Iterable<unknown> | AsyncIterable<unknown>} rows `calls.create` params
 * @param {Record<string, any>} options
 */
export function createMany(client, rows, options) {
  return new BatchRun(rows, checkOptions(client, rows, options));
}

/**
 * @param {unknown} client
 * @param {unknown} rows
 * @param {unknown} options
 */
function checkOptions(client, rows, options) {
  const calls = client && typeof client === "object" ? /** @type {any} */ (client).calls : undefined;
  if (!calls || typeof calls.create !== "function" || typeof calls.checkCreate !== "function") {
    throw new ValidationError("createMany needs a CallingBox client as its first argument", { field: "client" });
  }
  if (!rows || (typeof rows !== "object" && typeof rows !== "function") ||
    (typeof (/** @type {any} */ (rows))[Symbol.iterator] !== "function" && typeof (/** @type {any} */ (rows))[Symbol.asyncIterator] !== "function")) {
    throw new ValidationError("rows must be an array or an (async) iterable of calls.create params", { field: "rows" });
  }
  if (!options || typeof options !== "object") {
    throw new ValidationError("createMany needs options with a batchId (running the same batch id again places no call twice)", { field: "options" });
  }
  const { batchId, idempotencyKey, concurrency = DEFAULT_CONCURRENCY, ratePerSecond, maxAttempts = DEFAULT_MAX_ATTEMPTS, signal, onProgress } = /** @type {Record<string, any>} */ (options);
  if (idempotencyKey !== undefined && typeof idempotencyKey !== "function") {
    throw new ValidationError("idempotencyKey must be a function (row, index) => string", { field: "idempotencyKey" });
  }
  if (batchId !== undefined && (typeof batchId !== "string" || batchId.length > KEY_MAX - 12 || !KEY_SYNTAX.test(batchId))) {
    throw new ValidationError(`batchId must be 1-${KEY_MAX - 12} printable ASCII characters (it starts every row's idempotency key)`, { field: "batchId" });
  }
  if (batchId === undefined && idempotencyKey === undefined) {
    throw new ValidationError("createMany needs a batchId (or an idempotencyKey function): running the same batch id again places no call twice, so keep it with the batch", { field: "batchId" });
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new ValidationError(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}`, { field: "concurrency" });
  }
  if (ratePerSecond !== undefined && !(typeof ratePerSecond === "number" && ratePerSecond >= MIN_RATE && Number.isFinite(ratePerSecond))) {
    throw new ValidationError(`ratePerSecond must be a number of calls per second, at least ${MIN_RATE}`, { field: "ratePerSecond" });
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new ValidationError("maxAttempts must be a whole number from 1 to 100", { field: "maxAttempts" });
  }
  if (signal !== undefined && !(signal && typeof signal === "object" && typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function")) {
    throw new ValidationError("signal must be an AbortSignal", { field: "signal" });
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new ValidationError("onProgress must be a function", { field: "onProgress" });
  }
  /** @type {(row: unknown, index: number) => unknown} */
  const keyOf = idempotencyKey ?? ((_row, index) => `${batchId}-${index}`);
  return { calls, batchId: /** @type {string | undefined} */ (batchId), keyOf, concurrency, ratePerSecond: /** @type {number | undefined} */ (ratePerSecond), maxAttempts, signal: /** @type {AbortSignal | undefined} */ (signal), onProgress: /** @type {((p: Progress) => void) | undefined} */ (onProgress) };
}

/**
 * Whether an attempt may have reached the server and placed the call without our knowing:
 * its answer was lost, came too late, or could not be read.
 * @param {unknown} e
 */
const unsure = (e) => e instanceof OutcomeUnknownError || e instanceof TimeoutError || e instanceof InvalidResponseError;

/**
 * Whether a failed attempt may be sent again with the same key: the server did not act on it
 * (429, 408, 5xx other than the API's own word that the provider refused the call) or we cannot
 * tell (connection, timeout, outcome unknown, an unreadable answer). After an attempt that may
 * have been received, a 409 is the server still working on that key: try again too.
 * @param {unknown} e
 * @param {boolean} mayHavePlaced
 */
function retryable(e, mayHavePlaced) {
  if (e instanceof APIConnectionError || unsure(e)) return true;
  const err = /** @type {{ status?: unknown, code?: unknown, body?: unknown }} */ (e instanceof CallingBoxError ? e : {});
  const status = err.status;
  // A 502 in the API's JSON envelope is the provider's refusal; one from a gateway (an HTML
  // page) says nothing about the call.
  const refused = err.code === "telephony_provider_error" && err.body !== null && typeof err.body === "object";
  return status === 408 || status === 429 || (status === 409 && mayHavePlaced) || (typeof status === "number" && status >= 500 && !refused);
}

/**
 * The wait a 429 asks for (Retry-After-Ms, or Retry-After in seconds or as a date), in ms.
 * @param {unknown} e
 * @returns {number | undefined}
 */
function retryAfter(e) {
  const h = /** @type {{ headers?: Record<string, string> }} */ (e).headers;
  if (!h) return undefined;
  const ms = Number(h["retry-after-ms"]);
  if (h["retry-after-ms"] && Number.isFinite(ms) && ms >= 0) return ms;
  const v = h["retry-after"];
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A server's wait, within reason: a hostile or broken server does not stall the batch for hours. */
const serverWait = (/** @type {unknown} */ e) => {
  const ms = retryAfter(e);
  return ms === undefined ? undefined : Math.min(ms, RETRY_AFTER_CAP);
};

/** @param {number} ms @param {AbortSignal} signal resolves early when it fires */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve(undefined);
    };
    const timer = setTimeout(done, Math.min(ms, MAX_TIMER));
    signal.addEventListener("abort", done);
  });
}

/** One run of a batch: async-iterable over its results (once), and `done()` for the summary. */
class BatchRun {
  /** @type {ReturnType<typeof checkOptions>} */
  #o;
  /** @type {Iterable<unknown> | AsyncIterable<unknown>} */
  #rows;
  /** @type {Promise<Summary> | undefined} */
  #run;
  /** results not yet taken by the iterator (none are kept when nobody iterates) */
  /** @type {Result[]} */
  #queue = [];
  /** @type {(() => void)[]} */
  #waiting = []; // the iterator's calls of next() waiting for a result
  #iterated = false;
  #left = false; // the iterator was left early: its results are not kept
  #finished = false;
  /** stops starting rows (the iterator was left early, or the caller's signal fired) */
  #stop = new AbortController();

  /**
   * @param {Iterable<unknown> | AsyncIterable<unknown>} rows
   * @param {ReturnType<typeof checkOptions>} o
   */
  constructor(rows, o) {
    this.#o = o;
    this.#rows = rows;
  }

  /** The batch id the keys derive from (undefined when keys come from an idempotencyKey function). */
  get batchId() {
    return this.#o.batchId;
  }

  /** Runs the batch to its end (starting it if needed); resolves its summary. */
  done() {
    return (this.#run ??= this.#dispatch());
  }

  /** @returns {AsyncIterator<Result>} */
  [Symbol.asyncIterator]() {
    if (this.#iterated || this.#run) throw new ValidationError("a createMany run can be iterated once, before done() is called", { field: "run" });
    this.#iterated = true;
    const run = this.done();
    run.catch(() => {}); // rejections reach the caller through next()
    return {
      next: async () => {
        for (;;) {
          const r = this.#queue.shift();
          if (r) return { value: r, done: false };
          if (this.#finished) {
            await run; // throws what ended the run (an unreadable row source)
            return { value: undefined, done: true };
          }
          await new Promise((resolve) => this.#waiting.push(() => resolve(undefined)));
        }
      },
      return: async () => {
        this.#left = true;
        this.#stop.abort(); // starts nothing more; requests in flight finish
        this.#queue.length = 0;
        return { value: undefined, done: true };
      },
    };
  }

  /** @param {Result} r */
  #emit(r) {
    if (this.#iterated && !this.#left) this.#queue.push(r);
    this.#wakeAll();
  }

  #wakeAll() {
    for (const wake of this.#waiting.splice(0)) wake();
  }

  /** @returns {Promise<Summary>} */
  async #dispatch() {
    try {
      return await this.#work();
    } finally {
      this.#finished = true;
      this.#wakeAll();
    }
  }

  async #work() {
    const { calls, batchId, keyOf, concurrency, ratePerSecond, maxAttempts, signal, onProgress } = this.#o;
    const started = Date.now();
    const stop = this.#stop;
    const onAbort = () => stop.abort();
    signal?.addEventListener("abort", onAbort);
    if (signal?.aborted) stop.abort();
    try {
      /** @type {unknown[]} */
      const rows = [];
      for await (const row of this.#rows) rows.push(row);
      const progress = { total: rows.length, done: 0, placed: 0, failed: 0, invalid: 0, inFlight: 0, concurrency };
      const report = () => {
        try {
          onProgress?.({ ...progress });
        } catch {
          // the observer's failure is its own
        }
      };
      /** @param {Result} r @param {"placed" | "failed" | "invalid"} kind */
      const settle = (r, kind) => {
        progress[kind]++;
        progress.done++;
        this.#emit(r);
        report();
      };

      // Every row is checked, and its key made, before anything is sent.
      /** @typedef {{ index: number, row: unknown, key: string, attempts: number, readyAt: number, mayHavePlaced: boolean }} Item */
      /** @type {Item[]} */
      const fresh = []; // rows not sent yet, in order (taken from `next` on)
      let next = 0;
      /** @type {Item[]} */
      const again = []; // rows to send again, each when its backoff is over
      const seen = new Map();
      rows.forEach((row, index) => {
        try {
          calls.checkCreate(row);
          const key = keyOf(row, index);
          if (typeof key !== "string" || key.length > KEY_MAX || !KEY_SYNTAX.test(key)) {
            throw new ValidationError(`the idempotency key of row ${index} must be 1-${KEY_MAX} printable ASCII characters`, { field: "idempotencyKey" });
          }
          if (seen.has(key)) {
            throw new ValidationError(`row ${index} has the idempotency key of row ${seen.get(key)}: it would be the same call`, { field: "idempotencyKey" });
          }
          seen.set(key, index);
          fresh.push({ index, row, key, attempts: 0, readyAt: 0, mayHavePlaced: false });
        } catch (e) {
          settle({ index, row, error: /** @type {CallingBoxError} */ (e instanceof CallingBoxError ? e : new ValidationError(`row ${index}: ${String(e)}`, { field: "row", cause: e })) }, "invalid");
        }
      });

      let limit = concurrency; // lowered by 429s, grown back by successes
      let successes = 0; // since the last change of `limit`
      let pausedUntil = 0; // after a 429, nobody starts before this
      let pauses = 0; // 429s in a row
      let nextStart = 0; // with ratePerSecond: the earliest next start
      let active = 0;
      /** @type {() => void} */
      let changed = () => {};
      const settled = () => new Promise((resolve) => { changed = () => resolve(undefined); });

      /** One fewer in flight: before the row settles, so progress reports it. */
      const landed = () => {
        active--;
        progress.inFlight = active;
        changed();
      };
      /** @param {Item} item */
      const send = async (item) => {
        item.attempts++;
        try {
          const call = await calls.create(item.row, { idempotencyKey: item.key, maxRetries: 0, signal });
          landed();
          pauses = 0;
          if (limit < concurrency && ++successes >= limit) {
            limit++;
            progress.concurrency = limit;
            successes = 0;
          }
          settle({ index: item.index, row: item.row, call }, "placed");
        } catch (e) {
          landed();
          const status = /** @type {{ status?: unknown }} */ (e).status;
          if (status === 429) {
            const wait = serverWait(e) ?? Math.min(PAUSE * 2 ** pauses, PAUSE_CAP);
            pauses++;
            pausedUntil = Math.max(pausedUntil, Date.now() + wait);
            limit = Math.max(1, Math.ceil(limit / 2));
            progress.concurrency = limit;
            successes = 0;
          }
          const retry = retryable(e, item.mayHavePlaced);
          if (unsure(e)) item.mayHavePlaced = true;
          if (!stop.signal.aborted && item.attempts < maxAttempts && retry) {
            const backoff = Math.min(RETRY_DELAY * 2 ** (item.attempts - 1), RETRY_DELAY_CAP);
            item.readyAt = Date.now() + backoff * (0.5 + Math.random() / 2);
            again.push(item);
          } else {
            // Once an attempt may have placed the call, the row's outcome is unknown whatever
            // the last attempt said: running the batch again (same key) settles it.
            const error = item.mayHavePlaced && !(e instanceof OutcomeUnknownError)
              ? new OutcomeUnknownError(`calls.create may have placed this row's call (an earlier attempt's answer was lost); the last attempt ended: ${e instanceof Error ? e.message : String(e)}`, { idempotencyKey: item.key, attempts: item.attempts, cause: e })
              : e;
            settle({ index: item.index, row: item.row, error: /** @type {CallingBoxError} */ (error) }, "failed");
          }
        }
      };

      const left = () => fresh.length - next + again.length;
      while ((left() > 0 && !stop.signal.aborted) || active > 0) {
        if (stop.signal.aborted || left() === 0 || active >= limit) {
          await settled();
          continue;
        }
        // A row to send again once its backoff is over goes first; else the next new row.
        let pick = -1;
        for (let i = 0; i < again.length; i++) if (pick < 0 || again[i].readyAt < again[pick].readyAt) pick = i;
        const now = Date.now();
        const retryFirst = pick >= 0 && (again[pick].readyAt <= now || next === fresh.length);
        const readyAt = retryFirst ? again[pick].readyAt : 0;
        const wait = Math.max(readyAt, pausedUntil, nextStart) - now;
        if (wait > 0) {
          const pending = settled();
          await Promise.race([sleep(wait, stop.signal), pending]);
          continue;
        }
        const item = retryFirst ? again.splice(pick, 1)[0] : fresh[next++];
        if (ratePerSecond) nextStart = Math.max(now, nextStart) + 1000 / ratePerSecond;
        active++;
        progress.inFlight = active;
        void send(item);
      }

      // Rows never sent (the caller stopped the batch) are accounted for too.
      for (const item of [...again, ...fresh.slice(next)]) {
        settle({ index: item.index, row: item.row, error: item.mayHavePlaced
          ? new OutcomeUnknownError("createMany was stopped before this row was sent again, after an attempt that may have placed its call", { idempotencyKey: item.key, attempts: item.attempts, cause: signal?.reason })
          : new AbortError(`createMany was stopped before this row was ${item.attempts ? "sent again" : "sent"}`, { cause: signal?.reason, idempotencyKey: item.attempts ? item.key : undefined }) }, "failed");
      }
      return { batchId, total: progress.total, placed: progress.placed, failed: progress.failed, invalid: progress.invalid, durationMs: Date.now() - started };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
