// Review findings, each pinned by a test: async onRetry rejections, failures that never left
// the machine, aborts between attempts, and the emulator's webhook delivery not following
// redirects off loopback.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { KEY, asRuntimeFetch, json, pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const BASE = "http://127.0.0.1:9";

test("an async onRetry hook that rejects does not break the request or the process", async () => {
  let calls = 0;
  const fetch = async () => (++calls === 1 ? json(503, { error: "busy" }) : json(200, { id: "c1" }));
  const client = new pkg.CallingBox({ apiKey: KEY, baseUrl: BASE, fetch, initialRetryDelay: 1, onRetry: async () => { throw new Error("logger down"); } });
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  try {
    const call = await client.calls.retrieve("c1");
    assert.equal(call.id, "c1");
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("fetch throwing synchronously never sent anything: a POST is not outcome-unknown", async () => {
  let calls = 0;
  const fetch = () => {
    calls++;
    throw new TypeError("Invalid header value");
  };
  const client = new pkg.CallingBox({ apiKey: KEY, baseUrl: BASE, fetch, initialRetryDelay: 1 });
  const err = await client.calls.create({ agent_id: "a", to: "+15551234567" }).then(() => null, (e) => e);
  assert.ok(err instanceof pkg.APIConnectionError, `${err && err.name}`);
  assert.ok(!(err instanceof pkg.OutcomeUnknownError));
  assert.equal(calls, 3, "retried: nothing was sent, so it is safe");
});

test("a TLS handshake failure is a known-before-send failure", async () => {
  const fetch = async () => {
    throw new TypeError("fetch failed", { cause: Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }) });
  };
  // As the runtime's own fetch: a custom one may have sent a first hop before the failure.
  const err = await asRuntimeFetch(fetch, () => {
    const client = new pkg.CallingBox({ apiKey: KEY, baseUrl: BASE, maxRetries: 0 });
    return client.calls.create({ agent_id: "a", to: "+15551234567" }).then(() => null, (e) => e);
  });
  assert.ok(err instanceof pkg.APIConnectionError && !(err instanceof pkg.OutcomeUnknownError), err && err.name);
});

test("options that fetch would refuse are rejected up front (no attempt, no retries)", () => {
  for (const options of [
    { baseUrl: "https://u:p@api.callingbox.io" },
    { baseUrl: "http://127.0.0.1:99999" },
    { baseUrl: "http://[::1" },
    { defaultHeaders: { "X-Team": "café ☃" } },
  ]) {
    assert.throws(() => new pkg.CallingBox({ apiKey: KEY, ...options }), (e) => e instanceof pkg.ValidationError, JSON.stringify(options));
  }
});

test("an abort between the backoff wait and the next attempt sends nothing more", async () => {
  const controller = new AbortController();
  let calls = 0;
  const fetch = async () => {
    calls++;
    return json(503, { error: "busy" });
  };
  const client = new pkg.CallingBox({
    apiKey: KEY, baseUrl: BASE, fetch, initialRetryDelay: 1,
    onRetry: () => queueMicrotask(() => controller.abort()),
  });
  await assert.rejects(client.calls.list({}, { signal: controller.signal }), pkg.AbortError);
  assert.equal(calls, 1);
});

test("the emulator does not follow a webhook receiver's redirect off loopback", async () => {
  let redirectedTo = 0;
  const target = http.createServer((req, res) => { redirectedTo++; res.end("ok"); });
  await new Promise((r) => target.listen(0, "127.0.0.1", r));
  // The receiver redirects to another loopback port; following it would be the bug.
  const receiver = http.createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: `http://127.0.0.1:${target.address().port}/elsewhere` }).end();
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  try {
    const e = emu.createEmulator({ webhooks: "fetch" });
    const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
    const [n] = await client.numbers.searchAvailable({ limit: 1 });
    const number = await client.numbers.purchase({ phone_number: n.phone_number });
    const agent = await client.agents.create({ name: "A", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
    const call = await client.calls.create({ agent_id: agent.id, to: "+15551234567", webhook_url: `http://127.0.0.1:${receiver.address().port}/hook` });
    await e.advance(5_000);
    assert.equal(redirectedTo, 0, "the redirect was followed");
    const deliveries = await client.webhookDeliveries.list({ call_id: call.id });
    assert.ok(deliveries.data.length > 0 && deliveries.data.every((d) => d.status !== "delivered"), "a 3xx is a failed attempt");
  } finally {
    receiver.close();
    target.close();
  }
});
