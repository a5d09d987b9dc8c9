// examples/worker end to end in workerd (Miniflare): the emulator, as a loopback server,
// dispatches a call whose webhook_url is the Worker; the Worker verifies and records every
// lifecycle event; tampered, stale and unsigned deliveries are rejected; the proxy
// dispatches a call without the API key ever reaching the browser side.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const root = new URL("../../", import.meta.url);
const outdir = fileURLToPath(new URL("target/worker-test/", root));

async function bundleWorker() {
  mkdirSync(outdir, { recursive: true });
  // As `wrangler deploy` would: "callingbox" resolved from an installed package with the
  // workerd conditions; the .wasm stays a separate module (workerd cannot compile bytes).
  await build({
    entryPoints: [fileURLToPath(new URL("examples/worker/src/index.js", root))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    nodePaths: [fileURLToPath(new URL("target/consumer/node_modules", root))],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    outdir,
    logLevel: "warning",
  });
  return `${outdir}index.js`;
}

test("examples/worker receives signed webhooks and proxies the API in workerd", async (t) => {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true });
  const apiKey = "sk_test_worker_org_01";
  // The organisation exists from its first request; its default secret signs inline URLs.
  await new pkg.CallingBox({ apiKey, baseUrl: server.url }).agents.list();
  const secret = server.emulator.defaultSigningSecret(apiKey);
  assert.match(secret, /^whsec_/);
  const scriptPath = await bundleWorker();
  const token = "front-end-token-0123456789";
  const auth = { authorization: `Bearer ${token}` };
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    bindings: { CALLINGBOX_API_KEY: apiKey, CALLINGBOX_BASE_URL: server.url, CALLINGBOX_WEBHOOK_SECRET: secret, PROXY_TOKEN: token },
    kvNamespaces: ["EVENTS"],
    host: "127.0.0.1",
    port: 0,
  });
  try {
    const workerUrl = String(await mf.ready).replace(/\/$/, "");
    assert.match(workerUrl, /^http:\/\/127\.0\.0\.1:\d+$/);

    // Setup straight against the emulator (what an admin would do once).
    const admin = new pkg.CallingBox({ apiKey, baseUrl: server.url });
    const [n] = await admin.numbers.searchAvailable({ limit: 1 });
    const number = await admin.numbers.purchase({ phone_number: n.phone_number });
    const agent = await admin.agents.create({ name: "Edge", type: "outbound", returns: { ok: "boolean" }, number_ids: [number.id], primary_number_id: number.id });

    let callId;
    await t.test("the proxy dispatches a call; the key stays in env", async () => {
      const open = await fetch(`${workerUrl}/api/calls`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      assert.equal(open.status, 401, "the proxy is closed without the front end's token");
      const res = await fetch(`${workerUrl}/api/calls`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ agent_id: agent.id, to: "+15551234567", webhook_url: `${workerUrl}/webhooks` }),
      });
      const text = await res.text();
      assert.equal(res.status, 201, text);
      assert.ok(!text.includes(apiKey) && ![...res.headers.values()].some((v) => v.includes(apiKey)), "key leaked to the browser side");
      const call = JSON.parse(text);
      assert.equal(call.status, "queued");
      callId = call.id;
      const notAllowed = await fetch(`${workerUrl}/api/numbers`, { method: "GET", headers: auth });
      assert.equal(notAllowed.status, 404, "only allow-listed operations are proxied");
      const missing = await fetch(`${workerUrl}/api/calls/00000000-0000-4000-8000-000000000000`, { headers: auth });
      const badPct = await fetch(`${workerUrl}/api/calls/%E0%A4`, { headers: auth });
      assert.equal(badPct.status, 400, `bad percent-encoding is a 400, not a crash: ${await badPct.clone().text()}`);
      assert.equal(missing.status, 404, "the API's status passes through");
      assert.match((await missing.json()).error, /not found/);
    });

    await t.test("every lifecycle event reaches the Worker and is verified", async () => {
      await server.emulator.advance(200_000); // the emulator POSTs each event to the Worker
      const events = (await (await fetch(`${workerUrl}/events`)).json()).data.filter((e) => e.call_id === callId);
      assert.deepEqual(events.map((e) => e.type), ["call.queued", "call.ringing", "call.answered", "call.completed"]);
      const deliveries = await admin.webhookDeliveries.list({ call_id: callId });
      assert.ok(deliveries.data.length >= 4 && deliveries.data.every((d) => d.status === "delivered"), "all delivered (2xx)");
      const viaProxy = await (await fetch(`${workerUrl}/api/calls/${callId}`, { headers: auth })).json();
      assert.equal(viaProxy.status, "completed");
    });

    await t.test("tampered, stale and unsigned deliveries get 400 and are not recorded", async () => {
      const body = JSON.stringify({ id: "11111111-1111-4111-8111-111111111111", type: "call.completed", created: Math.floor(Date.now() / 1000), api_version: "2026-04", data: { call: { id: callId, status: "completed" } } });
      const now = Math.floor(Date.now() / 1000);
      const good = pkg.Webhooks.generateTestHeader({ payload: body, secret, timestamp: now });
      const post = (b, header) => fetch(`${workerUrl}/webhooks`, { method: "POST", headers: header ? { "callingbox-signature": header } : {}, body: b });
      const tampered = await post(body.replace("completed", "failed"), good);
      assert.equal(tampered.status, 400);
      assert.equal((await tampered.json()).reason, "no_matching_signature");
      const stale = await post(body, pkg.Webhooks.generateTestHeader({ payload: body, secret, timestamp: now - 3600 }));
      assert.equal((await stale.json()).reason, "timestamp_outside_tolerance");
      const unsigned = await post(body);
      assert.equal(unsigned.status, 400);
      const before = (await (await fetch(`${workerUrl}/events`)).json()).data.length;
      assert.equal((await post(body, good)).status, 200, "the same body, correctly signed, is accepted");
      const dup = await post(body, good);
      assert.deepEqual(await dup.json(), { received: true, duplicate: true }, "idempotent on the event id");
      const forged = await fetch(`${workerUrl}/webhooks`, { method: "POST", headers: { "callingbox-signature": good, "callingbox-event-id": "forged-id" }, body });
      assert.deepEqual(await forged.json(), { received: true, duplicate: true }, "dedupe uses the signed event id, not the header");
      const after = (await (await fetch(`${workerUrl}/events`)).json()).data;
      assert.equal(after.length, before + 1);
      assert.ok(!after.some((e) => e.type === "call.failed"), "the tampered event was never recorded");
    });

  } finally {
    await mf.dispose();
    await server.close();
  }
});
