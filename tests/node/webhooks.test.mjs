// Webhooks.constructEvent / generateTestHeader (contract §6.4) through the built package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pkg } from "./helpers.mjs";

const { Webhooks, WebhookSignatureError, ValidationError } = pkg;

// The documented test vector (contract §6.4).
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

test("the §6.4 test vector verifies (tolerance 0) and parses the envelope", () => {
  const event = Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 0 });
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
  // Inside a wider tolerance it verifies; tolerance 0 disables the time check (tests only).
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 1713268860 + 1000, tolerance: 2000 }).type, "call.completed");
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { now: 9e9, tolerance: 0 }).type, "call.completed");
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

test("a fractional tolerance never disables the time check (only an exact 0 does)", () => {
  assert.equal(reason(() => Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 0.5, now: 1713268860 + 3600 })), "timestamp_outside_tolerance");
  assert.equal(Webhooks.constructEvent(BODY, HEADER, SECRET, { tolerance: 0.5, now: 1713268860 }).type, "call.completed");
});
