// Retries with a fake fetch: which answers are retried, how many attempts, the
// Idempotency-Key on every attempt, server-requested waits (capped), the deadline, onRetry,
// aborts during the backoff wait, and when a POST ends "outcome unknown" (and when not).
// Waits are kept small (initialRetryDelay: 1, or small Retry-After values); gaps between
// attempts are measured with Date.now() and asserted loosely.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { KEY, UUID_V4, asRuntimeFetch, client, everyRendering, failure, fakeFetch, fixture, json, pkg } from "./helpers.mjs";

const {
  APIError, APIConnectionError, AbortError, BadRequestError, CallingBoxError, ConflictError,
  InternalServerError, OutcomeUnknownError, RateLimitError, TelephonyProviderError, TimeoutError,
  ValidationError,
} = pkg;

const call = fixture("call");
const OK_CALL = { agent_id: "agent_1", to: "+15551234567" };

/** A client whose backoff waits are ~1 ms (unless a test overrides it). */
const quick = (fetch, options = {}) => client(fetch, { initialRetryDelay: 1, ...options });

/** An error Response for `status`, with extra headers. */
const status = (s, headers = {}) => json(s, { error: `emulated ${s}` }, headers);

/** Never answers; rejects when init.signal aborts (like the real fetch). */
function hang(url, init) {
  return new Promise((_, reject) => {
    if (init.signal.aborted) return reject(init.signal.reason);
    init.signal.addEventListener("abort", () => reject(init.signal.reason), { once: true });
  });
}

/** What undici throws when nothing listens on the port: the request never left. */
function refused() {
  const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" });
  throw new TypeError("fetch failed", { cause });
}

/** What undici throws when the server closed the connection mid-exchange: it may have processed it. */
function reset() {
  const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
  throw new TypeError("fetch failed", { cause });
}

/**
 * A fake fetch answering attempt i with steps[i] (the last step repeats): a status number,
 * or a handler (url, init) → Response | Promise. Records the time of every call in `at`.
 */
function steps(...list) {
  const at = [];
  const fetch = fakeFetch((url, init, c) => {
    at.push(Date.now());
    const step = list[Math.min(at.length - 1, list.length - 1)];
    return typeof step === "number" ? status(step) : step(url, init, c);
  });
  fetch.at = at;
  fetch.gap = (i = 1) => at[i] - at[i - 1];
  return fetch;
}

const ok = (s = 200) => () => json(s, call);
const keysOf = (fetch) => fetch.calls.map((c) => c.headers.get("idempotency-key"));

describe("what is retried", () => {
  for (const [s, Cls] of [[408, APIError], [429, RateLimitError], [500, InternalServerError], [502, TelephonyProviderError], [503, InternalServerError], [504, InternalServerError]]) {
    test(`${s} is retried: GET and POST, maxRetries + 1 attempts, then the typed error of the last answer`, async () => {
      const get = steps(s);
      const e1 = await failure(quick(get).calls.retrieve("c1"));
      assert.equal(get.calls.length, 3, "default maxRetries 2 → 3 attempts");
      assert.ok(e1 instanceof Cls, `${e1.name}: ${e1.message}`);
      assert.equal(e1.status, s);

      // A POST answered with an error status every time never reached an ambiguous state:
      // the server said what happened, so it is the API error, not "outcome unknown".
      const post = steps(s);
      const e2 = await failure(quick(post).calls.create(OK_CALL));
      assert.equal(post.calls.length, 3);
      assert.ok(e2 instanceof Cls && !(e2 instanceof OutcomeUnknownError), `${e2.name}: ${e2.message}`);

      const recovers = steps(s, ok(201));
      const r = await quick(recovers).calls.create(OK_CALL);
      assert.equal(r.id, call.id);
      assert.equal(r.lastResponse.attempts, 2);
      assert.equal(r.lastResponse.status, 201);
    });
  }

  for (const [s, Cls] of [[400, BadRequestError], [401, pkg.AuthenticationError], [402, pkg.InsufficientCreditError], [404, pkg.NotFoundError], [409, ConflictError], [422, pkg.UnprocessableEntityError]]) {
    test(`${s} is not retried (GET or POST), even with maxRetries: 5`, async () => {
      for (const invoke of [(c) => c.calls.retrieve("c1"), (c) => c.calls.create(OK_CALL)]) {
        const fetch = steps(s, ok());
        const err = await failure(invoke(quick(fetch, { maxRetries: 5 })));
        assert.equal(fetch.calls.length, 1);
        assert.ok(err instanceof Cls, `${err.name}: ${err.message}`);
      }
    });
  }

  test("connection failures and timeouts are retried; a 2xx ends the loop", async () => {
    const fetch = steps(reset, refused, ok());
    const retries = [];
    const r = await asRuntimeFetch(fetch, () => quick(fetch, { onRetry: (i) => retries.push(i.reason) }).calls.retrieve("c1"));
    assert.equal(r.lastResponse.attempts, 3);
    assert.deepEqual(retries, ["connection_lost", "connection_failed"]);

    const slow = steps(hang, ok());
    const r2 = await quick(slow, { timeout: 20 }).calls.retrieve("c1");
    assert.equal(r2.lastResponse.attempts, 2);
  });
});

