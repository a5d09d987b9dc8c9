// Property tests (fast-check) of the JS driver against everything that comes from outside:
// a fake fetch (no network) answering with random statuses (any number: 0, 65736, -1, NaN...),
// headers (x-request-id, retry-after, retry-after-ms, location, content-length,
// content-encoding), bodies (random JSON, mutated fixtures, deep nesting, large strings,
// invalid UTF-8 bytes, HTML), thrown errors and rejections of every type, and values that are
// not Responses; and callers passing random ids, params and options (toJSON, getters that
// throw, signal-like objects, Symbols, BigInt, Proxies).
//
// Every call must settle (no hang: small timeouts, maxRetries 0/1, initialRetryDelay 1),
// resolve or reject with an instance of CallingBoxError (never a TypeError, RangeError or
// WebAssembly.RuntimeError), never trap the wasm (the client would report "the client's
// WebAssembly failed"), and the client must keep working afterwards: a normal request on the
// same client (and the same wasm instance) succeeds.
//
// Runs: FC_RUNS sets every property's count (scripts/fuzz-long.sh); FC_SEED the seed (fixed in
// CI so failures reproduce; fast-check prints seed and counterexample on failure).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KEY, asRuntimeFetch, fixture, pkg } from "./helpers.mjs";

const SEED = Number(process.env.FC_SEED ?? 0x5eed_d71e);
const runs = (ci) => Number(process.env.FC_RUNS ?? ci);
const BASE = "https://api.test.callingbox.example";
/** Longer than any case may take (timeouts are ≤ 100 ms, waits ≤ 5 ms, ≤ 2 attempts; the
 * check after a case allows 4 s). */
const HANG_MS = 5_000;
const tally = { cases: 0, resolved: 0, rejected: 0, untyped: 0, traps: 0, hangs: 0, classes: new Map() };

after(() => {
  const classes = [...tally.classes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`fuzz: driver (fast-check) ${tally.cases} cases (${tally.resolved} resolved, ${tally.rejected} rejected: ${classes}), ${tally.untyped} untyped, ${tally.traps} traps, ${tally.hangs} hangs (seed ${SEED})`);
});

// ---------------------------------------------------------------------------------------------
// The operations: resource, method, number of ids, takes params, a valid answer, valid params.

const CALL = fixture("call");
const OPS = [
  ["numbers", "list", 0, true, () => ({ data: [fixture("phone_number")], has_more: false }), { limit: 5 }],
  ["numbers", "searchAvailable", 0, true, () => [fixture("available_number")], { area_code: "415", limit: 1 }],
  ["numbers", "purchase", 0, true, () => fixture("phone_number"), { phone_number: "+1 (415) 555-0123" }],
  ["agents", "list", 0, true, () => [fixture("agent")], { type: "outbound" }],
  ["agents", "create", 0, true, () => fixture("agent"), { name: "a", type: "outbound", number_ids: ["n1"] }],
  ["agents", "retrieve", 1, false, () => fixture("agent"), undefined],
  ["agents", "update", 1, true, () => ({ data: fixture("agent") }), { name: "b", persona: null }],
  ["agents", "archive", 1, false, () => null, undefined],
  ["agents", "attachNumber", 1, true, () => fixture("agent"), { number_id: "n1", set_as_primary: true }],
  ["agents", "detachNumber", 2, false, () => fixture("agent"), undefined],
  ["agents", "setPrimaryNumber", 1, true, () => fixture("agent"), { number_id: "n1" }],
  ["calls", "create", 0, true, () => CALL, { agent_id: "agent_1", to: "+15551234567", metadata: { k: 1 } }],
  ["calls", "list", 0, true, () => ({ data: [CALL] }), { limit: 2 }],
  ["calls", "retrieve", 1, false, () => CALL, undefined],
  ["calls", "getTranscript", 1, false, () => fixture("transcript"), undefined],
  ["webhookEndpoints", "create", 0, true, () => fixture("webhook_endpoint"), { url: "https://hooks.test/h", enabled_events: ["call.completed"] }],
  ["webhookEndpoints", "list", 0, true, () => ({ data: [fixture("webhook_endpoint")], has_more: false }), undefined],
  ["webhookEndpoints", "retrieve", 1, false, () => fixture("webhook_endpoint"), undefined],
  ["webhookEndpoints", "update", 1, true, () => fixture("webhook_endpoint"), { description: null }],
  ["webhookEndpoints", "delete", 1, false, () => null, undefined],
  ["webhookEndpoints", "rotateSecret", 1, false, () => fixture("webhook_endpoint"), undefined],
  ["webhookDeliveries", "list", 0, true, () => [fixture("webhook_delivery")], { limit: 3, status: "failed" }],
  ["webhookDeliveries", "retrieve", 1, false, () => fixture("webhook_delivery"), undefined],
  ["webhookDeliveries", "redeliver", 1, false, () => fixture("webhook_delivery"), undefined],
];
const OP = Object.fromEntries(OPS.map((o) => [`${o[0]}.${o[1]}`, o]));
/** Operations by name (counterexamples print the name, not the table row). */
const opArb = fc.constantFrom(...Object.keys(OP));
const FIXTURES = ["agent", "available_number", "call", "error", "list_envelope", "phone_number", "transcript", "webhook_delivery", "webhook_endpoint"];
const FIXTURE_TEXT = Object.fromEntries(FIXTURES.map((n) => [n, JSON.stringify(fixture(n), null, 1)]));

