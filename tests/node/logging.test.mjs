// What the client logs (`logger` + `logLevel`) and the per-request `headers` option. Log lines
// never carry the API key, and phone numbers in them keep only their last 4 digits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KEY, client, failure, fakeFetch, json, pkg } from "./helpers.mjs";

const { CallingBox, ValidationError, OutcomeUnknownError } = pkg;

/** A logger that records (level, line). */
function recorder() {
  const lines = [];
  const logger = Object.fromEntries(["error", "warn", "info", "debug"].map((l) => [l, (line, ...rest) => lines.push([l, line, rest.length])]));
  return { lines, logger };
}

test("debug: one line per attempt with operation, method, path, status, duration, request id, attempt", async () => {
  const { lines, logger } = recorder();
  const fetch = fakeFetch(() => json(200, { id: "call_1", status: "queued" }, { "x-request-id": "req_abc" }));
  await client(fetch, { logger, logLevel: "debug" }).calls.retrieve("call_1");
  assert.equal(lines.length, 1);
  const [level, line, extra] = lines[0];
  assert.equal(level, "debug");
  assert.equal(extra, 0, "one string: console prints it as is");
  assert.match(line, /^callingbox: calls\.retrieve GET \/v1\/calls\/call_1 -> 200 in \d+ ms \(attempt 1, request req_abc\)$/);
});

test("info: retries and outcome-unknowns, not each attempt; the key and phone numbers masked", async () => {
  const { lines, logger } = recorder();
  // A hostile server echoes the key in its request id; a user passes a phone number as an id.
  const fetch = fakeFetch(() => json(503, { error: { message: "down" } }, { "x-request-id": `req_${KEY}` }));
  const c = client(fetch, { logger, logLevel: "info", maxRetries: 1, initialRetryDelay: 1 });
  await failure(c.calls.retrieve("+14155550123"));
  assert.deepEqual(lines.map((l) => l[0]), ["info"]);
  assert.match(lines[0][1], /^callingbox: calls\.retrieve: attempt 1 failed \(server_error\); retrying in \d+ ms$/);

  const all = recorder();
  const d = client(fakeFetch(() => json(503, { error: { message: "down" } }, { "x-request-id": `req_${KEY}` })), { logger: all.logger, logLevel: "debug", maxRetries: 1, initialRetryDelay: 1 });
  await failure(d.calls.retrieve("+14155550123"));
  const text = all.lines.map((l) => l[1]).join("\n");
  assert.ok(!text.includes(KEY), "the key is never logged");
  assert.ok(!text.includes("4155550123") && !text.includes("14155550123"), "the number is masked");
  assert.match(text, /%2B\*\*\*0123/, "its last 4 digits stay");

  // A POST whose answer is lost on every attempt: outcome unknown, logged at info with its key.
  const u = recorder();
  const lost = new CallingBox({ apiKey: KEY, logger: u.logger, logLevel: "info", maxRetries: 0, fetch: async () => { throw new TypeError("socket hang up"); } });
  const err = await failure(lost.calls.create({ agent_id: "agt_1", to: "+14155550123" }, { idempotencyKey: "row-7" }));
  assert.ok(err instanceof OutcomeUnknownError);
  assert.match(u.lines.at(-1)[1], /calls\.create: outcome unknown after 1 attempts; resend with Idempotency-Key row-7/);
});

test("the default (warn, console) logs nothing for a request, a retry or an outcome unknown", async () => {
  const saved = { ...console };
  const seen = [];
  for (const l of ["error", "warn", "info", "debug", "log"]) console[l] = (...a) => seen.push([l, ...a]);
  try {
    const c = client(fakeFetch(() => json(503, { error: { message: "down" } })), { maxRetries: 1, initialRetryDelay: 1 });
    await failure(c.calls.retrieve("call_1"));
  } finally {
    Object.assign(console, saved);
  }
  assert.deepEqual(seen, []);
});

