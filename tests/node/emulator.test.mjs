// The client against the emulator: the conformance scenario over real HTTP on 127.0.0.1
// (the same file every runtime runs), and the in-process emulator's fetch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pkg } from "./helpers.mjs";
import { runScenario } from "../conformance/scenario.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const webhooks = await import(new URL("../../target/consumer/webhooks.mjs", import.meta.url).href);
const phone = await import(new URL("../../target/consumer/phone.mjs", import.meta.url).href);

test("conformance scenario against the emulator server on 127.0.0.1", async (t) => {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const results = await runScenario({ sdk: pkg, webhooks, phone, baseUrl: server.url, apiKey: server.apiKey });
    for (const r of results) {
      await t.test(r.name, () => assert.ok(r.ok, r.error));
    }
    assert.ok(results.length >= 10);
    // Node's fetch (undici) never resends a POST by itself: the dropped create was retried by
    // the client (Chromium resends it on its own; the scenario accepts both).
    const drop = results.find((r) => r.name.startsWith("retries under injected faults"));
    assert.equal(drop && drop.note, "drop: retried by the client (attempts 2)");
  } finally {
    await server.close();
  }
});

test("in-process emulator: createEmulator().fetch drives the real client", async () => {
  const e = emu.createEmulator({ seed: 1 });
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
  const [n] = await client.numbers.searchAvailable({ area_code: "212", limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  const agent = await client.agents.create({ name: "A", type: "outbound", returns: { ok: "boolean" }, number_ids: [number.id], primary_number_id: number.id });
  const call = await client.calls.create({ agent_id: agent.id, to: "+15551234567", webhook_url: "https://example.com/hook" });
  assert.equal(call.status, "queued");
  await e.advance(200_000);
  const done = await client.calls.retrieve(call.id);
  assert.equal(done.status, "completed");
  assert.deepEqual(done.result, { ok: true });
  // Every lifecycle event was delivered to the inline URL, signed with the org's secret.
  const types = e.webhooks.filter((w) => w.event.data.call.id === call.id).map((w) => w.event.type);
  assert.deepEqual(types, ["call.queued", "call.ringing", "call.answered", "call.completed"]);
  assert.match(e.webhooks[0].headers["callingbox-signature"] ?? e.webhooks[0].headers["CallingBox-Signature"], /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.equal(e.stats().calls_placed, 1);
});

test("in-process emulator: test numbers force outcomes", async () => {
  const e = emu.createEmulator();
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
  const [n] = await client.numbers.searchAvailable({ limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  const agent = await client.agents.create({ name: "A", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
  const want = { busy: "busy", no_answer: "no_answer", voicemail: "no_answer", failed: "failed", canceled: "canceled" };
  const calls = {};
  for (const t of e.testNumbers) {
    if (t.outcome === "provider_rejected") {
      await assert.rejects(client.calls.create({ agent_id: agent.id, to: t.number }), pkg.TelephonyProviderError);
    } else if (want[t.outcome]) {
      calls[t.outcome] = await client.calls.create({ agent_id: agent.id, to: t.number });
    }
  }
  await e.advance(300_000);
  for (const [outcome, call] of Object.entries(calls)) {
    const got = await client.calls.retrieve(call.id);
    assert.equal(got.status, want[outcome], outcome);
    assert.equal(got.reservation_status, "released", outcome);
    if (outcome === "voicemail") assert.equal(got.answered_by, "machine");
  }
});

test("in-process emulator: a purchase whose connection drops after processing is retried with its key: one purchase", async () => {
  const e = emu.createEmulator();
  const retries = [];
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch, initialRetryDelay: 1, onRetry: (r) => retries.push(r) });
  const [n] = await client.numbers.searchAvailable({ limit: 1 });
  e.queueFault("drop");
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  assert.equal(number.e164, n.phone_number);
  assert.equal(number.lastResponse.attempts, 2);
  assert.deepEqual(retries.map((r) => r.reason), ["connection_lost"]);
  assert.equal(retries[0].idempotencyKey, number.lastResponse.idempotencyKey);
  const stats = e.stats();
  assert.equal(stats.numbers_purchased, 1);
  assert.equal(stats.faults_dropped, 1);
  assert.equal(stats.idempotent_replays, 1);
});

test("in-process emulator: without retries, a dropped POST is OutcomeUnknownError carrying the key that recovers it", async () => {
  const e = emu.createEmulator();
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch, maxRetries: 0 });
  const [n] = await client.numbers.searchAvailable({ limit: 1 });
  e.queueFault("drop");
  const err = await client.numbers.purchase({ phone_number: n.phone_number }).then(() => null, (x) => x);
  assert.ok(err instanceof pkg.OutcomeUnknownError, String(err));
  assert.equal(err.code, "outcome_unknown");
  assert.match(err.idempotencyKey, /^[0-9a-f-]{36}$/);
  const again = await client.numbers.purchase({ phone_number: n.phone_number }, { idempotencyKey: err.idempotencyKey });
  assert.equal(again.e164, n.phone_number);
  assert.equal(e.stats().numbers_purchased, 1);
});
