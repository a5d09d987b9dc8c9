// Following a call to its outcome: calls.waitUntilDone / createAndWait against the in-process
// emulator (its virtual clock, run fast with start({ speed })), with faults, timeouts and aborts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { KEY, failure, fakeFetch, hangingFetch, json, pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { CallingBox, WaitTimeoutError, TimeoutError, AbortError, NotFoundError, ValidationError } = pkg;

/** An emulator, a client on it, and an outbound agent with a number. */
async function setup(clientOptions = {}) {
  const e = emu.createEmulator({ seed: 7 });
  const client = new CallingBox({ apiKey: e.apiKey, fetch: e.fetch, ...clientOptions });
  const [n] = await client.numbers.searchAvailable({ area_code: "212", limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  const agent = await client.agents.create({ name: "A", type: "outbound", returns: { ok: "boolean" }, number_ids: [number.id], primary_number_id: number.id });
  return { e, client, agent };
}

test("createAndWait follows a call through its statuses to the end, in milliseconds of virtual time", async () => {
  const { e, client, agent } = await setup();
  const statuses = [];
  e.start({ speed: 2000, intervalMs: 5 });
  try {
    const done = await client.calls.createAndWait({ agent_id: agent.id, to: "+15551234567" }, {
      pollInterval: 5, onStatus: (c) => statuses.push(c.status), idempotencyKey: "campaign-1-row-1",
    });
    assert.equal(done.status, "completed");
    assert.deepEqual(done.result, { ok: true });
    assert.equal(statuses[0], "queued");
    assert.equal(statuses.at(-1), "completed");
    assert.equal(new Set(statuses).size, statuses.length, "each status reported once");
    // The same key again: the same call, not a second one.
    const again = await client.calls.createAndWait({ agent_id: agent.id, to: "+15551234567" }, { pollInterval: 5, idempotencyKey: "campaign-1-row-1" });
    assert.equal(again.id, done.id);
    assert.equal(e.stats().calls_placed, 1);
  } finally {
    await e.stop();
  }
});

test("a completed call is returned once its result is extracted, not before", async () => {
  const { e, client, agent } = await setup();
  const call = await client.calls.create({ agent_id: agent.id, to: "+15551234567" });
  await e.advance(161_000); // ended, extraction still running
  const ended = await client.calls.retrieve(call.id);
  assert.deepEqual([ended.status, ended.result_status, ended.result], ["completed", "pending", null]);
  const waiting = client.calls.waitUntilDone(call.id, { pollInterval: 5 });
  await new Promise((resolve) => setTimeout(resolve, 30));
  await e.advance(10_000);
  const done = await waiting;
  assert.equal(done.result_status, "completed");
  assert.deepEqual(done.result, { ok: true });
});

test("no poll outlives the wait: a hanging API ends in WaitTimeoutError on time, with the poll's error as cause", async () => {
  const client = new CallingBox({ apiKey: "sk_test_abcdefgh12345678", fetch: hangingFetch(), timeout: 3000, maxRetries: 1 });
  const t0 = Date.now();
  const err = await failure(client.calls.waitUntilDone("c1", { timeout: 200, pollInterval: 20 }));
  assert.ok(err instanceof WaitTimeoutError, `${err && err.name}`);
  assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
  assert.ok(err.cause instanceof TimeoutError, `cause ${err.cause && err.cause.name}`);
  assert.equal(err.call, undefined);
});

test("given a Call, the first poll waits pollInterval; a 4xx other than 429 ends the wait", async () => {
  const times = [];
  const fetch = fakeFetch(() => {
    times.push(Date.now());
    return times.length === 1 ? json(200, { id: "c1", status: "ringing" }) : json(431, { error: "too large" });
  });
  const client = new CallingBox({ apiKey: "sk_test_abcdefgh12345678", fetch, maxRetries: 0 });
  const t0 = Date.now();
  const err = await failure(client.calls.waitUntilDone({ id: "c1", status: "queued" }, { pollInterval: 60 }));
  assert.ok(times[0] - t0 >= 50, `first poll after ${times[0] - t0} ms`);
  assert.equal(err.status, 431);
  assert.equal(times.length, 2);
});

test("a terminal outcome other than completed ends the wait too (test number: busy)", async () => {
  const { e, client, agent } = await setup();
  const busy = e.testNumbers.find((t) => t.outcome === "busy");
  assert.ok(busy, "the emulator has a busy test number");
  e.start({ speed: 2000, intervalMs: 5 });
  try {
    const call = await client.calls.create({ agent_id: agent.id, to: busy.number });
    const done = await client.calls.waitUntilDone(call.id, { pollInterval: 5 });
    assert.equal(done.status, "busy");
  } finally {
    await e.stop();
  }
});

test("no end within timeout: WaitTimeoutError with the last Call seen", async () => {
  const { client, agent } = await setup(); // the clock does not run: the call stays queued
  const call = await client.calls.create({ agent_id: agent.id, to: "+15551234567" });
  const t0 = Date.now();
  const err = await failure(client.calls.waitUntilDone(call, { timeout: 60, pollInterval: 10 }));
  assert.ok(err instanceof WaitTimeoutError && err instanceof TimeoutError, `${err && err.name}`);
  assert.equal(err.code, "wait_timeout");
  assert.equal(err.call.id, call.id);
  assert.equal(err.call.status, "queued");
  assert.equal(err.timeout, 60);
  assert.ok(Date.now() - t0 < 1000);
});

test("the signal stops the wait with an AbortError", async () => {
  const { client, agent } = await setup();
  const call = await client.calls.create({ agent_id: agent.id, to: "+15551234567" });
  const err = await failure(client.calls.waitUntilDone(call.id, { pollInterval: 10, signal: AbortSignal.timeout(40) }));
  assert.ok(err instanceof AbortError, `${err && err.name}`);
});

test("a poll that fails with 503 is followed by the next one; a 404 ends the wait", async () => {
  const { e, client, agent } = await setup({ maxRetries: 0 });
  const call = await client.calls.create({ agent_id: agent.id, to: "+15551234567" });
  e.queueFault("unavailable");
  e.queueFault("unavailable");
  e.start({ speed: 2000, intervalMs: 5 });
  try {
    assert.equal((await client.calls.waitUntilDone(call.id, { pollInterval: 5 })).status, "completed");
    assert.equal(e.stats().faults_503, 2, "both polls met a 503 (no retry inside the request: maxRetries 0)");
  } finally {
    await e.stop();
  }
  const err = await failure(client.calls.waitUntilDone("8c1f8c3e-2a4b-4d6e-9f10-1a2b3c4d5e6f", { pollInterval: 5 }));
  assert.ok(err instanceof NotFoundError, `${err && err.name}`);
});

test("a poll that fails is followed by the next one exactly when requests retry its status (408, 429, 5xx)", async () => {
  const KEY_ = "sk_test_abcdefgh12345678";
  /** Whether a request answered `status` once is retried: the client's own rules (onRetry). */
  const retried = async (status) => {
    let retries = 0;
    const fetch = fakeFetch(() => (fetch.calls.length === 1 ? json(status, { error: { message: "no" } }) : json(200, { id: "c1", status: "completed", result_status: "extracted" })));
    const client = new CallingBox({ apiKey: KEY_, fetch, maxRetries: 1, maxRetryDelay: 0, onRetry: () => { retries++; } });
    await client.calls.retrieve("c1").catch(() => {});
    return retries === 1;
  };
  /** Whether waitUntilDone polls again after a poll answered `status` (no retries inside a poll). */
  const polledAgain = async (status) => {
    const fetch = fakeFetch(() => (fetch.calls.length === 1 ? json(status, { error: { message: "no" } }) : json(200, { id: "c1", status: "completed", result_status: "extracted" })));
    const client = new CallingBox({ apiKey: KEY_, fetch, maxRetries: 0 });
    const done = await client.calls.waitUntilDone("c1", { pollInterval: 1 }).catch((e) => e);
    if (done.status === "completed") return true;
    assert.equal(done.status, status, "the wait ended with the poll's error");
    assert.equal(fetch.calls.length, 1);
    return false;
  };
  const again = [];
  for (let status = 400; status <= 599; status++) {
    const w = await polledAgain(status);
    assert.equal(w, await retried(status), `status ${status}: the wait and the request's retries disagree`);
    if (w) again.push(status);
  }
  assert.deepEqual(again.filter((s) => s < 500), [408, 429]);
  assert.equal(again.filter((s) => s >= 500).length, 100);
});

test("a poll whose retry would outlast the wait (a long Retry-After) is followed by the next poll", async () => {
  const fetch = fakeFetch(() => (fetch.calls.length === 1
    ? new Response(JSON.stringify({ error: { message: "busy" } }), { status: 503, headers: { "content-type": "application/json", "retry-after": "3600" } })
    : json(200, { id: "c1", status: "completed", result_status: "extracted" })));
  const client = new CallingBox({ apiKey: "sk_test_abcdefgh12345678", fetch }); // retries left: the deadline stops them
  const t0 = Date.now();
  const done = await client.calls.waitUntilDone("c1", { timeout: 5_000, pollInterval: 1 });
  assert.equal(done.status, "completed");
  assert.equal(fetch.calls.length, 2, "no retry inside the poll (it could not finish in time), then the next poll");
  assert.ok(Date.now() - t0 < 2_000, `took ${Date.now() - t0} ms`);
});

test("the intervals grow from pollInterval by half each poll", async () => {
  // The waits the client asks for, not the wall-clock gaps (a loaded machine fires timers late).
  const waits = [];
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms, ...rest) => {
    if (ms !== 60_000) waits.push(ms); // (the request's own timeout timer)
    return realSetTimeout(fn, ms, ...rest);
  };
  let n = 0;
  const fetch = fakeFetch(() => json(200, { id: "c1", status: ++n < 5 ? "ringing" : "completed" }));
  try {
    const client = new CallingBox({ apiKey: "sk_test_abcdefgh12345678", fetch });
    const done = await client.calls.waitUntilDone("c1", { pollInterval: 40 });
    assert.equal(done.status, "completed");
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(fetch.calls.length, 5);
  assert.deepEqual(waits.map(Math.round), [40, 60, 90, 135], `waits ${waits}`);
});

test("a Call that has ended is returned without a request; bad arguments are ValidationErrors", async () => {
  const fetch = fakeFetch(() => assert.fail("no request"));
  const client = new CallingBox({ apiKey: "sk_test_abcdefgh12345678", fetch });
  const ended = { id: "c1", status: "no_answer" };
  assert.equal(await client.calls.waitUntilDone(ended), ended);
  for (const [arg, options] of [[undefined, undefined], ["", undefined], [{}, undefined], ["c1", { timeout: -1 }], ["c1", { pollInterval: "1s" }], ["c1", { onStatus: 1 }], ["c1", { signal: {} }], ["c1", 5]]) {
    await assert.rejects(client.calls.waitUntilDone(arg, options), (e) => e instanceof ValidationError, JSON.stringify([arg, options]));
  }
  assert.equal(fetch.calls.length, 0);
});

test("a key the server echoes in the call stays out of WaitTimeoutError (message, call, every rendering)", async () => {
  const c = new CallingBox({ apiKey: KEY, fetch: async () => json(200, { id: "c1", status: KEY, metadata: { note: `x${KEY}y` } }) });
  const err = await failure(c.calls.waitUntilDone("c1", { timeout: 30, pollInterval: 5 }));
  assert.ok(err instanceof WaitTimeoutError, `${err && err.name}`);
  assert.equal(err.call.id, "c1", "the last call is kept, without the key");
  const text = [err.message, String(err.stack), JSON.stringify(err.call), inspect(err, { depth: 8 })].join("\n");
  for (let i = 0; i + 8 <= KEY.length; i++) assert.ok(!text.includes(KEY.slice(i, i + 8)), `${KEY.slice(i, i + 8)} in ${text}`);
});