test("a logger that throws does not break the request; bad logger / logLevel are refused", async () => {
  const logger = { error() {}, warn() {}, info() {}, debug() { throw new Error("disk full"); } };
  const c = client(fakeFetch(() => json(200, { id: "call_1", status: "queued" })), { logger, logLevel: "debug" });
  assert.equal((await c.calls.retrieve("call_1")).id, "call_1");
  assert.throws(() => client(fakeFetch(), { logLevel: "verbose" }), (e) => e instanceof ValidationError && e.field === "logLevel");
  assert.throws(() => client(fakeFetch(), { logger: {}, logLevel: "debug" }), (e) => e instanceof ValidationError && e.field === "logger");
  assert.throws(() => client(fakeFetch(), { logger: 42, logLevel: "info" }), (e) => e instanceof ValidationError && e.field === "logger");
  // a logger with some of the methods: the others' lines are dropped
  const only = recorder();
  const c2 = client(fakeFetch(() => json(200, { id: "call_1", status: "queued" })), { logger: { debug: only.logger.debug }, logLevel: "debug" });
  await c2.calls.retrieve("call_1");
  assert.equal(only.lines.length, 1);
  // logLevel "off" needs no logger at all
  assert.ok(client(fakeFetch(), { logger: null, logLevel: "off" }));
});

test("per-request headers: added over the client's, by lowercase name; null drops one", async () => {
  const fetch = fakeFetch(() => json(200, { id: "call_1", status: "queued" }));
  const c = client(fetch, { defaultHeaders: { "X-Team": "ops", "X-Env": "prod" } });
  await c.calls.retrieve("call_1", { headers: { "x-team": "sales", "X-Trace": "t-1", "X-Env": null } });
  const h = fetch.calls[0].headers;
  assert.equal(h.get("x-team"), "sales");
  assert.equal(h.get("x-trace"), "t-1");
  assert.equal(h.get("x-env"), null);
  assert.equal(h.get("authorization"), `Bearer ${KEY}`);
  await c.calls.retrieve("call_1");
  assert.equal(fetch.calls[1].headers.get("x-team"), "ops", "the client's own stay for other requests");
});

test("per-request headers: reserved and forbidden names refused before any I/O, typed", async () => {
  const fetch = fakeFetch();
  const c = client(fetch);
  for (const headers of [{ Authorization: "Bearer other" }, { "idempotency-key": "k" }, { "Content-Type": "text/plain" }, { Connection: "close" }, { "X-Bad": "a\r\nb" }, { "X-Num": 1 }, "x", ["a"]]) {
    const e = await failure(c.calls.create({ agent_id: "agt_1", to: "+14155550123" }, { headers }));
    assert.ok(e instanceof ValidationError, `${JSON.stringify(headers)}: ${e}`);
    assert.equal(e.field, "headers", `${JSON.stringify(headers)}: field ${e.field}`);
    assert.doesNotMatch(e.message, /defaultHeaders/);
  }
  assert.equal(fetch.calls.length, 0);
});

test("per-request headers must be a plain object of strings: a Headers, a Map or an object value is refused", async () => {
  const fetch = fakeFetch();
  const c = client(fetch);
  for (const headers of [new Headers({ "x-trace": "t1" }), new Map([["x-trace", "t1"]]), { "x-a": { toJSON: () => "v" } }, { "x-a": 1 }]) {
    const e = await failure(c.calls.retrieve("call_1", { headers }));
    assert.ok(e instanceof ValidationError && e.field === "headers", String(e));
  }
  assert.equal(fetch.calls.length, 0);
  await c.calls.retrieve("call_1", { headers: Object.assign(Object.create(null), { "x-trace": "t1" }) }).catch(() => {});
  assert.equal(fetch.calls[0].headers.get("x-trace"), "t1", "an object without a prototype is fine");
});

test("logger: null logs nothing, at any level; a logger with only an `off` method is not a logger", async () => {
  const c = client(fakeFetch(() => json(200, { id: "call_1", status: "queued" })), { logger: null, logLevel: "debug" });
  assert.equal((await c.calls.retrieve("call_1")).id, "call_1");
  assert.ok(client(fakeFetch(), { logger: null }));
  assert.throws(() => client(fakeFetch(), { logger: { off() {} }, logLevel: "info" }), (e) => e instanceof ValidationError && e.field === "logger");
});
