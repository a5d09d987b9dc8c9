// Timeouts (per client, per request) and the caller's AbortSignal, before the request, while
// waiting for headers and while reading the body. The fake fetch honours init.signal the way
// the real one does.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { client as retryingClient, failure, fakeFetch, fixture, hangingFetch, json, pkg } from "./helpers.mjs";

const { TimeoutError, AbortError, APIConnectionError, CallingBoxError, APIError } = pkg;
const call = fixture("call");

// These tests are about one attempt's timeout and the caller's signal, so retries are off
// (a timeout is retried by default: the fetch counts below would be 3, and each test would
// wait out real backoffs). Timeouts across retries are tested in retry.test.mjs.
const client = (fetch, options = {}) => retryingClient(fetch, { maxRetries: 0, ...options });

/** A 200 whose body sends `prefix` and then stalls until init.signal aborts. */
function stallingBodyFetch(prefix = '{"id": "c1", ') {
  return fakeFetch((url, init) => new Response(new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode(prefix));
      init.signal.addEventListener("abort", () => c.error(init.signal.reason), { once: true });
    },
  }), { status: 200, headers: { "x-request-id": "req_slow" } }));
}

describe("timeout", () => {
  test("per-client timeout → TimeoutError with the timeout in ms", async () => {
    const fetch = hangingFetch();
    const started = Date.now();
    const err = await failure(client(fetch, { timeout: 40 }).calls.retrieve("c1"));
    const took = Date.now() - started;
    assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
    assert.ok(err instanceof CallingBoxError && err instanceof Error);
    assert.ok(!(err instanceof AbortError) && !(err instanceof APIConnectionError) && !(err instanceof APIError));
    assert.equal(err.name, "TimeoutError");
    assert.equal(err.code, "timeout");
    assert.equal(err.timeout, 40);
    assert.match(err.message, /40 ms/);
    assert.ok(took >= 35 && took < 2000, `took ${took} ms`);
    assert.equal(fetch.calls.length, 1);
    assert.equal(fetch.calls[0].init.signal.aborted, true, "the fetch was aborted, not left running");
  });

  test("per-request timeout overrides the client's", async () => {
    const fetch = hangingFetch();
    const c = client(fetch, { timeout: 60_000 });
    const err = await failure(c.calls.retrieve("c1", { timeout: 25 }));
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.timeout, 25);
    assert.match(err.message, /25 ms/);
  });

  test("per-request timeouts that change from one request to the next each apply to their own", async () => {
    const c = client(hangingFetch(), { timeout: 60_000 });
    for (const timeout of [30, 30, 80, 30, 80, 80]) {
      const err = await failure(c.calls.retrieve("c1", { timeout }));
      assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
      assert.equal(err.timeout, timeout);
    }
    const late = await failure(c.calls.retrieve("c1", { timeout: -1 }));
    assert.equal(late.name, "ValidationError");
  });

  test("a per-request timeout longer than the client's is honoured", async () => {
    const fetch = fakeFetch(() => new Promise((r) => setTimeout(() => r(json(200, call)), 60)));
    const c = client(fetch, { timeout: 20 });
    const r = await c.calls.retrieve("c1", { timeout: 2000 });
    assert.equal(r.id, call.id);
  });

  test("a timeout while the body is being read → TimeoutError", async () => {
    const err = await failure(client(stallingBodyFetch(), { timeout: 30 }).calls.retrieve("c1"));
    assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
    assert.equal(err.timeout, 30);
  });

  test("a fast answer is not affected by the timeout, and the timer does not keep the process alive", async () => {
    const c = client(fakeFetch(() => json(200, call)), { timeout: 1_000_000 });
    const r = await c.calls.retrieve("c1");
    assert.equal(r.id, call.id);
    // If the 1 000 000 ms timer were left running, node --test would report this file as hanging.
  });

  test("the default timeout is 60 s (the signal is not aborted early)", async () => {
    const fetch = fakeFetch(() => new Promise((r) => setTimeout(() => r(json(200, call)), 50)));
    const r = await client(fetch).calls.retrieve("c1");
    assert.equal(r.id, call.id);
    assert.equal(fetch.calls[0].init.signal.aborted, false);
  });
});

