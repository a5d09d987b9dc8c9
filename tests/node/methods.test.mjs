// Every method of the client (contract.test.mjs checks they are the description's operations): the request handed to fetch (method, URL with path-segment
// encoding and query, headers, JSON body) and the decoded result (incl. lastResponse).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { BASE, KEY, UUID_V4, client, fakeFetch, fixture, json, pkg } from "./helpers.mjs";

const phone = fixture("phone_number");
const available = fixture("available_number");
const agent = fixture("agent");
const call = fixture("call");
const transcript = fixture("transcript");
const endpoint = fixture("webhook_endpoint");
const delivery = fixture("webhook_delivery");

// An id that would change the path if it were not encoded as one segment.
const NASTY = "a/../b?c=d#e f%é";
const NASTY_ENC = "a%2F..%2Fb%3Fc%3Dd%23e%20f%25%C3%A9";

// [name, invoke, method, path+query, body sent (undefined = none), response, expected result]
const CASES = [
  ["numbers.list", (c) => c.numbers.list({ limit: 2, starting_after: "num_1", ending_before: "num 9&x=1" }),
    "GET", "/v1/numbers?limit=2&starting_after=num_1&ending_before=num%209%26x%3D1", undefined,
    json(200, { data: [phone], has_more: true }), { data: [phone], has_more: true }],
  ["numbers.searchAvailable", (c) => c.numbers.searchAvailable({ country_code: "US", area_code: "415", number_type: "local", limit: 5 }),
    "GET", "/v1/numbers/available?country_code=US&area_code=415&number_type=local&limit=5", undefined,
    json(200, [available]), [available]],
  ["numbers.purchase", (c) => c.numbers.purchase({ phone_number: "+1 (415) 555-0188" }),
    "POST", "/v1/numbers/purchase", { phone_number: "+14155550188" },
    json(201, phone), phone],
  ["agents.list", (c) => c.agents.list({ type: "outbound" }),
    "GET", "/v1/agents?type=outbound", undefined,
    json(200, { data: [agent] }), { data: [agent], has_more: false }],
  ["agents.create", (c) => c.agents.create({ name: "Reminders", type: "outbound", instructions: "Confirm.", returns: { confirmed: "boolean" }, tools: [{ type: "builtin", name: "end_call", description: "Hang up" }], number_ids: ["n1"], persona: null }),
    "POST", "/v1/agents", { name: "Reminders", type: "outbound", persona: null, instructions: "Confirm.", returns: { confirmed: "boolean" }, tools: [{ type: "builtin", name: "end_call", description: "Hang up" }], number_ids: ["n1"] },
    json(201, agent), agent],
  ["agents.retrieve", (c) => c.agents.retrieve(NASTY),
    "GET", `/v1/agents/${NASTY_ENC}`, undefined, json(200, agent), agent],
  ["agents.update", (c) => c.agents.update("agent_1", { name: "New name", persona: null, voicemail_action: "leave_message" }),
    "PATCH", "/v1/agents/agent_1", { name: "New name", persona: null, voicemail_action: "leave_message" },
    json(200, agent), agent],
  ["agents.archive", (c) => c.agents.archive("agent_1"),
    "DELETE", "/v1/agents/agent_1", undefined,
    new Response(null, { status: 204, headers: { "x-request-id": "req_default" } }), { id: "agent_1", archived: true }],
  ["agents.attachNumber", (c) => c.agents.attachNumber("agent_1", { number_id: "num_1", set_as_primary: true }),
    "POST", "/v1/agents/agent_1/numbers", { number_id: "num_1", set_as_primary: true },
    json(200, agent), agent],
  ["agents.detachNumber", (c) => c.agents.detachNumber("agent 1", "num/1"),
    "DELETE", "/v1/agents/agent%201/numbers/num%2F1", undefined, json(200, agent), agent],
  ["agents.setPrimaryNumber", (c) => c.agents.setPrimaryNumber("agent_1", { number_id: "num_1" }),
    "PUT", "/v1/agents/agent_1/primary-number", { number_id: "num_1" }, json(200, agent), agent],
  ["calls.create", (c) => c.calls.create({ agent_id: "agent_1", to: "+1 555-123-4567", from_number: "+1.415.555.0123", instructions: "Confirm", context: { patient: "Maria" }, webhook_url: "https://example.com/hook", metadata: { crm_id: "12345" } }),
    "POST", "/v1/calls", { agent_id: "agent_1", to: "+15551234567", from_number: "+14155550123", instructions: "Confirm", context: { patient: "Maria" }, webhook_url: "https://example.com/hook", metadata: { crm_id: "12345" } },
    json(201, call), call],
  ["calls.list", (c) => c.calls.list({ limit: 1 }),
    "GET", "/v1/calls?limit=1", undefined, json(200, [call]), { data: [call], has_more: false }],
  ["calls.retrieve", (c) => c.calls.retrieve(call.id),
    "GET", `/v1/calls/${call.id}`, undefined, json(200, call), call],
  ["calls.getTranscript", (c) => c.calls.getTranscript("call.1"),
    "GET", "/v1/calls/call.1/transcript", undefined, json(200, transcript), transcript],
  ["webhookEndpoints.create", (c) => c.webhookEndpoints.create({ url: "https://example.com/hook", description: null, enabled_events: ["call.completed", "call.failed"] }),
    "POST", "/v1/webhook_endpoints", { url: "https://example.com/hook", description: null, enabled_events: ["call.completed", "call.failed"] },
    json(201, endpoint), endpoint],
  ["webhookEndpoints.list", (c) => c.webhookEndpoints.list(),
    "GET", "/v1/webhook_endpoints", undefined, json(200, { data: [endpoint] }), { data: [endpoint], has_more: false }],
  ["webhookEndpoints.retrieve", (c) => c.webhookEndpoints.retrieve("we_1"),
    "GET", "/v1/webhook_endpoints/we_1", undefined, json(200, endpoint), endpoint],
  ["webhookEndpoints.update", (c) => c.webhookEndpoints.update("we_1", { status: "enabled", description: null, enabled_events: ["*"] }),
    "PATCH", "/v1/webhook_endpoints/we_1", { description: null, enabled_events: ["*"], status: "enabled" },
    json(200, endpoint), endpoint],
  ["webhookEndpoints.delete", (c) => c.webhookEndpoints.delete("we_1"),
    "DELETE", "/v1/webhook_endpoints/we_1", undefined,
    new Response(null, { status: 204, headers: { "x-request-id": "req_default" } }), { id: "we_1", deleted: true }],
  ["webhookEndpoints.rotateSecret", (c) => c.webhookEndpoints.rotateSecret("we_1"),
    "POST", "/v1/webhook_endpoints/we_1/rotate_secret", undefined, json(200, endpoint), endpoint],
  ["webhookDeliveries.list", (c) => c.webhookDeliveries.list({ endpoint_id: "we_1", call_id: call.id, status: "delivered", limit: 50 }),
    "GET", `/v1/webhook_deliveries?endpoint_id=we_1&call_id=${call.id}&status=delivered&limit=50`, undefined,
    json(200, { data: [delivery] }), { data: [delivery], has_more: false }],
  ["webhookDeliveries.retrieve", (c) => c.webhookDeliveries.retrieve(delivery.id),
    "GET", `/v1/webhook_deliveries/${delivery.id}`, undefined, json(200, delivery), delivery],
  ["webhookDeliveries.redeliver", (c) => c.webhookDeliveries.redeliver(delivery.id),
    "POST", `/v1/webhook_deliveries/${delivery.id}/redeliver`, undefined, json(200, delivery), delivery],
];

