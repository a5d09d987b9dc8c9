// 3. Per-request overhead: starts the emulator's HTTP server (from the installed
// `callingbox/emulator`, port 0, manual clock) in this process, creates one call, and runs
// requests-client.mjs in a separate process against it: 2,000 sequential and 2,000 with 16 in
// flight, for raw fetch + JSON.parse, callingbox's calls.retrieve and openai-node's generic
// client.get, 7 rounds (clients interleaved in blocks inside each round), medians (ratios to fetch: per round, then the
// median). Then a `node --cpu-prof` run of callingbox alone.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CallingBox } from "callingbox";
import { startEmulatorServer } from "callingbox/emulator";
import { outDir, parseResult, result, run } from "./common.mjs";

const server = await startEmulatorServer({ port: 0, manualClock: true });
let out;
try {
  const client = new CallingBox({ apiKey: server.apiKey, baseUrl: server.url });
  const [available] = await client.numbers.searchAvailable({ area_code: "415", limit: 1 });
  const number = await client.numbers.purchase({ phone_number: available.phone_number });
  const agent = await client.agents.create({ name: "bench", type: "outbound", instructions: "Say hi.", number_ids: [number.id], primary_number_id: number.id });
  const call = await client.calls.create({ agent_id: agent.id, to: "+1 (555) 123-4567" });

  const r = await run(process.execPath, ["--expose-gc", "requests-client.mjs", server.url, server.apiKey, call.id]);
  out = parseResult(r.stdout);
  if (r.code !== 0 || !out) throw new Error(`requests-client failed (${r.code}):\n${r.stdout}\n${r.stderr}`);

  // Where callingbox's time goes: CPU profiles of the same run (warm-up + 1 round) of raw
  // fetch alone and of callingbox alone; self time per file, per request, side by side.
  out.profile = {};
  for (const name of ["fetch", "callingbox"]) {
    const profDir = join(outDir, "prof", name);
    rmSync(profDir, { recursive: true, force: true });
    const p = await run(process.execPath, ["--expose-gc", "--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", profDir, "requests-client.mjs", server.url, server.apiKey, call.id, name], {
      env: { ...process.env, BENCH_REQ_ROUNDS: "1", BENCH_NO_MEMORY: "1" },
    });
    if (p.code === 0) out.profile[name] = summarise(JSON.parse(readFileSync(join(profDir, readdirSync(profDir)[0]), "utf8")), 600 + 2 * out.n);
  }
} finally {
  await server.close();
}

/** Self time per function (top 15) and per source file, from a .cpuprofile. */
function summarise(profile, requests) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) || 0) + (dt[i] || 0));
  }
  const total = dt.reduce((a, b) => a + b, 0);
  const fn = new Map();
  const file = new Map();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url ? url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/bench\//, "bench/") : "";
    const key = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    fn.set(key, (fn.get(key) || 0) + us);
    const f = where.startsWith("wasm://") ? `wasm module ${where.slice(12, 20)} (callingbox_core_bg.wasm)` : where.startsWith("node:") ? where.split(":").slice(0, 2).join(":").replace(/:\d+$/, "") : where.split(":")[0] || `(${functionName})`;
    file.set(f, (file.get(f) || 0) + us);
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => ({ name: k, ms: us / 1000, pct: (100 * us) / total, usPerRequest: us / requests }));
  return { totalMs: total / 1000, requests, functions: top(fn, 20), files: top(file, 40) };
}

for (const [name, c] of Object.entries(out.clients)) {
  console.log(`${name.padEnd(11)} sequential ${(c.seqMs * 1000 / out.n).toFixed(1)} µs/req, ${out.concurrency} in flight ${(c.concMs * 1000 / out.n).toFixed(1)} µs/req`);
}
if (out.memory) console.log("memory", JSON.stringify(out.memory));
for (const [name, prof] of Object.entries(out.profile)) {
  console.log(`profile of ${name} alone (${prof.requests} requests, ${prof.totalMs.toFixed(0)} ms sampled): top self time, µs/request`);
  for (const f of prof.functions.slice(0, 12)) console.log(`  ${f.usPerRequest.toFixed(1).padStart(7)}  ${f.name}`);
}
result(out);