describe("abort", () => {
  test("the caller's signal aborting in flight → AbortError (not TimeoutError)", async () => {
    const fetch = hangingFetch();
    const ac = new AbortController();
    const p = client(fetch, { timeout: 10_000 }).calls.retrieve("c1", { signal: ac.signal });
    setTimeout(() => ac.abort(new Error("user navigated away")), 10);
    const err = await failure(p);
    assert.ok(err instanceof AbortError, `${err.name}: ${err.message}`);
    assert.ok(err instanceof CallingBoxError && err instanceof Error);
    assert.ok(!(err instanceof TimeoutError));
    assert.equal(err.name, "AbortError");
    assert.equal(err.code, "aborted");
    assert.equal(err.cause && err.cause.message, "user navigated away", "the abort reason is the cause");
    assert.equal(fetch.calls.length, 1);
    assert.equal(fetch.calls[0].init.signal.aborted, true, "the abort reached fetch");
  });

  test("an already-aborted signal → AbortError and fetch is never called", async () => {
    const fetch = fakeFetch(() => assert.fail("fetch must not be called"));
    const ac = new AbortController();
    ac.abort();
    const err = await failure(client(fetch).calls.create({ agent_id: "a", to: "+15551234567" }, { signal: ac.signal }));
    assert.ok(err instanceof AbortError);
    assert.ok(!(err instanceof TimeoutError));
    assert.equal(fetch.calls.length, 0);
  });

  test("AbortSignal.abort() (static) works as well", async () => {
    const fetch = fakeFetch();
    const err = await failure(client(fetch).calls.list(undefined, { signal: AbortSignal.abort() }));
    assert.ok(err instanceof AbortError);
    assert.equal(fetch.calls.length, 0);
  });

  test("abort while the body is being read → AbortError", async () => {
    const ac = new AbortController();
    const fetch = stallingBodyFetch();
    const p = client(fetch, { timeout: 10_000 }).calls.retrieve("c1", { signal: ac.signal });
    setTimeout(() => ac.abort(), 15);
    const err = await failure(p);
    assert.ok(err instanceof AbortError, `${err.name}: ${err.message}`);
    assert.ok(!(err instanceof TimeoutError));
  });

  test("AbortSignal.timeout() from the caller is an abort, not the client's timeout", async () => {
    const err = await failure(client(hangingFetch(), { timeout: 10_000 }).calls.retrieve("c1", { signal: AbortSignal.timeout(20) }));
    assert.ok(err instanceof AbortError, `${err.name}: ${err.message}`);
  });

  test("the client's timeout still applies when a signal is given", async () => {
    const ac = new AbortController();
    const err = await failure(client(hangingFetch()).calls.retrieve("c1", { signal: ac.signal, timeout: 20 }));
    assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
  });

  test("aborting after the answer arrived changes nothing; one signal can serve many requests", async () => {
    const ac = new AbortController();
    const c = client(fakeFetch(() => json(200, call)));
    const a = await c.calls.retrieve("c1", { signal: ac.signal });
    const b = await c.calls.retrieve("c2", { signal: ac.signal });
    ac.abort();
    assert.equal(a.id, call.id);
    assert.equal(b.id, call.id);
  });

  test("aborting one request does not affect another on the same client", async () => {
    const ac = new AbortController();
    const fetch = fakeFetch((url, init) => url.endsWith("/slow")
      ? new Promise((_, reject) => {
        if (init.signal.aborted) reject(init.signal.reason);
        init.signal.addEventListener("abort", () => reject(init.signal.reason));
      })
      : new Promise((r) => setTimeout(() => r(json(200, call)), 30)));
    const c = client(fetch);
    const slow = c.calls.retrieve("slow", { signal: ac.signal });
    const other = c.calls.retrieve("other");
    ac.abort();
    assert.ok((await failure(slow)) instanceof AbortError);
    assert.equal((await other).id, call.id);
  });
});
