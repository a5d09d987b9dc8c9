// A hostile server and hostile callers: ids that would escape their path, redirects after a
// POST was processed, bodies too large or endless, status codes fetch should never give,
// arguments that change under the client's feet, a shared AbortSignal, pagination that
// never advances, clear-text http. Servers are real HTTP on 127.0.0.1 where the runtime's
// own behaviour matters (redirects, streaming), fake fetches elsewhere.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { KEY, asRuntimeFetch, client, failure, fakeFetch, fixture, json, pkg, serve } from "./helpers.mjs";

const {
  APIError, CallingBox, CallingBoxError, InternalServerError, InvalidResponseError, OutcomeUnknownError,
  TimeoutError, ValidationError,
} = pkg;
const call = fixture("call");
const OK_CALL = { agent_id: "agent_1", to: "+15551234567" };

/** A port with nothing listening (connections are refused). */
async function closedPort() {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

// Every method that takes ids: [name, call with ids (a, b), number of ids].
const ID_METHODS = [
  ["agents.retrieve", (c, a) => c.agents.retrieve(a), 1],
  ["agents.update", (c, a) => c.agents.update(a, { name: "x" }), 1],
  ["agents.archive", (c, a) => c.agents.archive(a), 1],
  ["agents.attachNumber", (c, a) => c.agents.attachNumber(a, { number_id: "n1" }), 1],
  ["agents.detachNumber", (c, a, b) => c.agents.detachNumber(a, b), 2],
  ["agents.setPrimaryNumber", (c, a) => c.agents.setPrimaryNumber(a, { number_id: "n1" }), 1],
  ["calls.retrieve", (c, a) => c.calls.retrieve(a), 1],
  ["calls.getTranscript", (c, a) => c.calls.getTranscript(a), 1],
  ["webhookEndpoints.retrieve", (c, a) => c.webhookEndpoints.retrieve(a), 1],
  ["webhookEndpoints.update", (c, a) => c.webhookEndpoints.update(a, { description: "x" }), 1],
  ["webhookEndpoints.delete", (c, a) => c.webhookEndpoints.delete(a), 1],
  ["webhookEndpoints.rotateSecret", (c, a) => c.webhookEndpoints.rotateSecret(a), 1],
  ["webhookDeliveries.retrieve", (c, a) => c.webhookDeliveries.retrieve(a), 1],
  ["webhookDeliveries.redeliver", (c, a) => c.webhookDeliveries.redeliver(a), 1],
];

describe("ids never escape their path segment", () => {
  test("empty, blank, '.' and '..' ids are ValidationErrors before any I/O, in every slot of every method", async () => {
    for (const [name, run, n] of ID_METHODS) {
      for (const bad of ["", " ", ".", ".."]) {
        for (let slot = 0; slot < n; slot++) {
          const fetch = fakeFetch();
          const ids = Array.from({ length: n }, (_, i) => (i === slot ? bad : "id_1"));
          const err = await failure(run(client(fetch), ...ids));
          assert.ok(err instanceof ValidationError, `${name}(${JSON.stringify(ids)}): ${err.name} ${err.message}`);
          assert.equal(fetch.calls.length, 0, `${name}(${JSON.stringify(ids)}) reached fetch`);
        }
      }
    }
  });

  test("ids with dots, slashes, percent signs and controls stay one segment after URL parsing", async () => {
    const tricky = ["...", ".a", "a.", "%2e", "%2E%2E", ".%2e", "%2e.", "a/../b", "../x", "?x=1", "#f", "a\\..\\b", "\t..", "..\n", "ü"];
    for (const [name, run, n] of ID_METHODS) {
      for (const id of tricky) {
        const fetch = fakeFetch(() => json(200, {}));
        await run(client(fetch), id, id).catch(() => {}); // the empty answer may not decode: only the URL matters
        assert.equal(fetch.calls.length, 1, `${name}(${JSON.stringify(id)})`);
        const { pathname } = new URL(fetch.calls[0].url);
        const segments = pathname.split("/").slice(1);
        const template = { "agents.detachNumber": 5, "calls.getTranscript": 4, "agents.attachNumber": 4, "agents.setPrimaryNumber": 4, "webhookEndpoints.rotateSecret": 4, "webhookDeliveries.redeliver": 4 }[name] ?? 3;
        assert.equal(segments.length, template, `${name}(${JSON.stringify(id)}) → ${pathname}`);
        assert.equal(decodeURIComponent(segments[2]), id, `${name}: the id is the third segment, intact`);
        if (n === 2) assert.equal(decodeURIComponent(segments[4]), id);
      }
    }
  });

  test("an id object whose toJSON returns an id is refused before the POST is sent", async () => {
    const fetch = fakeFetch(() => json(200, { id: "we_1", secret: "whsec_new" }));
    const err = await failure(client(fetch).webhookEndpoints.rotateSecret({ toJSON: () => "we_1" }));
    assert.ok(err instanceof ValidationError, `${err.name}: ${err.message}`);
    assert.equal(fetch.calls.length, 0);
  });
});

describe("redirects are reported, never followed", () => {
  test("a processed POST answered 307 to a refused port: APIError 307 with the Location and the Idempotency-Key; one request, nothing re-sent", async () => {
    const port = await closedPort();
    const srv = await serve((req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${port}/v1/calls`, "x-request-id": "req_r" });
      res.end();
    });
    try {
      const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 2, initialRetryDelay: 1 });
      const err = await failure(c.calls.create(OK_CALL));
      assert.ok(err instanceof APIError && !(err instanceof OutcomeUnknownError), `${err.name}: ${err.message}`);
      assert.equal(err.status, 307);
      assert.equal(err.location, `http://127.0.0.1:${port}/v1/calls`);
      assert.match(err.message, /redirect to http:\/\/127\.0\.0\.1:\d+\/v1\/calls, which the client does not follow/);
      assert.equal(err.idempotencyKey, srv.requests[0].headers["idempotency-key"]);
      assert.equal(srv.requests.length, 1, "a redirect is not retried");
    } finally {
      await srv.close();
    }
  });

  test("308 to another origin: the body and the Idempotency-Key never reach it; 303 never turns create into a GET", async () => {
    const other = await serve((req, res) => res.end(JSON.stringify(call)));
    const srv = await serve((req, res) => {
      res.writeHead(req.url.startsWith("/v1/calls") && req.headers["x-kind"] === "303" ? 303 : 308, { location: `${other.url}/v1/calls` });
      res.end();
    });
    try {
      for (const kind of ["308", "303"]) {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, defaultHeaders: { "X-Kind": kind } });
        const err = await failure(c.calls.create(OK_CALL));
        assert.ok(err instanceof APIError, `${kind}: ${err.name}`);
        assert.equal(err.status, Number(kind));
      }
      assert.equal(other.requests.length, 0, "the other origin was contacted");
    } finally {
      await srv.close();
      await other.close();
    }
  });

  test("a connection refused by the runtime's fetch is 'never sent'; the same from a custom fetch carries the key", async () => {
    const port = await closedPort();
    const own = new CallingBox({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const e1 = await failure(own.calls.create(OK_CALL));
    assert.ok(e1 instanceof pkg.APIConnectionError && !(e1 instanceof OutcomeUnknownError), `${e1.name}: ${e1.message}`);
    const custom = new CallingBox({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0, fetch: (u, i) => fetch(u, i) });
    const e2 = await failure(custom.calls.create(OK_CALL));
    assert.ok(e2 instanceof OutcomeUnknownError, `${e2.name}: ${e2.message}`);
    assert.ok(typeof e2.idempotencyKey === "string" && e2.idempotencyKey.length > 0);
  });
});

describe("bodies: bounded, streamed, timed", () => {
  test("a 2xx body over maxResponseSize fails while it streams in (an endless body too); Content-Length over it fails at once", async () => {
    let written = 0;
    const srv = await serve((req, res) => {
      if (req.url.includes("declared")) {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(10_000_000) });
        res.write("[");
        return; // never sends the rest
      }
      res.writeHead(200, { "content-type": "application/json" }); // chunked, endless
      const pump = () => {
        while (written < 50_000_000 && res.write("[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]," .repeat(100))) written += 6300;
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    try {
      const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxResponseSize: 100_000, timeout: 20_000, maxRetries: 0 });
      const started = Date.now();
      const err = await failure(c.calls.list());
      assert.ok(err instanceof InvalidResponseError, `${err.name}: ${err.message}`);
      assert.match(err.message, /larger than maxResponseSize \(100000 bytes\)/);
      assert.ok(written < 5_000_000, `the client read on (${written} bytes written)`);
      assert.ok(Date.now() - started < 5_000);
      const err2 = await failure(c.calls.list({ starting_after: "declared" }));
      assert.ok(err2 instanceof InvalidResponseError && /larger than maxResponseSize/.test(err2.message), err2.message);
    } finally {
      await srv.close();
    }
  });

  test("the timeout covers reading the body: headers at once, then a trickle", async () => {
    const srv = await serve((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{\"data\":[");
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(" ")), 20);
      res.on("close", () => clearInterval(t));
    });
    try {
      const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, timeout: 150, maxRetries: 0 });
      const err = await failure(c.calls.list());
      assert.ok(err instanceof TimeoutError, `${err.name}: ${err.message}`);
    } finally {
      await srv.close();
    }
  });

  test("a 100 MB error body of control characters: a typed error, a clipped body, wasm memory back to its size", async () => {
    const before = pkg.wasmMemoryBytes();
    const chunk = "\u0001".repeat(1 << 20);
    const srv = await serve((req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      let n = 0;
      const pump = () => {
        while (n < 100 && res.write(chunk)) n++;
        if (n < 100 && !res.destroyed) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    try {
      const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
      const err = await failure(c.calls.list());
      assert.ok(err instanceof InternalServerError, `${err.name}: ${err.message}`);
      assert.equal(typeof err.body, "string");
      assert.equal(err.body.length, 64 * 1024, "clipped to 64 KiB before anything read it");
      assert.ok(pkg.wasmMemoryBytes() <= Math.max(before, 4 << 20), `wasm memory ${pkg.wasmMemoryBytes()} (was 2.3 GB before error bodies were clipped)`);
    } finally {
      await srv.close();
    }
  });

  test("a large 2xx decodes (linear time) and the instance then gives its memory back", async () => {
    const page = JSON.stringify({ data: Array.from({ length: 20_000 }, (_, i) => ({ ...call, id: `call_${i}` })), has_more: false });
    const c = client(fakeFetch(() => json(200, page)), { maxResponseSize: 64 << 20 });
    const before = pkg.wasmMemoryBytes();
    const list = await c.calls.list();
    assert.equal(list.data.length, 20_000);
    assert.equal(list.data[19_999].id, "call_19999");
    assert.ok(pkg.wasmMemoryBytes() <= Math.max(before, 2 << 20), `after: ${pkg.wasmMemoryBytes()} bytes of wasm memory (before: ${before})`);
    assert.equal((await c.calls.retrieve("c1").catch((e) => e)).name, "InvalidResponseError", "the fresh instance works");
  });

  test("a 2xx body that is not UTF-8 is an InvalidResponseError", async () => {
    const c = client(fakeFetch(() => new Response(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), { status: 200 })));
    const err = await failure(c.calls.retrieve("c1"));
    assert.ok(err instanceof InvalidResponseError && /not UTF-8/.test(err.message), `${err.name}: ${err.message}`);
  });
});

