// Client-side validation: every rejected argument throws a typed error naming the field,
// and NOTHING is sent (the fake fetch must see zero calls).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { BASE, KEY, client, fakeFetch, failure, pkg } from "./helpers.mjs";

const { CallingBox, ValidationError, InvalidPhoneNumberError, CallingBoxError, APIError } = pkg;

/** Runs `invoke(client)` and checks it fails with `Cls` (and `props`) before any fetch. */
async function rejectsBeforeFetch(invoke, Cls, props = {}) {
  const fetch = fakeFetch(() => assert.fail("fetch must not be called"));
  const c = client(fetch);
  let sync = null;
  let promise;
  try {
    promise = invoke(c);
  } catch (e) {
    sync = e;
  }
  // Methods return a Promise and reject (they never throw synchronously).
  assert.equal(sync, null, `threw synchronously: ${sync}`);
  assert.ok(promise instanceof Promise, "methods return a Promise");
  const err = await failure(promise);
  assert.ok(err instanceof Cls, `expected ${Cls.name}, got ${err && err.name}: ${err && err.message}`);
  assert.ok(err instanceof ValidationError && err instanceof CallingBoxError && err instanceof Error);
  assert.ok(!(err instanceof APIError));
  assert.equal(err.name, Cls.name);
  assert.equal(err.code, Cls === InvalidPhoneNumberError ? "invalid_phone_number" : "validation_error");
  for (const [k, v] of Object.entries(props)) assert.equal(err[k], v, `${k}: ${err.message}`);
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 5);
  await new Promise((r) => setTimeout(r, 1));
  assert.equal(fetch.calls.length, 0, "no request for an invalid call");
  return err;
}

const OK_CALL = { agent_id: "agent_1", to: "+15551234567" };

describe("phone numbers (E.164, before any I/O)", () => {
  const cases = [
    ["missing leading +", "14155550123", "missing_plus", /missing the leading \+/],
    ["00 international prefix", "0014155550123", "missing_plus", /missing the leading \+/],
    ["country code starting with 0", "+04155550123", "country_code_leading_zero", /country code/],
    ["more than 15 digits", "+1234567890123456", "too_long", /more than 15 digits/],
    ["letters (one or two: a typo)", "+1 415 555 01O0", "contains_letters", /contains letters/],
    ["an extension", "+1 415 555 0100 ext. 12", "contains_letters", /extension .* cannot be dialled/],
    ["fewer than 7 digits", "+12345", "too_short", /fewer than 7/],
    ["empty", "", "empty", /empty/],
    ["only separators", " ( ) - ", "empty", /empty/],
    ["a + in the middle", "1+4155550123", "misplaced_plus", /\+/],
    ["an invalid character", "+1 415 555#0123", "invalid_character", /invalid character/],
  ];
  for (const [label, number, reason, pattern] of cases) {
    test(`calls.create to: ${label}`, async () => {
      const err = await rejectsBeforeFetch((c) => c.calls.create({ ...OK_CALL, to: number }), InvalidPhoneNumberError, { field: "to", reason });
      assert.match(err.message, pattern);
    });
  }
  test("calls.create from_number is checked too", async () => {
    await rejectsBeforeFetch((c) => c.calls.create({ ...OK_CALL, from_number: "4155550123" }), InvalidPhoneNumberError, { field: "from_number", reason: "missing_plus" });
  });
  test("numbers.purchase phone_number is checked", async () => {
    await rejectsBeforeFetch((c) => c.numbers.purchase({ phone_number: "+0 415 555 0123" }), InvalidPhoneNumberError, { field: "phone_number", reason: "country_code_leading_zero" });
  });
  test("a phone number that is not a string", async () => {
    await rejectsBeforeFetch((c) => c.calls.create({ ...OK_CALL, to: 14155550123 }), ValidationError, { field: "to" });
  });
});

