// Decoding 2xx bodies of 1 KB to 50 MB: ours against JSON.parse of the same text, in the same
// run. "client" is a whole `calls.list()` through a fetch that answers from memory (building
// the request, a new Response, reading it, the wasm's check, JSON.parse for the caller);
// "decode" is that minus the same call answered with an empty page, i.e. what the body's size
// costs: reading it, checking it and parsing it. Also the wasm memory after each size (the
// instance is replaced after a large body, so it comes back to ~1 MB).
// Usage: node bench/decode.mjs [--json]   (imports `callingbox` from bench/node_modules)
import { readFileSync } from "node:fs";
import { CallingBox, wasmMemoryBytes } from "callingbox";

const call = JSON.parse(readFileSync(new URL("../tests/fixtures/call.json", import.meta.url), "utf8"));
const one = JSON.stringify(call).length + 1;
const SIZES = [1e3, 1e4, 1e5, 1e6, 5e6, 1e7, 2.5e7, 5e7];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A client whose every request is answered with `bytes`. */
function clientFor(bytes) {
  return new CallingBox({
    apiKey: "sk_bench_decode_key",
    baseUrl: "http://127.0.0.1:9",
    maxResponseSize: 64 << 20,
    fetch: async () => new Response(bytes, { status: 200, headers: { "content-type": "application/json", "content-length": String(bytes.length) } }),
  });
}

/** Median ms per `calls.list()` over `rounds` rounds of `reps` calls. */
async function perCall(client, reps, rounds = 5) {
  const out = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) await client.calls.list();
    out.push((performance.now() - t) / reps);
  }
  return median(out);
}

function parseTime(text, reps, rounds = 5) {
  const out = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) JSON.parse(text);
    out.push((performance.now() - t) / reps);
  }
  return median(out);
}

const empty = clientFor(new TextEncoder().encode('{"data":[],"has_more":false}'));
const rows = [];
for (const size of SIZES) {
  const n = Math.max(1, Math.round(size / one));
  const text = JSON.stringify({ data: Array.from({ length: n }, (_, i) => ({ ...call, id: `call_${i}` })), has_more: false });
  const bytes = new TextEncoder().encode(text);
  const reps = Math.max(1, Math.round(2e6 / size));
  const client = clientFor(bytes);
  await client.calls.list(); // warm-up
  await perCall(empty, reps, 1);
  // The three measurements take turns within each round (load changes fall on all alike).
  const parse = [], full = [], base = [];
  for (let r = 0; r < 5; r++) {
    parse.push(parseTime(text, reps, 1));
    full.push(await perCall(client, reps, 1));
    base.push(await perCall(empty, reps, 1));
  }
  const p = median(parse), c = median(full), b = median(base);
  rows.push({ bytes: bytes.length, items: n, jsonParseMs: p, clientMs: c, decodeMs: c - b, ratio: (c - b) / p, wasmMemoryKB: wasmMemoryBytes() / 1024 });
}

if (process.argv.includes("--json")) {
  console.log(JSON.stringify(rows));
} else {
  console.log("| body | items | JSON.parse | client (whole call) | decode (client − empty page) | decode ÷ JSON.parse | wasm memory after |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|");
  const ms = (x) => (x < 1 ? `${(x * 1000).toFixed(1)} µs` : `${x.toFixed(1)} ms`);
  for (const r of rows) {
    const size = r.bytes >= 1e6 ? `${(r.bytes / 1e6).toFixed(1)} MB` : `${(r.bytes / 1e3).toFixed(1)} KB`;
    console.log(`| ${size} | ${r.items} | ${ms(r.jsonParseMs)} | ${ms(r.clientMs)} | ${ms(r.decodeMs)} | ${r.ratio.toFixed(2)}× | ${r.wasmMemoryKB.toFixed(0)} KB |`);
  }
}