// ---------------------------------------------------------------------------------------------
// Generators: plain data (printable counterexamples); `materialise` turns it into live values.

const utf8 = new TextEncoder();
const PRINTABLE = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

const statusArb = fc.oneof(
  { arbitrary: fc.integer({ min: 100, max: 599 }), weight: 4 },
  { arbitrary: fc.constantFrom(200, 201, 204, 301, 302, 307, 400, 404, 408, 409, 429, 500, 502, 503), weight: 4 },
  { arbitrary: fc.constantFrom(0, 65736, -1, -0, NaN, Infinity, -Infinity, 1.5, 99, 600, 2 ** 53, 200.5, 1e21), weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.double()), weight: 1 },
);

const headerValue = fc.oneof(
  PRINTABLE,
  fc.constantFrom("0", "1", "-1", "1.5", "abc", "", " 5 ", "1e9", "99999999999", "Sun, 06 Nov 1994 08:49:37 GMT", "Wed, 21 Oct 2099 07:28:00 GMT", "NaN", "Infinity"),
  fc.nat().map(String),
);
const headersArb = fc.record(
  {
    "x-request-id": headerValue,
    "retry-after": headerValue,
    "retry-after-ms": headerValue,
    location: headerValue,
    "content-length": headerValue,
    "content-encoding": fc.constantFrom("gzip", "identity", "IDENTITY", "br", "", "x", "deflate, gzip"),
    "content-type": fc.constantFrom("application/json", "text/html", "text/plain; charset=latin1", ""),
  },
  { requiredKeys: [] },
);

const editArb = fc.record({ op: fc.constantFrom("delete", "insert", "replace", "truncate"), at: fc.nat(), text: fc.string({ maxLength: 4 }) });
function applyEdits(text, edits) {
  let s = text;
  for (const e of edits) {
    const at = e.at % (s.length + 1);
    if (e.op === "delete") s = s.slice(0, at) + s.slice(at + 1 + (e.text.length % 8));
    else if (e.op === "insert") s = s.slice(0, at) + e.text + s.slice(at);
    else if (e.op === "replace") s = s.slice(0, at) + e.text + s.slice(at + e.text.length);
    else s = s.slice(0, at);
  }
  return s;
}

