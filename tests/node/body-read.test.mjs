// Reading an answer's body without a Content-Length: into one growing buffer, through a BYOB
// reader where the body is a byte stream (fetch in Deno, Node and workerd) and a default
// reader where it is not (Bun's fetch, a custom stream). Property-based: any body (multi-byte
// text cut anywhere into chunks), any maxResponseSize, 2xx or error, each reader kind; the
// result must be the body, InvalidResponseError past the limit, or an error body clipped to
// 64 KiB.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KEY, client, failure, pkg } from "./helpers.mjs";

const { InvalidResponseError, InternalServerError } = pkg;
const ERROR_BODY_LIMIT = 64 * 1024;
const utf8 = new TextEncoder();

// Counts the reads each reader kind makes, to prove both paths ran.
const reads = { byob: 0, plain: 0 };
for (const [Reader, kind] of [[ReadableStreamBYOBReader, "byob"], [ReadableStreamDefaultReader, "plain"]]) {
  const read = Reader.prototype.read;
  Reader.prototype.read = function (...args) {
    reads[kind]++;
    return read.apply(this, args);
  };
}

/** `bytes` cut at `cuts` (fractions) into a stream of that kind. */
function body(bytes, cuts, kind) {
  const at = [...new Set(cuts.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const chunks = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) chunks.push(bytes.slice(from, to));
    from = Math.max(from, to);
  }
  if (kind === "whole") return bytes; // a Response made from the bytes
  return new ReadableStream({
    ...(kind === "bytes" ? { type: "bytes" } : {}),
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

const text = fc.string({ unit: fc.constantFrom("a", "é", "€", "😀", "\""), maxLength: 40_000 });

test("any body, any limit, any reader: the body, InvalidResponseError past the limit, or an error body clipped", async () => {
  await fc.assert(
    fc.asyncProperty(
      text,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      fc.constantFrom("bytes", "plain", "whole"),
      fc.constantFrom(200, 500),
      fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }),
      async (pad, cuts, kind, status, maxResponseSize) => {
        const json = JSON.stringify(status === 200 ? { id: "c1", metadata: { p: pad } } : { error: pad });
        const bytes = utf8.encode(json);
        const fetch = async () => new Response(body(bytes, cuts, kind), { status, headers: { "content-type": "application/json" } });
        const c = client(fetch, { maxRetries: 0, ...(maxResponseSize ? { maxResponseSize } : {}) });
        const limit = maxResponseSize ?? 16 * 1024 * 1024; // the default
        if (status === 200 && bytes.length <= limit) {
          const call = await c.calls.retrieve("c1");
          assert.equal(call.metadata.p, pad);
          return;
        }
        const err = await failure(c.calls.retrieve("c1"));
        if (status === 200) {
          assert.ok(err instanceof InvalidResponseError, `${err.name}: ${err.message}`);
          assert.match(err.message, /larger than maxResponseSize/);
          return;
        }
        assert.ok(err instanceof InternalServerError, `${err.name}: ${err.message}`);
        // The body as the client keeps it: parsed when it is JSON (whole), else the text.
        const clipped = new TextDecoder().decode(bytes.subarray(0, ERROR_BODY_LIMIT));
        let want = clipped;
        try {
          want = JSON.parse(clipped);
        } catch {}
        assert.deepEqual(err.body, want);
        assert.ok(!String(err.message).includes(KEY));
      },
    ),
    { numRuns: 300 },
  );
  assert.ok(reads.byob > 0 && reads.plain > 0, `both readers ran: ${JSON.stringify(reads)}`);
});

test("a byte stream is read into one buffer, grown as the body comes (a 1 MB body in 16 chunks)", async () => {
  const pad = "x".repeat(1 << 20);
  const bytes = utf8.encode(JSON.stringify({ id: "c1", metadata: { p: pad } }));
  const before = reads.byob;
  const c = client(async () => new Response(body(bytes, Array.from({ length: 16 }, (_, i) => i / 16), "bytes")), { maxResponseSize: 2 << 20 });
  const call = await c.calls.retrieve("c1");
  assert.equal(call.metadata.p.length, 1 << 20);
  // The buffer starts at 8 KiB and doubles: 9 reads to hold 1 MB, and the one that ends.
  assert.equal(reads.byob - before, 10);
});

/** A Response-like answer (a custom fetch's) with this body object and no Content-Length. */
const answer = (body) => async () => ({
  status: 200,
  headers: new Headers({ "content-type": "application/json" }),
  body,
  text: async () => {
    throw new Error("the client must read the stream");
  },
});
const CALL = utf8.encode(JSON.stringify({ id: "c1", metadata: { p: "é".repeat(3000) } }));

test("a BYOB reader of another realm (another class of the same name) is read as one", async () => {
  let reads = 0;
  const real = new Response(CALL).body;
  // What instanceof cannot recognise: a reader from an iframe's fetch, say.
  const ReadableStreamBYOBReader = class {
    #inner = real.getReader({ mode: "byob" });
    read(view) {
      reads++;
      return this.#inner.read(view);
    }
    cancel(reason) {
      return this.#inner.cancel(reason);
    }
  };
  const body = { getReader: (options) => (options?.mode === "byob" ? new ReadableStreamBYOBReader() : real.getReader()) };
  const call = await client(answer(body)).calls.retrieve("c1");
  assert.equal(call.metadata.p.length, 3000);
  assert.ok(reads >= 2, `${reads} reads through the foreign reader`);
});

test("a reader that ignores the BYOB mode, and chunks of any kind of view, read as the body", async () => {
  const views = [(b) => new DataView(b.buffer, b.byteOffset, b.byteLength), (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), (b) => new Uint8Array(b)];
  let i = 0;
  const chunks = [];
  for (let at = 0; at < CALL.length; at += 700) chunks.push(views[i++ % views.length](CALL.slice(at, at + 700)));
  // Its getReader() answers a plain reader whatever it is asked.
  const body = { getReader: () => ({ read: async () => (chunks.length ? { done: false, value: chunks.shift() } : { done: true }), cancel: async () => {} }) };
  const call = await client(answer(body)).calls.retrieve("c1");
  assert.equal(call.metadata.p, "é".repeat(3000));
});

test("a stream of empty chunks ends on the timeout instead of holding the process", async () => {
  const endless = new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(0)) });
  const c = client(async () => new Response(endless, { status: 200 }), { timeout: 200, maxRetries: 0 });
  const started = Date.now();
  const err = await failure(c.calls.retrieve("c1"));
  assert.ok(err instanceof pkg.TimeoutError, `${err.name}: ${err.message}`);
  assert.ok(Date.now() - started < 3_000, `${Date.now() - started} ms`);
});

test("exactly maxResponseSize bytes read; one byte more refused; for every reader and chunking", async () => {
  const bytes = utf8.encode(JSON.stringify({ id: "c1", metadata: { p: "ab€".repeat(3000) } }));
  for (const kind of ["bytes", "plain", "whole"]) {
    for (const cuts of [[], [0.5], [0.1, 0.2, 0.3, 0.9, 0.9999]]) {
      for (const [limit, fits] of [[bytes.length, true], [bytes.length - 1, false], [bytes.length + 1, true]]) {
        const c = client(async () => new Response(body(bytes, cuts, kind), { status: 200 }), { maxResponseSize: limit, maxRetries: 0 });
        const what = `${kind} ${JSON.stringify(cuts)} limit ${limit - bytes.length >= 0 ? "+" : ""}${limit - bytes.length}`;
        if (fits) assert.equal((await c.calls.retrieve("c1")).metadata.p.length, 9000, what);
        else assert.ok((await failure(c.calls.retrieve("c1"))) instanceof InvalidResponseError, what);
      }
    }
  }
});
