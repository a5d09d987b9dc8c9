// Issue 5, "Must show": the client against the emulator's fault injection over REAL HTTP on
// 127.0.0.1. 1,000 logical calls.create under a mix of faults (processed-then-dropped,
// processed-then-answered-after-the-client's-timeout, 429 + Retry-After, 503): every create
// that reported success placed exactly one call, nothing was placed twice, every other create
// ended in a typed error, and each outcome-unknown create's key, resent, returns the original
// call (or places it now if it never was). Prints a report of the figures.
//
// Also over real HTTP: GETs retried through transient faults succeed; a Retry-After larger
// than maxRetryDelay is capped; an abort during the backoff wait rejects within a few ms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { CallingBox, CallingBoxError, OutcomeUnknownError } = pkg;

const LOGICAL = 1000;
const IN_FLIGHT = 16;
const TIMEOUT = 300; // per attempt; the emulator's "delay" fault answers after DELAY_MS
const DELAY_MS = 600;
const FAULTS = {
  rateDrop: 0.1, // processed, then the socket is destroyed: the answer is lost
  rateDelay: 0.1, // processed, then answered after DELAY_MS (> TIMEOUT): the client times out
  delayMs: DELAY_MS,
  rate429: 0.1, // not processed: 429 + Retry-After: 1 (capped to maxRetryDelay below)
  retryAfterSecs: 1,
  rate503: 0.1, // not processed: 503
  method: "POST",
  pathPrefix: "/v1/calls",
};
// $0.50 is held per call until it ends (and the clock is manual: none ends). Plenty of credit,
// so no create fails for want of it.
const CREDIT = 10_000_000_000;

/** Runs `work(i)` for i in [0, n) with at most `limit` in flight. */
async function pool(n, limit, work) {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) {
      const i = next++;
      await work(i);
    }
  });
  await Promise.all(runners);
}

