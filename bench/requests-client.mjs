// 3. (client side) Per-request overhead: run by requests.mjs in its own process against the
// emulator server it started on 127.0.0.1 (so the server's CPU is not in our process).
//   node --expose-gc requests-client.mjs <baseUrl> <apiKey> <callId> [only-client]
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CallingBox, wasmMemoryBytes } from "callingbox";
import OpenAI from "openai";
import { benchDir, median, result } from "./common.mjs";

const [baseUrl, apiKey, callId, only] = process.argv.slice(2);
const N = Number(process.env.BENCH_REQ_N || 2000);
// Many short rounds, the clients interleaved in blocks inside each round: on a shared machine
// the load drifts, and a ratio taken inside one round is steadier than one of medians.
const ROUNDS = Number(process.env.BENCH_REQ_ROUNDS || 7);
const CONCURRENCY = 16;

const path = `/v1/calls/${callId}`;
const ours = new CallingBox({ apiKey, baseUrl });
const openai = new OpenAI({ apiKey, baseURL: baseUrl }); // baseURL + "/v1/calls/<id>": see README Performance
const clients = {
  fetch: async () => {
    const res = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${apiKey}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`fetch: ${res.status} ${text}`);
    return JSON.parse(text);
  },
  callingbox: () => ours.calls.retrieve(callId),
  // Diagnostic, not a baseline: raw fetch plus what js/client.js #attempt wraps around every
  // fetch (an AbortController, a 60 s setTimeout/clearTimeout, an abort "gate" promise raced
  // against fetch and res.text()). The gap to "fetch" is the cost of that plumbing alone.
  "fetch + timeout/abort plumbing": async () => {
    const controller = new AbortController();
    let closeGate;
    const gate = new Promise((_, reject) => (closeGate = reject));
    gate.catch(() => {});
    const timer = setTimeout(() => {
      controller.abort();
      closeGate(controller.signal.reason);
    }, 60_000);
    try {
      const res = await Promise.race([fetch(baseUrl + path, { method: "GET", headers: { authorization: `Bearer ${apiKey}` }, signal: controller.signal }), gate]);
      const text = await Promise.race([res.text(), gate]);
      if (!res.ok) throw new Error(`fetch: ${res.status} ${text}`);
      return JSON.parse(text);
    } finally {
      clearTimeout(timer);
    }
  },
  openai: () => openai.get(path),
};

// The wasm instance's linear memory, from the package's diagnostic export.
const wasmMemory = () => wasmMemoryBytes();

async function sequential(fn, n) {
  for (let i = 0; i < n; i++) {
    const r = await fn();
    if (!r || r.id !== callId) throw new Error(`unexpected answer ${JSON.stringify(r)}`);
  }
}
async function concurrent(fn, n) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const r = await fn();
      if (!r || r.id !== callId) throw new Error(`unexpected answer ${JSON.stringify(r)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}
let cpuMs = 0; // CPU time (user + system) of this process during the last timed() run
async function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const t = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpuMs = (c.user + c.system) / 1000;
  return t;
}
const snapshot = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { wasm: wasmMemory(), heapUsed: m.heapUsed, rss: m.rss };
};

const names = only ? [only] : Object.keys(clients);
// Warm up: JIT, keep-alive sockets (16 of them), the wasm instance.
for (const name of names) {
  await sequential(clients[name], 300);
  await concurrent(clients[name], 300);
}

// Memory: 2,000 sequential, then 2,000 more; gc() before each snapshot.
let memory = null;
if (names.includes("callingbox") && !process.env.BENCH_NO_MEMORY) {
  const m0 = snapshot();
  await sequential(clients.callingbox, N);
  const m1 = snapshot();
  await sequential(clients.callingbox, N);
  const m2 = snapshot();
  memory = { afterWarmup: m0, after2000: m1, after4000: m2 };
}

const times = Object.fromEntries(names.map((n) => [n, { seq: [], conc: [], seqCpu: [], concCpu: [] }]));
// Within a round the clients take turns in blocks (100 sequential / 400 in flight), so a
// change in the machine's load during the round falls on all of them alike; the round's
// total per client is the sum of its blocks.
const BLOCK = { seq: 100, conc: 400 };
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of ["seq", "conc"]) {
    const go = mode === "seq" ? sequential : concurrent;
    const wall = Object.fromEntries(names.map((n) => [n, 0]));
    const cpu = Object.fromEntries(names.map((n) => [n, 0]));
    for (let done = 0, k = 0; done < N; done += BLOCK[mode], k++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(j + round + k) % names.length]; // rotate who goes first
        wall[name] += await timed(() => go(clients[name], Math.min(BLOCK[mode], N - done)));
        cpu[name] += cpuMs;
      }
    }
    for (const name of names) {
      times[name][mode].push(wall[name]);
      times[name][`${mode}Cpu`].push(cpu[name]);
    }
  }
}
const out = { n: N, rounds: ROUNDS, concurrency: CONCURRENCY, clients: {}, memory };
// Per-round ratio to raw fetch (same round), then the median and the range over rounds.
const paired = (name, mode) => {
  if (!times.fetch) return null;
  const rs = times[name][mode].map((t, i) => t / times.fetch[mode][i]).sort((a, b) => a - b);
  return { median: median(rs), min: rs[0], max: rs[rs.length - 1] };
};
for (const name of names) {
  out.clients[name] = {
    seqRatio: paired(name, "seq"), concRatio: paired(name, "conc"), seqMs: median(times[name].seq), concMs: median(times[name].conc), seqCpuMs: median(times[name].seqCpu), concCpuMs: median(times[name].concCpu), seqAll: times[name].seq, concAll: times[name].conc };
}
result(out);
