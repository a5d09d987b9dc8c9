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
// A page of 100 calls (~56 KB): the core validates every item, so big pages cost more.
const call = { ...JSON.parse(body), status: "completed", direction: "outbound", prompt: "Call the customer and confirm the appointment for tomorrow at 10am.", started_at: "2026-01-01T00:00:01Z", ended_at: "2026-01-01T00:01:00Z", duration_seconds: 59, billed_duration_seconds: 60, billing_amount_milli_cents: 1500, result: { summary: "Confirmed.", outcome: "success" } };
const page = JSON.stringify({ data: Array.from({ length: 100 }, () => call), has_more: false });
const pageFetch = async () => new Response(page, { status: 200, headers });
const pageClient = new CallingBox({ apiKey: "sk_test_x", baseUrl: "http://127.0.0.1:9", fetch: pageFetch });

// The wasm-bindgen glue is bundled into the package's entry (one module per runtime), so the
// core's calls are no longer reachable one by one from here; the whole driver is measured.
const cases = {
  "calls.retrieve, fetch answers at once (whole driver + core)": async () => { await client.calls.retrieve(id); },
  "baseline: await instantFetch() + res.text() + JSON.parse": async () => { const r = await instantFetch(); JSON.parse(await r.text()); },
  [`calls.list of 100 calls (${(page.length / 1024).toFixed(0)} KB), fetch answers at once`]: async () => { await pageClient.calls.list({ limit: 100 }); },
  "baseline: the same page, await fetch + res.text() + JSON.parse": async () => { const r = await pageFetch(); JSON.parse(await r.text()); },
  // What Node's fetch (undici) does with a RequestInit, with and without a signal: any fetch
  // that can time out or be cancelled pays the difference on every request.
  "new Request(url, init) without a signal (undici)": () => new Request(`http://127.0.0.1:9/v1/calls/${id}`, { method: "GET", headers }),
  "new Request(url, init) with a fresh AbortSignal (undici)": () => new Request(`http://127.0.0.1:9/v1/calls/${id}`, { method: "GET", headers, signal: new AbortController().signal }),
  "new AbortController + setTimeout/clearTimeout + gate": () => { const c = new AbortController(); let close; const g = new Promise((_, rej) => (close = rej)); g.catch(() => {}); const t = setTimeout(() => { c.abort(); close(c.signal.reason); }, 60000); clearTimeout(t); },
};
const out = {};
for (const [name, f] of Object.entries(cases)) {
  const runs = [];
  const n = name.includes("100") || name.includes("page") ? N / 50 : N;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f();
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  out[name] = median(runs.slice(1)); // the first run is warm-up
  console.log(`${out[name].toFixed(2).padStart(8)} µs  ${name}`);
}
result(out);
