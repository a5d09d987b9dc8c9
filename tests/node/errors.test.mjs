// Every error kind the client reports for what comes back from fetch: one class per API
// status, error-body shapes, unreadable 2xx answers, connection failures, non-Responses.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { client as retryingClient, fakeFetch, failure, fixture, json, pkg } from "./helpers.mjs";

const {
  CallingBoxError, APIError, BadRequestError, AuthenticationError, InsufficientCreditError,
  PermissionDeniedError, NotFoundError, ConflictError, UnprocessableEntityError, RateLimitError,
  InternalServerError, TelephonyProviderError, APIConnectionError, InvalidResponseError,
  ValidationError, TimeoutError, AbortError,
} = pkg;

const call = fixture("call");

// These tests are about how ONE answer (or fetch failure) maps to an error, so the client
// is built with retries off: with the default maxRetries (2) a 429/5xx/connection failure
// would be retried after a real backoff, and the fetch call counts below would be 3. The
// retry behaviour itself is tested in retry.test.mjs.
const client = (fetch, options = {}) => retryingClient(fetch, { maxRetries: 0, ...options });

// status → [class, name, code]
const BY_STATUS = [
  [400, BadRequestError, "BadRequestError", "bad_request"],
  [401, AuthenticationError, "AuthenticationError", "authentication_error"],
  [402, InsufficientCreditError, "InsufficientCreditError", "insufficient_credit"],
  [403, PermissionDeniedError, "PermissionDeniedError", "permission_denied"],
  [404, NotFoundError, "NotFoundError", "not_found"],
  [409, ConflictError, "ConflictError", "conflict"],
  [422, UnprocessableEntityError, "UnprocessableEntityError", "unprocessable_entity"],
  [429, RateLimitError, "RateLimitError", "rate_limited"],
  [500, InternalServerError, "InternalServerError", "server_error"],
  [502, TelephonyProviderError, "TelephonyProviderError", "telephony_provider_error"],
  [503, InternalServerError, "InternalServerError", "server_error"],
  [504, InternalServerError, "InternalServerError", "server_error"],
  [418, APIError, "APIError", "api_error"],
  [405, APIError, "APIError", "api_error"],
];
const ALL_API_CLASSES = [BadRequestError, AuthenticationError, InsufficientCreditError, PermissionDeniedError, NotFoundError,
  ConflictError, UnprocessableEntityError, RateLimitError, InternalServerError, TelephonyProviderError];

describe("one error kind per status", () => {
  for (const [status, Cls, name, code] of BY_STATUS) {
    test(`${status} → ${name}`, async () => {
      const body = { error: `thing went wrong (${status})` };
      const fetch = fakeFetch(() => json(status, body, { "x-request-id": `req_${status}` }));
      const err = await failure(client(fetch).calls.create({ agent_id: "agent_1", to: "+15551234567" }));
      assert.equal(fetch.calls.length, 1, "one attempt (maxRetries: 0)");
      assert.ok(err instanceof Cls, `instanceof ${name}`);
      assert.ok(err instanceof APIError);
      assert.ok(err instanceof CallingBoxError);
      assert.ok(err instanceof Error);
      for (const Other of ALL_API_CLASSES) {
        if (!(Cls === Other || (Cls === TelephonyProviderError && Other === InternalServerError))) {
          assert.ok(!(err instanceof Other), `not instanceof ${Other.name}`);
        }
      }
      assert.equal(err.name, name);
      assert.equal(err.code, code);
      assert.equal(err.status, status);
      assert.equal(err.requestId, `req_${status}`);
      assert.deepEqual(err.body, body);
      assert.equal(err.apiCode, undefined);
      assert.match(err.message, new RegExp(`^${status}\\b`));
      assert.ok(err.message.includes(`thing went wrong (${status})`), err.message);
      assert.ok(String(err).startsWith(`${name}: `), String(err));
      assert.equal(typeof err.stack, "string");
    });
  }
});