/** A fetch that counts the requests it sends (method + path) before handing them on. */
function countingFetch() {
  const counts = new Map();
  const f = (url, init) => {
    const k = `${init.method} ${new URL(url).pathname}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    return fetch(url, init);
  };
  f.counts = counts;
  return f;
}

async function allCalls(client) {
  const out = [];
  let starting_after;
  for (;;) {
    const page = await client.calls.list(starting_after ? { limit: 100, starting_after } : { limit: 100 });
    out.push(...page.data);
    if (!page.has_more) return out;
    starting_after = page.data[page.data.length - 1].id;
  }
}

async function outboundAgent(client) {
  const [n] = await client.numbers.searchAvailable({ limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  return client.agents.create({ name: "Faults", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
}

const byName = (list) => list.reduce((m, e) => ((m[e.name] = (m[e.name] ?? 0) + 1), m), {});

test(`${LOGICAL} calls.create under injected faults over real HTTP: one call per success, zero duplicates, typed errors, recoverable keys`, async () => {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true, seed: 42, initialCreditMilliCents: CREDIT, faults: FAULTS });
  try {
    const started = Date.now();
    const counting = countingFetch();
    const retries = {};
    const client = new CallingBox({
      apiKey: server.apiKey, baseUrl: server.url, fetch: counting,
      timeout: TIMEOUT, initialRetryDelay: 5, maxRetryDelay: 20, // Retry-After: 1 → waits 20 ms
      onRetry: (r) => { retries[r.reason] = (retries[r.reason] ?? 0) + 1; },
    });
    const agent = await outboundAgent(client); // /v1/numbers and /v1/agents are out of the faults' scope

    // ---- 1,000 logical creates, 16 in flight ----
    const results = new Array(LOGICAL);
    await pool(LOGICAL, IN_FLIGHT, async (i) => {
      const params = { agent_id: agent.id, to: "+15551234567", metadata: { i: String(i) } };
      try {
        results[i] = { params, call: await client.calls.create(params) };
      } catch (error) {
        results[i] = { params, error };
      }
    });
    const createMs = Date.now() - started;
    // An attempt the client gave up on may still be in the server's queue: let it land
    // before taking stock, so the figures below cannot move under us.
    await new Promise((r) => setTimeout(r, 250));
    const statsAfterRun = server.emulator.stats();
    const attempts = counting.counts.get("POST /v1/calls") ?? 0;

    const successes = results.filter((r) => r.call);
    const failures = results.filter((r) => r.error);
    const unknown = failures.filter((r) => r.error instanceof OutcomeUnknownError);
    const otherErrors = failures.filter((r) => !(r.error instanceof OutcomeUnknownError));

    // Every non-success is a typed CallingBoxError; outcome-unknown ones carry a key.
    for (const { error } of failures) {
      assert.ok(error instanceof CallingBoxError, `untyped failure: ${error && error.name}: ${error && error.message}`);
      assert.ok(typeof error.code === "string" && error.code.length > 0);
    }
    for (const { error } of unknown) {
      assert.match(error.idempotencyKey, /^[0-9a-f-]{36}$/);
      assert.ok(error.attempts >= 1 && error.attempts <= 3);
    }
    // Attempts: one per logical create plus one per retry the hook saw.
    const retryTotal = Object.values(retries).reduce((a, b) => a + b, 0);
    assert.equal(attempts, LOGICAL + retryTotal, "attempts = logical creates + retries");
    // (An attempt aborted before its bytes were read never reaches the emulator, hence ≤.)
    assert.ok(statsAfterRun.requests - 3 <= attempts && statsAfterRun.requests - 3 > LOGICAL, "the emulator saw the attempts (3 setup requests)");
    for (const { call } of successes) assert.ok(call.lastResponse.attempts >= 1 && call.lastResponse.attempts <= 3);

    // ---- what was placed before any recovery ----
    const beforeRecovery = await allCalls(client);
    const placedIds = new Set(beforeRecovery.map((c) => c.id));
    assert.equal(placedIds.size, beforeRecovery.length, "every call id appears once");
    assert.equal(beforeRecovery.length, statsAfterRun.calls_placed);
    // Zero duplicates: no logical create (metadata.i) was placed twice.
    const placedFor = new Map();
    for (const c of beforeRecovery) {
      assert.ok(!placedFor.has(c.metadata.i), `logical create ${c.metadata.i} was placed twice`);
      placedFor.set(c.metadata.i, c.id);
    }
    // Every success is exactly the one call placed for its logical create.
    const successIds = new Set(successes.map((s) => s.call.id));
    assert.equal(successIds.size, successes.length, "no two successes share a call");
    for (const s of successes) assert.equal(placedFor.get(s.params.metadata.i), s.call.id);
    // A failure that is not "outcome unknown" placed nothing.
    for (const f of otherErrors) assert.ok(!placedFor.has(f.params.metadata.i), `${f.error.name} for create ${f.params.metadata.i}, yet a call was placed`);

    // ---- recovery: resend each outcome-unknown create with its key, faults off ----
    server.emulator.setFaults(null);
    const recovery = new CallingBox({ apiKey: server.apiKey, baseUrl: server.url, maxRetries: 0 });
    let unknownPlaced = 0;
    let unknownPlacedNow = 0;
    for (const u of unknown) {
      const again = await recovery.calls.create(u.params, { idempotencyKey: u.error.idempotencyKey });
      assert.equal(again.lastResponse.idempotencyKey, u.error.idempotencyKey);
      const original = placedFor.get(u.params.metadata.i);
      if (original !== undefined) {
        assert.equal(again.id, original, "the key returns the ORIGINAL call, not a new one");
        unknownPlaced++;
      } else {
        assert.ok(!placedIds.has(again.id), "never placed before: placed now");
        unknownPlacedNow++;
      }
    }
    assert.equal(statsAfterRun.calls_placed, successes.length + unknownPlaced,
      "calls placed = successes + outcome-unknown creates that had been placed");
    assert.ok(statsAfterRun.calls_placed <= LOGICAL, "never more calls than logical creates");

    const statsFinal = server.emulator.stats();
    const afterRecovery = await allCalls(client);
    const finalIds = new Set(afterRecovery.map((c) => c.id));
    const finalLogical = new Set(afterRecovery.map((c) => c.metadata.i));
    assert.equal(finalIds.size, afterRecovery.length, "every call id appears once");
    assert.equal(finalLogical.size, afterRecovery.length, "zero duplicates after recovery");
    assert.equal(afterRecovery.length, statsFinal.calls_placed);
    assert.equal(afterRecovery.length, successes.length + unknown.length, "every success and every recovered create: one call each");
    assert.equal(statsFinal.calls_placed, statsAfterRun.calls_placed + unknownPlacedNow);

    // The faults really happened (and of every kind).
    for (const k of ["faults_429", "faults_503", "faults_dropped", "faults_delayed"]) assert.ok(statsAfterRun[k] > 20, `${k} = ${statsAfterRun[k]}`);
    assert.ok(statsAfterRun.idempotent_replays > 0, "retries of processed creates were replayed");
    assert.ok(unknownPlaced > 0, "some outcome-unknown creates had placed their call: the key returned it");
    assert.ok(successes.length > LOGICAL * 0.5, `${successes.length} successes`);

    const rows = [
      ["logical calls.create", LOGICAL],
      ["succeeded", successes.length],
      ["OutcomeUnknownError", unknown.length],
      ["  of which placed (key → original call)", unknownPlaced],
      ["  of which not placed (key → placed now)", unknownPlacedNow],
      ...Object.entries(byName(otherErrors.map((f) => f.error))).map(([n, c]) => [`other typed error: ${n}`, c]),
      ["untyped errors", 0],
      ["total attempts (POST /v1/calls)", attempts],
      ...Object.entries(retries).sort().map(([r, c]) => [`retries: ${r}`, c]),
      ["emulator calls_placed (after the run)", statsAfterRun.calls_placed],
      ["emulator calls_placed (after recovery)", statsFinal.calls_placed],
      ["emulator idempotent_replays (run)", statsAfterRun.idempotent_replays],
      ["emulator idempotent_replays (incl. recovery)", statsFinal.idempotent_replays],
      ["emulator idempotency_conflicts", statsFinal.idempotency_conflicts],
      ["emulator faults_429", statsAfterRun.faults_429],
      ["emulator faults_503", statsAfterRun.faults_503],
      ["emulator faults_dropped", statsAfterRun.faults_dropped],
      ["emulator faults_delayed", statsAfterRun.faults_delayed],
      ["duplicate calls", afterRecovery.length - finalLogical.size],
      ["time for the creates (ms)", createMs],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log([
      `fault report: ${LOGICAL} calls.create over HTTP, ${IN_FLIGHT} in flight, timeout ${TIMEOUT} ms, faults ${JSON.stringify(FAULTS)}`,
      ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${String(v).padStart(7)}`),
    ].join("\n"));
    assert.equal(statsFinal.idempotency_conflicts, 0);
  } finally {
    await server.close();
  }
});

