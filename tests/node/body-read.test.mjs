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
        const limit = maxResponseSize ?? 10 * 1024 * 1024;
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
