// Many calls in flight on one client, answered out of order: each resolves to its own result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { UUID_V4, client, fakeFetch, failure, fixture, json, pkg } from "./helpers.mjs";

const call = fixture("call");
const agent = fixture("agent");

/** Deterministic pseudo-random delays (so a failure can be reproduced). */
function delays(n, seed = 7) {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % 40;
  });
}

test("50 concurrent retrieves, answered out of order, each gets its own object and request id", async () => {
  const wait = delays(50);
  const fetch = fakeFetch((url) => {
    const id = decodeURIComponent(url.split("/").pop());
    const i = Number(id.split("_")[1]);
    return new Promise((r) => setTimeout(() => r(json(200, { ...call, id }, { "x-request-id": `req_${i}` })), wait[i]));
  });
  const c = client(fetch);
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => c.calls.retrieve(`call_${i}`)));
  assert.equal(fetch.calls.length, 50);
  results.forEach((r, i) => {
    assert.equal(r.id, `call_${i}`);
    assert.equal(r.lastResponse.requestId, `req_${i}`);
  });
  // They really were answered out of order.
  const order = [...wait.keys()].sort((a, b) => wait[a] - wait[b]);
  assert.notDeepEqual(order, [...wait.keys()]);
});

test("50 concurrent mixed operations (POSTs, lists, errors) on one client", async () => {
  const wait = delays(50, 99);
  const fetch = fakeFetch((url, init) => {
    const u = new URL(url);
    let i;
    if (init.method === "POST") i = JSON.parse(init.body).metadata.i;
    else if (u.searchParams.has("limit")) i = Number(u.searchParams.get("limit"));
    else i = Number(u.pathname.split("_").pop());
    let res;
    if (u.pathname === "/v1/calls" && init.method === "POST") res = json(201, { ...call, id: `created_${i}`, metadata: { i } }, { "x-request-id": `req_${i}` });
    else if (u.pathname === "/v1/calls") res = json(200, Array.from({ length: i }, (_, k) => ({ ...call, id: `l${i}_${k}` })), { "x-request-id": `req_${i}` });
    else if (u.pathname.startsWith("/v1/agents/")) res = json(404, { error: `agent agent_${i} not found` }, { "x-request-id": `req_${i}` });
    else res = json(500, { error: "unexpected" });
    return new Promise((r) => setTimeout(() => r(res), wait[i]));
  });
  const c = client(fetch);
  const work = Array.from({ length: 50 }, (_, i) => {
    if (i % 3 === 0) return c.calls.create({ agent_id: "a", to: "+15551234567", metadata: { i } });
    if (i % 3 === 1) return c.calls.list({ limit: i });
    return failure(c.agents.retrieve(`agent_${i}`));
  });
  const out = await Promise.all(work);
  const keys = new Set();
  out.forEach((r, i) => {
    if (i % 3 === 0) {
      assert.equal(r.id, `created_${i}`);
      assert.equal(r.lastResponse.requestId, `req_${i}`);
      assert.match(r.lastResponse.idempotencyKey, UUID_V4);
      keys.add(r.lastResponse.idempotencyKey);
    } else if (i % 3 === 1) {
      assert.equal(r.data.length, i);
      assert.equal(r.has_more, false);
      assert.equal(r.data[0].id, `l${i}_0`);
      assert.equal(r.lastResponse.requestId, `req_${i}`);
    } else {
      assert.ok(r instanceof pkg.NotFoundError);
      assert.equal(r.requestId, `req_${i}`);
      assert.ok(r.message.includes(`agent_${i}`));
    }
  });
  assert.equal(keys.size, 17, "every concurrent POST has its own Idempotency-Key");
});

test("two clients with different keys and base URLs do not share state", async () => {
  const fetch = fakeFetch(() => new Promise((r) => setTimeout(() => r(json(200, agent)), 5)));
  const a = new pkg.CallingBox({ apiKey: "sk_test_aaaaaaaaaaaa", baseUrl: "https://a.example", fetch });
  const b = new pkg.CallingBox({ apiKey: "sk_test_bbbbbbbbbbbb", baseUrl: "https://b.example", fetch });
  await Promise.all([a.agents.retrieve("x"), b.agents.retrieve("y"), a.agents.retrieve("z")]);
  const seen = fetch.calls.map((c) => [c.url, c.headers.get("authorization")]);
  assert.deepEqual(seen, [
    ["https://a.example/v1/agents/x", "Bearer sk_test_aaaaaaaaaaaa"],
    ["https://b.example/v1/agents/y", "Bearer sk_test_bbbbbbbbbbbb"],
    ["https://a.example/v1/agents/z", "Bearer sk_test_aaaaaaaaaaaa"],
  ]);
});