test("the table covers every method of the client, once", () => {
  const c = client(fakeFetch());
  const onClient = [];
  for (const resource of Object.keys(c)) {
    for (const [m, fn] of Object.entries(c[resource])) {
      assert.equal(typeof fn, "function");
      onClient.push(`${resource}.${m}`);
    }
  }
  const names = CASES.map((c) => c[0]);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual([...onClient].sort(), [...names].sort());
});

describe("every method", () => {
  for (const [name, invoke, method, path, body, response, expected] of CASES) {
    test(name, async () => {
      const fetch = fakeFetch(() => response.clone());
      const c = client(fetch, { defaultHeaders: { "X-Trace": "t-1", "Content-Type": "text/plain", Authorization: "Bearer nope" } });
      const result = await invoke(c);

      assert.equal(fetch.calls.length, 1);
      const { url, init, headers } = fetch.calls[0];
      assert.equal(init.method, method);
      assert.equal(url, BASE + path);
      assert.equal(new URL(url).origin, BASE, "an id must never change the origin");

      // headers
      assert.equal(headers.get("authorization"), `Bearer ${KEY}`, "the user's defaultHeaders cannot replace Authorization");
      assert.equal(headers.get("accept"), "application/json");
      assert.match(headers.get("user-agent") ?? "", /^callingbox-js\/\d+\.\d+\.\d+/);
      assert.equal(headers.get("x-trace"), "t-1");
      if (body === undefined) {
        assert.equal(init.body, undefined, "no body");
        assert.equal(headers.get("content-type"), null, "Content-Type only with a body");
      } else {
        assert.equal(typeof init.body, "string");
        assert.deepEqual(JSON.parse(init.body), body);
        assert.equal(headers.get("content-type"), "application/json");
      }
      const idem = headers.get("idempotency-key");
      if (method === "POST") {
        assert.match(idem ?? "", UUID_V4, "every POST carries a UUID v4 Idempotency-Key");
      } else {
        assert.equal(idem, null, "Idempotency-Key only on POST");
      }
      assert.ok(init.signal && typeof init.signal.aborted === "boolean", "a signal is always passed (timeouts)");

      // result
      assert.deepEqual(result, expected);
      const info = Object.getOwnPropertyDescriptor(result, "lastResponse");
      assert.ok(info, "lastResponse is present");
      assert.equal(info.enumerable, false, "lastResponse is not enumerable");
      assert.equal(result.lastResponse.status, response.status);
      assert.equal(result.lastResponse.requestId, "req_default");
      assert.equal(result.lastResponse.idempotencyKey, method === "POST" ? idem : undefined);
      assert.ok(!Object.keys(result).includes("lastResponse"));
      assert.ok(!JSON.stringify(result).includes("lastResponse"));
    });
  }
});

