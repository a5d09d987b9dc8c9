// The emulator server's /__emulator/ admin routes over real HTTP on 127.0.0.1: they hand out
// signing secrets and move the clock, so no web page on another origin may read or drive
// them (no CORS, 403 before anything happens), a rebinding Host is refused, and the clock
// only moves by sane amounts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);

const DAY = 24 * 3600 * 1000;
const ROUTES = [
  ["GET", "/__emulator/stats"],
  ["GET", "/__emulator/secret"],
  ["GET", "/__emulator/test-numbers"],
  ["POST", "/__emulator/advance", { ms: 60_000 }],
  ["POST", "/__emulator/faults", { rate503: 1 }],
  ["POST", "/__emulator/fault", { kind: "unavailable" }],
  ["OPTIONS", "/__emulator/secret"],
  ["GET", "/__emulator/nope"],
];

/**
 * One HTTP request through node:http, so Host and Origin are exactly what we say. `body` is
 * sent as JSON, `raw` as it is.
 */
function call(server, method, path, { body, raw, headers = {} } = {}) {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(raw ?? (body === undefined ? undefined : JSON.stringify(body)));
  });
}

const corsHeaders = (res) => Object.keys(res.headers).filter((h) => h.startsWith("access-control-"));

async function withServer(options, fn) {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true, ...options });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

test("admin routes send no CORS headers; tools without an Origin and the emulator's own origin are served", async () => {
  await withServer({}, async (server) => {
    const res = await call(server, "GET", "/__emulator/secret");
    assert.equal(res.status, 200);
    assert.match(res.json.secret, /^whsec_/);
    assert.deepEqual(corsHeaders(res), []);
    const same = await call(server, "GET", "/__emulator/stats", { headers: { origin: server.url } });
    assert.equal(same.status, 200);
    assert.deepEqual(corsHeaders(same), []);
    // Other spellings of this very emulator (Host and Origin agree) are the same origin.
    const local = await call(server, "GET", "/__emulator/stats", {
      headers: { host: `localhost:${new URL(server.url).port}`, origin: `http://localhost:${new URL(server.url).port}` },
    });
    assert.equal(local.status, 200);
    // The API routes are unchanged: browsers may call them from any page (with a key).
    const api = await call(server, "OPTIONS", "/v1/agents", { headers: { origin: "https://app.example" } });
    assert.ok(corsHeaders(api).length > 0, JSON.stringify(api.headers));
  });
});

test("a page on another origin can neither read nor drive the admin routes (403, nothing done)", async () => {
  await withServer({}, async (server) => {
    const before = server.emulator.now();
    const secret = server.emulator.defaultSigningSecret();
    for (const origin of ["https://evil.example", "null", `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`, "http://localhost"]) {
      for (const [method, path, body] of ROUTES) {
        const res = await call(server, method, path, { body, headers: { origin, "content-type": "text/plain" } });
        assert.equal(res.status, 403, `${origin} ${method} ${path}`);
        assert.deepEqual(corsHeaders(res), [], `${origin} ${method} ${path}`);
        assert.ok(!res.text.includes(secret), "the secret is not in a refusal");
        assert.match(res.json.error, /origin/);
      }
    }
    assert.equal(server.emulator.now(), before, "the clock did not move");
    const stats = await call(server, "GET", "/__emulator/stats");
    assert.equal(stats.json.faults_503 ?? 0, 0);
    // The faults were not changed either: an API request is answered normally.
    const api = await call(server, "GET", "/v1/agents", { headers: { authorization: `Bearer ${server.apiKey}` } });
    assert.equal(api.status, 200);
  });
});