describe("how many attempts", () => {
  for (const maxRetries of [0, 1, 3, 5]) {
    test(`maxRetries: ${maxRetries} → ${maxRetries + 1} attempts`, async () => {
      const fetch = steps(503);
      const err = await failure(quick(fetch, { maxRetries }).calls.list());
      assert.ok(err instanceof InternalServerError);
      assert.equal(fetch.calls.length, maxRetries + 1);
    });
  }

  test("the default is 2 retries (3 attempts)", async () => {
    const fetch = steps(500);
    await failure(quick(fetch).calls.list());
    assert.equal(fetch.calls.length, 3);
  });

  test("a per-request maxRetries overrides the client's", async () => {
    const fetch = steps(503);
    const c = quick(fetch, { maxRetries: 5 });
    await failure(c.calls.list(undefined, { maxRetries: 1 }));
    assert.equal(fetch.calls.length, 2);
    await failure(c.calls.list(undefined, { maxRetries: 0 }));
    assert.equal(fetch.calls.length, 3);
  });

  test("the default backoff waits about 0.5 s before the first retry (375-500 ms with jitter)", async () => {
    const fetch = steps(503, ok());
    const r = await client(fetch).calls.retrieve("c1");
    assert.equal(r.lastResponse.attempts, 2);
    assert.ok(fetch.gap() >= 360 && fetch.gap() < 1000, `gap ${fetch.gap()} ms`);
  });

  test("backoff doubles from initialRetryDelay, minus up to 25 % jitter, capped at maxBackoff", async () => {
    const delays = [];
    const fetch = steps(500);
    await failure(client(fetch, { initialRetryDelay: 20, maxBackoff: 50, maxRetries: 4, onRetry: (i) => delays.push(i.delayMs) }).calls.list());
    assert.equal(delays.length, 4);
    const nominal = [20, 40, 50, 50];
    delays.forEach((d, i) => assert.ok(d >= nominal[i] * 0.75 && d <= nominal[i], `retry ${i + 1}: ${d} ms, nominal ${nominal[i]}`));
  });
});

describe("Idempotency-Key across attempts", () => {
  test("every attempt of a POST sends the same key; each logical call gets a fresh one", async () => {
    const fetch = steps(503, reset, ok(201));
    const c = quick(fetch);
    const a = await c.calls.create(OK_CALL);
    const first = keysOf(fetch);
    assert.equal(first.length, 3);
    assert.match(first[0], UUID_V4);
    assert.deepEqual(first, [first[0], first[0], first[0]], "one key for all attempts");
    assert.equal(a.lastResponse.idempotencyKey, first[0]);
    assert.equal(a.lastResponse.attempts, 3);
    // The body is identical on every attempt too (the server compares it with the key's).
    assert.equal(new Set(fetch.calls.map((x) => x.init.body)).size, 1);

    const b = await c.calls.create(OK_CALL);
    assert.notEqual(b.lastResponse.idempotencyKey, a.lastResponse.idempotencyKey, "a new logical call, a new key");
    assert.match(b.lastResponse.idempotencyKey, UUID_V4);
  });

  test("a caller's idempotencyKey is sent on every attempt", async () => {
    const fetch = steps(429, 502, ok(201));
    const r = await quick(fetch).calls.create(OK_CALL, { idempotencyKey: "order-42-call" });
    assert.deepEqual(keysOf(fetch), ["order-42-call", "order-42-call", "order-42-call"]);
    assert.equal(r.lastResponse.idempotencyKey, "order-42-call");
  });

  test("GET retries carry no key", async () => {
    const fetch = steps(503, 503, ok());
    const r = await quick(fetch).calls.retrieve("c1");
    assert.equal(r.id, call.id);
    assert.equal(r.lastResponse.attempts, 3);
    assert.equal(r.lastResponse.idempotencyKey, undefined);
    assert.deepEqual(keysOf(fetch), [null, null, null]);
  });
});

