// Shared helpers for the Node tests (not a test file itself: node --test only runs *.test.mjs).
//
// The package under test is the BUILT one, imported by name from a scratch consumer project
// (target/consumer, made by scripts/consumer.sh from `npm pack ./pkg`): target/consumer/
// callingbox.mjs is `export * from "callingbox"`, resolved through the package's `exports`
// map exactly as in a user's project.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import http from "node:http";

const consumer = new URL("../../target/consumer/callingbox.mjs", import.meta.url);
if (!existsSync(fileURLToPath(consumer))) {
  throw new Error("target/consumer is missing: run `bash scripts/consumer.sh` (or scripts/test-node.sh) first");
}
export const pkg = await import(consumer.href);

export const BASE = "https://api.test.callingbox.example";
/** A realistic key: every test checks it never leaks into an error. */
export const KEY = "sk_test_S3cretKEYvalue_9f8e7d6c5b4a";
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The example objects in tests/fixtures. */
export function fixture(name) {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), "utf8"));
}

/** A JSON Response with an X-Request-Id. */
export function json(status, body, headers = {}) {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": "req_default", ...headers },
  });
}

/**
 * A recording fake fetch. `handler(url, init, call)` returns a Response (or a promise of one,
 * or throws); the default answers 200 `{}`. `fake.calls` holds { url, init, self, headers }.
 * It is a plain `function` so the `this` it was called with is recorded.
 */
export function fakeFetch(handler = () => json(200, {})) {
  const calls = [];
  const fake = function (url, init) {
    const call = { url, init, self: this, headers: new Headers(init && init.headers) };
    calls.push(call);
    return Promise.resolve().then(() => handler(url, init, call));
  };
  fake.calls = calls;
  return fake;
}

/** A fetch that never answers until init.signal aborts (then rejects like the real one). */
export function hangingFetch() {
  return fakeFetch((url, init) => new Promise((_, reject) => {
    const signal = init.signal;
    if (!signal) return; // would hang forever: the test will time out and fail
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  }));
}

/**
 * Runs `work` with `fetch` installed as the runtime's global fetch: only errors from the
 * runtime's own fetch (called with redirect: "manual") can prove a request never left.
 */
export async function asRuntimeFetch(fetch, work) {
  const saved = globalThis.fetch;
  globalThis.fetch = fetch;
  try {
    return await work();
  } finally {
    globalThis.fetch = saved;
  }
}

export function client(fetch, options = {}) {
  return new pkg.CallingBox({ apiKey: KEY, baseUrl: BASE, fetch, ...options });
}

/** Awaits a promise (or runs a function) that must fail; returns the error. */
export async function failure(work) {
  let result;
  try {
    result = await (typeof work === "function" ? work() : work);
  } catch (e) {
    return e;
  }
  assert.fail(`expected a failure, got ${JSON.stringify(result)}`);
}

/** Every way an error can be shown or logged, as one string (to look for secrets in). */
export async function everyRendering(err) {
  const { inspect } = await import("node:util");
  const props = {};
  for (const k of Object.getOwnPropertyNames(err)) props[k] = err[k];
  return [
    String(err),
    err.message,
    err.stack,
    JSON.stringify(err),
    JSON.stringify(props),
    inspect(err, { depth: 10, showHidden: true }),
    inspect(err.cause, { depth: 10, showHidden: true }),
  ].join("\n");
}

/**
 * A loopback HTTP server; `handler(req, res, body)` answers once the request body is in.
 * Resolves { url, requests (method, url, headers, body), connections() (opened so far),
 * openConnections() (open now), close }.
 */
export async function serve(handler) {
  const requests = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  const live = new Set();
  server.on("connection", (socket) => {
    connections++;
    live.add(socket);
    socket.on("close", () => live.delete(socket));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    connections: () => connections,
    openConnections: () => live.size,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