test("a Host that is not this emulator on loopback is refused (DNS rebinding), Origin or not", async () => {
  await withServer({}, async (server) => {
    const port = new URL(server.url).port;
    for (const host of [`evil.example:${port}`, "127.0.0.1", `127.0.0.1:${Number(port) + 1}`, `user@127.0.0.1:${port}`, `127.0.0.1:${port}/x`, `10.0.0.1:${port}`]) {
      const res = await call(server, "GET", "/__emulator/secret", { headers: { host } });
      assert.equal(res.status, 403, host);
      assert.equal(res.json.secret, undefined);
      assert.match(res.json.error, /Host/);
    }
    const rebound = await call(server, "GET", "/__emulator/secret", { headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}` } });
    assert.equal(rebound.status, 403);
  });
});

test("adminOrigins lets a listed test page in, with CORS for that origin only", async () => {
  const page = "http://127.0.0.1:5173";
  await withServer({ adminOrigins: [page] }, async (server) => {
    const res = await call(server, "GET", "/__emulator/stats", { headers: { origin: page } });
    assert.equal(res.status, 200);
    assert.equal(res.headers["access-control-allow-origin"], page);
    assert.match(res.headers.vary, /origin/i);
    const pre = await call(server, "OPTIONS", "/__emulator/advance", { headers: { origin: page, "access-control-request-method": "POST" } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers["access-control-allow-origin"], page);
    assert.match(pre.headers["access-control-allow-methods"], /POST/);
    const adv = await call(server, "POST", "/__emulator/advance", { body: { ms: 1000 }, headers: { origin: page } });
    assert.equal(adv.status, 200);
    const other = await call(server, "GET", "/__emulator/stats", { headers: { origin: "http://127.0.0.1:5174" } });
    assert.equal(other.status, 403);
    assert.deepEqual(corsHeaders(other), []);
  });
  for (const adminOrigins of ["*", ["*"], ["http://127.0.0.1:5173/"], ["127.0.0.1:5173"], [5173]]) {
    await assert.rejects(emu.startEmulatorServer({ port: 0, manualClock: true, adminOrigins }), /adminOrigins/, JSON.stringify(adminOrigins));
  }
});

test("POST /__emulator/advance takes whole milliseconds from 0 to 366 days; anything else is 400", async () => {
  await withServer({}, async (server) => {
    const start = server.emulator.now();
    for (const ms of [1e308, -1, 1.5, "1000", null, true, 366 * DAY + 1, Number.MAX_SAFE_INTEGER + 2, undefined]) {
      const res = await call(server, "POST", "/__emulator/advance", { body: { ms } });
      assert.equal(res.status, 400, `ms ${String(ms)}`);
      assert.match(res.json.error, /whole number of milliseconds/);
    }
    for (const raw of ["", "1e308", "[]", "null", "{", '{"ms":1e999}']) {
      const res = await call(server, "POST", "/__emulator/advance", { raw });
      assert.equal(res.status, 400, raw);
    }
    assert.equal(server.emulator.now(), start, "nothing moved the clock");
    const zero = await call(server, "POST", "/__emulator/advance", { body: { ms: 0 } });
    assert.deepEqual([zero.status, zero.json.now], [200, start]);
    const year = await call(server, "POST", "/__emulator/advance", { body: { ms: 366 * DAY } });
    assert.deepEqual([year.status, year.json.now], [200, start + 366 * DAY]);
  });
});

test("GET /__emulator/secret: the test key's by default, another key's with api_key, 400 for a non-key", async () => {
  await withServer({}, async (server) => {
    const own = await call(server, "GET", "/__emulator/secret");
    assert.equal(own.status, 200);
    assert.equal(own.json.secret, server.emulator.defaultSigningSecret());
    assert.match(own.json.secret, /^whsec_[0-9a-f]{32}$/);
    const other = await call(server, "GET", "/__emulator/secret?api_key=sk_test_another_org");
    assert.equal(other.status, 200);
    assert.equal(other.json.secret, server.emulator.defaultSigningSecret("sk_test_another_org"));
    assert.notEqual(other.json.secret, own.json.secret);
    const bad = await call(server, "GET", "/__emulator/secret?api_key=nope");
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /api_key/);
  });
});

test("every admin route is documented (docs/emulator.md and the README's emulator section) and answers as documented", async () => {
  const { readFileSync } = await import("node:fs");
  const doc = readFileSync(new URL("../../docs/emulator.md", import.meta.url), "utf8");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const routes = ROUTES.filter(([m, p]) => m !== "OPTIONS" && p !== "/__emulator/nope").map(([m, p]) => `${m} ${p}`);
  for (const r of routes) {
    assert.ok(doc.includes("`" + r), `docs/emulator.md lacks ${r}`);
    assert.ok(readme.includes("`" + r), `README.md lacks ${r}`);
  }
  await withServer({}, async (server) => {
    const stats = await call(server, "GET", "/__emulator/stats");
    assert.equal(stats.status, 200);
    for (const k of ["requests", "calls_placed", "idempotent_replays", "faults_429", "webhooks_delivered", "endpoints_auto_disabled"]) {
      assert.equal(typeof stats.json[k], "number", k);
      assert.ok(doc.includes("`" + k + "`"), `docs/emulator.md lacks the counter ${k}`);
    }
    const before = server.emulator.now();
    const adv = await call(server, "POST", "/__emulator/advance", { body: { ms: 1000 } });
    assert.deepEqual(adv.json, { now: before + 1000 });
    assert.deepEqual((await call(server, "POST", "/__emulator/faults", { body: { rate503: 0 } })).json, { ok: true });
    assert.equal((await call(server, "POST", "/__emulator/faults", { body: { nope: 1 } })).status, 400);
    assert.deepEqual((await call(server, "POST", "/__emulator/fault", { body: { kind: "unavailable" } })).json, { ok: true });
    assert.equal((await call(server, "POST", "/__emulator/fault", { body: { kind: "meteor" } })).status, 400);
    const tn = await call(server, "GET", "/__emulator/test-numbers");
    assert.deepEqual(tn.json, server.emulator.testNumbers);
    assert.equal((await call(server, "GET", "/__emulator/nope")).status, 404);
  });
});
