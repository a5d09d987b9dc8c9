// The dispatch console's API without a browser, against the Worker in Miniflare and the HTTP
// emulator on 127.0.0.1: who may call it and what it refuses (token, routes, fields, sizes,
// rate limits, webhook signatures), starting a campaign twice, and the polling fallback that
// finishes a campaign whose webhooks never arrive.
//
// Run by scripts/test-dispatch-console.sh (after scripts/build.sh and scripts/consumer.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCESS_TOKEN, consoleApi, startConsole } from "./console.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { CallingBox } = await import(new URL("../../target/consumer/callingbox.mjs", import.meta.url).href);
const API_KEY = "sk_test_dispatch_console_api_0123456789";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An emulator with a number and an agent, and the console in front of it. */
async function setUp(bindings = {}) {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true, initialCreditMilliCents: 1_000_000_000 });
  const admin = new CallingBox({ apiKey: API_KEY, baseUrl: server.url });
  const [n] = await admin.numbers.searchAvailable({ area_code: "212", limit: 1 });
  const number = await admin.numbers.purchase({ phone_number: n.phone_number });
  // The API echoing the key in an answer: the Worker must not pass it on.
  const agent = await admin.agents.create({ name: `Front desk ${API_KEY}`, type: "outbound", instructions: "Confirm the visit.", returns: { confirmed: "boolean" }, number_ids: [number.id], primary_number_id: number.id });
  const app = await startConsole({
    CALLINGBOX_API_KEY: API_KEY,
    CALLINGBOX_BASE_URL: server.url,
    CALLINGBOX_WEBHOOK_SECRET: server.emulator.defaultSigningSecret(API_KEY),
    ...bindings,
  });
  const call = (path, options) => consoleApi(app.url, path, options);
  return { server, admin, number, agent, app, call, close: async () => (await app.dispose(), await server.close()) };
}

const rowsOf = (phones) => phones.map((to, i) => ({ row: i + 1, to, context: { name: `Person ${i + 1}` } }));

test("who may ask what: token, routes, fields, sizes, webhook signatures, rate limits; the key never leaves", async () => {
  const { agent, number, app, call, close } = await setUp();
  try {
    assert.equal((await call("/api/agents", { token: "" })).status, 401);
    assert.equal((await call("/api/agents", { token: `${ACCESS_TOKEN.slice(0, -1)}x` })).status, 401);
    assert.equal((await call("/api/calls")).status, 404, "no other API route");
    const agents = await call("/api/agents");
    assert.equal(agents.status, 200);
    assert.ok(!agents.text.includes(API_KEY), "the key, echoed by the API, is redacted");
    assert.deepEqual(Object.keys(agents.json().data[0]).sort(), ["id", "name", "returns"], "not the instructions");

    const extra = await call("/api/agents", { method: "POST", body: { name: "x", instructions: "y", returns: {}, number_id: number.id, tools: [] } });
    assert.equal(extra.status, 400);
    assert.equal(extra.json().field, "tools");
    const campaign = (body) => call("/api/campaigns", { method: "POST", body: { agent_id: agent.id, number_id: number.id, columns: ["name"], ...body } });
    const badPhone = await campaign({ rows: rowsOf(["+1 212 555 0100", "+891 1663 9560"]) });
    assert.deepEqual([badPhone.status, badPhone.json().field], [400, "rows[1].to"], "the Worker checks every row again");
    const webhookUrl = await campaign({ rows: rowsOf(["+12125550100"]).map((r) => ({ ...r, webhook_url: "https://evil.example" })) });
    assert.deepEqual([webhookUrl.status, webhookUrl.json().field], [400, "rows[0]"]);
    const unknownColumn = await campaign({ rows: [{ row: 1, to: "+12125550100", context: { ssn: "x" } }] });
    assert.deepEqual([unknownColumn.status, unknownColumn.json().field], [400, "rows[0].context"]);
    const tooMany = await campaign({ rows: Array.from({ length: 10_001 }, (_, i) => ({ row: i + 1, to: "+12125550100" })) });
    assert.deepEqual([tooMany.status, tooMany.json().field], [400, "rows"]);
    const huge = await campaign({ rows: [{ row: 1, to: "+12125550100", context: { name: "x".repeat(5_000_000) } }] });
    assert.equal(huge.status, 413);

    const forged = await fetch(`${app.url}/webhooks`, { method: "POST", headers: { "callingbox-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` }, body: "{}" });
    assert.equal(forged.status, 400, "an unsigned event is refused");

    // Reads: 60 at once, then 2 a second.
    const statuses = [];
    for (let i = 0; i < 70; i++) statuses.push((await call("/api/numbers")).status);
    assert.ok(statuses.includes(429), `a burst of reads is limited: ${statuses}`);
    const limited = await call("/api/numbers");
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get("retry-after") ?? "", /^\d+$/);
  } finally {
    await close();
  }
});

test("starting a campaign twice places each call once; lost webhooks are made up for by polling", async () => {
  // Every webhook fails its signature check here: only the polling fallback can finish it.
  const { server, admin, agent, number, call, close } = await setUp({ CALLINGBOX_WEBHOOK_SECRET: "whsec_not_the_one_that_signs_0123456789", POLL_SECONDS: "1" });
  try {
    // A caller number the agent does not have yet: the campaign attaches it, keeping the other.
    const [n] = await admin.numbers.searchAvailable({ area_code: "415", limit: 1 });
    const other = await admin.numbers.purchase({ phone_number: n.phone_number });
    const body = { agent_id: agent.id, number_id: other.id, columns: ["name"], rows: rowsOf(["+12125550100", "+12125550101", "+15005550001", "+15005550002", "+12125550104"]) };
    const first = (await call("/api/campaigns", { method: "POST", body })).json();
    const second = (await call("/api/campaigns", { method: "POST", body })).json();
    assert.equal(second.id, first.id);
    assert.deepEqual([first.created, first.queued, second.created, second.queued], [true, 5, false, 0]);
    for (let i = 0; i < 100 && server.emulator.stats().calls_placed < 5; i++) await sleep(100);
    let state;
    for (let i = 0; i < 60; i++) {
      await server.emulator.advance(5_000);
      await sleep(250);
      state = (await call(`/api/campaigns/${first.id}?since=0`)).json();
      if (state.rows.every((r) => ["completed", "busy", "no_answer"].includes(r.status))) break;
    }
    state.rows.sort((a, b) => a.row - b.row);
    assert.deepEqual(state.rows.map((r) => r.status), ["completed", "completed", "busy", "no_answer", "completed"], JSON.stringify(state.counts));
    assert.equal(state.rows[0].result.confirmed, true);
    const stats = server.emulator.stats();
    assert.equal(stats.webhooks_delivered, 0, "no webhook got through");
    assert.ok(stats.webhook_failed_attempts > 0);
    const calls = [];
    for await (const c of admin.calls.list({ limit: 100 })) calls.push(c);
    assert.equal(calls.length, 5, "one call per row");
    assert.deepEqual(new Set(calls.map((c) => c.from_number)), new Set([other.e164]), "from the chosen number");
    const numbers = [];
    for await (const x of admin.numbers.list()) numbers.push(x);
    assert.deepEqual(numbers.filter((x) => x.outbound_agent_ids.includes(agent.id)).map((x) => x.id).sort(), [number.id, other.id].sort());
  } finally {
    await close();
  }
});