describe("required fields, ids, types", () => {
  const cases = [
    ["calls.create without agent_id", (c) => c.calls.create({ to: "+15551234567" }), ValidationError, { field: "agent_id" }],
    ["calls.create without to", (c) => c.calls.create({ agent_id: "a" }), ValidationError, { field: "to" }],
    ["calls.create with no params", (c) => c.calls.create(), ValidationError, { field: "agent_id" }],
    ["calls.create with null params", (c) => c.calls.create(null), ValidationError, { field: "agent_id" }],
    ["calls.create agent_id: number", (c) => c.calls.create({ ...OK_CALL, agent_id: 7 }), ValidationError, { field: "agent_id" }],
    ["calls.create context: string", (c) => c.calls.create({ ...OK_CALL, context: "hi" }), ValidationError, { field: "context" }],
    ["calls.create metadata: array", (c) => c.calls.create({ ...OK_CALL, metadata: [1] }), ValidationError, { field: "metadata" }],
    ["numbers.purchase without phone_number", (c) => c.numbers.purchase({}), ValidationError, { field: "phone_number" }],
    ["agents.create without type", (c) => c.agents.create({ name: "x" }), ValidationError, { field: "type" }],
    ["agents.create without name", (c) => c.agents.create({ type: "outbound" }), ValidationError, { field: "name" }],
    ["agents.create tools: array of strings", (c) => c.agents.create({ name: "x", type: "outbound", tools: ["end_call"] }), ValidationError, { field: "tools" }],
    ["agents.update number_ids: array with a number", (c) => c.agents.update("a1", { number_ids: ["n1", 2] }), ValidationError, { field: "number_ids" }],
    ["agents.update persona: number", (c) => c.agents.update("a1", { persona: 5 }), ValidationError, { field: "persona" }],
    ["agents.attachNumber without number_id", (c) => c.agents.attachNumber("a1", { set_as_primary: true }), ValidationError, { field: "number_id" }],
    ["agents.attachNumber set_as_primary: 'yes'", (c) => c.agents.attachNumber("a1", { number_id: "n1", set_as_primary: "yes" }), ValidationError, { field: "set_as_primary" }],
    ["agents.setPrimaryNumber without number_id", (c) => c.agents.setPrimaryNumber("a1", {}), ValidationError, { field: "number_id" }],
    ["webhookEndpoints.create without url", (c) => c.webhookEndpoints.create({ description: "x" }), ValidationError, { field: "url" }],
    ["webhookEndpoints.create enabled_events: string", (c) => c.webhookEndpoints.create({ url: "https://x", enabled_events: "call.completed" }), ValidationError, { field: "enabled_events" }],
    ["numbers.list limit: string", (c) => c.numbers.list({ limit: "10" }), ValidationError, { field: "limit" }],
    ["numbers.list limit: 0", (c) => c.numbers.list({ limit: 0 }), ValidationError, { field: "limit" }],
    ["calls.list limit: 1.5", (c) => c.calls.list({ limit: 1.5 }), ValidationError, { field: "limit" }],
    ["calls.list limit: NaN", (c) => c.calls.list({ limit: NaN }), ValidationError, { field: "limit" }],
    ["calls.list starting_after: null", (c) => c.calls.list({ starting_after: null }), ValidationError, { field: "starting_after" }],
    ["webhookDeliveries.list an object in the query", (c) => c.webhookDeliveries.list({ filter: { a: 1 } }), ValidationError, { field: "filter" }],
    // empty / wrong ids in the path
    ["agents.retrieve('')", (c) => c.agents.retrieve(""), ValidationError, { field: "id" }],
    ["agents.retrieve('   ')", (c) => c.agents.retrieve("   "), ValidationError, { field: "id" }],
    ["agents.retrieve(42)", (c) => c.agents.retrieve(42), ValidationError, { field: "id" }],
    ["agents.retrieve(undefined)", (c) => c.agents.retrieve(undefined), ValidationError, { field: "id" }],
    ["agents.retrieve() with no id", (c) => c.agents.retrieve(), ValidationError, {}],
    ["calls.retrieve(null)", (c) => c.calls.retrieve(null), ValidationError, { field: "id" }],
    ["calls.getTranscript({ id })", (c) => c.calls.getTranscript({ id: "c1" }), ValidationError, { field: "id" }],
    ["agents.detachNumber with an empty number id", (c) => c.agents.detachNumber("a1", ""), ValidationError, { field: "numberId" }],
    ["agents.update with an empty id", (c) => c.agents.update("", { name: "x" }), ValidationError, { field: "id" }],
    ["webhookEndpoints.delete('')", (c) => c.webhookEndpoints.delete(""), ValidationError, { field: "id" }],
    ["webhookDeliveries.redeliver('')", (c) => c.webhookDeliveries.redeliver(""), ValidationError, { field: "id" }],
    // params that are not objects
    ["calls.create('hello')", (c) => c.calls.create("hello"), ValidationError, { field: "params" }],
    ["calls.create([...])", (c) => c.calls.create([OK_CALL]), ValidationError, { field: "params" }],
    ["numbers.list(5)", (c) => c.numbers.list(5), ValidationError, { field: "params" }],
    ["agents.update('a1', true)", (c) => c.agents.update("a1", true), ValidationError, { field: "params" }],
    // values JSON cannot carry (rejected, not silently dropped or nulled); `field` is the
    // member's own key (JSON.stringify's replacer does not know the full path)
    ["a BigInt in the body", (c) => c.calls.create({ ...OK_CALL, metadata: { n: 10n } }), ValidationError, { field: "n" }],
    ["a function in the body", (c) => c.calls.create({ ...OK_CALL, context: { f() {} } }), ValidationError, { field: "f" }],
    ["a Symbol in the body", (c) => c.calls.create({ ...OK_CALL, metadata: { s: Symbol("x") } }), ValidationError, { field: "s" }],
    ["a BigInt as the whole params", (c) => c.numbers.list(5n), ValidationError, {}],
    ["an invalid Date", (c) => c.calls.create({ ...OK_CALL, metadata: { at: new Date(NaN) } }), ValidationError, { field: "at" }],
  ];
  for (const [label, invoke, Cls, props] of cases) {
    test(label, () => rejectsBeforeFetch(invoke, Cls, props));
  }

  test("a circular params object is rejected (no stack overflow)", async () => {
    const context = { a: 1 };
    context.self = context;
    await rejectsBeforeFetch((c) => c.calls.create({ ...OK_CALL, context }), ValidationError);
  });
});

