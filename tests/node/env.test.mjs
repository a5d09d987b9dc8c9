// Configuration from the environment: `new CallingBox()` reads CALLINGBOX_API_KEY and
// CALLINGBOX_BASE_URL from process.env when the options leave them out; `CallingBox.fromEnv(env)`
// reads a given record (a Workers `env`) and nothing else. (node --test runs each file in its own
// process: the process.env changes stay here.)
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { KEY, fakeFetch, failure, json, pkg } from "./helpers.mjs";

const { CallingBox, ValidationError } = pkg;
const OTHER_KEY = "sk_test_from_the_env_0123456789";

beforeEach(() => {
  delete process.env.CALLINGBOX_API_KEY;
  delete process.env.CALLINGBOX_BASE_URL;
});

/** The URL and Authorization header of the one request `client` makes for calls.retrieve. */
async function firstRequest(make) {
  const fetch = fakeFetch(() => json(200, { id: "c1", status: "queued" }));
  await make(fetch).calls.retrieve("c1").catch(() => {});
  assert.equal(fetch.calls.length, 1);
  return { url: fetch.calls[0].url, auth: fetch.calls[0].headers.get("authorization") };
}

test("new CallingBox() reads the key and base URL from process.env", async () => {
  process.env.CALLINGBOX_API_KEY = OTHER_KEY;
  process.env.CALLINGBOX_BASE_URL = "http://127.0.0.1:9/";
  const r = await firstRequest((fetch) => new CallingBox({ fetch }));
  assert.equal(r.url, "http://127.0.0.1:9/v1/calls/c1");
  assert.equal(r.auth, `Bearer ${OTHER_KEY}`);
  assert.equal(typeof new CallingBox(), "object", "no options at all");
});

test("options win over the environment; with a key given, the environment is not read", async () => {
  process.env.CALLINGBOX_API_KEY = OTHER_KEY;
  process.env.CALLINGBOX_BASE_URL = "http://127.0.0.1:9";
  const r = await firstRequest((fetch) => new CallingBox({ apiKey: KEY, baseUrl: "https://api.example.test", fetch }));
  assert.equal(r.url, "https://api.example.test/v1/calls/c1");
  assert.equal(r.auth, `Bearer ${KEY}`);
  const d = await firstRequest((fetch) => new CallingBox({ apiKey: KEY, fetch }));
  assert.equal(d.url, "https://api.callingbox.io/v1/calls/c1", "CALLINGBOX_BASE_URL goes with CALLINGBOX_API_KEY");
});

test("no key anywhere (or an empty variable): a ValidationError that says where a key comes from", () => {
  assert.throws(() => new CallingBox(), (e) =>
    e instanceof ValidationError && e.field === "apiKey" && /CALLINGBOX_API_KEY/.test(e.message));
  process.env.CALLINGBOX_API_KEY = "";
  assert.throws(() => new CallingBox(), (e) =>
    e instanceof ValidationError && e.field === "apiKey" && /CALLINGBOX_API_KEY/.test(e.message));
});

test("fromEnv(env) reads the record, not process.env", async () => {
  process.env.CALLINGBOX_API_KEY = OTHER_KEY;
  const env = { CALLINGBOX_API_KEY: KEY, CALLINGBOX_BASE_URL: "https://worker.example.test" };
  const r = await firstRequest((fetch) => CallingBox.fromEnv(env, { fetch }));
  assert.equal(r.url, "https://worker.example.test/v1/calls/c1");
  assert.equal(r.auth, `Bearer ${KEY}`);
  assert.throws(() => CallingBox.fromEnv({}), (e) => e instanceof ValidationError && e.field === "apiKey",
    "a record without the key does not fall back to process.env");
});

test("fromEnv() without a record reads process.env; options add the rest", async () => {
  process.env.CALLINGBOX_API_KEY = OTHER_KEY;
  const r = await firstRequest((fetch) => CallingBox.fromEnv(undefined, { fetch, baseUrl: "https://b.example.test" }));
  assert.equal(r.url, "https://b.example.test/v1/calls/c1");
  assert.equal(r.auth, `Bearer ${OTHER_KEY}`);
});

test("a key from the environment is redacted like a given one", async () => {
  process.env.CALLINGBOX_API_KEY = OTHER_KEY;
  const fetch = fakeFetch(() => json(401, { error: `bad key ${OTHER_KEY}` }));
  const err = await failure(new CallingBox({ fetch, maxRetries: 0 }).calls.retrieve("c1"));
  assert.equal(err.status, 401);
  assert.ok(!JSON.stringify({ m: err.message, b: err.body }).includes(OTHER_KEY), err.message);
});
