// callingbox/batch: createMany against the in-process emulator and fake fetches: invalid rows
// before any request, bounded concurrency, a 429 pausing the whole batch, retries under the same
// key, stopping, and re-running a batch without placing a call twice. (The kill-and-re-run proof
// over HTTP is tests/batch/kill-rerun.mjs; throughput is bench/batch-throughput.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { KEY, fakeFetch, json, pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { createMany } = await import(new URL("../../target/consumer/batch.mjs", import.meta.url).href);
const { CallingBox, ValidationError, InvalidPhoneNumberError, AbortError, BadRequestError, RateLimitError } = pkg;

/** An emulator, a client on it (with `fetch` wrapped by `wrap`), and an outbound agent with a number. */
async function setup(wrap = (f) => f) {
  const e = emu.createEmulator({ seed: 11, initialCreditMilliCents: 100_000_000 });
  const client = new CallingBox({ apiKey: e.apiKey, fetch: wrap(e.fetch) });
  const [n] = await client.numbers.searchAvailable({ area_code: "212", limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  const agent = await client.agents.create({ name: "A", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
  return { e, client, agent };
}

const rowsFor = (agent, n) => Array.from({ length: n }, (_, i) => ({ agent_id: agent.id, to: `+1415555${String(1000 + i).padStart(4, "0")}`, metadata: { row: String(i) } }));
const drain = async (run) => {
  const out = [];
  for await (const r of run) out.push(r);
  return out;
};
/** A fetch around `inner` that counts requests in flight (POST /v1/calls only). */
function counting(inner) {
  const stats = { now: 0, max: 0, posts: [] };
  const f = async (url, init) => {
    if (init.method !== "POST" || !String(url).endsWith("/v1/calls")) return inner(url, init);
    stats.posts.push({ at: Date.now(), key: new Headers(init.headers).get("idempotency-key") });
    stats.now++;
    stats.max = Math.max(stats.max, stats.now);
    try {
      await new Promise((r) => setTimeout(r, 2));
      return await inner(url, init);
    } finally {
      stats.now--;
    }
  };
  return { f, stats };
}

test("every row is placed once, at most `concurrency` at a time, each under batchId-index", async () => {
  let c;
  const { e, client, agent } = await setup((f) => (c = counting(f)).f);
  const rows = rowsFor(agent, 40);
  const progress = [];
  const run = createMany(client, rows, { batchId: "camp-1", concurrency: 5, onProgress: (p) => progress.push(p) });
  assert.equal(run.batchId, "camp-1");
  const results = await drain(run);
  const summary = await run.done();
  assert.equal(results.length, 40);
  assert.deepEqual(results.map((r) => r.index).sort((a, b) => a - b), rows.map((_, i) => i));
  for (const r of results) {
    assert.equal(r.error, undefined);
    assert.equal(r.row, rows[r.index]);
    assert.equal(r.call.to_number, rows[r.index].to);
    assert.equal(r.call.lastResponse.idempotencyKey, `camp-1-${r.index}`);
  }
  assert.ok(c.stats.max <= 5 && c.stats.max >= 2, `in flight at most 5 (saw ${c.stats.max})`);
  assert.equal(e.stats().calls_placed, 40);
  assert.deepEqual({ ...summary, durationMs: 0 }, { batchId: "camp-1", total: 40, placed: 40, failed: 0, invalid: 0, durationMs: 0 });
  assert.deepEqual(progress.at(-1), { total: 40, done: 40, placed: 40, failed: 0, invalid: 0, inFlight: 0, concurrency: 5 });

  // The same batch again: the server answers each key with the call it placed; nothing new.
  const again = await drain(createMany(client, rows, { batchId: "camp-1", concurrency: 8 }));
  assert.equal(e.stats().calls_placed, 40);
  const ids = new Map(results.map((r) => [r.index, r.call.id]));
  for (const r of again) assert.equal(r.call.id, ids.get(r.index));
});

test("invalid rows are reported before any request, and the valid ones still go", async () => {
  let c;
  const { e, client, agent } = await setup((f) => (c = counting(f)).f);
  const rows = rowsFor(agent, 6);
  rows[1] = { agent_id: agent.id, to: "+999 1234567" }; // unassigned calling code
  rows[3] = { to: "+14155550100" }; // no agent_id
  rows[4] = "not an object";
  let postsWhenChecked = -1;
  const run = createMany(client, rows, {
    batchId: "camp-2",
    onProgress: (p) => { if (p.invalid === 3 && postsWhenChecked < 0) postsWhenChecked = c.stats.posts.length; },
  });
  const results = await drain(run);
  assert.equal(postsWhenChecked, 0, "all three invalid rows were known before the first request");
  assert.deepEqual(results.slice(0, 3).map((r) => r.index), [1, 3, 4], "the invalid rows come first");
  assert.ok(results[0].error instanceof InvalidPhoneNumberError);
  assert.ok(results[1].error instanceof ValidationError && results[1].error.field === "agent_id");
  assert.ok(results[2].error instanceof ValidationError);
  assert.equal(e.stats().calls_placed, 3);
  assert.deepEqual({ ...(await run.done()), durationMs: 0 }, { batchId: "camp-2", total: 6, placed: 3, failed: 0, invalid: 3, durationMs: 0 });
});

test("rows sharing an idempotency key are refused: they would be one call", async () => {
  const { client, agent } = await setup();
  const rows = rowsFor(agent, 3);
  const results = await drain(createMany(client, rows, { idempotencyKey: (row) => (row.to.endsWith("1002") ? "k-1001" : `k-${row.to.slice(-4)}`) }));
  const bad = results.find((r) => r.index === 2);
  assert.ok(bad.error instanceof ValidationError && bad.error.field === "idempotencyKey");
  assert.match(bad.error.message, /row 1/);
  assert.equal(results.filter((r) => r.call).length, 2);
});

test("a 429 pauses the whole batch for its Retry-After and halves the concurrency", async () => {
  const starts = [];
  let limitedAt = 0;
  const { e, client, agent } = await setup((inner) => async (url, init) => {
    if (init.method === "POST" && String(url).endsWith("/v1/calls")) {
      starts.push(Date.now());
      if (starts.length === 3) {
        limitedAt = Date.now();
        return json(429, { error: { message: "slow down" } }, { "retry-after": "0.3" });
      }
    }
    return inner(url, init);
  });
  const progress = [];
  const results = await drain(createMany(client, rowsFor(agent, 40), { batchId: "camp-3", concurrency: 4, onProgress: (p) => progress.push(p) }));
  assert.deepEqual(results.filter((r) => r.error).map((r) => r.error.message), [], "every row placed in the end");
  assert.equal(e.stats().calls_placed, 40);
  // Requests that started once the 429 was read (a few ms, while others were in flight) waited
  // for the pause, whichever row they were.
  const after = starts.filter((t) => t > limitedAt + 20);
  assert.ok(after.length >= 20, `${after.length} starts after the 429`);
  assert.ok(after.every((t) => t >= limitedAt + 290), `nothing started within the 0.3 s pause (first after: ${after[0] - limitedAt} ms)`);
  assert.ok(progress.some((p) => p.concurrency === 2), "the concurrency was halved");
  assert.equal(progress.at(-1).concurrency, 4, "and grew back");
});

test("failures a retry can fix are sent again under the same key; others end the row", async () => {
  const keys = [];
  const answers = { "camp-4-0": ["503", "drop"], "camp-4-1": ["400"] };
  const client = new CallingBox({
    apiKey: KEY,
    fetch: async (url, init) => {
      const key = new Headers(init.headers).get("idempotency-key");
      keys.push(key);
      const next = answers[key]?.shift();
      if (next === "503") return json(503, { error: { message: "busy" } });
      if (next === "drop") throw new TypeError("fetch failed");
      if (next === "400") return json(400, { error: { message: "agent is archived" } });
      return json(201, { id: `call_${key}`, status: "queued", to: "+14155550100" });
    },
  });
  const rows = [0, 1, 2].map(() => ({ agent_id: "agt_1", to: "+14155550100" }));
  const results = await drain(createMany(client, rows, { batchId: "camp-4", concurrency: 1 }));
  const byIndex = Object.fromEntries(results.map((r) => [r.index, r]));
  assert.equal(byIndex[0].call.id, "call_camp-4-0");
  assert.ok(byIndex[1].error instanceof BadRequestError);
  assert.equal(byIndex[2].call.id, "call_camp-4-2");
  assert.deepEqual(keys.filter((k) => k === "camp-4-0").length, 3, "row 0: 503, lost answer, then placed: three sends, one key");
  assert.deepEqual(keys.filter((k) => k === "camp-4-1").length, 1, "a 400 is not retried");
});

test("maxAttempts bounds the retries; the last error says what is known", async () => {
  const client = new CallingBox({ apiKey: KEY, fetch: async () => json(429, { error: { message: "no" } }, { "retry-after-ms": "1" }) });
  const [r] = await drain(createMany(client, [{ agent_id: "agt_1", to: "+14155550100" }], { batchId: "camp-5", maxAttempts: 3 }));
  assert.ok(r.error instanceof RateLimitError);
  assert.equal(r.error.idempotencyKey, "camp-5-0");
});

test("aborting stops the batch: every row is accounted for, none is left hanging", async () => {
  const controller = new AbortController();
  let sent = 0;
  const client = new CallingBox({
    apiKey: KEY,
    fetch: (url, init) => new Promise((resolve, reject) => {
      sent++;
      if (sent === 5) controller.abort(new Error("operator stopped it"));
      const t = setTimeout(() => resolve(json(201, { id: `call_${sent}`, status: "queued", to: "+14155550100" })), 20);
      init.signal.addEventListener("abort", () => { clearTimeout(t); reject(init.signal.reason); });
    }),
  });
  const rows = Array.from({ length: 30 }, () => ({ agent_id: "agt_1", to: "+14155550100" }));
  const run = createMany(client, rows, { batchId: "camp-6", concurrency: 2, signal: controller.signal });
  const results = await drain(run);
  const summary = await run.done();
  assert.equal(results.length, 30);
  assert.ok(sent <= 6);
  const aborted = results.filter((r) => r.error instanceof AbortError);
  assert.ok(aborted.length >= 24);
  assert.equal(summary.placed + summary.failed, 30);
});

test("leaving the loop early starts no more rows", async () => {
  let sent = 0;
  const client = new CallingBox({ apiKey: KEY, fetch: async () => { sent++; return json(201, { id: `call_${sent}`, status: "queued", to: "+14155550100" }); } });
  const rows = Array.from({ length: 50 }, () => ({ agent_id: "agt_1", to: "+14155550100" }));
  const run = createMany(client, rows, { batchId: "camp-7", concurrency: 2 });
  let sentAtBreak = -1;
  for await (const r of run) {
    assert.ok(r.call);
    sentAtBreak = sent;
    break;
  }
  const summary = await run.done();
  assert.ok(sentAtBreak < 10);
  assert.equal(sent, sentAtBreak, "requests in flight finished; none started after the break");
  assert.equal(summary.placed, sent);
  assert.equal(summary.failed, 50 - sent, "the rows not sent are accounted for");
});

test("ratePerSecond spaces the starts", async () => {
  const starts = [];
  const client = new CallingBox({ apiKey: KEY, fetch: async () => { starts.push(Date.now()); return json(201, { id: `c${starts.length}`, status: "queued", to: "+14155550100" }); } });
  const rows = Array.from({ length: 6 }, () => ({ agent_id: "agt_1", to: "+14155550100" }));
  await createMany(client, rows, { batchId: "camp-8", concurrency: 6, ratePerSecond: 50 }).done();
  assert.equal(starts.length, 6);
  assert.ok(starts.at(-1) - starts[0] >= 5 * 20 - 5, `6 starts at 50/s take >= 100 ms (took ${starts.at(-1) - starts[0]})`);
});

test("rows may come from an async iterable; a source that fails rejects the run", async () => {
  const fetch = fakeFetch(() => json(201, { id: "c1", status: "queued", to: "+14155550100" }));
  const client = new CallingBox({ apiKey: KEY, fetch });
  async function* rows() {
    yield { agent_id: "agt_1", to: "+14155550100" };
    yield { agent_id: "agt_1", to: "+14155550101" };
  }
  assert.equal((await createMany(client, rows(), { batchId: "camp-9" }).done()).placed, 2);
  async function* broken() {
    yield { agent_id: "agt_1", to: "+14155550100" };
    throw new Error("disk gone");
  }
  const run = createMany(client, broken(), { batchId: "camp-10" });
  await assert.rejects(drain(run), /disk gone/);
  assert.equal(fetch.calls.length, 2, "nothing of the broken source was sent");
});

test("bad arguments are refused at once, typed", () => {
  const client = new CallingBox({ apiKey: KEY, fetch: fakeFetch() });
  const rows = [{ agent_id: "agt_1", to: "+14155550100" }];
  const refused = (fn, field) => assert.throws(fn, (e) => e instanceof ValidationError && e.field === field);
  refused(() => createMany({}, rows, { batchId: "b" }), "client");
  refused(() => createMany(client, 42, { batchId: "b" }), "rows");
  refused(() => createMany(client, rows), "options");
  refused(() => createMany(client, rows, {}), "batchId");
  refused(() => createMany(client, rows, { batchId: "has\nnewline" }), "batchId");
  refused(() => createMany(client, rows, { batchId: "b", concurrency: 0 }), "concurrency");
  refused(() => createMany(client, rows, { batchId: "b", concurrency: 65 }), "concurrency");
  refused(() => createMany(client, rows, { batchId: "b", ratePerSecond: -1 }), "ratePerSecond");
  refused(() => createMany(client, rows, { batchId: "b", maxAttempts: 1.5 }), "maxAttempts");
  refused(() => createMany(client, rows, { batchId: "b", signal: {} }), "signal");
  refused(() => createMany(client, rows, { batchId: "b", onProgress: 1 }), "onProgress");
  refused(() => createMany(client, rows, { idempotencyKey: "k" }), "idempotencyKey");
  const run = createMany(client, rows, { batchId: "b" });
  run[Symbol.asyncIterator]();
  refused(() => run[Symbol.asyncIterator](), "run");
});

test("a telephony provider's refusal (502) is the row's answer, not retried", async () => {
  const { e, client, agent } = await setup();
  const t0 = Date.now();
  const [r] = await drain(createMany(client, [{ agent_id: agent.id, to: "+15005550006" }], { batchId: "camp-11" }));
  assert.equal(r.error?.code, "telephony_provider_error");
  assert.equal(r.error.status, 502);
  assert.equal(e.stats().requests, 4, "three set-up requests and one attempt");
  assert.ok(Date.now() - t0 < 400, "no backoff waited");
});

test("a server's Retry-After is capped at 60 s, and a huge one does not spin the timers", async () => {
  const waits = [];
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms, ...rest) => {
    if (ms !== 60_000 || waits.length === 0) waits.push(ms);
    return realSetTimeout(fn, ms, ...rest);
  };
  const controller = new AbortController();
  const client = new CallingBox({ apiKey: KEY, fetch: async () => json(429, { error: { message: "later" } }, { "retry-after": "3000000" }) });
  try {
    const run = createMany(client, [{ agent_id: "agt_1", to: "+14155550100" }], { batchId: "camp-12", signal: controller.signal });
    realSetTimeout(() => controller.abort(), 200);
    const [r] = await drain(run);
    assert.ok(r.error instanceof AbortError);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  const pauses = waits.filter((ms) => ms > 1_000);
  assert.ok(pauses.length >= 1 && pauses.length <= 3, `a few long waits, not a spin: ${waits.length} timers`);
  assert.ok(pauses.every((ms) => ms <= 60_000), `waits ${pauses}`);
  assert.throws(() => createMany(client, [], { batchId: "b", ratePerSecond: 1e-7 }), (e) => e instanceof ValidationError && e.field === "ratePerSecond");
});

test("a row an attempt may have placed ends as OutcomeUnknownError, whatever the last attempt said", async () => {
  const answers = ["lost", "503"];
  const client = new CallingBox({
    apiKey: KEY,
    fetch: async () => {
      const next = answers.shift();
      if (next === "lost") throw new TypeError("socket hang up");
      return json(503, { error: { message: "busy" } });
    },
  });
  const [r] = await drain(createMany(client, [{ agent_id: "agt_1", to: "+14155550100" }], { batchId: "camp-13", maxAttempts: 2 }));
  assert.ok(r.error instanceof pkg.OutcomeUnknownError, String(r.error));
  assert.equal(r.error.idempotencyKey, "camp-13-0");
  assert.equal(r.error.cause?.status, 503);
});

test("after an attempt that may have been received, a 409 (the key still in progress) is tried again", async () => {
  const answers = ["lost", "409", "201"];
  let sends = 0;
  const client = new CallingBox({
    apiKey: KEY,
    fetch: async () => {
      sends++;
      const next = answers.shift();
      if (next === "lost") throw new TypeError("socket hang up");
      if (next === "409") return json(409, { error: { message: "a request with this key is in progress" } });
      return json(201, { id: "call_1", status: "queued", to_number: "+14155550100" });
    },
  });
  const [r] = await drain(createMany(client, [{ agent_id: "agt_1", to: "+14155550100" }], { batchId: "camp-14" }));
  assert.equal(r.call?.id, "call_1", String(r.error));
  assert.equal(sends, 3);
  // Without an unsure attempt before it, a 409 is the row's answer.
  const plain = new CallingBox({ apiKey: KEY, fetch: async () => json(409, { error: { message: "conflict" } }) });
  const [p] = await drain(createMany(plain, [{ agent_id: "agt_1", to: "+14155550100" }], { batchId: "camp-15" }));
  assert.ok(p.error instanceof pkg.ConflictError);
});

test("a 502 from a gateway (not the API's JSON) is retried; the API's own 502 is not", async () => {
  const answers = ["html502", "201"];
  const client = new CallingBox({
    apiKey: KEY,
    fetch: async () => (answers.shift() === "html502"
      ? new Response("<html><body>502 Bad Gateway</body></html>", { status: 502, headers: { "content-type": "text/html" } })
      : json(201, { id: "call_1", status: "queued", to_number: "+14155550100" })),
  });
  const [r] = await drain(createMany(client, [{ agent_id: "agt_1", to: "+14155550100" }], { batchId: "camp-16" }));
  assert.equal(r.call?.id, "call_1", String(r.error));
});