describe("what fetch returns, and what callers pass", () => {
  test("statuses outside 100-599 are InvalidResponseErrors (65736 is not a 2xx)", async () => {
    for (const status of [65736, 0, 99, 600, 1000, -200, 200.5]) {
      const res = { status, headers: new Headers(), text: async () => JSON.stringify(call), arrayBuffer: async () => new TextEncoder().encode(JSON.stringify(call)).buffer };
      const err = await failure(client(async () => res).calls.retrieve("c1"));
      assert.ok(err instanceof InvalidResponseError, `${status}: ${err.name}`);
    }
  });

  test("a POST whose fetch misbehaves after sending carries its Idempotency-Key", async () => {
    const fetch = fakeFetch(() => ({ status: 201, headers: new Headers(), text: async () => { throw new RangeError("boom"); }, body: null }));
    const err = await failure(client(fetch, { maxRetries: 0 }).calls.create(OK_CALL));
    assert.ok(err instanceof CallingBoxError, `${err.name}: ${err.message}`);
    assert.equal(err.idempotencyKey, fetch.calls[0].headers.get("idempotency-key"));
  });

  test("a fetch that throws an unreadable object (its getters throw) still ends in a typed error", async () => {
    const hostile = { get message() { throw new Error("no"); }, get cause() { throw new Error("no"); }, toString() { throw new Error("no"); } };
    for (const call of [(c) => c.calls.retrieve("c1"), (c) => c.calls.create(OK_CALL)]) {
      const err = await failure(call(client(async () => { throw hostile; }, { maxRetries: 0 })));
      assert.ok(err instanceof CallingBoxError, `${err && err.name}`);
    }
  });

  test("client options are read once, inherited ones included; a throwing getter is a ValidationError", () => {
    const base = { baseUrl: "http://127.0.0.1:4010" };
    assert.ok(new CallingBox(Object.assign(Object.create(base), { apiKey: KEY })));
    assert.throws(() => new CallingBox(Object.create(null, { apiKey: { get() { throw new Error(KEY); }, enumerable: true } })),
      (e) => e instanceof ValidationError && e.field === "options" && !e.message.includes(KEY));
  });

  test("a signal-like object without removeEventListener is refused before anything is sent", async () => {
    const fetch = fakeFetch();
    const signal = { aborted: false, addEventListener() {} };
    const err = await failure(client(fetch).webhookEndpoints.rotateSecret("we_1", { signal }));
    assert.ok(err instanceof ValidationError && err.field === "signal", `${err.name}: ${err.message}`);
    assert.equal(fetch.calls.length, 0);
  });

  test("options are read once: a getter cannot change them after the check", async () => {
    let reads = 0;
    const options = { get idempotencyKey() { return ++reads === 1 ? "key-1" : "bad\r\nInjected: 1"; } };
    const fetch = fakeFetch(() => json(201, call));
    await client(fetch).calls.create(OK_CALL, options);
    assert.equal(fetch.calls[0].headers.get("idempotency-key"), "key-1");
    assert.equal(reads, 1);
  });

  test("forbidden request headers are refused at construction; so are keys too short to redact", () => {
    for (const name of ["Transfer-Encoding", "Connection", "Expect", "Host", "Keep-Alive", "Proxy-Authorization", "Sec-Fetch-Site"]) {
      assert.throws(() => new CallingBox({ apiKey: KEY, defaultHeaders: { [name]: "x" } }), (e) => e instanceof ValidationError && e.field === "defaultHeaders", name);
    }
    for (const apiKey of ["k", "sk_1", "sk_1234"]) {
      assert.throws(() => new CallingBox({ apiKey }), (e) => e instanceof ValidationError && e.field === "apiKey", apiKey);
    }
    assert.throws(() => new CallingBox({ apiKey: { toJSON: () => KEY } }), (e) => e instanceof ValidationError && e.field === "apiKey");
  });

  test("http:// only to loopback, unless allowInsecureHttp", () => {
    assert.throws(() => new CallingBox({ apiKey: KEY, baseUrl: "http://api.callingbox.io" }), (e) => e instanceof ValidationError && /clear text/.test(e.message));
    assert.ok(new CallingBox({ apiKey: KEY, baseUrl: "http://api.callingbox.io", allowInsecureHttp: true }));
    assert.ok(new CallingBox({ apiKey: KEY, baseUrl: "http://127.0.0.1:4010" }));
    assert.ok(new CallingBox({ apiKey: KEY, baseUrl: "http://localhost:4010" }));
    assert.throws(() => new CallingBox({ apiKey: KEY, baseUrl: "http://[]" }), ValidationError);
  });

  test("one AbortSignal shared by 50 concurrent requests: no MaxListenersExceededWarning, one listener", async () => {
    const warnings = [];
    const onWarning = (w) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      let release;
      const gate = new Promise((r) => (release = r));
      const fetch = fakeFetch(async () => (await gate, json(200, call)));
      const c = client(fetch);
      const all = Promise.all(Array.from({ length: 50 }, () => c.calls.retrieve("c1", { signal: controller.signal })));
      await new Promise((r) => setTimeout(r, 20));
      const { getEventListeners } = await import("node:events");
      assert.equal(getEventListeners(controller.signal, "abort").length, 1);
      release();
      await all;
      assert.equal(getEventListeners(controller.signal, "abort").length, 0, "listeners removed");
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.filter((w) => w === "MaxListenersExceededWarning"), []);
    } finally {
      process.off("warning", onWarning);
    }
  });

  test("a list that says has_more but repeats its last id stops with a typed error", async () => {
    const fetch = fakeFetch(() => json(200, { data: [call], has_more: true }));
    const seen = [];
    const err = await failure(async () => {
      for await (const c of client(fetch).calls.list()) seen.push(c.id);
    });
    assert.ok(err instanceof InvalidResponseError && /does not advance/.test(err.message), `${err.name}: ${err.message}`);
    assert.equal(seen.length, 2, "the first page, then the same page once: then it stops");
    assert.equal(fetch.calls.length, 2);
  });

  test("a list whose pages come round again (A, B, A) stops too, forwards and backwards", async () => {
    for (const params of [{}, { ending_before: "c0" }]) {
      // The page after c1 is c2's, after c2 c1's again, and so on for ever.
      const fetch = fakeFetch((url) => {
        const cursor = new URL(url).searchParams.get(params.ending_before ? "ending_before" : "starting_after");
        return json(200, { data: [{ ...call, id: cursor === "c1" ? "c2" : "c1" }], has_more: true });
      });
      const seen = [];
      const err = await failure(async () => {
        for await (const c of client(fetch).calls.list(params)) seen.push(c.id);
      });
      assert.ok(err instanceof InvalidResponseError && /"c1" again/.test(err.message), `${err.name}: ${err.message}`);
      assert.deepEqual(seen, ["c1", "c2", "c1"]);
      assert.equal(fetch.calls.length, 3);
    }
  });
});