test("GETs retried through transient faults (503, 429, dropped connections) over HTTP all succeed", async () => {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true, seed: 7, initialCreditMilliCents: CREDIT });
  try {
    const setup = new CallingBox({ apiKey: server.apiKey, baseUrl: server.url });
    const agent = await outboundAgent(setup);
    const created = [];
    for (let i = 0; i < 40; i++) created.push(await setup.calls.create({ agent_id: agent.id, to: "+15551234567" }));
    server.emulator.setFaults({ rate503: 0.15, rate429: 0.15, retryAfterSecs: 1, rateDrop: 0.15, method: "GET", pathPrefix: "/v1/calls" });
    const reasons = {};
    const client = new CallingBox({
      apiKey: server.apiKey, baseUrl: server.url, maxRetries: 10, initialRetryDelay: 2, maxRetryDelay: 20,
      onRetry: (r) => { reasons[r.reason] = (reasons[r.reason] ?? 0) + 1; },
    });
    let retried = 0;
    for (let round = 0; round < 5; round++) {
      await pool(created.length, 8, async (i) => {
        const got = await client.calls.retrieve(created[i].id);
        assert.equal(got.id, created[i].id);
        if (got.lastResponse.attempts > 1) retried++;
      });
    }
    const page = await client.calls.list({ limit: 100 });
    assert.equal(page.data.length, created.length);
    const s = server.emulator.stats();
    assert.ok(retried > 10, `${retried} retrieves needed a retry`);
    assert.ok(s.faults_503 > 0 && s.faults_429 > 0 && s.faults_dropped > 0, JSON.stringify(s));
    assert.ok(reasons.server_error > 0 && reasons.rate_limited > 0 && reasons.connection_lost > 0, JSON.stringify(reasons));
    assert.equal(s.calls_placed, created.length, "GET retries place nothing");
  } finally {
    await server.close();
  }
});