const bodyArb = fc.oneof(
  { arbitrary: fc.constant({ t: "valid" }), weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ t: "json", v })), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant("fixture"), name: fc.constantFrom(...FIXTURES), edits: fc.array(editArb, { maxLength: 4 }) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant("deep"), depth: fc.integer({ min: 100, max: 20_000 }), object: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("huge"), size: fc.integer({ min: 60_000, max: 400_000 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("bytes"), bytes: fc.array(fc.nat(255), { maxLength: 64 }) }), weight: 1 },
  { arbitrary: fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf, 0x7b, 0x7d], [0xf4, 0x90, 0x80, 0x80], [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]).map((bytes) => ({ t: "bytes", bytes })), weight: 1 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 60 }).map((s) => ({ t: "text", s })), weight: 1 },
  { arbitrary: fc.string({ maxLength: 60 }).map((s) => ({ t: "text", s: `<html><head><title>${s}</title></head><body>${s}</body></html>` })), weight: 1 },
  { arbitrary: fc.constantFrom("", " ", "null", "{}", "[]", "\ufeff{}").map((s) => ({ t: "text", s })), weight: 1 },
);

const CODES = ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "UND_ERR_SOCKET", "ERR_TLS_CERT_ALTNAME_INVALID", "ConnectionRefused", "FailedToOpenSocket", "CERT_HAS_EXPIRED", "EPIPE"];
const thrownArb = fc.record({
  kind: fc.constantFrom("TypeError", "TypeError", "Error", "DOMException", "AggregateError", "string", "number", "null", "undefined", "symbol", "bigint", "object", "getter-throws", "proxy", "frozen", "cause-proxy"),
  message: fc.string({ maxLength: 30 }),
  code: fc.option(fc.oneof(fc.constantFrom(...CODES), fc.string({ maxLength: 12 }), fc.integer()), { nil: undefined }),
  causeMessage: fc.option(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("tcp connect error", "dns error: failed to lookup")), { nil: undefined }),
  sync: fc.boolean(),
});

const answerArb = fc.record({
  kind: fc.constantFrom("ok", "ok", "ok", "real", "real", "real", "real", "fake", "fake", "fake", "junk", "throw", "throw", "hang"),
  status: statusArb,
  headers: headersArb,
  body: bodyArb,
  delivery: fc.constantFrom("arrayBuffer", "stream", "chunks", "text-only", "stream-error", "stream-hang", "arrayBuffer-junk", "arrayBuffer-throws", "arrayBuffer-hang", "body-junk", "opaqueredirect", "headers-missing", "headers-throw", "headers-number"),
  junk: fc.constantFrom("null", "undefined", "number", "string", "symbol", "empty object", "array", "function", "status string", "proxy", "status getter throws", "thenable reject", "bigint"),
  thrown: thrownArb,
});

/** The answer's body text/bytes for `op`. */
function bodyOf(b, op) {
  switch (b.t) {
    case "valid": {
      const v = op[4]();
      return v === null ? "" : JSON.stringify(v);
    }
    case "json":
      return JSON.stringify(b.v);
    case "fixture":
      return applyEdits(FIXTURE_TEXT[b.name], b.edits);
    case "deep":
      return b.object ? `${'{"a":'.repeat(b.depth)}1${"}".repeat(b.depth)}` : `${"[".repeat(b.depth)}${"]".repeat(b.depth)}`;
    case "huge":
      return JSON.stringify({ ...CALL, error: { message: "x".repeat(b.size) }, notes: "é".repeat(b.size >> 3) });
    case "bytes":
      return new Uint8Array(b.bytes);
    default:
      return b.s;
  }
}

