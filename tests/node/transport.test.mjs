// In Node the client sends with node:http unless fetch is asked for (a `fetch` option, a
// replaced globalThis.fetch, an undici dispatcher of one's own). Both ways must behave the same
// against a real server on 127.0.0.1: what the server receives, what comes back, bodies cut
// short, connections reset after a POST arrived, refused connections, redirects, aborts, and
// connections kept alive without keeping the process alive.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import https from "node:https";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { KEY, failure, pkg, serve } from "./helpers.mjs";

const { APIConnectionError, APIError, AbortError, CallingBox, OutcomeUnknownError } = pkg;
const CALL = { id: "call_1", object: "call", agent_id: "agent_1", status: "queued", direction: "outbound", to: "+15551234567", from: "+15557654321", metadata: {}, created_at: "2026-01-01T00:00:00Z" };

const answer = (res, status, body, headers = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
};

// The two ways a Node client sends: its default, and the global fetch given explicitly.
const TRANSPORTS = [
  ["node:http (the default)", {}],
  ["fetch (given)", { fetch: globalThis.fetch }],
];

for (const [name, extra] of TRANSPORTS) {
  describe(`over ${name}`, () => {
    test("the server receives the request as built; the answer comes back with its headers", async () => {
      const srv = await serve((req, res) => {
        res.setHeader("set-cookie", ["a=1", "b=2"]);
        res.setHeader("constructor", "c"); // a name Object.prototype also has
        answer(res, 201, CALL, { "x-request-id": "req_42", "x-extra": "yes" });
      });
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, ...extra });
        const call = await c.calls.create({ agent_id: "agent_1", to: "+1 (555) 123-4567", metadata: { row: "é" } }, { idempotencyKey: "batch-1" });
        assert.equal(call.id, "call_1");
        assert.equal(call.lastResponse.requestId, "req_42");
        assert.equal(call.lastResponse.headers["x-extra"], "yes");
        assert.equal(call.lastResponse.headers.constructor, "c");
        assert.equal(call.lastResponse.headers["set-cookie"], "a=1, b=2"); // repeated: joined, as Headers.get does
        const [r] = srv.requests;
        assert.equal(r.method, "POST");
        assert.equal(r.url, "/v1/calls");
        assert.equal(r.headers.authorization, `Bearer ${KEY}`);
        assert.equal(r.headers["idempotency-key"], "batch-1");
        assert.equal(r.headers["content-type"], "application/json");
        assert.equal(Number(r.headers["content-length"]), Buffer.byteLength(r.body));
        assert.deepEqual(JSON.parse(r.body), { agent_id: "agent_1", to: "+15551234567", metadata: { row: "é" } });
      } finally {
        await srv.close();
      }
    });

    test("a body cut short of its Content-Length: a GET fails to connect, a POST's outcome is unknown (with its key)", async () => {
      const srv = await serve((req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "500" });
        res.write(JSON.stringify(CALL).slice(0, 40));
        setTimeout(() => res.socket.destroy(), 20);
      });
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0, ...extra });
        const e1 = await failure(c.calls.retrieve("call_1"));
        assert.ok(e1 instanceof APIConnectionError && !(e1 instanceof OutcomeUnknownError), `${e1.name}: ${e1.message}`);
        const e2 = await failure(c.calls.create({ agent_id: "agent_1", to: "+15551234567" }, { idempotencyKey: "cut-1" }));
        assert.ok(e2 instanceof OutcomeUnknownError, `${e2.name}: ${e2.message}`);
        assert.equal(e2.idempotencyKey, "cut-1");
      } finally {
        await srv.close();
      }
    });

    test("a connection reset after the POST arrived: outcome unknown, and a retry resends the same key", async () => {
      let n = 0;
      const srv = await serve((req, res) => {
        if (n++ === 0) return req.socket.destroy();
        answer(res, 201, CALL);
      });
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0, ...extra });
        const err = await failure(c.calls.create({ agent_id: "agent_1", to: "+15551234567" }));
        assert.ok(err instanceof OutcomeUnknownError, `${err.name}: ${err.message}`);
        const retried = new CallingBox({ apiKey: KEY, baseUrl: srv.url, initialRetryDelay: 1, ...extra });
        n = 0;
        const call = await retried.calls.create({ agent_id: "agent_1", to: "+15551234567" });
        assert.equal(call.lastResponse.attempts, 2);
        const [, first, second] = srv.requests;
        assert.equal(first.headers["idempotency-key"], second.headers["idempotency-key"]);
      } finally {
        await srv.close();
      }
    });

    test("a refused connection was never sent: a POST is a plain connection error", async () => {
      const s = http.createServer();
      await new Promise((r) => s.listen(0, "127.0.0.1", r));
      const port = s.address().port;
      await new Promise((r) => s.close(r));
      const c = new CallingBox({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0, ...extra });
      const err = await failure(c.calls.create({ agent_id: "agent_1", to: "+15551234567" }));
      assert.ok(err instanceof APIConnectionError && !(err instanceof OutcomeUnknownError), `${err.name}: ${err.message}`);
    });

    test("a redirect is reported, not followed", async () => {
      const srv = await serve((req, res) => {
        res.writeHead(307, { location: "http://127.0.0.1:9/v1/calls", "content-length": "0" });
        res.end();
      });
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0, ...extra });
        const err = await failure(c.calls.create({ agent_id: "agent_1", to: "+15551234567" }));
        assert.ok(err instanceof APIError && err.status === 307, `${err.name}: ${err.message}`);
        assert.equal(srv.requests.length, 1);
      } finally {
        await srv.close();
      }
    });

    test("an abort while the body streams in ends the request and closes its connection", async () => {
      let closed;
      const srv = await serve((req, res) => {
        closed = once(res, "close");
        res.writeHead(200, { "content-type": "application/json" });
        res.write("{\"data\":[");
      });
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0, ...extra });
        const ac = new AbortController();
        const pending = failure(c.calls.list({}, { signal: ac.signal }));
        await new Promise((r) => setTimeout(r, 50));
        ac.abort();
        const err = await pending;
        assert.ok(err instanceof AbortError, `${err.name}: ${err.message}`);
        await closed; // the server saw the connection go
      } finally {
        await srv.close();
      }
    });

    test("answers no HTTP client should take end in a typed error at once, not at the timeout", async () => {
      const wire = {
        "101 Switching Protocols": "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n",
        "not HTTP": "NOT HTTP AT ALL\r\n\r\n",
        "a control character in a header": "HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\n{}",
        "Content-Length and chunked both": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "100 KB of header": `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(100_000)}\r\nContent-Length: 2\r\n\r\n{}`,
        "the connection closed unanswered": null,
      };
      for (const [what, raw] of Object.entries(wire)) {
        const srv = net.createServer((socket) => {
          socket.on("error", () => {});
          socket.once("data", () => (raw === null ? socket.destroy() : socket.end(raw)));
        });
        await new Promise((r) => srv.listen(0, "127.0.0.1", r));
        try {
          const c = new CallingBox({ apiKey: KEY, baseUrl: `http://127.0.0.1:${srv.address().port}`, maxRetries: 0, timeout: 5_000, ...extra });
          const started = Date.now();
          const err = await failure(c.calls.retrieve("call_1"));
          assert.ok(err instanceof APIConnectionError && !(err instanceof pkg.TimeoutError), `${what}: ${err.name}: ${err.message}`);
          assert.ok(Date.now() - started < 2_000, `${what}: took ${Date.now() - started} ms`);
        } finally {
          await new Promise((r) => srv.close(r));
        }
      }
    });

    test("an informational 103 before the answer is skipped", async () => {
      const srv = net.createServer((socket) => {
        socket.once("data", () => socket.end(`HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${JSON.stringify(CALL).length}\r\n\r\n${JSON.stringify(CALL)}`));
      });
      await new Promise((r) => srv.listen(0, "127.0.0.1", r));
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: `http://127.0.0.1:${srv.address().port}`, ...extra });
        assert.equal((await c.calls.retrieve("call_1")).id, "call_1");
      } finally {
        await new Promise((r) => srv.close(r));
      }
    });

    test("a repeated header keeps every value (Retry-After: 0 and 30 is not a 0 s wait)", async () => {
      const srv = await serve((req, res) => {
        res.setHeader("retry-after", ["0", "30"]);
        answer(res, 503, { error: { type: "server_error", message: "busy" } });
      });
      try {
        const delays = [];
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 1, initialRetryDelay: 40, onRetry: (i) => delays.push(i.delayMs), ...extra });
        const err = await failure(c.calls.retrieve("call_1"));
        assert.ok(err instanceof APIError && err.status === 503, `${err.name}: ${err.message}`);
        assert.equal(err.headers["retry-after"], "0, 30");
        assert.equal(delays.length, 1);
        assert.ok(delays[0] >= 20, `waited ${delays[0]} ms: the first value alone was taken`);
      } finally {
        await srv.close();
      }
    });

    test("a status below 100 is a broken answer: a POST's outcome is unknown", async () => {
      const srv = net.createServer((socket) => {
        socket.on("error", () => {});
        socket.once("data", () => socket.end("HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\n{}"));
      });
      await new Promise((r) => srv.listen(0, "127.0.0.1", r));
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: `http://127.0.0.1:${srv.address().port}`, maxRetries: 0, ...extra });
        const err = await failure(c.calls.create({ agent_id: "agent_1", to: "+15551234567" }, { idempotencyKey: "odd-1" }));
        assert.ok(err instanceof OutcomeUnknownError && err.idempotencyKey === "odd-1", `${err.name}: ${err.message}`);
      } finally {
        await new Promise((r) => srv.close(r));
      }
    });

    test("an answer refused before its body is read does not keep its connection open", async () => {
      const srv = await serve((req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
        res.write("{"); // and nothing more
      });
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0, maxResponseSize: 1000, ...extra });
        for (let i = 0; i < 10; i++) {
          const err = await failure(c.calls.retrieve("call_1"));
          assert.ok(err instanceof pkg.InvalidResponseError && /larger than maxResponseSize/.test(err.message), `${err.name}: ${err.message}`);
        }
        assert.equal(srv.requests.length, 10);
        // The server's side of each connection closes once the client lets go of it.
        const started = Date.now();
        while (srv.openConnections() > 1 && Date.now() - started < 3_000) await new Promise((r) => setTimeout(r, 50));
        assert.ok(srv.openConnections() <= 1, `${srv.openConnections()} connections still open`);
      } finally {
        await srv.close();
      }
    });

    test("requests in a row share a kept-alive connection", async () => {
      const srv = await serve((req, res) => answer(res, 200, CALL));
      try {
        const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, ...extra });
        for (let i = 0; i < 20; i++) await c.calls.retrieve("call_1");
        assert.ok(srv.connections() <= 2, `${srv.connections()} connections for 20 requests`);
      } finally {
        await srv.close();
      }
    });
  });
}