test("over HTTP, a Retry-After of 3600 s is capped by maxRetryDelay (50 ms)", async () => {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true, faults: { retryAfterSecs: 3600 } });
  try {
    const times = [];
    const delays = [];
    const client = new CallingBox({
      apiKey: server.apiKey, baseUrl: server.url, maxRetryDelay: 50,
      fetch: (url, init) => { times.push(Date.now()); return fetch(url, init); },
      onRetry: (r) => delays.push([r.reason, r.delayMs, r.status]),
    });
    await client.calls.list(); // warm the connection
    times.length = 0;
    server.emulator.queueFault("rate_limited");
    const started = Date.now();
    const page = await client.calls.list();
    assert.equal(page.lastResponse.attempts, 2);
    assert.deepEqual(delays, [["rate_limited", 50, 429]]);
    const gap = times[1] - times[0];
    assert.ok(gap >= 45 && gap < 1000, `waited ${gap} ms`);
    assert.ok(Date.now() - started < 2000);
    assert.equal(server.emulator.stats().faults_429, 1);
  } finally {
    await server.close();
  }
});

test("over HTTP, an abort during the backoff wait rejects within a few ms and sends nothing more", async () => {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true, faults: { retryAfterSecs: 30 } });
  try {
    const setup = new CallingBox({ apiKey: server.apiKey, baseUrl: server.url });
    const agent = await outboundAgent(setup);
    for (const [kind, invoke] of [
      ["rate_limited", (c, o) => c.calls.list(undefined, o)], // Retry-After: 30 → a 30 s wait
      ["unavailable", (c, o) => c.calls.create({ agent_id: agent.id, to: "+15551234567" }, o)], // backoff ~10 s
    ]) {
      const ac = new AbortController();
      let abortedAt = 0;
      const client = new CallingBox({
        apiKey: server.apiKey, baseUrl: server.url, initialRetryDelay: 10_000,
        onRetry: () => setTimeout(() => { abortedAt = Date.now(); ac.abort(); }, 20),
      });
      server.emulator.queueFault(kind);
      const before = server.emulator.stats();
      const err = await invoke(client, { signal: ac.signal }).then(() => assert.fail("expected an AbortError"), (e) => e);
      const late = Date.now() - abortedAt;
      assert.ok(err instanceof pkg.AbortError, `${err.name}: ${err.message}`);
      assert.ok(abortedAt > 0, "aborted during the wait");
      assert.ok(late < 50, `${kind}: rejected ${late} ms after the abort`);
      await new Promise((r) => setTimeout(r, 100));
      const after = server.emulator.stats();
      assert.equal(after.requests - before.requests, 1, `${kind}: one attempt, none after the abort`);
      assert.equal(after.calls_placed, before.calls_placed, "nothing placed");
    }
  } finally {
    await server.close();
  }
});