function thrownValue(t) {
  const withCode = (e) => {
    if (t.code !== undefined) e.code = t.code;
    return e;
  };
  const cause = t.causeMessage === undefined ? undefined : withCode(new Error(t.causeMessage));
  switch (t.kind) {
    case "TypeError":
      return new TypeError(t.message || "fetch failed", cause ? { cause } : undefined);
    case "Error":
      return withCode(new Error(t.message, cause ? { cause } : undefined));
    case "DOMException":
      return new DOMException(t.message, t.code === undefined ? "AbortError" : "NetworkError");
    case "AggregateError":
      return new AggregateError([new Error(t.message), cause], t.message);
    case "string":
      return t.message;
    case "number":
      return typeof t.code === "number" ? t.code : NaN;
    case "null":
      return null;
    case "undefined":
      return undefined;
    case "symbol":
      return Symbol(t.message);
    case "bigint":
      return 10n ** 30n;
    case "object":
      return { message: t.message, cause, code: t.code };
    case "getter-throws":
      return Object.defineProperties(new TypeError("x"), {
        message: { get() { throw new RangeError("message getter"); } },
        cause: { get() { throw Object.defineProperty({}, "message", { get() { throw new Error("nested"); } }); } },
        code: { get() { throw new Error("code getter"); } },
        stack: { get() { throw new Error("stack getter"); } },
      });
    case "proxy":
      return new Proxy({}, { get() { throw new Error("proxy get"); }, has() { throw new Error("proxy has"); }, ownKeys() { throw new Error("proxy keys"); }, getOwnPropertyDescriptor() { throw new Error("proxy descriptor"); }, getPrototypeOf() { throw new Error("proxy prototype"); } });
    case "frozen":
      return Object.freeze(new TypeError(t.message, cause ? { cause } : undefined));
    default: // cause-proxy
      return new TypeError("fetch failed", { cause: new Proxy(new Error("c"), { get() { throw new Error("cause proxy"); } }) });
  }
}

/** A Response-like object built from the answer's data, bound by none of Response's rules. */
function fakeResponse(a, body) {
  const bytes = typeof body === "string" ? utf8.encode(body) : body;
  const res = { status: a.status, ok: true, type: a.delivery === "opaqueredirect" ? "opaqueredirect" : "basic" };
  const map = new Map(Object.entries(a.headers));
  if (a.delivery === "headers-throw") res.headers = { get() { throw new TypeError("headers.get"); } };
  else if (a.delivery === "headers-number") res.headers = { get: (n) => (map.has(n) ? 12345 : null) };
  else if (a.delivery !== "headers-missing") res.headers = { get: (n) => map.get(n) ?? null };
  const stream = (mode) => new ReadableStream({
    start(c) {
      if (mode === "stream-error") return c.error(new TypeError("terminated", { cause: new Error("other side closed") }));
      if (mode === "chunks") {
        for (const v of [bytes.subarray(0, 3), "str", 7, new ArrayBuffer(2), bytes.subarray(3)]) c.enqueue(v);
      } else {
        for (let i = 0; i < bytes.length; i += 1024) c.enqueue(bytes.subarray(i, i + 1024));
      }
      if (mode !== "stream-hang") c.close();
    },
  });
  switch (a.delivery) {
    case "stream":
    case "chunks":
    case "stream-error":
    case "stream-hang":
      res.body = stream(a.delivery);
      break;
    case "text-only":
      res.text = async () => (typeof body === "string" ? body : new TextDecoder().decode(bytes));
      break;
    case "arrayBuffer-junk":
      res.arrayBuffer = async () => "not a buffer";
      res.text = async () => 42;
      break;
    case "arrayBuffer-throws":
      res.arrayBuffer = () => { throw new RangeError("arrayBuffer"); };
      res.text = () => { throw new RangeError("text"); };
      break;
    case "arrayBuffer-hang":
      res.arrayBuffer = () => new Promise(() => {});
      res.text = () => new Promise(() => {});
      break;
    case "body-junk":
      res.body = { getReader: () => ({ read: async () => ({ done: false, value: 1e12 }), cancel: async () => {} }) };
      res.text = async () => "";
      break;
    default:
      res.arrayBuffer = async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      res.text = async () => new TextDecoder().decode(bytes);
  }
  return res;
}

function junkValue(kind) {
  switch (kind) {
    case "null": return null;
    case "undefined": return undefined;
    case "number": return 200;
    case "string": return "HTTP/1.1 200 OK";
    case "symbol": return Symbol("res");
    case "empty object": return {};
    case "array": return [200, "{}"];
    case "function": return () => 200;
    case "status string": return { status: "200", text: async () => "{}" };
    case "proxy": return new Proxy({}, { get() { throw new TypeError("proxy"); } });
    case "status getter throws": return { get status() { throw new Error("status"); }, text: async () => "{}" };
    case "thenable reject": return { then(_, reject) { reject(new TypeError("thenable")); } };
    default: return 1n;
  }
}

