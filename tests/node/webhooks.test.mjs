// Webhooks.constructEvent / generateTestHeader through the built package's callingbox/webhooks
// entry (its own wasm), and `instanceof` between its error classes and the main entry's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { pkg } from "./helpers.mjs";

const webhooks = await import(new URL("../../target/consumer/webhooks.mjs", import.meta.url).href);
const { Webhooks, WebhookSignatureError, ValidationError } = webhooks;

// The test vector from the API documentation.
const SECRET = "whsec_test_0123456789abcdef0123456789abcdef";
const BODY = '{"id":"9c1d9f9e-21a1-4f6d-8fce-bf4a4b8a9e3f","type":"call.completed","created":1713268800,"api_version":"2026-04","data":{"call":{"id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","status":"completed"}}}';
const HEADER = "t=1713268860,v1=499924f261fc2dc3e6d4d16382f32505cb22de494f046fbba6734b93adb5c910";

function reason(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WebhookSignatureError, `expected WebhookSignatureError, got ${e && e.name}`);
    assert.equal(e.code, "webhook_signature_invalid");
    assert.equal(e.name, "WebhookSignatureError");
    return e.reason;
  }
  assert.fail("expected a WebhookSignatureError");
}

test("the documented test vector verifies (tolerance: Infinity) and parses the envelope", () => {
  const event = Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: Infinity });
  assert.equal(event.id, "9c1d9f9e-21a1-4f6d-8fce-bf4a4b8a9e3f");
  assert.equal(event.type, "call.completed");
  assert.equal(event.data.call.status, "completed");
  // Same bytes as Uint8Array, ArrayBuffer and Buffer.
  const bytes = new TextEncoder().encode(BODY);
  for (const body of [bytes, bytes.buffer.slice(0), Buffer.from(BODY)]) {
    assert.equal(Webhooks.constructEvent(body, HEADER, SECRET, { now: 1713268860 }).type, "call.completed");
  }
});

test("generateTestHeader reproduces the vector and round-trips objects", () => {
  assert.equal(Webhooks.generateTestHeader({ payload: BODY, secret: SECRET, timestamp: 1713268860 }), HEADER);
  const payload = { id: "e1", type: "call.queued", created: 1, api_version: "2026-04", data: { call: { id: "c1", status: "queued" } } };
  const header = Webhooks.generateTestHeader({ payload, secret: SECRET });
  assert.equal(Webhooks.constructEvent(JSON.stringify(payload), header, SECRET).id, "e1");
});

test("every failure is a typed WebhookSignatureError with a reason", () => {
  const now = { now: 1713268860 };
  assert.equal(reason(() => Webhooks.constructEvent(BODY.replace("completed", "failed"), HEADER, SECRET, now)), "no_matching_signature");
  assert.equal(reason(() => Webhooks.constructEvent(BODY, HEADER, "whsec_wrong", now)), "no_matching_signature");
  assert.equal(reason(() => Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 1713268860 + 301 })), "timestamp_outside_tolerance");
  assert.equal(reason(() => Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 1713268860 - 301 })), "timestamp_outside_tolerance");
  // Inside a wider tolerance it verifies; Infinity skips the time check (tests only).
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 1713268860 + 1000, tolerance: 2000 }).type, "call.completed");
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 9e9, tolerance: Infinity }).type, "call.completed");
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 0, tolerance: Infinity }).type, "call.completed");
});

test("tolerance 0 is refused, not read as 'no time check': Infinity is the only way to skip it", () => {
  for (const tolerance of [0, -0, -1, NaN, -Infinity, "300", null, false, true]) {
    assert.throws(
      () => Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance, now: 1713268860 }),
      (e) => e instanceof ValidationError && e.field === "tolerance" && /Infinity/.test(e.message),
      `tolerance ${String(tolerance)}`,
    );
  }
  // Refused before anything is verified: even a stale replay gets the ValidationError, so a
  // config typo cannot open the replay window silently.
  assert.throws(() => Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 0, now: 9e9 }), ValidationError);
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 1, now: 1713268861 }).type, "call.completed");
  assert.equal(reason(() => Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 1, now: 1713268862 })), "timestamp_outside_tolerance");
});

