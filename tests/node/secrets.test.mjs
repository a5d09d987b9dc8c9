// The API key never appears in any thrown error: message, properties, JSON, String(err),
// stack, util.inspect (incl. the cause) — even when the server or fetch echo it back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KEY, client, everyRendering, failure, fakeFetch, hangingFetch, json, pkg } from "./helpers.mjs";

const { CallingBox, AuthenticationError, APIConnectionError, InvalidResponseError, InvalidPhoneNumberError, ValidationError, TimeoutError } = pkg;

async function assertNoKey(err, Cls) {
  assert.ok(err instanceof Cls, `expected ${Cls.name}, got ${err && err.name}: ${err && err.message}`);
  const text = await everyRendering(err);
  assert.ok(!text.includes(KEY), `the key leaked:\n${text}`);
  // Not even a recognisable chunk of it.
  assert.ok(!text.includes(KEY.slice(8)), `part of the key leaked:\n${text}`);
  return text;
}

test("server echoes the key in a JSON error body", async () => {
  const body = { error: { message: `invalid API key: ${KEY}`, code: `bad_key_${KEY}` } };
  const err = await failure(client(fakeFetch(() => json(401, body))).calls.list());
  const text = await assertNoKey(err, AuthenticationError);
  assert.match(text, /redacted/);
  assert.equal(typeof err.body, "object", "the body is still parsed");
  assert.match(err.body.error.message, /^invalid API key: /);
});

test("server echoes the key in a string error body", async () => {
  const err = await failure(client(fakeFetch(() => json(401, { error: `key ${KEY} revoked` }))).calls.list());
  await assertNoKey(err, AuthenticationError);
});

test("server echoes the Authorization header in an HTML error page (title and body)", async () => {
  const html = `<html><head><title>Denied for Bearer ${KEY}</title></head><body>Authorization: Bearer ${KEY}</body></html>`;
  const err = await failure(client(fakeFetch(() => new Response(html, { status: 403 }))).calls.list());
  await assertNoKey(err, pkg.PermissionDeniedError);
  assert.match(err.message, /Denied for Bearer/);
});

test("server echoes the key in a plain-text error body", async () => {
  const err = await failure(client(fakeFetch(() => new Response(`bad key ${KEY}`, { status: 500 }))).calls.list());
  await assertNoKey(err, pkg.InternalServerError);
});

test("server echoes the key in an unreadable 2xx body", async () => {
  const err = await failure(client(fakeFetch(() => new Response(`{"id": "${KEY}", "status": 5`, { status: 200 }))).calls.retrieve("c1"));
  await assertNoKey(err, InvalidResponseError);
});

test("server puts the key where a field is checked (wrong type message)", async () => {
  const err = await failure(client(fakeFetch(() => json(200, { id: "c1", [KEY]: 1, status: KEY, duration_seconds: KEY }))).calls.retrieve("c1"));
  await assertNoKey(err, InvalidResponseError);
});

test("fetch rejects with an error whose message (and cause) contain the key", async () => {
  const fetch = fakeFetch(() => {
    throw new TypeError(`Headers: invalid value "Bearer ${KEY}"`, { cause: new Error(`while sending Authorization: Bearer ${KEY}`) });
  });
  const err = await failure(client(fetch).calls.retrieve("c1"));
  const text = await assertNoKey(err, APIConnectionError);
  assert.match(text, /invalid value/);
});

test("fetch rejects with a bare string containing the key", async () => {
  const err = await failure(client(fakeFetch(() => Promise.reject(`oops ${KEY}`))).calls.retrieve("c1"));
  await assertNoKey(err, APIConnectionError);
});

test("the body stream fails with the key in its message", async () => {
  const fetch = fakeFetch(() => new Response(new ReadableStream({ start(c) { c.error(new Error(`reset; auth=${KEY}`)); } }), { status: 200 }));
  const err = await failure(client(fetch).calls.retrieve("c1"));
  await assertNoKey(err, APIConnectionError);
});

