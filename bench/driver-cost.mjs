// 3b. (diagnostic) The CPU cost of one calls.retrieve without any I/O: the client gets a
// `fetch` that answers at once with a ready Response, so what is left is the JS driver +
// the wasm core. Then each core call that js/client.js #request makes per GET, timed alone
// through the wasm-bindgen glue (imported by file URL: the very instance the client uses).
import { CallingBox } from "callingbox";
import { median, result } from "./common.mjs";

const N = 20_000;
const body = JSON.stringify({ id: "4f1c6a3e-0000-4000-8000-000000000001", object: "call", status: "queued", agent_id: "a", to_number: "+15551234567", from_number: "+14155550100", created_at: "2026-01-01T00:00:00Z", metadata: { crm_id: "1" } });
const id = "4f1c6a3e-0000-4000-8000-000000000001";
const headers = { "content-type": "application/json", "x-request-id": "req_1" };
const instantFetch = async () => new Response(body, { status: 200, headers });
const client = new CallingBox({ apiKey: "sk_test_x", baseUrl: "http://127.0.0.1:9", fetch: instantFetch });

// The wasm-bindgen glue is bundled into the package's entry (one module per runtime), so the
// core's calls are no longer reachable one by one from here; the whole driver is measured.
const cases = {
  "calls.retrieve, fetch answers at once (whole driver + core)": async () => { await client.calls.retrieve(id); },
  "baseline: await instantFetch() + res.text() + JSON.parse": async () => { const r = await instantFetch(); JSON.parse(await r.text()); },
  "new AbortController + setTimeout/clearTimeout + gate": () => { const c = new AbortController(); const t = setTimeout(() => c.abort(), 60000); const g = new Promise((_, rej) => c.signal.addEventListener("abort", () => rej(c.signal.reason), { once: true })); g.catch(() => {}); clearTimeout(t); },
};
const out = {};
for (const [name, f] of Object.entries(cases)) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await f();
    runs.push(((performance.now() - t0) * 1000) / N);
  }
  out[name] = median(runs.slice(1)); // the first run is warm-up
  console.log(`${out[name].toFixed(2).padStart(8)} µs  ${name}`);
}
result(out);