describe("over node:https", () => {
  const cert = readFileSync(new URL("./tls/localhost.pem", import.meta.url)); // self-signed, for tests only
  const key = readFileSync(new URL("./tls/localhost.key", import.meta.url));

  // A TLS server that reads the whole POST, then answers with a record that cannot be
  // decrypted: Node reports a TLS error code, but the call may have been placed.
  async function tlsServer() {
    let posts = 0;
    const context = tls.createSecureContext({ key, cert });
    const server = net.createServer((raw) => {
      raw.on("error", () => {});
      const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
      socket.on("error", () => {});
      let seen = "";
      socket.on("data", (d) => {
        seen += d;
        if (seen.includes("\r\n\r\n") && seen.includes("agent_1")) {
          posts++;
          seen = "";
          raw.write(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20, ...Array(32).fill(7)]));
        }
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    return { url: `https://127.0.0.1:${server.address().port}`, posts: () => posts, close: () => new Promise((r) => server.close(r)) };
  }

  test("a TLS error after the request went out is not 'never sent': the POST's outcome is unknown", async () => {
    const srv = await tlsServer();
    const before = https.globalAgent.options.ca;
    https.globalAgent.options.ca = cert; // the client uses Node's global agent
    try {
      const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
      const err = await failure(c.calls.create({ agent_id: "agent_1", to: "+15551234567" }, { idempotencyKey: "tls-1" }));
      assert.ok(err instanceof OutcomeUnknownError && err.idempotencyKey === "tls-1", `${err.name}: ${err.message}`);
      assert.equal(srv.posts(), 1);
      // With retries, every attempt carries the same key and the end is still "unknown".
      const retried = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 2, initialRetryDelay: 1 });
      const err2 = await failure(retried.calls.create({ agent_id: "agent_1", to: "+15551234567" }, { idempotencyKey: "tls-2" }));
      assert.ok(err2 instanceof OutcomeUnknownError && err2.idempotencyKey === "tls-2", `${err2.name}: ${err2.message}`);
      assert.equal(srv.posts(), 4);
    } finally {
      https.globalAgent.options.ca = before;
      https.globalAgent.destroy();
      await srv.close();
    }
  });

  test("a certificate refused during the handshake: nothing was sent, a plain connection error", async () => {
    const srv = await tlsServer();
    try {
      const c = new CallingBox({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
      const err = await failure(c.calls.create({ agent_id: "agent_1", to: "+15551234567" }));
      assert.ok(err instanceof APIConnectionError && !(err instanceof OutcomeUnknownError), `${err.name}: ${err.message}`);
      assert.equal(srv.posts(), 0);
    } finally {
      await srv.close();
    }
  });
});

describe("which one a Node client uses", () => {
  // fetch marks its requests (sec-fetch-mode); node:http does not.
  const viaFetch = (r) => r.headers["sec-fetch-mode"] !== undefined;

  test("node:http by default; fetch when given", async () => {
    const srv = await serve((req, res) => answer(res, 200, CALL));
    try {
      await new CallingBox({ apiKey: KEY, baseUrl: srv.url }).calls.retrieve("call_1");
      await new CallingBox({ apiKey: KEY, baseUrl: srv.url, fetch: globalThis.fetch }).calls.retrieve("call_1");
      assert.deepEqual(srv.requests.map(viaFetch), [false, true]);
    } finally {
      await srv.close();
    }
  });

  test("a replaced globalThis.fetch (a test's mock) is what the client calls", async () => {
    const original = globalThis.fetch;
    const seen = [];
    globalThis.fetch = async (url, init) => {
      seen.push(url);
      return new Response(JSON.stringify(CALL), { status: 200, headers: { "content-type": "application/json" } });
    };
    try {
      const call = await new CallingBox({ apiKey: KEY, baseUrl: "https://api.example.test" }).calls.retrieve("call_1");
      assert.equal(call.id, "call_1");
      assert.deepEqual(seen, ["https://api.example.test/v1/calls/call_1"]);
    } finally {
      globalThis.fetch = original;
    }
  });

  test("an undici dispatcher of one's own (a proxy, a MockAgent, an Agent with options) is honoured: the request goes through fetch", async () => {
    const key = Symbol.for("undici.globalDispatcher.1");
    const before = globalThis[key];
    const options = Symbol("options"); // where undici's Agent keeps what it was given
    const dispatched = [];
    const recorder = (name) => ({
      [name]: class {
        constructor(given) {
          this[options] = given;
        }
        dispatch(o) {
          dispatched.push(`${name} ${o.method} ${o.path}`);
          throw new Error("not here");
        }
      },
    })[name];
    const ProxyAgent = recorder("ProxyAgent");
    const Agent = recorder("Agent");
    try {
      for (const dispatcher of [new ProxyAgent({ uri: "http://proxy" }), new Agent({ connect: { ca: "x" }, interceptors: undefined })]) {
        globalThis[key] = dispatcher;
        // (Not port 9: fetch refuses it before any dispatcher sees the request.)
        const err = await failure(new CallingBox({ apiKey: KEY, baseUrl: "http://127.0.0.1:8", maxRetries: 0 }).calls.retrieve("call_1"));
        assert.ok(err instanceof APIConnectionError, `${err.name}: ${err.message}`);
      }
      assert.deepEqual(dispatched, ["ProxyAgent GET /v1/calls/call_1", "Agent GET /v1/calls/call_1"]);
      // The Agent fetch makes for itself (no options) is no reason to use fetch.
      const srv = await serve((req, res) => answer(res, 200, CALL));
      try {
        globalThis[key] = new Agent({ connect: undefined, interceptors: undefined });
        await new CallingBox({ apiKey: KEY, baseUrl: srv.url }).calls.retrieve("call_1");
        assert.equal(dispatched.length, 2);
        assert.equal(srv.requests.length, 1);
      } finally {
        await srv.close();
      }
    } finally {
      if (before === undefined) delete globalThis[key];
      else globalThis[key] = before;
    }
  });

  test("a kept-alive connection does not keep the process alive", async () => {
    const srv = await serve((req, res) => answer(res, 200, CALL, { "keep-alive": "timeout=60" }));
    try {
      const child = spawn(process.execPath, ["--input-type=module", "-e", `
        const { CallingBox } = await import(${JSON.stringify(new URL("../../target/consumer/callingbox.mjs", import.meta.url).href)});
        const c = new CallingBox({ apiKey: ${JSON.stringify(KEY)}, baseUrl: ${JSON.stringify(srv.url)} });
        for (let i = 0; i < 3; i++) await c.calls.retrieve("call_1");
        console.log("done");
      `], { stdio: ["ignore", "pipe", "inherit"] });
      const started = Date.now();
      const [code] = await once(child, "exit");
      assert.equal(code, 0);
      assert.ok(Date.now() - started < 5_000, `the process took ${Date.now() - started} ms to exit`);
      assert.equal(srv.requests.length, 3);
      assert.ok(srv.requests.every((r) => !viaFetch(r)));
    } finally {
      await srv.close();
    }
  });
});