describe("error bodies", () => {
  test('{"error": {"message", "code"}} → message and apiCode', async () => {
    const body = { error: { message: "Calls paused. Add credit.", code: "insufficient_credit_hold" } };
    const err = await failure(client(fakeFetch(() => json(402, body))).calls.create({ agent_id: "a", to: "+15551234567" }));
    assert.ok(err instanceof InsufficientCreditError);
    assert.equal(err.apiCode, "insufficient_credit_hold");
    assert.ok(err.message.includes("Calls paused. Add credit."), err.message);
    assert.deepEqual(err.body, body);
  });

  test("a numeric error.code becomes a string apiCode", async () => {
    const err = await failure(client(fakeFetch(() => json(400, { error: { message: "bad", code: 21211 } }))).calls.retrieve("c1"));
    assert.equal(err.apiCode, "21211");
  });

  test('{"message": "..."} shape', async () => {
    const err = await failure(client(fakeFetch(() => json(409, { message: "number already has an inbound agent" }))).agents.attachNumber("a1", { number_id: "n1" }));
    assert.ok(err instanceof ConflictError);
    assert.ok(err.message.includes("number already has an inbound agent"));
  });

  test("a JSON body without a message still gives a readable message", async () => {
    const err = await failure(client(fakeFetch(() => json(500, { oops: true }))).calls.retrieve("c1"));
    assert.ok(err instanceof InternalServerError);
    assert.deepEqual(err.body, { oops: true });
    assert.ok(err.message.length > 10, err.message);
  });

  test("HTML error page: body kept as text, message names the page title", async () => {
    const html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>cloudflare</h1></body></html>";
    const fetch = fakeFetch(() => new Response(html, { status: 502, headers: { "content-type": "text/html", "x-request-id": "req_html" } }));
    const err = await failure(client(fetch).calls.create({ agent_id: "a", to: "+15551234567" }));
    assert.ok(err instanceof TelephonyProviderError);
    assert.equal(err.body, html);
    assert.equal(err.requestId, "req_html");
    assert.ok(err.message.includes("502 Bad Gateway"), err.message);
    assert.ok(!err.message.includes("<h1>"), "the page itself is not dumped into the message");
  });

  test("HTML error page without a title", async () => {
    const err = await failure(client(fakeFetch(() => new Response("<html><body>nope</body></html>", { status: 503 }))).calls.list());
    assert.ok(err instanceof InternalServerError);
    assert.equal(err.body, "<html><body>nope</body></html>");
    assert.match(err.message, /html/i);
  });

  test("plain-text error body", async () => {
    const err = await failure(client(fakeFetch(() => new Response("upstream connect error", { status: 503 }))).calls.list());
    assert.equal(err.body, "upstream connect error");
    assert.ok(err.message.includes("upstream connect error"));
  });

  test("empty error body", async () => {
    const err = await failure(client(fakeFetch(() => new Response(null, { status: 401 }))).calls.list());
    assert.ok(err instanceof AuthenticationError);
    assert.equal(err.status, 401);
    assert.equal(err.body, "");
    assert.equal(err.requestId, undefined);
    assert.match(err.message, /^401 .*empty/);
  });

  test("truncated JSON error body is kept as text", async () => {
    const err = await failure(client(fakeFetch(() => new Response('{"error": "call x not fo', { status: 404 }))).calls.retrieve("x"));
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.body, '{"error": "call x not fo');
  });
});

describe("bodies cross into the core as UTF-8 bytes", () => {
  const text = "Café ☃ 電話 👋🏽 \u2028 end";
  test("non-ASCII text in a 2xx body comes back unchanged (one object and a 300-item page)", async () => {
    const one = { ...call, prompt: text, metadata: { note: text } };
    const got = await client(fakeFetch(() => json(200, one))).calls.retrieve(call.id);
    assert.equal(got.prompt, text);
    assert.equal(got.metadata.note, text);
    const page = { data: Array.from({ length: 300 }, (_, i) => ({ ...one, id: `${call.id}-${i}` })), has_more: false };
    const list = await client(fakeFetch(() => json(200, page))).calls.list({ limit: 100 });
    assert.equal(list.data.length, 300);
    assert.equal(list.data[299].prompt, text);
  });

  test("non-ASCII text in an error body reaches the message; a wrong type deep in a page is still found", async () => {
    const err = await failure(client(fakeFetch(() => json(409, { error: { message: text } }))).calls.retrieve("c1"));
    assert.ok(err instanceof ConflictError);
    assert.ok(err.message.includes(text), err.message);
    const page = { data: Array.from({ length: 300 }, (_, i) => ({ ...call, id: `c${i}`, prompt: text })), has_more: false };
    page.data[257].duration_seconds = "59";
    const bad = await failure(client(fakeFetch(() => json(200, page))).calls.list());
    assert.ok(bad instanceof InvalidResponseError, String(bad));
    assert.match(bad.message, /data\[257\]\.duration_seconds: expected number, got string/);
  });
});