/** The fake fetch: answers[i] for attempt i (the last one repeats). */
function fetchFor(answers, op) {
  let n = 0;
  return function fetch() {
    const a = answers[Math.min(n++, answers.length - 1)];
    const body = bodyOf(a.body, op);
    switch (a.kind) {
      case "throw": {
        const e = thrownValue(a.thrown);
        if (a.thrown.sync) throw e;
        return Promise.reject(e);
      }
      case "hang":
        return new Promise(() => {}); // ignores the signal: the client's own timer must win
      case "junk":
        return Promise.resolve(junkValue(a.junk));
      case "fake":
        return Promise.resolve(fakeResponse(a, body));
      case "ok": // a well-formed success (its headers still random)
        return Promise.resolve(new Response(bodyOf({ t: "valid" }, op) || null, { status: bodyOf({ t: "valid" }, op) ? 200 : 204, headers: a.headers }));
      default: {
        try {
          const status = [101, 204, 205, 304].includes(a.status) ? a.status : a.status;
          const nullBody = [101, 103, 204, 205, 304].includes(status);
          return Promise.resolve(new Response(nullBody ? null : body, { status, headers: a.headers }));
        } catch {
          // A status or header `new Response` refuses: a look-alike object instead.
          return Promise.resolve(fakeResponse(a, body));
        }
      }
    }
  };
}

// Arguments from callers.
const idArb = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z0-9_-]{1,20}$/), weight: 4 },
  { arbitrary: fc.constantFrom("", " ", ".", "..", "%2e", "a/b", "?", "#", "\u0000", "ü"), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 12 }), weight: 1 },
  { arbitrary: fc.constantFrom("number", "bigint", "symbol", "null", "undefined", "object", "toJSON", "array", "function", "proxy", "getter").map((kind) => ({ live: kind })), weight: 2 },
);
const paramsArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.record({ agent_id: fc.constant("agent_1"), to: fc.constantFrom("+15551234567", "+1 (415) 555-0123", "555", "+0123", "x") }, { requiredKeys: [] }), weight: 3 },
  { arbitrary: fc.dictionary(fc.constantFrom("limit", "name", "to", "phone_number", "number_id", "type", "url", "enabled_events", "metadata", "x"), fc.jsonValue({ maxDepth: 2 })), weight: 3 },
  { arbitrary: fc.constantFrom("toJSON", "getter-throws", "symbol-value", "symbol-key", "bigint", "circular", "nan", "invalid-date", "proxy", "map", "function", "typed-array", "deep").map((live) => ({ live })), weight: 3 },
  { arbitrary: fc.anything({ maxDepth: 2 }), weight: 1 },
);
const optionsArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  {
    arbitrary: fc.record({
      timeout: fc.constantFrom(undefined, null, 5, 30, 100, 0, -1, NaN, Infinity, "10", 2 ** 31),
      maxRetries: fc.constantFrom(undefined, null, 0, 1, -1, 1.5, "1"),
      deadline: fc.constantFrom(undefined, null, 20, 100, 0, NaN),
      maxRetryDelay: fc.constantFrom(undefined, null, 0, 3, -5),
      idempotencyKey: fc.option(fc.oneof(PRINTABLE, fc.string({ unit: "binary", maxLength: 10 })), { nil: undefined }),
      signal: fc.constantFrom(undefined, null, "aborted", "abort-soon", "fake", "fake-aborted", "not-a-signal", "proxy"),
    }, { requiredKeys: [] }),
    weight: 3,
  },
  { arbitrary: fc.constantFrom("getter-throws", "proxy", "unknown-key", "string", "array").map((live) => ({ live })), weight: 1 },
  { arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 },
);