describe("request options", () => {
  const cases = [
    ["options not an object", (c) => c.calls.retrieve("c1", "fast"), "options"],
    ["timeout: 0", (c) => c.calls.retrieve("c1", { timeout: 0 }), "timeout"],
    ["timeout: -1", (c) => c.calls.retrieve("c1", { timeout: -1 }), "timeout"],
    ["timeout: '1000'", (c) => c.calls.retrieve("c1", { timeout: "1000" }), "timeout"],
    ["timeout: Infinity", (c) => c.calls.retrieve("c1", { timeout: Infinity }), "timeout"],
    ["timeout: NaN", (c) => c.calls.retrieve("c1", { timeout: NaN }), "timeout"],
    ["timeout above setTimeout's limit", (c) => c.calls.retrieve("c1", { timeout: 2 ** 31 }), "timeout"],
    ["signal: not an AbortSignal", (c) => c.calls.retrieve("c1", { signal: { aborted: "no" } }), "signal"],
    ["signal: a string", (c) => c.calls.retrieve("c1", { signal: "abort" }), "signal"],
    ["idempotencyKey: ''", (c) => c.calls.create(OK_CALL, { idempotencyKey: "" }), "idempotencyKey"],
    ["idempotencyKey: number", (c) => c.calls.create(OK_CALL, { idempotencyKey: 42 }), "idempotencyKey"],
    ["idempotencyKey: too long", (c) => c.calls.create(OK_CALL, { idempotencyKey: "k".repeat(256) }), "idempotencyKey"],
    ["idempotencyKey with a line break (header injection)", (c) => c.calls.create(OK_CALL, { idempotencyKey: "k1\r\nX-Evil: 1" }), "idempotencyKey"],
    ["idempotencyKey with non-ASCII", (c) => c.calls.create(OK_CALL, { idempotencyKey: "clé-1" }), "idempotencyKey"],
  ];
  for (const [label, invoke, field] of cases) {
    test(label, () => rejectsBeforeFetch(invoke, ValidationError, { field }));
  }
});

