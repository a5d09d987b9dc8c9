// The emulator and api/openapi.yaml agree where the description is more than a type: the
// webhook endpoint `url` rule (public HTTPS; http only to loopback), both ways, and the bare
// array of `GET /v1/numbers/available`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const spec = parse(readFileSync(new URL("../../api/openapi.yaml", import.meta.url), "utf8"));

const httpUrl = new RegExp(spec.components.schemas.HttpUrl.pattern, "u");
const bodyOf = (path, method) => spec.paths[path][method].requestBody.content["application/json"].schema;
const endpointUrl = {
  create: bodyOf("/v1/webhook_endpoints", "post").properties.url,
  update: bodyOf("/v1/webhook_endpoints/{id}", "patch").properties.url,
};
/** What the description accepts as an endpoint url: EndpointUrl = HttpUrl and its own pattern. */
const endpointSchema = spec.components.schemas.EndpointUrl;
const endpointPattern = new RegExp(endpointSchema.allOf.find((p) => p.pattern).pattern, "u");
const described = (url) => httpUrl.test(url) && endpointPattern.test(url);

const URLS = {
  accepted: [
    "https://example.com/hook",
    "https://user:pw@example.com:8443/x?y#z",
    "https://h",
    "http://127.0.0.1:8787/hook",
    "http://127.1.2.3/",
    "http://localhost",
    "http://LocalHost:9/x",
    "http://[::1]:9/",
    "http://user@localhost/hook",
    "http://localhost@127.0.0.1/x",
    "http://127.0.0.1?x",
    "http://localhost#f",
  ],
  refused: [
    "http://example.com/hook",
    "http://api.callingbox.io/",
    "http://127.0.0.1.nip.io/",
    "http://localhost.example.com/",
    "http://127.0.0.1@example.com/",
    "http://localhost:80@example.com/",
    "http://[::2]/",
    "http://0.0.0.0/",
    "http://127.0.0/",
    "http://127.0.0.1.5/",
    "http://1270.0.0.1/",
    "ftp://localhost/",
    "http://[",
    "HTTPS://example.com/",
  ],
};

test("the description states the endpoint url rule exactly once, on create and update alike", () => {
  assert.equal(endpointUrl.create.$ref, "#/components/schemas/EndpointUrl");
  assert.ok(endpointSchema.allOf.some((p) => p.$ref === "#/components/schemas/HttpUrl"));
  assert.deepEqual(endpointUrl.update, endpointUrl.create);
  for (const u of URLS.accepted) assert.ok(described(u), u);
  for (const u of URLS.refused) assert.ok(!described(u), u);
});

test("webhook endpoint url: https, or http to loopback only; the emulator agrees with the description both ways", async () => {
  const e = emu.createEmulator();
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch, maxRetries: 0 });
  const keep = await client.webhookEndpoints.create({ url: "https://example.com/keep" });
  for (const url of [...URLS.accepted, ...URLS.refused]) {
    const want = described(url);
    const created = await client.webhookEndpoints.create({ url }).then((x) => x, (err) => err);
    if (want) {
      assert.equal(created.url, url, url);
    } else {
      assert.ok(created instanceof pkg.BadRequestError, `${url}: ${created}`);
      assert.match(created.message, /url must be an/);
    }
    const updated = await client.webhookEndpoints.update(keep.id, { url }).then((x) => x, (err) => err);
    if (want) {
      assert.equal(updated.url, url, url);
      await client.webhookEndpoints.update(keep.id, { url: "https://example.com/keep" });
    } else {
      assert.ok(updated instanceof pkg.BadRequestError, `${url}: ${updated}`);
      assert.equal((await client.webhookEndpoints.retrieve(keep.id)).url, "https://example.com/keep", "a refused PATCH changes nothing");
    }
  }
  // The API asks HTTPS of endpoints only: inline webhook_urls keep taking any http(s) URL.
  const agent = await client.agents.create({ name: "Inline", type: "outbound", webhook_url: "http://example.com/hook" });
  assert.equal(agent.webhook_url, "http://example.com/hook");
});

test("GET /v1/numbers/available answers a bare JSON array, as described; the client returns it as is", async () => {
  const op = spec.paths["/v1/numbers/available"].get.responses["200"].content["application/json"].schema;
  assert.equal(op.$ref, "#/components/schemas/AvailableNumberList");
  assert.equal(spec.components.schemas.AvailableNumberList.type, "array");
  const e = emu.createEmulator();
  const res = await e.fetch("http://emulator/v1/numbers/available?area_code=415&limit=2", { headers: { authorization: `Bearer ${e.apiKey}` } });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.ok(Array.isArray(body), JSON.stringify(body).slice(0, 100));
  assert.equal(body.length, 2);
  const required = spec.components.schemas.AvailableNumber.required;
  for (const n of body) for (const k of required) assert.ok(k in n, k);
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
  const found = await client.numbers.searchAvailable({ area_code: "415", limit: 2 });
  assert.deepEqual(found.map((n) => n.phone_number), body.map((n) => n.phone_number));
});