describe("server-requested waits", () => {
  test("Retry-After in seconds is honoured (backoff would be ~1 ms)", async () => {
    const fetch = steps(() => status(429, { "retry-after": "1" }), ok());
    const r = await quick(fetch).calls.retrieve("c1");
    assert.equal(r.lastResponse.attempts, 2);
    assert.ok(fetch.gap() >= 950 && fetch.gap() < 2500, `gap ${fetch.gap()} ms`);
  });

  test("Retry-After as an HTTP date is honoured", async () => {
    // toUTCString() has whole seconds: the date is 0.5-1.5 s ahead.
    const fetch = steps(() => status(503, { "retry-after": new Date(Date.now() + 1500).toUTCString() }), ok());
    const r = await quick(fetch).calls.retrieve("c1");
    assert.equal(r.lastResponse.attempts, 2);
    assert.ok(fetch.gap() >= 400 && fetch.gap() < 2500, `gap ${fetch.gap()} ms`);
  });

  test("an HTTP date in the past means retry at once", async () => {
    const fetch = steps(() => status(503, { "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }), ok());
    const r = await client(fetch).calls.retrieve("c1"); // default backoff (~0.5 s) would be slower
    assert.equal(r.lastResponse.attempts, 2);
    assert.ok(fetch.gap() < 300, `gap ${fetch.gap()} ms`);
  });

  test("retry-after-ms is honoured and wins over Retry-After", async () => {
    const fetch = steps(() => status(429, { "retry-after-ms": "200" }), () => status(429, { "retry-after-ms": "30", "retry-after": "3600" }), ok());
    const r = await quick(fetch).calls.retrieve("c1");
    assert.equal(r.lastResponse.attempts, 3);
    assert.ok(fetch.gap(1) >= 190 && fetch.gap(1) < 1500, `first gap ${fetch.gap(1)} ms`);
    assert.ok(fetch.gap(2) >= 25 && fetch.gap(2) < 1000, `second gap ${fetch.gap(2)} ms (not an hour)`);
  });

  test("Retry-After: 3600 is capped by maxRetryDelay (50 ms), not slept for an hour", async () => {
    const delays = [];
    const fetch = steps(() => status(429, { "retry-after": "3600" }), ok());
    const started = Date.now();
    const r = await quick(fetch, { maxRetryDelay: 50, onRetry: (i) => delays.push(i.delayMs) }).calls.retrieve("c1");
    assert.equal(r.lastResponse.attempts, 2);
    assert.deepEqual(delays, [50]);
    assert.ok(fetch.gap() >= 45 && fetch.gap() < 1000, `gap ${fetch.gap()} ms`);
    assert.ok(Date.now() - started < 1500);
  });

  test("a per-request maxRetryDelay overrides the client's", async () => {
    const delays = [];
    const fetch = steps(() => status(503, { "retry-after": "3600" }), ok());
    await quick(fetch, { onRetry: (i) => delays.push(i.delayMs) }).calls.retrieve("c1", { maxRetryDelay: 10 });
    assert.deepEqual(delays, [10]);
  });

  test("a garbage Retry-After is ignored (the backoff is used)", async () => {
    const delays = [];
    const fetch = steps(() => status(503, { "retry-after": "soon" }), ok());
    await client(fetch, { initialRetryDelay: 20, onRetry: (i) => delays.push(i.delayMs) }).calls.retrieve("c1");
    assert.ok(delays[0] >= 15 && delays[0] <= 20, `delay ${delays[0]}`);
  });
});

describe("deadline", () => {
  test("no retry whose wait would pass the deadline", async () => {
    const fetch = steps(() => status(503, { "retry-after": "1" }), ok());
    const started = Date.now();
    const err = await failure(quick(fetch, { deadline: 300 }).calls.retrieve("c1"));
    assert.ok(err instanceof InternalServerError, `${err.name}: ${err.message}`);
    assert.equal(fetch.calls.length, 1);
    assert.ok(Date.now() - started < 250, "gave up at once instead of waiting 1 s");
  });

  test("the deadline bounds retries of a failing endpoint (whatever maxRetries says)", async () => {
    const fetch = steps(503); // answers at once; the client waits 7.5-10 ms between attempts
    const started = Date.now();
    const err = await failure(client(fetch, { maxRetries: 1000, initialRetryDelay: 10, maxBackoff: 10, deadline: 200 }).calls.list());
    const took = Date.now() - started;
    assert.ok(err instanceof InternalServerError, `${err.name}: ${err.message}`);
    assert.ok(fetch.calls.length >= 5 && fetch.calls.length <= 30, `${fetch.calls.length} attempts`);
    assert.ok(took >= 150 && took < 600, `took ${took} ms`);
  });

  test("each attempt's timeout is cut to the time left; the error says the deadline was reached", async () => {
    const fetch = steps(hang);
    const started = Date.now();
    const err = await failure(quick(fetch, { timeout: 10_000, deadline: 80 }).calls.retrieve("c1"));
    const took = Date.now() - started;
    assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
    assert.ok(took >= 70 && took < 1000, `took ${took} ms`);
    assert.match(err.message, /deadline/);
  });

  test("a per-request deadline overrides the client's", async () => {
    const fetch = steps(hang);
    const started = Date.now();
    await failure(quick(fetch, { timeout: 10_000, deadline: 60_000 }).calls.retrieve("c1", { deadline: 50 }));
    assert.ok(Date.now() - started < 1000);
  });
});

describe("onRetry", () => {
  test("receives { operation, attempt, reason, delayMs, status, idempotencyKey } before each wait", async () => {
    const seen = [];
    const fetch = steps(() => status(503, { "retry-after-ms": "5" }), hang, ok(201));
    const r = await quick(fetch, { timeout: 30, onRetry: (i) => seen.push(i) }).calls.create(OK_CALL);
    const key = r.lastResponse.idempotencyKey;
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[0], { operation: "calls.create", attempt: 1, reason: "server_error", delayMs: 5, status: 503, idempotencyKey: key });
    assert.equal(seen[1].operation, "calls.create");
    assert.equal(seen[1].attempt, 2);
    assert.equal(seen[1].reason, "timeout");
    assert.equal(seen[1].status, undefined);
    assert.equal(seen[1].idempotencyKey, key);
    assert.equal(typeof seen[1].delayMs, "number");
    for (const [s, reason] of [[408, "request_timeout"], [429, "rate_limited"], [500, "server_error"]]) {
      const reasons = [];
      await quick(steps(s, ok()), { onRetry: (i) => reasons.push(i.reason) }).calls.retrieve("c1");
      assert.deepEqual(reasons, [reason]);
    }
  });

  test("a throwing onRetry does not break the request", async () => {
    const fetch = steps(503, 503, ok());
    let n = 0;
    const r = await quick(fetch, { onRetry: () => { n++; throw new Error("observer bug"); } }).calls.retrieve("c1");
    assert.equal(r.id, call.id);
    assert.equal(r.lastResponse.attempts, 3);
    assert.equal(n, 2);
  });

  test("not called when nothing is retried", async () => {
    let n = 0;
    await quick(steps(ok()), { onRetry: () => n++ }).calls.retrieve("c1");
    await failure(quick(steps(404), { onRetry: () => n++ }).calls.retrieve("c1"));
    assert.equal(n, 0);
  });
});

describe("abort during the backoff wait", () => {
  for (const [label, invoke] of [["GET", (c, o) => c.calls.retrieve("c1", o)], ["POST", (c, o) => c.calls.create(OK_CALL, o)]]) {
    test(`${label}: rejects with AbortError within a few ms and no further fetch happens`, async () => {
      const fetch = steps(() => status(503, { "retry-after": "10" }), ok(201));
      const ac = new AbortController();
      let abortedAt = 0;
      const c = client(fetch, {
        onRetry: () => setTimeout(() => { abortedAt = Date.now(); ac.abort(new Error("user gave up")); }, 20),
      });
      const err = await failure(invoke(c, { signal: ac.signal }));
      const late = Date.now() - abortedAt;
      assert.ok(abortedAt > 0, "the abort happened during the wait");
      assert.ok(err instanceof AbortError, `${err.name}: ${err.message}`);
      assert.ok(!(err instanceof TimeoutError));
      assert.ok(late < 50, `rejected ${late} ms after the abort`);
      assert.match(err.message, /waiting to retry/);
      assert.equal(err.cause && err.cause.message, "user gave up");
      if (label === "POST") assert.equal(err.idempotencyKey, fetch.calls[0].headers.get("idempotency-key"), "the key to resend with");
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(fetch.calls.length, 1, "no attempt after the abort");
    });
  }

  test("an abort in flight on a later attempt rejects with AbortError too", async () => {
    const fetch = steps(503, hang);
    const ac = new AbortController();
    const p = quick(fetch).calls.retrieve("c1", { signal: ac.signal });
    setTimeout(() => ac.abort(), 40);
    const err = await failure(p);
    assert.ok(err instanceof AbortError, `${err.name}: ${err.message}`);
    assert.equal(fetch.calls.length, 2);
  });
});

describe("outcome unknown (POST) vs. known failures", () => {
  test("a POST whose attempts all time out → OutcomeUnknownError with key, attempts and cause", async () => {
    const fetch = steps(hang);
    const err = await failure(quick(fetch, { timeout: 20 }).calls.create(OK_CALL));
    assert.equal(fetch.calls.length, 3);
    assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
    assert.ok(err instanceof CallingBoxError && err instanceof Error);
    assert.ok(!(err instanceof TimeoutError) && !(err instanceof APIConnectionError));
    assert.equal(err.name, "OutcomeUnknownError");
    assert.equal(err.code, "outcome_unknown");
    assert.equal(err.idempotencyKey, fetch.calls[0].headers.get("idempotency-key"));
    assert.match(err.idempotencyKey, UUID_V4);
    assert.equal(err.attempts, 3);
    assert.equal(typeof err.cause, "string");
    assert.ok(err.cause.length > 0);
    assert.ok(err.message.includes(err.idempotencyKey), "the message names the key to retry with");
    assert.ok(!(await everyRendering(err)).includes(KEY));
  });

  test("the cause never contains the API key, even when the runtime's error quotes it", async () => {
    const fetch = steps(() => {
      throw new TypeError("fetch failed", { cause: new Error(`socket hang up after sending Authorization: Bearer ${KEY}`) });
    });
    const err = await failure(quick(fetch).calls.create(OK_CALL));
    assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
    assert.match(err.cause, /socket hang up/);
    assert.ok(!(await everyRendering(err)).includes(KEY), "the key is redacted");
  });

  test("a POST dropped after sending (connection lost), retries used up → OutcomeUnknownError", async () => {
    const fetch = steps(reset);
    const err = await failure(quick(fetch, { maxRetries: 1 }).calls.create(OK_CALL));
    assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
    assert.equal(err.attempts, 2);
  });

  test('a POST that never left ("connection refused", cause.code ECONNREFUSED) → APIConnectionError, not outcome unknown', async () => {
    const reasons = [];
    const fetch = steps(refused);
    const err = await asRuntimeFetch(fetch, () => failure(quick(fetch, { onRetry: (i) => reasons.push(i.reason) }).calls.create(OK_CALL)));
    assert.equal(fetch.calls.length, 3, "still retried");
    assert.deepEqual(reasons, ["connection_failed", "connection_failed"]);
    assert.ok(err instanceof APIConnectionError, `${err.name}: ${err.message}`);
    assert.ok(!(err instanceof OutcomeUnknownError));
    assert.match(err.message, /ECONNREFUSED/);
  });

  test("the same refusal from a custom fetch proves nothing (it may follow redirects itself) → OutcomeUnknownError with the key", async () => {
    const fetch = steps(refused);
    const err = await failure(quick(fetch, { maxRetries: 1 }).calls.create(OK_CALL));
    assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
    assert.match(err.idempotencyKey, UUID_V4);
    assert.equal(fetch.calls[0].headers.get("idempotency-key"), err.idempotencyKey);
  });

  test("a POST timeout, then 503s on the retries → OutcomeUnknownError (a 5xx does not settle it)", async () => {
    const fetch = steps(hang, 503);
    const err = await failure(quick(fetch, { timeout: 20 }).calls.create(OK_CALL));
    assert.equal(fetch.calls.length, 3);
    assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
    assert.equal(err.attempts, 3);
    assert.match(err.cause, /503/);
  });

  test("a POST timeout, then refused connections → still OutcomeUnknownError (the first attempt may have landed)", async () => {
    const err = await failure(quick(steps(hang, refused), { timeout: 20 }).calls.create(OK_CALL));
    assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
  });

  test("a POST timeout, then a 409 (key in use) → OutcomeUnknownError", async () => {
    const fetch = steps(hang, 409);
    const err = await failure(quick(fetch, { timeout: 20 }).calls.create(OK_CALL));
    assert.equal(fetch.calls.length, 2, "409 is not retried");
    assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
  });

  test("a POST timeout, then an answer settles it: 201 → the call; 400 → BadRequestError", async () => {
    const a = await quick(steps(hang, ok(201)), { timeout: 20 }).calls.create(OK_CALL);
    assert.equal(a.id, call.id);
    assert.equal(a.lastResponse.attempts, 2);
    const err = await failure(quick(steps(hang, 400), { timeout: 20 }).calls.create(OK_CALL));
    assert.ok(err instanceof BadRequestError, `${err.name}: ${err.message}`);
  });

  test("maxRetries: 0 and a POST timeout → OutcomeUnknownError after one attempt", async () => {
    const fetch = steps(hang);
    const err = await failure(client(fetch, { maxRetries: 0, timeout: 20 }).calls.create(OK_CALL));
    assert.ok(err instanceof OutcomeUnknownError);
    assert.equal(err.attempts, 1);
    assert.equal(fetch.calls.length, 1);
  });

  test("GETs are never OutcomeUnknownError", async () => {
    const t = await failure(quick(steps(hang), { timeout: 20 }).calls.retrieve("c1"));
    assert.ok(t instanceof TimeoutError, `${t.name}: ${t.message}`);
    assert.equal(t.attempts, 3);
    const lost = await failure(quick(steps(reset)).calls.list());
    assert.ok(lost instanceof APIConnectionError, `${lost.name}: ${lost.message}`);
    const mixed = await failure(quick(steps(hang, 503), { timeout: 20 }).calls.retrieve("c1"));
    assert.ok(mixed instanceof InternalServerError, `${mixed.name}: ${mixed.message}`);
    for (const e of [t, lost, mixed]) assert.ok(!(e instanceof OutcomeUnknownError));
  });
});

describe("timeouts", () => {
  test("a fetch that ignores the AbortSignal still times out (every attempt)", async () => {
    const fetch = steps(() => new Promise(() => {})); // never settles, never looks at init.signal
    const started = Date.now();
    const err = await failure(quick(fetch, { timeout: 30, maxRetries: 1 }).calls.retrieve("c1"));
    const took = Date.now() - started;
    assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
    assert.equal(err.timeout, 30);
    assert.equal(fetch.calls.length, 2);
    assert.ok(took >= 55 && took < 1000, `took ${took} ms`);
  });

  test("a body that never finishes (text() never settles, signal ignored) times out too", async () => {
    const stuck = { status: 200, headers: new Headers(), text: () => new Promise(() => {}) };
    const err = await failure(quick(async () => stuck, { timeout: 25, maxRetries: 0 }).calls.retrieve("c1"));
    assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
  });

  test("a fetch answering synchronously (a plain Response-like, a plain string from text()) works", async () => {
    const like = { status: 200, headers: new Headers({ "x-request-id": "req_sync" }), text: () => JSON.stringify(call) };
    const got = await quick(() => like).calls.retrieve(call.id);
    assert.equal(got.id, call.id);
    assert.equal(got.lastResponse.requestId, "req_sync");
  });

  test("each attempt gets a fresh timeout signal", async () => {
    const fetch = steps(hang, ok());
    await quick(fetch, { timeout: 20 }).calls.retrieve("c1");
    assert.equal(fetch.calls[0].init.signal.aborted, true);
    assert.equal(fetch.calls[1].init.signal.aborted, false);
    assert.notEqual(fetch.calls[0].init.signal, fetch.calls[1].init.signal);
  });
});

describe("retry options are validated", () => {
  const bad = [
    ["maxRetries", -1], ["maxRetries", 1.5], ["maxRetries", "2"],
    ["deadline", 0], ["deadline", -5], ["deadline", "10s"],
    ["maxRetryDelay", -1], ["maxRetryDelay", "60"],
    ["initialRetryDelay", -1], ["maxBackoff", -1], ["timeout", 0],
  ];
  for (const [field, value] of bad) {
    test(`new CallingBox({ ${field}: ${typeof value === "string" ? JSON.stringify(value) : value} }) → ValidationError (field ${field})`, () => {
      const fetch = fakeFetch();
      let err;
      assert.throws(() => client(fetch, { [field]: value }), (e) => { err = e; return true; });
      assert.ok(err instanceof ValidationError, `${err && err.name}: ${err && err.message}`);
      assert.equal(err.field, field);
      assert.equal(fetch.calls.length, 0);
    });
  }

  // Non-finite numbers would reach the core as JSON null (= "use the default") through
  // JSON.stringify; the client rejects them instead.
  for (const [field, value] of [["maxRetries", NaN], ["maxRetries", Infinity], ["deadline", NaN], ["maxRetryDelay", Infinity], ["initialRetryDelay", NaN]]) {
    test(`new CallingBox({ ${field}: ${value} }) → ValidationError (field ${field})`, () => {
      let err;
      assert.throws(() => client(fakeFetch(), { [field]: value }), (e) => { err = e; return true; });
      assert.ok(err instanceof ValidationError);
      assert.equal(err.field, field);
    });
  }

  test("onRetry must be a function", () => {
    assert.throws(() => client(fakeFetch(), { onRetry: "log" }), (e) => e instanceof ValidationError && e.field === "onRetry");
  });

  test("valid edge values are accepted: maxRetries 0, maxRetryDelay 0, initialRetryDelay 0", () => {
    client(fakeFetch(), { maxRetries: 0, maxRetryDelay: 0, initialRetryDelay: 0, maxBackoff: 0, deadline: 1 });
  });

  for (const [field, value] of [["maxRetries", -1], ["maxRetries", 2.5], ["deadline", 0], ["maxRetryDelay", -1], ["timeout", -1]]) {
    test(`per-request { ${field}: ${value} } → ValidationError and zero fetches`, async () => {
      const fetch = fakeFetch();
      const err = await failure(client(fetch).calls.create(OK_CALL, { [field]: value }));
      assert.ok(err instanceof ValidationError, `${err.name}: ${err.message}`);
      assert.equal(err.field, field);
      assert.equal(fetch.calls.length, 0);
    });
  }

  for (const key of ["retries", "max_retries", "initialRetryDelay", "onRetry", "headers"]) {
    test(`unknown request option "${key}" → ValidationError and zero fetches`, async () => {
      const fetch = fakeFetch();
      const err = await failure(client(fetch).calls.retrieve("c1", { [key]: 1 }));
      assert.ok(err instanceof ValidationError, `${err.name}: ${err.message}`);
      assert.equal(err.field, key);
      assert.match(err.message, new RegExp(key));
      assert.equal(fetch.calls.length, 0);
    });
  }
});