function liveId(v) {
  if (!v || typeof v !== "object" || !("live" in v)) return v;
  switch (v.live) {
    case "number": return 42;
    case "bigint": return 42n;
    case "symbol": return Symbol("id");
    case "null": return null;
    case "undefined": return undefined;
    case "object": return { id: "c1" };
    case "toJSON": return { toJSON: () => "c1" };
    case "array": return ["c1"];
    case "function": return () => "c1";
    case "proxy": return new Proxy({}, { get() { throw new Error("id proxy"); } });
    default: return { get id() { throw new Error("id getter"); }, toString() { throw new Error("toString"); } };
  }
}

function liveParams(v) {
  if (!v || typeof v !== "object" || !("live" in v) || Object.keys(v).length !== 1) return v;
  switch (v.live) {
    case "toJSON": return { toJSON: () => ({ agent_id: "agent_1", to: "+15551234567", limit: 5 }) };
    case "getter-throws": return { agent_id: "agent_1", get to() { throw new RangeError("getter"); } };
    case "symbol-value": return { agent_id: Symbol("a"), to: "+15551234567" };
    case "symbol-key": return { [Symbol("k")]: 1, agent_id: "agent_1", to: "+15551234567" };
    case "bigint": return { limit: 10n, agent_id: "a", to: "+15551234567" };
    case "circular": {
      const o = { agent_id: "agent_1", to: "+15551234567" };
      o.self = o;
      return o;
    }
    case "nan": return { limit: NaN, metadata: { x: Infinity } };
    case "invalid-date": return { agent_id: "a", to: "+15551234567", metadata: { at: new Date(NaN) } };
    case "proxy": return new Proxy({}, { ownKeys() { throw new Error("keys"); }, get() { throw new Error("get"); } });
    case "map": return new Map([["agent_id", "a"]]);
    case "function": return () => ({});
    case "typed-array": return new Uint8Array([1, 2, 3]);
    default: { // deep
      let o = {};
      for (let i = 0; i < 5000; i++) o = { a: o };
      return o;
    }
  }
}

function liveOptions(v) {
  if (v && typeof v === "object" && "live" in v && Object.keys(v).length === 1) {
    switch (v.live) {
      case "getter-throws": return { get timeout() { throw new Error("timeout getter"); } };
      case "proxy": return new Proxy({}, { ownKeys() { throw new Error("keys"); } });
      case "unknown-key": return { timeout: 10, retries: 3 };
      case "string": return "timeout=10";
      default: return [10];
    }
  }
  if (!v || typeof v !== "object" || !("signal" in v)) return v;
  const o = { ...v };
  const signals = {
    aborted: () => AbortSignal.abort(new Error("user abort")),
    "abort-soon": () => AbortSignal.timeout(2),
    fake: () => ({ aborted: false, addEventListener() {}, removeEventListener() {} }),
    "fake-aborted": () => ({ aborted: true, reason: "why", addEventListener() {}, removeEventListener() {} }),
    "not-a-signal": () => ({ aborted: "no" }),
    proxy: () => new Proxy({}, { get() { throw new Error("signal proxy"); } }),
  };
  o.signal = signals[v.signal] ? signals[v.signal]() : v.signal;
  return o;
}

// ---------------------------------------------------------------------------------------------
// The checks.

/** Settles `promise` within HANG_MS: "resolved", the error thrown, or a hang failure. */
async function settle(promise, what) {
  let timer;
  const hang = new Promise((resolve) => { timer = setTimeout(() => resolve("hang"), HANG_MS); });
  try {
    const r = await Promise.race([promise.then(() => "resolved", (e) => ({ error: e })), hang]);
    if (r === "hang") {
      tally.hangs++;
      assert.fail(`${what} did not settle within ${HANG_MS} ms`);
    }
    return r;
  } finally {
    clearTimeout(timer);
  }
}

function checkTyped(r, what) {
  if (r === "resolved") {
    tally.resolved++;
    return;
  }
  tally.rejected++;
  const e = r.error;
  const name = e && e.name;
  tally.classes.set(name, (tally.classes.get(name) ?? 0) + 1);
  if (!(e instanceof pkg.CallingBoxError)) {
    tally.untyped++;
    assert.fail(`${what}: untyped ${Object.prototype.toString.call(e)} ${name}: ${e && e.message}`);
  }
  assert.equal(typeof e.code, "string", `${what}: ${name} without a code`);
  assert.ok(typeof e.message === "string" && e.message.length > 0, `${what}: ${name} without a message`);
  if (/WebAssembly failed/.test(e.message)) {
    tally.traps++;
    assert.fail(`${what}: the wasm trapped: ${e.message}`);
  }
}