describe("2xx answers that cannot be read → InvalidResponseError", () => {
  const cases = [
    ["malformed JSON", (c) => c.calls.retrieve("c1"), "{not json}", /not valid JSON/],
    ["truncated JSON", (c) => c.calls.retrieve("c1"), JSON.stringify(call).slice(0, 120), /truncated/],
    ["HTML page with status 200", (c) => c.calls.retrieve("c1"), "<html><title>Login</title></html>", /not valid JSON/],
    ["empty body for a resource", (c) => c.calls.retrieve("c1"), "", /empty/],
    ["wrong field type (id is a number)", (c) => c.calls.retrieve("c1"), JSON.stringify({ ...call, id: 42 }), /id: expected string/],
    ["wrong field type (duration_seconds is a string)", (c) => c.calls.retrieve("c1"), JSON.stringify({ ...call, duration_seconds: "158" }), /duration_seconds/],
    ["wrong nested type (agent.numbers[0].monthly_cost_cents)", (c) => c.agents.retrieve("a1"),
      JSON.stringify({ ...fixture("agent"), numbers: [{ ...fixture("phone_number"), monthly_cost_cents: "1" }] }), /numbers\[0\]\.monthly_cost_cents/],
    ["missing required id", (c) => c.calls.retrieve("c1"), JSON.stringify({ status: "queued" }), /id/],
    ["an array where an object is expected", (c) => c.calls.retrieve("c1"), JSON.stringify([call]), /Call object/],
    ["a string where a list is expected", (c) => c.calls.list(), '"nope"', /list/],
    ["list item of the wrong type", (c) => c.calls.list(), JSON.stringify({ data: [call, 7] }), /data\[1\]/],
    ["has_more not a boolean", (c) => c.calls.list(), JSON.stringify({ data: [], has_more: "yes" }), /has_more/],
    ["object without data for a list", (c) => c.webhookEndpoints.list(), JSON.stringify({ items: [] }), /data/],
    ["searchAvailable: object without data", (c) => c.numbers.searchAvailable(), JSON.stringify({ numbers: [] }), /data/],
    ["transcript without segments", (c) => c.calls.getTranscript("c1"), JSON.stringify({ call_id: "c1" }), /segments/],
    ["delete: deleted is not a boolean", (c) => c.webhookEndpoints.delete("w1"), JSON.stringify({ id: "w1", deleted: "yes" }), /deleted/],
  ];
  for (const [name, invoke, body, pattern] of cases) {
    test(name, async () => {
      const err = await failure(invoke(client(fakeFetch(() => new Response(body, { status: 200, headers: { "x-request-id": "req_bad" } })))));
      assert.ok(err instanceof InvalidResponseError, `${err && err.name}: ${err && err.message}`);
      assert.ok(err instanceof CallingBoxError);
      assert.ok(!(err instanceof APIError));
      assert.equal(err.name, "InvalidResponseError");
      assert.equal(err.code, "invalid_response");
      assert.equal(err.status, 200);
      assert.equal(err.requestId, "req_bad");
      assert.match(err.message, pattern);
    });
  }
});

describe("fetch itself fails", () => {
  test("fetch rejecting with a TypeError → APIConnectionError with the cause in the message", async () => {
    const fetch = fakeFetch(() => { throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:443") }); });
    const err = await failure(client(fetch).calls.retrieve("c1"));
    assert.ok(err instanceof APIConnectionError);
    assert.ok(err instanceof CallingBoxError);
    assert.ok(!(err instanceof APIError) && !(err instanceof TimeoutError) && !(err instanceof AbortError));
    assert.equal(err.name, "APIConnectionError");
    assert.equal(err.code, "connection_error");
    assert.match(err.message, /fetch failed/);
    assert.match(err.message, /ECONNREFUSED/);
    assert.equal(fetch.calls.length, 1);
  });

  test("fetch throwing synchronously → APIConnectionError", async () => {
    const fetch = function () { throw new TypeError("Failed to fetch"); };
    const err = await failure(client(fetch).calls.list());
    assert.ok(err instanceof APIConnectionError);
  });

  test("fetch rejecting with a non-Error value → APIConnectionError", async () => {
    const err = await failure(client(fakeFetch(() => Promise.reject("socket hang up"))).calls.list());
    assert.ok(err instanceof APIConnectionError);
    assert.match(err.message, /socket hang up/);
  });

  test("the body stream failing mid-read (connection reset) → APIConnectionError", async () => {
    const fetch = fakeFetch(() => new Response(new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"id": "c1", '));
        setTimeout(() => c.error(new TypeError("terminated")), 5);
      },
    }), { status: 200 }));
    const err = await failure(client(fetch).calls.retrieve("c1"));
    assert.ok(err instanceof APIConnectionError, `${err.name}: ${err.message}`);
    assert.match(err.message, /terminated/);
  });

  for (const [label, value] of [["undefined", undefined], ["null", null], ["a plain object", { ok: true }], ["a string", "200 OK"], ["an object without text()", { status: 200, headers: new Headers() }]]) {
    test(`fetch resolving to ${label} → InvalidResponseError`, async () => {
      const err = await failure(client(fakeFetch(() => value)).calls.retrieve("c1"));
      assert.ok(err instanceof InvalidResponseError, `${err && err.name}: ${err && err.message}`);
      assert.match(err.message, /Response/);
    });
  }

  test("a Response-like object (status + text + headers) is accepted", async () => {
    const like = { status: 200, headers: new Headers({ "x-request-id": "req_like" }), text: async () => JSON.stringify(call) };
    const r = await client(fakeFetch(() => like)).calls.retrieve("c1");
    assert.deepEqual(r, call);
    assert.equal(r.lastResponse.requestId, "req_like");
  });
});

test("validation errors are not APIErrors", async () => {
  const err = await failure(() => client(fakeFetch()).calls.create({ to: "+15551234567" }));
  assert.ok(err instanceof ValidationError && !(err instanceof APIError));
});