describe("Idempotency-Key", () => {
  test("different on every POST, and the user's own key when given", async () => {
    const fetch = fakeFetch(() => json(201, call));
    const c = client(fetch);
    const p = { agent_id: "agent_1", to: "+15551234567" };
    const a = await c.calls.create(p);
    const b = await c.calls.create(p);
    await c.webhookDeliveries.redeliver("d1");
    const mine = await c.calls.create(p, { idempotencyKey: "order-42-call" });
    await c.webhookEndpoints.rotateSecret("we_1", { idempotencyKey: "rotate-7" });
    const keys = fetch.calls.map((x) => x.headers.get("idempotency-key"));
    assert.equal(new Set(keys).size, 5, "no key reused");
    for (const k of keys.slice(0, 3)) assert.match(k, UUID_V4);
    assert.equal(keys[3], "order-42-call");
    assert.equal(keys[4], "rotate-7");
    assert.equal(a.lastResponse.idempotencyKey, keys[0]);
    assert.equal(b.lastResponse.idempotencyKey, keys[1]);
    assert.equal(mine.lastResponse.idempotencyKey, "order-42-call");
  });

  test("100 generated keys are distinct UUID v4s", async () => {
    const fetch = fakeFetch(() => json(200, delivery));
    const c = client(fetch);
    for (let i = 0; i < 100; i++) await c.webhookDeliveries.redeliver("d1");
    const keys = fetch.calls.map((x) => x.headers.get("idempotency-key"));
    assert.equal(new Set(keys).size, 100);
    for (const k of keys) assert.match(k, UUID_V4);
  });

  test("an idempotencyKey option on a GET sends no Idempotency-Key", async () => {
    const fetch = fakeFetch(() => json(200, call));
    await client(fetch).calls.retrieve("c1", { idempotencyKey: "k-1" });
    assert.equal(fetch.calls[0].headers.get("idempotency-key"), null);
  });
});

describe("requests", () => {
  test("baseUrl defaults to https://api.callingbox.io and a trailing slash is dropped", async () => {
    const fetch = fakeFetch(() => json(200, call));
    await new pkg.CallingBox({ apiKey: KEY, fetch }).calls.retrieve("c1");
    await client(fetch, { baseUrl: "http://localhost:8787/" }).calls.retrieve("c1");
    assert.equal(fetch.calls[0].url, "https://api.callingbox.io/v1/calls/c1");
    assert.equal(fetch.calls[1].url, "http://localhost:8787/v1/calls/c1");
  });

  test("query: undefined (and null unknown keys) are left out, booleans and unknown keys pass through", async () => {
    const fetch = fakeFetch(() => json(200, []));
    await client(fetch).calls.list({ limit: undefined, starting_after: undefined, future_filter: null, include_legacy: true, cursor_v2: "x y" });
    assert.equal(fetch.calls[0].url, `${BASE}/v1/calls?include_legacy=true&cursor_v2=x%20y`);
  });

  test("no params at all: no query string, no body", async () => {
    const fetch = fakeFetch(() => json(200, []));
    const c = client(fetch);
    await c.numbers.list();
    await c.agents.list(undefined);
    await c.calls.list(null);
    assert.deepEqual(fetch.calls.map((x) => x.url), [`${BASE}/v1/numbers`, `${BASE}/v1/agents`, `${BASE}/v1/calls`]);
  });

  test("body: unknown keys pass through, undefined members are left out, Dates become ISO strings", async () => {
    const fetch = fakeFetch(() => json(201, call));
    await client(fetch).calls.create({ agent_id: "a1", to: "+15551234567", instructions: undefined, future_field: { x: [1, "2", null] }, metadata: { at: new Date(Date.UTC(2026, 0, 2)) } });
    assert.deepEqual(JSON.parse(fetch.calls[0].init.body), { agent_id: "a1", to: "+15551234567", metadata: { at: "2026-01-02T00:00:00.000Z" }, future_field: { x: [1, "2", null] } });
  });

  test("the user's params object is not modified", async () => {
    const fetch = fakeFetch(() => json(201, call));
    const params = Object.freeze({ agent_id: "a1", to: "+1 (555) 123-4567", metadata: Object.freeze({ a: 1 }) });
    await client(fetch).calls.create(params);
    assert.equal(params.to, "+1 (555) 123-4567");
  });

  test("defaultHeaders may set other headers (e.g. User-Agent, X-Foo) on every request", async () => {
    const fetch = fakeFetch(() => json(200, call));
    const c = client(fetch, { defaultHeaders: { "user-agent": "my-app/1.0", "X-Foo": "bar" } });
    await c.calls.retrieve("c1");
    assert.equal(fetch.calls[0].headers.get("user-agent"), "my-app/1.0");
    assert.equal(fetch.calls[0].headers.get("x-foo"), "bar");
  });
});