/** A valid Call of 10 bytes (within every maxResponseSize the cases use). */
const GOOD = () => Promise.resolve(new Response('{"id":"c"}', { status: 200, headers: { "x-request-id": "req_ok" } }));

/** A normal request on `client` (whose fetch now answers well) succeeds. */
async function stillWorks(client, setFetch) {
  setFetch(GOOD);
  // Its own generous timeout: a busy machine must not turn this check into a TimeoutError.
  const r = await settle(client.calls.retrieve("call_ok", { timeout: 4_000, maxRetries: 0 }), "the request after the case");
  assert.ok(r === "resolved", `the client stopped working: ${r.error && r.error.name}: ${r.error && r.error.message}`);
}

/** Calls the operation; a synchronous throw comes back as a rejection. `iterate`: walk every
 * page of a list (the call's result is async-iterable). */
function callOp(client, op, ids, params, options, iterate = false) {
  const [resource, method, nIds, takesParams] = op;
  const fn = client[resource][method];
  const args = [...ids.slice(0, nIds).map(liveId)];
  while (args.length < nIds) args.push("id_1");
  if (takesParams) args.push(liveParams(params));
  args.push(liveOptions(options));
  try {
    const result = fn(...args);
    if (iterate && result && typeof result[Symbol.asyncIterator] === "function") {
      return (async () => {
        for await (const _ of result) { /* every item of every page */ }
      })();
    }
    return Promise.resolve(result);
  } catch (e) {
    return Promise.reject(e); // a synchronous throw is checked like a rejection
  }
}

// ---------------------------------------------------------------------------------------------
// Properties.

test("every answer of a hostile fetch ends typed, in time, and leaves the client working", async () => {
  const arb = fc.record({
    op: opArb,
    answers: fc.array(answerArb, { minLength: 1, maxLength: 3 }),
    retries: fc.constantFrom(0, 1),
    timeout: fc.constantFrom(5, 15, 40),
    maxResponseSize: fc.constantFrom(undefined, undefined, 10, 70_000),
    runtime: fc.boolean(), // installed as the runtime's own fetch (errors may prove "never sent")
    // Mostly valid arguments, so that the answer is what is under test.
    args: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: fc.record({ ids: fc.array(idArb, { maxLength: 2 }), params: paramsArb }), weight: 1 }),
    iterate: fc.boolean(), // lists: also walk the pages
  });
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      tally.cases++;
      const op = OP[c.op];
      let current = fetchFor(c.answers, op);
      const viaClient = (...a) => current(...a);
      const options = {
        apiKey: KEY, baseUrl: BASE, maxRetries: c.retries, initialRetryDelay: 1, maxRetryDelay: 5, timeout: c.timeout,
        maxResponseSize: c.maxResponseSize, onRetry: () => { throw new Error("hook"); },
      };
      const work = async () => {
        const client = new pkg.CallingBox(c.runtime ? options : { ...options, fetch: viaClient });
        const { ids, params } = c.args ?? { ids: ["id_1", "id_2"], params: op[5] };
        const r = await settle(callOp(client, op, ids, params, undefined, c.iterate), c.op);
        checkTyped(r, c.op);
        await stillWorks(client, (f) => { current = f; });
      };
      if (c.runtime) await asRuntimeFetch(viaClient, work);
      else await work();
    }),
    { seed: SEED, numRuns: runs(2000), includeErrorInReport: true },
  );
});