test("the event returned is parsed from the bytes that were verified (lone surrogates)", () => {
  // A string body is verified as its UTF-8 encoding, where a lone surrogate becomes U+FFFD:
  // the signature covers "\uFFFD", so "\uFFFD" is what must come back, never the unsigned
  // "\uD800" of the string that was passed in.
  const lone = '{"id":"e1","type":"call.completed","created":1,"api_version":"2026-04","data":{"call":{"id":"c1","note":"\uD800"}}}';
  const signedText = lone.replace("\uD800", "\uFFFD");
  assert.notEqual(lone, signedText);
  const header = Webhooks.generateTestHeader({ payload: signedText, secret: SECRET, timestamp: 100 });
  for (const body of [lone, signedText, new TextEncoder().encode(signedText)]) {
    const event = Webhooks.constructEvent(body, header, SECRET, { now: 100 });
    assert.equal(event.data.call.note, "\uFFFD");
  }
  // A lone surrogate in a JSON escape is plain ASCII on the wire: signed and returned as is.
  const escaped = '{"id":"e2","type":"call.completed","created":1,"api_version":"2026-04","data":{"call":{"id":"c2","note":"\\ud800"}}}';
  const h2 = Webhooks.generateTestHeader({ payload: escaped, secret: SECRET, timestamp: 100 });
  assert.equal(Webhooks.constructEvent(escaped, h2, SECRET, { now: 100 }).data.call.note, "\uD800");
});

test("a signed event of a type the SDK does not know passes through with its own data", () => {
  const released = { id: "e3", type: "number.released", created: 100, api_version: "2026-04", data: { number: { id: "n1" } } };
  const body = JSON.stringify(released);
  const header = Webhooks.generateTestHeader({ payload: body, secret: SECRET, timestamp: 100 });
  assert.deepEqual(Webhooks.constructEvent(body, header, SECRET, { now: 100 }), released);
  // The envelope itself is still checked for every type, and data.call for call.* types.
  for (const bad of [{ ...released, id: 7 }, { ...released, type: "call.completed" }]) {
    const b = JSON.stringify(bad);
    const h = Webhooks.generateTestHeader({ payload: b, secret: SECRET, timestamp: 100 });
    assert.equal(reason(() => Webhooks.constructEvent(b, h, SECRET, { now: 100 })), "invalid_payload");
  }
  // Still signed: tampering with an unknown event is caught like any other.
  assert.equal(reason(() => Webhooks.constructEvent(body.replace("n1", "n2"), header, SECRET, { now: 100 })), "no_matching_signature");
});

test("header problems: missing, malformed, no t, no v1", () => {
  const now = { now: 1713268860 };
  assert.equal(reason(() => Webhooks.constructEvent(BODY, null, SECRET, now)), "malformed_header");
  assert.equal(reason(() => Webhooks.constructEvent(BODY, "garbage", SECRET, now)), "malformed_header");
  assert.equal(reason(() => Webhooks.constructEvent(BODY, "v1=abc", SECRET, now)), "missing_timestamp");
  assert.equal(reason(() => Webhooks.constructEvent(BODY, "t=1713268860", SECRET, now)), "missing_signature");
  // Several v1 (a rotation): the right one second still verifies.
  const rotated = `t=1713268860,v1=${"0".repeat(64)},${HEADER.split(",")[1]}`;
  assert.equal(Webhooks.constructEvent(BODY, rotated, SECRET, now).type, "call.completed");
});

test("a correctly signed body that is not an event envelope is invalid_payload", () => {
  const body = '{"hello":"world"}';
  const header = Webhooks.generateTestHeader({ payload: body, secret: SECRET, timestamp: 100 });
  assert.equal(reason(() => Webhooks.constructEvent(body, header, SECRET, { now: 100 })), "invalid_payload");
});

test("numbers off the core's integer fast path parse and print through the host (no trap)", () => {
  // `created` 1.5 and 1e400: the core quotes the value in its message (JavaScript's String).
  for (const [created, quoted] of [["1.5", "1.5"], ["-2.5e-7", "-2.5e-7"], ["1e400", "null"]]) {
    const body = `{"id":"e1","type":"call.completed","created":${created},"api_version":"2026-04","data":{"call":{"id":"c1"}}}`;
    const header = Webhooks.generateTestHeader({ payload: body, secret: SECRET, timestamp: 100 });
    const e = thrown(() => Webhooks.constructEvent(body, header, SECRET, { now: 100 }));
    assert.ok(e instanceof WebhookSignatureError, `${created}: ${e && e.name}: ${e && e.message}`);
    assert.equal(e.reason, "invalid_payload");
    assert.ok(e.message.includes(`got ${quoted}`), e.message);
  }
  // A fraction elsewhere in the event is fine: it passes through as parsed.
  const body = '{"id":"e1","type":"call.completed","created":1.0e2,"api_version":"2026-04","data":{"call":{"id":"c1","cost":0.1}}}';
  const header = Webhooks.generateTestHeader({ payload: body, secret: SECRET, timestamp: 100 });
  assert.equal(Webhooks.constructEvent(body, header, SECRET, { now: 100 }).data.call.cost, 0.1);
});

