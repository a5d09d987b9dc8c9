// The API documentation's webhook test vector, and the checks every webhook app of the bundler
// tests runs with the Webhooks it bundled (a browser page, and `bun build` output run in Bun).
export const VECTOR = {
  secret: "whsec_test_0123456789abcdef0123456789abcdef",
  body: '{"id":"9c1d9f9e-21a1-4f6d-8fce-bf4a4b8a9e3f","type":"call.completed","created":1713268800,"api_version":"2026-04","data":{"call":{"id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","status":"completed"}}}',
  header: "t=1713268860,v1=499924f261fc2dc3e6d4d16382f32505cb22de494f046fbba6734b93adb5c910",
  now: 1713268860,
};

/** Verifies the vector, then a tampered copy; returns a short summary or throws. */
export function verifyVector(Webhooks, WebhookSignatureError, { secret, body, header, now }) {
  const event = Webhooks.constructEvent(body, header, secret, { now });
  if (event.data.call.status !== "completed") throw new Error(`unexpected event ${JSON.stringify(event)}`);
  if (Webhooks.generateTestHeader({ payload: body, secret, timestamp: now }) !== header) throw new Error("generateTestHeader differs from the vector");
  try {
    Webhooks.constructEvent(body.replace("completed", "failed"), header, secret, { now });
  } catch (e) {
    if (!(e instanceof WebhookSignatureError) || e.reason !== "no_matching_signature") throw e;
    return `verified ${event.type}, refused a tampered body`;
  }
  throw new Error("a tampered body verified");
}