describe("the key never leaves in a thrown error", () => {
  const escaped = (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  const leaks = (text) => {
    for (let i = 0; i + 8 <= KEY.length; i++) if (text.includes(KEY.slice(i, i + 8))) return KEY.slice(i, i + 8);
    return null;
  };
  const bodies = {
    "escaped inside JSON deeper than the core parses": `${"[".repeat(200)}"${escaped(KEY)}"${"]".repeat(200)}`,
    "escaped in a body that is not JSON": `oops {"error": "${escaped(KEY)}"`,
    "straddling the 64 KiB clip": `${"x".repeat(65536 - 30)}${KEY}${"y".repeat(100)}`,
    "escaped, straddling the clip": `${"x".repeat(65536 - 100)}${escaped(KEY)}`,
    "straddling the 200-character message clip": `${"z".repeat(190)}${KEY}`,
    "raw in an array": `{"error":{"message":"no","detail":["${KEY}"]}}`,
  };
  for (const [what, body] of Object.entries(bodies)) {
    test(`5xx body: ${what}`, async () => {
      const c = client(fakeFetch(() => new Response(body, { status: 500, headers: { "x-request-id": `req_${KEY}` } })), { maxRetries: 0 });
      const err = await failure(c.calls.list());
      assert.ok(err instanceof InternalServerError, err.name);
      const { inspect } = await import("node:util");
      for (const text of [err.message, err.stack, String(err), JSON.stringify(err), inspect(err, { depth: 10, showHidden: true }), typeof err.body === "string" ? err.body : JSON.stringify(err.body), err.requestId]) {
        assert.equal(leaks(text), null, `${what}: ${text.slice(0, 300)}`);
      }
    });
  }

  test("a throwing toJSON in params whose message quotes the key", async () => {
    const err = await failure(client(fakeFetch()).calls.create({ ...OK_CALL, context: { toJSON() { throw new Error(`cannot encode ${KEY}`); } } }));
    assert.ok(err instanceof ValidationError, err.name);
    const { inspect } = await import("node:util");
    assert.equal(leaks(inspect(err, { depth: 10, showHidden: true }) + err.stack + JSON.stringify(err)), null);
  });

  test("a redirect whose Location carries the key", async () => {
    const fetch = async () => new Response(null, { status: 302, headers: { location: `https://evil.example/?k=${KEY}` } });
    const err = await failure(client(fetch).calls.list());
    assert.ok(err instanceof APIError && err.status === 302, err.name);
    assert.equal(leaks(JSON.stringify(err) + err.stack + err.location), null);
  });

  test("a connection error quoting the key, in message, cause and code", async () => {
    await asRuntimeFetch(async () => {
      throw new TypeError(`fetch failed for ${KEY}`, { cause: Object.assign(new Error(`header ${escaped(KEY)}`), { code: KEY }) });
    }, async () => {
      const err = await failure(new CallingBox({ apiKey: KEY, baseUrl: "https://api.test.callingbox.example", maxRetries: 0 }).calls.list());
      const { inspect } = await import("node:util");
      assert.equal(leaks(inspect(err, { depth: 10, showHidden: true }) + err.stack + JSON.stringify(err)), null);
    });
  });
});
