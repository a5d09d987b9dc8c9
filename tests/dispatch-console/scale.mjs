// The dispatch console's queue at scale, with faults: N rows (default 10,000) started through
// the Worker's API, placed by its queue consumer against the HTTP emulator answering POST
// /v1/calls with 429s, 503s, dropped connections and late answers, while the consumer crashes
// at random points of a share of its messages (TEST_CRASH_RATE). Afterwards every row must
// have exactly one call at the emulator, and the campaign must name that call: 0 duplicates,
// 0 missing. Prints the time it took and the peak number of POST /v1/calls in flight
// (counted by a small proxy in front of the emulator).
//
// Run: node tests/dispatch-console/scale.mjs [rows=10000]  (needs pkg/ and target/consumer)
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { consoleApi, startConsole } from "./console.mjs";

const ROWS = Number(process.argv[2] ?? 10_000);
const CRASH_RATE = 0.1;
const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { CallingBox } = await import(new URL("../../target/consumer/callingbox.mjs", import.meta.url).href);

const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
const server = await emu.startEmulatorServer({
  port: 0, seed, manualClock: true, initialCreditMilliCents: 1_000_000_000_000,
  faults: { rate429: 0.03, retryAfterSecs: 1, rate503: 0.03, rateDrop: 0.03, rateDelay: 0.03, delayMs: 1000, method: "POST", pathPrefix: "/v1/calls" },
});

/** A pass-through proxy to the emulator that counts the calls.create requests in flight. */
let inFlight = 0;
let peak = 0;
const proxy = createServer((req, res) => {
  const counted = req.method === "POST" && req.url === "/v1/calls";
  if (counted) peak = Math.max(peak, ++inFlight);
  let ended = false;
  const end = () => {
    if (counted && !ended) inFlight--;
    ended = true;
  };
  const upstream = httpRequest(new URL(req.url, server.url), { method: req.method, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode, up.headers);
    up.pipe(res);
    up.on("end", end);
    up.on("error", () => (end(), res.destroy()));
  });
  upstream.on("error", () => (end(), res.destroy())); // a dropped connection stays dropped
  req.pipe(upstream);
});
await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;

const apiKey = server.apiKey;
const admin = new CallingBox({ apiKey, baseUrl: server.url, maxRetries: 8 });
const app = await startConsole(
  { CALLINGBOX_API_KEY: apiKey, CALLINGBOX_BASE_URL: proxyUrl, CALLINGBOX_WEBHOOK_SECRET: server.emulator.defaultSigningSecret(apiKey), TEST_CRASH_RATE: String(CRASH_RATE) },
  { consumer: { retryDelay: 1 } }, // a crashed batch comes back after 1 s, not 5: a shorter run
);
try {
  const [n] = await admin.numbers.searchAvailable({ area_code: "415", limit: 1 });
  const number = await admin.numbers.purchase({ phone_number: n.phone_number });
  const agent = await admin.agents.create({ name: "Scale test", type: "outbound", returns: { confirmed: "boolean" }, number_ids: [number.id], primary_number_id: number.id });
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    row: i + 1,
    to: `+1${["415", "628", "510"][Math.floor(i / 10_000)]}555${String(i % 10_000).padStart(4, "0")}`,
    context: { name: `Person ${i + 1}` },
  }));

  const started = Date.now();
  const start = await consoleApi(app.url, "/api/campaigns", { method: "POST", body: { agent_id: agent.id, number_id: number.id, columns: ["name"], rows } });
  assert.equal(start.status, 200, start.text);
  const { id } = start.json();
  let counts;
  for (let last = ""; ; ) {
    await new Promise((r) => setTimeout(r, 1000));
    const state = await consoleApi(app.url, `/api/campaigns/${id}?since=999999999999`);
    if (state.status === 429) continue;
    counts = state.json().counts;
    const line = JSON.stringify(counts);
    if (line !== last) console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${line}  (peak in flight ${peak})`);
    last = line;
    if (!counts.pending) break;
    assert.ok(Date.now() - started < 30 * 60_000, "the campaign did not finish placing in 30 minutes");
  }
  const seconds = (Date.now() - started) / 1000;

  // The campaign's rows, and the emulator's calls.
  const campaignRows = [];
  for (let since = 0, more = true; more; ) {
    const page = await consoleApi(app.url, `/api/campaigns/${id}?since=${since}`);
    if (page.status === 429) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    const state = page.json();
    campaignRows.push(...state.rows);
    ({ seq: since, more } = state);
  }
  const calls = [];
  for await (const call of admin.calls.list({ limit: 100 })) calls.push(call);
  const callsOfRow = new Map();
  for (const call of calls) callsOfRow.set(call.metadata.row, [...(callsOfRow.get(call.metadata.row) ?? []), call]);
  const duplicates = [...callsOfRow.values()].filter((c) => c.length > 1).length;
  const stats = server.emulator.stats();

  console.log(`\n${ROWS} rows in ${seconds.toFixed(1)} s (${(ROWS / seconds).toFixed(0)} rows/s); peak POST /v1/calls in flight: ${peak}`);
  console.log(`calls at the emulator: ${calls.length}; duplicates: ${duplicates}; rows by status: ${JSON.stringify(counts)}`);
  console.log(`faults: ${stats.faults_429} × 429, ${stats.faults_503} × 503, ${stats.faults_dropped} dropped, ${stats.faults_delayed} late; idempotent replays: ${stats.idempotent_replays}; consumer crash rate: ${CRASH_RATE} of messages (seed ${seed})`);

  assert.equal(duplicates, 0, "a row has two calls");
  assert.equal(calls.length, ROWS, "one call per row");
  assert.equal(campaignRows.length, ROWS, "every row accounted for");
  for (const r of campaignRows) {
    const [call] = callsOfRow.get(r.row) ?? [];
    assert.ok(call, `row ${r.row} has no call`);
    assert.equal(r.call_id, call.id, `row ${r.row} names another call`);
    assert.equal(r.status, "queued", `row ${r.row}`);
    assert.equal(call.to_number, rows[r.row - 1].to);
  }
  assert.ok(stats.faults_429 + stats.faults_503 + stats.faults_dropped + stats.faults_delayed > 0, "no fault was injected");
  console.log("ok: every row has exactly one call");
} finally {
  await app.dispose();
  proxy.close();
  await server.close();
}