test("wrong argument types are ValidationErrors, and the secret never appears in errors", () => {
  assert.throws(() => Webhooks.constructEvent({ parsed: true }, HEADER, SECRET), (e) => e instanceof ValidationError && e.field === "rawBody");
  assert.throws(() => Webhooks.constructEvent(BODY, HEADER, ""), (e) => e instanceof ValidationError && e.field === "secret");
  assert.throws(() => Webhooks.constructEvent(BODY, 42, SECRET), (e) => e instanceof ValidationError);
  assert.throws(() => Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: -1 }), (e) => e instanceof ValidationError && e.field === "tolerance");
  try {
    Webhooks.constructEvent(BODY + " ", HEADER, SECRET, { now: 1713268860 });
  } catch (e) {
    assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes(SECRET));
  }
});

test("a fractional tolerance is rounded up, never down to 0", () => {
  assert.equal(reason(() => Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 0.5, now: 1713268860 + 3600 })), "timestamp_outside_tolerance");
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 0.5, now: 1713268860 }).type, "call.completed");
});

test("callingbox/webhooks exports Webhooks and its error classes; the main entry no longer has Webhooks", () => {
  assert.deepEqual(Object.keys(webhooks).sort(), ["CallingBoxError", "ValidationError", "WebhookSignatureError", "Webhooks"]);
  assert.equal("Webhooks" in pkg, false);
  // Each entry bundles its own copy of the classes.
  assert.notEqual(webhooks.WebhookSignatureError, pkg.WebhookSignatureError);
  assert.notEqual(webhooks.CallingBoxError, pkg.CallingBoxError);
});

/** The error `fn` throws. */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

test("instanceof works across the two entries, both ways, and along the class chain", () => {
  const sig = thrown(() => Webhooks.constructEvent(BODY, HEADER, "whsec_wrong", { now: 1713268860 }));
  const arg = thrown(() => Webhooks.constructEvent(BODY, HEADER, ""));
  const phone = thrown(() => pkg.parseE164("4155550123")); // from the main entry
  for (const [err, yes, no] of [
    [sig, ["WebhookSignatureError", "CallingBoxError"], ["ValidationError"]],
    [arg, ["ValidationError", "CallingBoxError"], ["WebhookSignatureError"]],
    [phone, ["ValidationError", "CallingBoxError"], ["WebhookSignatureError"]],
  ]) {
    for (const entry of [pkg, webhooks]) {
      for (const name of yes) assert.ok(err instanceof entry[name], `${err.name} instanceof ${name}`);
      for (const name of no) assert.ok(!(err instanceof entry[name]), `${err.name} not instanceof ${name}`);
    }
    assert.ok(err instanceof Error);
  }
  assert.ok(phone instanceof pkg.InvalidPhoneNumberError);
  assert.ok(!(sig instanceof pkg.InvalidPhoneNumberError) && !(sig instanceof pkg.APIError) && !(sig instanceof pkg.TimeoutError));
});

test("the cross-entry instanceof accepts only the package's brand", () => {
  // Lookalikes: a plain Error of the same name, an object with the same fields.
  const fake = Object.assign(new Error("x"), { name: "WebhookSignatureError", code: "webhook_signature_invalid", reason: "no_matching_signature" });
  for (const value of [fake, { name: "CallingBoxError" }, null, undefined, 0, "WebhookSignatureError", Object.create(null)]) {
    assert.ok(!(value instanceof webhooks.WebhookSignatureError) && !(value instanceof pkg.CallingBoxError), String(value && value.name));
  }
  // A user's own subclass keeps the ordinary check: a package error is not an instance of it.
  class MyError extends pkg.ValidationError {}
  const mine = new MyError("mine");
  assert.ok(mine instanceof MyError && mine instanceof pkg.ValidationError && mine instanceof webhooks.ValidationError);
  assert.ok(!(thrown(() => Webhooks.constructEvent(BODY, HEADER, "")) instanceof MyError));
  // Errors built by hand from the exported classes work the same way.
  assert.ok(new webhooks.WebhookSignatureError("m") instanceof pkg.CallingBoxError);
  assert.ok(new pkg.WebhookSignatureError("m") instanceof webhooks.WebhookSignatureError);
});

test("require('callingbox/webhooks') (CommonJS) verifies the same, its errors instanceof the ESM classes", () => {
  const require = createRequire(new URL("../../target/consumer/package.json", import.meta.url));
  const cjs = require("callingbox/webhooks");
  assert.equal(cjs.Webhooks.generateTestHeader({ payload: BODY, secret: SECRET, timestamp: 1713268860 }), HEADER);
  assert.equal(cjs.Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 1713268860 }).type, "call.completed");
  const e = thrown(() => cjs.Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 1713268860 + 301 }));
  assert.ok(e instanceof WebhookSignatureError && e instanceof pkg.CallingBoxError && e instanceof cjs.WebhookSignatureError);
  assert.equal(e.reason, "timestamp_outside_tolerance");
});