describe("decoding (tolerant of every documented variant)", () => {
  const cases = [
    ["list: bare array → { data, has_more: false }", (c) => c.numbers.list(), json(200, [phone, phone]), { data: [phone, phone], has_more: false }],
    ["list: { data } without has_more → has_more: false", (c) => c.calls.list(), json(200, { data: [call] }), { data: [call], has_more: false }],
    ["list: has_more: null → false", (c) => c.calls.list(), json(200, { data: [], has_more: null }), { data: [], has_more: false }],
    ["list: envelope kept as is (extra fields too)", (c) => c.calls.list(), json(200, { data: [call], has_more: true, object: "list" }), { data: [call], has_more: true, object: "list" }],
    ["list: empty bare array", (c) => c.webhookDeliveries.list(), json(200, []), { data: [], has_more: false }],
    ["searchAvailable: { data: [...] } envelope → array", (c) => c.numbers.searchAvailable(), json(200, { data: [available] }), [available]],
    ["searchAvailable: bare array", (c) => c.numbers.searchAvailable(), json(200, [available, available]), [available, available]],
    ["one resource: { data: {...} } wrapper removed", (c) => c.calls.retrieve("c1"), json(200, { data: call }), call],
    ["unknown fields and enum values pass through", (c) => c.calls.retrieve("c1"),
      json(200, { ...call, status: "teleported", brand_new: { x: 1 } }), { ...call, status: "teleported", brand_new: { x: 1 } }],
    ["archive: 200 + archived Agent", (c) => c.agents.archive("a1"),
      json(200, { ...agent, archived_at: "2026-04-16T00:00:00Z" }), { ...agent, archived_at: "2026-04-16T00:00:00Z" }],
    ["archive: 200 with an empty body → { id, archived: true }", (c) => c.agents.archive("a1"), new Response("", { status: 200 }), { id: "a1", archived: true }],
    ["delete: 200 + { id, deleted: true }", (c) => c.webhookEndpoints.delete("we_9"), json(200, { id: "we_9", deleted: true }), { id: "we_9", deleted: true }],
    ["delete: 204 → { id, deleted: true }", (c) => c.webhookEndpoints.delete("we 9"), new Response(null, { status: 204 }), { id: "we 9", deleted: true }],
    ["any 2xx is success (202)", (c) => c.calls.create({ agent_id: "a", to: "+15551234567" }), json(202, call), call],
    ["numbers as error_code (string or number)", (c) => c.calls.retrieve("c1"), json(200, { ...call, error_code: 21211 }), { ...call, error_code: 21211 }],
  ];
  for (const [name, invoke, response, expected] of cases) {
    test(name, async () => {
      const result = await invoke(client(fakeFetch(() => response)));
      assert.deepEqual(result, expected);
      assert.equal(result.lastResponse.status, response.status);
    });
  }

  test("lastResponse.requestId is undefined without X-Request-Id", async () => {
    const r = await client(fakeFetch(() => new Response(JSON.stringify(call), { status: 200 }))).calls.retrieve("c1");
    assert.equal(r.lastResponse.requestId, undefined);
    assert.equal(r.lastResponse.status, 200);
  });

  test("lastResponse on an array result (searchAvailable) is non-enumerable too", async () => {
    const r = await client(fakeFetch(() => json(200, [available], { "x-request-id": "req_arr" }))).numbers.searchAvailable();
    assert.ok(Array.isArray(r));
    assert.equal(r.lastResponse.requestId, "req_arr");
    assert.deepEqual(Object.keys(r), ["0"]);
  });
});
