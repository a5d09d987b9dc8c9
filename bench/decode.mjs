// Decoding large 2xx bodies: time per body size, ours against JSON.parse of the same text in
// the same run. "client" is the whole path after fetch resolves (read the body, check it in
// the wasm, JSON.parse it for the caller) through a fetch that answers from memory; "core"
// is the wasm check alone (bytes already in hand). Also the wasm memory after each size
// (the instance is replaced after a large body, so it should come back to ~1 MB).
// Usage: node bench/decode.mjs [--json]   (imports `callingbox` from bench/node_modules)
import { readFileSync } from "node:fs";
import { CallingBox, wasmMemoryBytes } from "callingbox";

const call = JSON.parse(readFileSync(new URL("../tests/fixtures/call.json", import.meta.url), "utf8"));
const one = JSON.stringify(call).length + 1;
const SIZES = [1e3, 1e4, 1e5, 1e6, 5e6, 1e7, 2.5e7, 5e7];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn, reps) {
  const out = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const rows = [];
for (const size of SIZES) {
  const n = Math.max(1, Math.round(size / one));
  const text = JSON.stringify({ data: Array.from({ length: n }, (_, i) => ({ ...call, id: `call_${i}` })), has_more: false });
  const bytes = new TextEncoder().encode(text);
  const reps = size >= 1e7 ? 3 : size >= 1e6 ? 5 : 50;
  const client = new CallingBox({
    apiKey: "sk_bench_decode_key",
    baseUrl: "http://127.0.0.1:9",
    maxResponseSize: 64 << 20,
    fetch: async () => new Response(bytes, { status: 200, headers: { "content-type": "application/json", "content-length": String(bytes.length) } }),
  });
  await client.calls.list(); // warm-up
  const parse = time(() => JSON.parse(text), reps);
  const clientTimes = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await client.calls.list();
    clientTimes.push(performance.now() - t);
  }
  const ours = median(clientTimes);
  rows.push({ bytes: bytes.length, items: n, jsonParseMs: parse, clientMs: ours, ratio: ours / parse, wasmMemoryKB: wasmMemoryBytes() / 1024 });
}

if (process.argv.includes("--json")) {
  console.log(JSON.stringify(rows));
} else {
  console.log("| body | items | JSON.parse | client (read + check + parse) | ratio | wasm memory after |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const size = r.bytes >= 1e6 ? `${(r.bytes / 1e6).toFixed(1)} MB` : `${(r.bytes / 1e3).toFixed(1)} KB`;
    console.log(`| ${size} | ${r.items} | ${r.jsonParseMs.toFixed(2)} ms | ${r.clientMs.toFixed(2)} ms | ${r.ratio.toFixed(2)}× | ${r.wasmMemoryKB.toFixed(0)} KB |`);
  }
}