test("a user passes the key by mistake as a phone number or an id", async () => {
  const fetch = fakeFetch();
  const c = client(fetch);
  await assertNoKey(await failure(c.calls.create({ agent_id: "a", to: KEY })), InvalidPhoneNumberError);
  await assertNoKey(await failure(c.calls.create({ agent_id: KEY.length, to: "+15551234567" })), ValidationError);
  await assertNoKey(await failure(c.calls.list({ limit: KEY })), ValidationError);
  await assertNoKey(await failure(c.calls.retrieve("c1", { idempotencyKey: `${KEY}\n` })), ValidationError);
  assert.equal(fetch.calls.length, 0);
});

test("timeouts and constructor errors do not carry the key", async () => {
  await assertNoKey(await failure(client(hangingFetch(), { timeout: 10 }).calls.retrieve("c1")), TimeoutError);
  for (const options of [{ apiKey: `${KEY} `.repeat(2) }, { apiKey: KEY, baseUrl: `ftp://${KEY}` }, { apiKey: KEY, fetch: KEY }, { apiKey: KEY, defaultHeaders: { "X-K": `${KEY}\r\n` } }]) {
    const err = await failure(() => new CallingBox(options));
    assert.ok(err instanceof ValidationError);
    const text = await everyRendering(err);
    // The baseUrl message may quote the baseUrl the user gave; the key itself must not be echoed.
    if (!options.baseUrl) assert.ok(!text.includes(KEY), text);
  }
});

test("the key is not an enumerable or inspectable property of the client", async () => {
  const { inspect } = await import("node:util");
  const c = client(fakeFetch());
  assert.ok(!JSON.stringify(c).includes(KEY));
  assert.ok(!inspect(c, { depth: 5, showHidden: true }).includes(KEY));
});

test("lastResponse.headers: the response's headers, lowercase, with the key removed from every value", async () => {
  const fetch = fakeFetch(() => json(200, { id: "c1", status: "queued" }, { "X-RateLimit-Remaining": "9", "X-Echo": `your key is ${KEY}` }));
  const c = client(fetch);
  const call = await c.calls.retrieve("c1");
  const { headers } = call.lastResponse;
  assert.equal(headers["x-ratelimit-remaining"], "9");
  assert.equal(headers["x-request-id"], "req_default");
  assert.ok(!headers["x-echo"].includes(KEY), headers["x-echo"]);
  assert.match(headers["x-echo"], /your key is /);
  assert.equal(call.lastResponse.headers, headers, "read once");
  assert.ok(!Object.keys(call).includes("lastResponse"));
});

test("an API error carries the response headers, with the key removed", async () => {
  const client = new pkg.CallingBox({
    apiKey: KEY, maxRetries: 0,
    fetch: async () => json(429, { error: { message: "slow down" } }, { "retry-after": "7", "x-echo": `Bearer ${KEY}` }),
  });
  const e = await client.calls.retrieve("c1").then(() => assert.fail("resolved"), (err) => err);
  assert.ok(e instanceof pkg.RateLimitError);
  assert.equal(e.headers["retry-after"], "7");
  assert.ok(!e.headers["x-echo"].includes(KEY));
  assert.ok(!JSON.stringify(e.headers).includes(KEY));
});

test("a header whose name holds the key (any case) is left out of error and response headers", async () => {
  const echo = { "retry-after": "1", [KEY]: "1", [`x-${KEY.toUpperCase()}`]: "2" };
  const failing = new pkg.CallingBox({ apiKey: KEY, maxRetries: 0, fetch: async () => json(429, { error: { message: "no" } }, echo) });
  const e = await failing.calls.retrieve("c1").then(() => assert.fail("resolved"), (err) => err);
  assert.equal(e.headers["retry-after"], "1");
  const ok = new pkg.CallingBox({ apiKey: KEY, fetch: async () => json(200, { id: "c1", status: "queued" }, echo) });
  const call = await ok.calls.retrieve("c1");
  for (const headers of [e.headers, call.lastResponse.headers]) {
    const text = JSON.stringify(headers).toLowerCase();
    assert.ok(!text.includes(KEY.toLowerCase()), text);
  }
});