test("random ids, params and request options are refused typed or sent; nothing leaks out untyped", async () => {
  const arb = fc.record({
    op: opArb,
    ids: fc.array(idArb, { maxLength: 3 }),
    params: paramsArb,
    options: optionsArb,
  });
  let current = GOOD;
  const client = new pkg.CallingBox({ apiKey: KEY, baseUrl: BASE, fetch: (...a) => current(...a), maxRetries: 0, timeout: 50 });
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      tally.cases++;
      let malformed;
      current = (url, init) => {
        // What is sent is well-formed: a URL under the base, string headers, a JSON body.
        // (Checked here, reported after: a throw in fetch would become a connection error.)
        try {
          assert.equal(typeof url, "string");
          assert.ok(url.startsWith(`${BASE}/v1/`), url);
          for (const v of Object.values(init.headers)) assert.equal(typeof v, "string");
          if (init.body !== undefined) JSON.parse(init.body);
        } catch (e) {
          malformed = e;
        }
        const v = OP[c.op][4]();
        return Promise.resolve(v === null ? new Response(null, { status: 204 }) : new Response(JSON.stringify(v), { status: 200 }));
      };
      checkTyped(await settle(callOp(client, OP[c.op], c.ids, c.params, c.options), c.op), c.op);
      if (malformed) throw malformed;
      await stillWorks(client, (f) => { current = f; });
    }),
    { seed: SEED, numRuns: runs(3000), includeErrorInReport: true },
  );
});

test("random client options are refused typed at construction or give a working client", async () => {
  const value = fc.oneof(fc.constantFrom(undefined, null, 0, -1, 1, 1.5, NaN, Infinity, 2 ** 31, "", "x", true, 10n), fc.anything({ maxDepth: 1 }));
  const arb = fc.record({
    apiKey: fc.oneof(fc.constantFrom(KEY, ` ${KEY} `, "short", "", "sk_test_with space", "sk_test_é_12345678", `${KEY}\n`), value),
    baseUrl: fc.oneof(fc.constantFrom(undefined, BASE, `${BASE}/`, "http://127.0.0.1:9", "http://example.com", "https://u:p@h", "ftp://x", "https://h:99999", "https://[::1", "https://h/#f", "https://h?q"), value),
    defaultHeaders: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom("X-Team", "Host", "authorization", "a b", "Sec-X", "x"), fc.oneof(PRINTABLE, fc.constantFrom("café ☃", "a\r\nb"))), value),
    allowInsecureHttp: fc.oneof(fc.boolean(), value),
    timeout: value,
    maxRetries: fc.oneof(fc.constantFrom(0, 1), value),
    maxRetryDelay: value,
    deadline: value,
    initialRetryDelay: value,
    maxBackoff: value,
    maxResponseSize: value,
    onRetry: fc.constantFrom(undefined, "fn", "throws", "x"),
    fetch: fc.constantFrom("fn", undefined, "x", 5),
    extra: fc.constantFrom(undefined, "getter-throws", "proxy"),
  }, { requiredKeys: ["apiKey"] });
  await fc.assert(
    fc.asyncProperty(arb, async (o) => {
      tally.cases++;
      let current = GOOD;
      let options = { ...o, fetch: o.fetch === "fn" ? (...a) => current(...a) : o.fetch, onRetry: o.onRetry === "fn" ? () => {} : o.onRetry === "throws" ? () => { throw new Error("hook"); } : o.onRetry };
      delete options.extra;
      if (o.extra === "getter-throws") Object.defineProperty(options, "timeout", { get() { throw new Error("timeout getter"); }, enumerable: true });
      if (o.extra === "proxy") options = new Proxy(options, { get(t, k) { if (k === "baseUrl") throw new Error("proxy get"); return t[k]; } });
      let client;
      try {
        client = new pkg.CallingBox(options);
      } catch (e) {
        checkTyped({ error: e }, "new CallingBox");
        assert.ok(e instanceof pkg.ValidationError, `construction failed with ${e.name}: ${e.message}`);
        return;
      }
      if (o.fetch !== "fn") return; // no fake to answer through
      // A client that was accepted works; its first request may still fail typed (e.g. a
      // per-request limit), never untyped.
      const r = await settle(client.calls.retrieve("call_ok"), "first request");
      checkTyped(r, "first request");
    }),
    { seed: SEED, numRuns: runs(3000), includeErrorInReport: true },
  );
});
