// Auto-pagination: a list call is a promise of one page and an async iterable of every item.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KEY, json, pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);

test("for await walks every page with starting_after = the last id, and stops at has_more: false", async () => {
  const urls = [];
  const pages = [
    { data: [{ id: "c5" }, { id: "c4" }], has_more: true },
    { data: [{ id: "c3" }, { id: "c2" }], has_more: true },
    { data: [{ id: "c1" }], has_more: false },
  ];
  const fetch = async (url) => {
    urls.push(new URL(url).search);
    return json(200, pages[urls.length - 1]);
  };
  const client = new pkg.CallingBox({ apiKey: KEY, baseUrl: "http://127.0.0.1:9", fetch });
  const ids = [];
  for await (const call of client.calls.list({ limit: 2 })) ids.push(call.id);
  assert.deepEqual(ids, ["c5", "c4", "c3", "c2", "c1"]);
  assert.deepEqual(urls, ["?limit=2", "?limit=2&starting_after=c4", "?limit=2&starting_after=c2"]);
});

test("awaiting a list still gives one page; breaking early fetches no further page", async () => {
  let calls = 0;
  const fetch = async () => {
    calls++;
    return json(200, { data: [{ id: "n1" }, { id: "n2" }], has_more: true });
  };
  const client = new pkg.CallingBox({ apiKey: KEY, baseUrl: "http://127.0.0.1:9", fetch });
  const page = await client.numbers.list({ limit: 2 });
  assert.deepEqual(page.data.map((n) => n.id), ["n1", "n2"]);
  assert.equal(page.has_more, true);
  for await (const n of client.numbers.list({ limit: 2 })) {
    assert.equal(n.id, "n1");
    break;
  }
  assert.equal(calls, 2, "one request per list call, none for pages not reached");
});

test("an error on a later page rejects the iteration with the typed error", async () => {
  let calls = 0;
  const fetch = async () => (++calls === 1 ? json(200, { data: [{ id: "a" }], has_more: true }) : json(404, { error: "cursor a not found" }));
  const client = new pkg.CallingBox({ apiKey: KEY, baseUrl: "http://127.0.0.1:9", fetch, maxRetries: 0 });
  const seen = [];
  await assert.rejects(async () => {
    for await (const c of client.calls.list()) seen.push(c.id);
  }, pkg.NotFoundError);
  assert.deepEqual(seen, ["a"]);
});

test("against the emulator: every call, each once, newest first; and backwards from ending_before", async () => {
  const e = emu.createEmulator({ initialCreditMilliCents: 10_000_000 });
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
  const [n] = await client.numbers.searchAvailable({ limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  const agent = await client.agents.create({ name: "A", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
  const created = [];
  for (let i = 0; i < 7; i++) created.push((await client.calls.create({ agent_id: agent.id, to: "+15551234567", metadata: { i: String(i) } })).id);
  const all = [];
  for await (const c of client.calls.list({ limit: 3 })) all.push(c.id);
  assert.deepEqual(all, [...created].reverse());
  const older = [];
  for await (const c of client.calls.list({ limit: 2, ending_before: created[2] })) older.push(c.id);
  // Walking backwards yields the newer calls from the cursor outwards: oldest first.
  assert.deepEqual(older, created.slice(3), "every newer call, each once, nearest the cursor first");
  // Lists without cursors are one page.
  const agents = [];
  for await (const a of client.agents.list()) agents.push(a.id);
  assert.deepEqual(agents, [agent.id]);
});
