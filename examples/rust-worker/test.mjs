// Runs the Rust Worker in workerd (Miniflare) against the HTTP emulator on 127.0.0.1: a call
// dispatched through the Worker is on the emulator, a request refused before any I/O and an
// API error come back typed, a signed webhook verifies and a tampered one is refused.
// Usage: node --test examples/rust-worker/test.mjs (after examples/rust-worker/build.sh and scripts/build.sh)
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test, after } from "node:test";
import { Miniflare } from "miniflare";
import { startEmulatorServer } from "../../pkg/emulator-node.js";

const KEY = "sk_test_rust_worker";
const emu = await startEmulatorServer({ port: 0 });
after(() => emu.close());
const api = async (method, path, body) => {
  const r = await fetch(emu.url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};
const secret = (await (await fetch(`${emu.url}/__emulator/secret?api_key=${KEY}`)).json()).secret;

const mf = new Miniflare({
  modules: true,
  scriptPath: new URL("./build/index.js", import.meta.url).pathname,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2026-04-01",
  bindings: { CALLINGBOX_API_KEY: KEY, CALLINGBOX_WEBHOOK_SECRET: secret, CALLINGBOX_BASE_URL: emu.url },
});
after(() => mf.dispose());
const worker = (path, init) => mf.dispatchFetch(`http://worker.local${path}`, init);

test("a call dispatched through the Worker is placed once", async () => {
  const [available] = (await api("GET", "/v1/numbers/available?limit=1")).body;
  const number = (await api("POST", "/v1/numbers/purchase", { phone_number: available.phone_number })).body;
  const agent = (await api("POST", "/v1/agents", { name: "Rust Worker", type: "outbound", number_ids: [number.id], primary_number_id: number.id })).body;

  const r = await worker("/dispatch", { method: "POST", body: JSON.stringify({ agent_id: agent.id, to: "+1 415 555 0123", instructions: "Confirm" }) });
  const call = await r.json();
  assert.equal(r.status, 201, JSON.stringify(call));
  assert.equal(call.to_number, "+14155550123");
  const stored = await api("GET", `/v1/calls/${call.id}`);
  assert.equal(stored.status, 200);
  assert.equal(stored.body.instructions, "Confirm");
  assert.equal((await api("GET", "/v1/calls")).body.data.length, 1);
});

test("errors come back typed: validation before I/O, the API's 404", async () => {
  let r = await worker("/dispatch", { method: "POST", body: JSON.stringify({ agent_id: "a", to: "not a number" }) });
  let body = await r.json();
  assert.equal(r.status, 400);
  assert.equal(body.code, "invalid_phone_number");
  r = await worker("/dispatch", { method: "POST", body: JSON.stringify({ agent_id: "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74", to: "+14155550123" }) });
  body = await r.json();
  assert.equal(r.status, 404, JSON.stringify(body));
  assert.equal(body.code, "not_found");
  assert.ok(body.request_id);
  assert.ok(!JSON.stringify(body).includes(KEY));
});

test("webhooks: a signed event verifies, a tampered one is refused", async () => {
  const payload = JSON.stringify({ id: "evt_1", type: "call.completed", created: Math.floor(Date.now() / 1000), api_version: "2026-04", data: { call: { id: "c1", status: "completed" } } });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${payload}`).digest("hex");
  const signature = `t=${t},v1=${v1}`;
  let r = await worker("/webhooks", { method: "POST", headers: { "CallingBox-Signature": signature }, body: payload });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { received: "evt_1", type: "call.completed", call_id: "c1" });
  r = await worker("/webhooks", { method: "POST", headers: { "CallingBox-Signature": signature }, body: payload.replace("c1", "c2") });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).reason, "no_matching_signature");
});