describe("client options (new CallingBox)", () => {
  const f = () => {};
  const cases = [
    ["no options and no CALLINGBOX_API_KEY", undefined, "apiKey"],
    ["null options", null, "options"],
    ["a string instead of options", KEY, "options"],
    ["missing apiKey", { baseUrl: BASE, fetch: f }, "apiKey"],
    ["empty apiKey", { apiKey: "", fetch: f }, "apiKey"],
    ["blank apiKey", { apiKey: "   ", fetch: f }, "apiKey"],
    ["apiKey: number", { apiKey: 12345678, fetch: f }, "apiKey"],
    ["apiKey with a line break", { apiKey: `${KEY}\nX-Evil: 1`, fetch: f }, "apiKey"],
    ["baseUrl without scheme", { apiKey: KEY, baseUrl: "api.callingbox.io", fetch: f }, "baseUrl"],
    ["baseUrl ftp://", { apiKey: KEY, baseUrl: "ftp://api.callingbox.io", fetch: f }, "baseUrl"],
    ["baseUrl with only a scheme", { apiKey: KEY, baseUrl: "https://", fetch: f }, "baseUrl"],
    ["baseUrl with a query", { apiKey: KEY, baseUrl: "https://api.callingbox.io?x=1", fetch: f }, "baseUrl"],
    ["baseUrl: number", { apiKey: KEY, baseUrl: 443, fetch: f }, "baseUrl"],
    ["fetch: not a function", { apiKey: KEY, fetch: "fetch" }, "fetch"],
    ["fetch: an object", { apiKey: KEY, fetch: { fetch: f } }, "fetch"],
    ["timeout: 0", { apiKey: KEY, fetch: f, timeout: 0 }, "timeout"],
    ["timeout: negative", { apiKey: KEY, fetch: f, timeout: -100 }, "timeout"],
    ["timeout: string", { apiKey: KEY, fetch: f, timeout: "60s" }, "timeout"],
    ["timeout: NaN", { apiKey: KEY, fetch: f, timeout: NaN }, "timeout"],
    ["defaultHeaders: string", { apiKey: KEY, fetch: f, defaultHeaders: "X-A: 1" }, "defaultHeaders"],
    ["defaultHeaders: invalid name", { apiKey: KEY, fetch: f, defaultHeaders: { "Bad Name": "v" } }, "defaultHeaders"],
    ["defaultHeaders: non-string value", { apiKey: KEY, fetch: f, defaultHeaders: { "X-A": 1 } }, "defaultHeaders"],
    ["defaultHeaders: line break in a value", { apiKey: KEY, fetch: f, defaultHeaders: { "X-A": "a\r\nX-Evil: 1" } }, "defaultHeaders"],
  ];
  for (const [label, options, field] of cases) {
    test(label, () => {
      let err;
      assert.throws(() => new CallingBox(options), (e) => { err = e; return true; });
      assert.ok(err instanceof ValidationError, `${err && err.name}: ${err && err.message}`);
      assert.equal(err.code, "validation_error");
      assert.equal(err.field, field, err.message);
      if (options && typeof options === "object" && typeof options.apiKey === "string" && options.apiKey.length > 3) {
        assert.ok(!err.message.includes(KEY), "the key is not echoed");
      }
    });
  }

  test("a fake fetch given with bad options is never called", () => {
    const fetch = fakeFetch();
    assert.throws(() => new CallingBox({ apiKey: KEY, fetch, timeout: -1 }), ValidationError);
    assert.throws(() => new CallingBox({ fetch }), ValidationError);
    assert.equal(fetch.calls.length, 0);
  });

  test("valid options are accepted (http baseUrl, defaultHeaders with null values ignored)", async () => {
    const fetch = fakeFetch(() => new Response('{"id":"c1"}', { status: 200 }));
    const c = new CallingBox({ apiKey: KEY, baseUrl: "http://127.0.0.1:8787", fetch, timeout: 1000, defaultHeaders: { "X-A": "1", "X-B": null } });
    await c.calls.retrieve("c1");
    assert.equal(fetch.calls[0].url, "http://127.0.0.1:8787/v1/calls/c1");
    assert.equal(fetch.calls[0].headers.get("x-a"), "1");
    assert.equal(fetch.calls[0].headers.get("x-b"), null);
  });
});

test("calls.checkCreate answers what create would send, or the error create would throw, with no I/O", () => {
  const fetch = fakeFetch();
  const client = new CallingBox({ apiKey: KEY, fetch, defaultCountry: "GB" });
  const body = client.calls.checkCreate({ agent_id: "agt_1", to: "020 7946 0958", context: { name: "Ada" } });
  assert.deepEqual(body, { agent_id: "agt_1", to: "+442079460958", context: { name: "Ada" } });
  assert.throws(() => client.calls.checkCreate({ agent_id: "agt_1", to: "+999 1234567" }), pkg.InvalidPhoneNumberError);
  assert.throws(() => client.calls.checkCreate({ to: "+442079460958" }), (e) => e instanceof ValidationError && e.field === "agent_id");
  assert.throws(() => client.calls.checkCreate(null), ValidationError);
  assert.equal(fetch.calls.length, 0);
  assert.ok(!Object.keys(client.calls).includes("checkCreate"), "a helper, not an API operation: not enumerable");
});
