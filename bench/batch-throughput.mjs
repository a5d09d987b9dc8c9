// createMany's throughput against a hand-written promise pool of raw `fetch` at the same
// concurrency: both dispatch the same rows (POST /v1/calls with an Idempotency-Key each) to the
// HTTP emulator on 127.0.0.1 (its clock stopped: the calls stay queued, so the server does the same
// work each round), in alternating rounds, each round a new batch (new calls, not
// replays). A benchmark, not a test: nothing here fails on a low figure.
//
//   bash scripts/build.sh && bash scripts/consumer.sh && node bench/batch-throughput.mjs [rows=2000] [rounds=7] [concurrency=16] [latencyMs=0]
//   node_modules/.bin/deno run --allow-net=127.0.0.1 --allow-read --allow-run=node --allow-env bench/batch-throughput.mjs …   (Deno)
//   node_modules/.bin/bun bench/batch-throughput.mjs …   (Bun)
//
// latencyMs is added by the emulator to every answer. At 0 (an emulator answering in well under
// a millisecond, on the same cores as the dispatcher) the comparison is one of CPU per request;
// with a server's usual latency (tens of ms) it is one of dispatching.
//
// What the pool does is what a careful user writes by hand: N workers taking the next row,
// one fetch each, JSON.parse of the answer; no validation, no retries, no backpressure. It is
// also measured reading each body through getReader() and through a BYOB reader instead of
// res.text().
// In Node createMany is measured twice: with the client as it comes (it sends with node:http)
// and with a client given `fetch: globalThis.fetch` (what every other runtime does). In Deno
// and Bun the client sends with the runtime's fetch, as the pool does. The emulator always runs
// in Node (`node` on the PATH), in a process of its own.
import { CallingBox } from "../target/consumer/callingbox.mjs";
import { createMany } from "../target/consumer/batch.mjs";
import { spawn } from "node:child_process";
import { once } from "node:events";

const ROWS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 7);
const CONCURRENCY = Number(process.argv[4] ?? 16);
const LATENCY = Number(process.argv[5] ?? 0);
const NODE = !globalThis.Deno && !process.versions.bun;
const RUNTIME = globalThis.Deno ? `Deno ${globalThis.Deno.version.deno}` : NODE ? `Node ${process.versions.node}` : `Bun ${process.versions.bun}`;

// Each measurement gets a fresh emulator in a process of its own: the timings measure the
// dispatching side, and a server that has already placed thousands of calls (it slows down as
// they pile up) does not weigh on whichever side runs later.
async function freshEmulator() {
  const child = spawn(NODE ? process.execPath : "node", ["--input-type=module", "-e", `
    import { startEmulatorServer } from ${JSON.stringify(new URL("../target/consumer/emulator.mjs", import.meta.url).href)};
    const s = await startEmulatorServer({ port: 0, seed: 5, manualClock: true, initialCreditMilliCents: 1e15, faults: { latencyMs: ${LATENCY} } });
    console.log(JSON.stringify({ url: s.url, apiKey: s.apiKey }));
  `], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await once(child.stdout, "data");
  const { url, apiKey } = JSON.parse(String(line));
  const client = new CallingBox({ apiKey, baseUrl: url });
  const fetchClient = new CallingBox({ apiKey, baseUrl: url, fetch: globalThis.fetch });
  const [n] = await client.numbers.searchAvailable({ area_code: "212", limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  const agent = await client.agents.create({ name: "Bench", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
  const rows = Array.from({ length: ROWS }, (_, i) => ({ agent_id: agent.id, to: `+1415${String(3000000 + i).padStart(7, "0")}`, metadata: { row: String(i) } }));
  return { url, apiKey, client, fetchClient, rows, stop: () => child.kill() };
}

/** @param {Awaited<ReturnType<typeof freshEmulator>>} server @param {string} batch */
async function ours({ client, rows }, batch) {
  const summary = await createMany(client, rows, { batchId: batch, concurrency: CONCURRENCY }).done();
  if (summary.placed !== ROWS) throw new Error(`createMany placed ${summary.placed} of ${ROWS}`);
}

/** @param {Awaited<ReturnType<typeof freshEmulator>>} server @param {string} batch */
async function oursFetch({ fetchClient, rows }, batch) {
  return ours({ client: fetchClient, rows }, batch);
}

/**
 * @param {Awaited<ReturnType<typeof freshEmulator>>} server @param {string} batch
 * @param {(res: Response) => Promise<string>} read how the answer's body is read
 */
async function pool(server, batch, read = (res) => res.text()) {
  const { rows } = server;
  let next = 0;
  let placed = 0;
  const worker = async () => {
    while (next < ROWS) {
      const i = next++;
      const res = await fetch(`${server.url}/v1/calls`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json", "idempotency-key": `${batch}-${i}` },
        body: JSON.stringify(rows[i]),
      });
      const body = JSON.parse(await read(res));
      if (res.ok && body.id) placed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (placed !== ROWS) throw new Error(`the pool placed ${placed} of ${ROWS}`);
}

/**
 * The same pool reading each body as a stream, as the client does when an answer has no
 * Content-Length (the emulator's are chunked) so as to stop at maxResponseSize: what that
 * read costs the runtime's fetch, apart from everything else the client does.
 * @param {Awaited<ReturnType<typeof freshEmulator>>} server @param {string} batch
 */
async function poolStream(server, batch) {
  return pool(server, batch, (res) => readChunks(/** @type {ReadableStream<Uint8Array>} */ (res.body).getReader()));
}

/** @param {ReadableStreamDefaultReader<Uint8Array>} reader every chunk, as text */
async function readChunks(reader) {
  const chunks = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : await new Blob(chunks).arrayBuffer());
}

/**
 * The same pool reading each body through a BYOB reader into a buffer of its own, as the client
 * does where fetch gives byte streams (not in Bun: there it reads as poolStream does).
 * @param {Awaited<ReturnType<typeof freshEmulator>>} server @param {string} batch
 */
async function poolByob(server, batch) {
  return pool(server, batch, async (res) => {
    const stream = /** @type {ReadableStream<Uint8Array>} */ (res.body);
    let reader;
    try {
      reader = stream.getReader({ mode: "byob" });
    } catch {
      return readChunks(stream.getReader());
    }
    let buf = new Uint8Array(8192);
    let size = 0;
    for (;;) {
      if (size === buf.length) {
        const next = new Uint8Array(2 * size);
        next.set(buf);
        buf = next;
      }
      const { done, value } = await reader.read(buf.subarray(size));
      buf = new Uint8Array(/** @type {Uint8Array} */ (value).buffer);
      size += /** @type {Uint8Array} */ (value).byteLength;
      if (done) return new TextDecoder().decode(buf.subarray(0, size));
    }
  });
}

/** What is measured: [name, function, label]; the pool last (it is the baseline). */
const series = /** @type {[string, typeof ours, string][]} */ ([
  ["ours", ours, "createMany"],
  ...(NODE ? [["oursFetch", oursFetch, "createMany, client given fetch"]] : []),
  ["poolStream", poolStream, "hand-written pool reading bodies with getReader()"],
  ["poolByob", poolByob, "hand-written pool reading bodies with a BYOB reader (where fetch gives byte streams)"],
  ["pool", pool, "hand-written pool of raw fetch"],
]);
/** @type {Record<string, number[]>} */
const times = Object.fromEntries(series.map(([name]) => [name, []]));
/** @type {Record<string, number[]>} this process's CPU time (user + sys) per row, µs */
const cpu = Object.fromEntries(series.map(([name]) => [name, []]));
/** Times `fn` on a fresh emulator. */
async function measure(name, fn, batch) {
  const server = await freshEmulator();
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn(server, batch);
    const c = process.cpuUsage(c0);
    if (name) {
      times[name].push(performance.now() - t0);
      cpu[name].push((c.user + c.system) / ROWS);
    }
  } finally {
    server.stop();
  }
}
for (const [name, fn] of series) await measure(undefined, fn, `warm-${name}`); // JIT, sockets
for (let round = 0; round < ROUNDS; round++) {
  // Each round starts with another series.
  const k = round % series.length;
  for (const [name, fn] of [...series.slice(k), ...series.slice(0, k)]) {
    await measure(name, fn, `${name}-${round}`);
  }
}
console.error("rounds (ms):", JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map(Math.round)]))));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms) => (ROWS / (ms / 1000)).toFixed(0);
console.log(`${RUNTIME}:`);
for (const [name, , label] of series.slice(0, -1)) {
  const ratios = times[name].map((t, i) => times.pool[i] / t).sort((a, b) => a - b);
  console.log(`| ${label}: client CPU per row (user + sys of the dispatching process) | same runs (server latency ${LATENCY} ms), median | ${median(cpu[name]).toFixed(0)} µs (${(median(cpu[name]) / median(cpu.pool)).toFixed(2)}×) | hand-written pool: ${median(cpu.pool).toFixed(0)} µs | | |`);
  console.log(`| ${label}: throughput | ${ROWS} rows, ${CONCURRENCY} in flight, × ${ROUNDS} rounds vs the emulator on 127.0.0.1 answering after ${LATENCY} ms: median calls/s (× the pool: median of per-round ratios [range]) | ${rate(median(times[name]))} calls/s (${median(ratios).toFixed(2)}× [${ratios[0].toFixed(2)}-${ratios.at(-1).toFixed(2)}]) | hand-written pool of raw fetch: ${rate(median(times.pool))} calls/s | ${name.startsWith("pool") ? "| |" : `≥ 0.9× | ${median(ratios) >= 0.9 ? "met" : "**MISSED**"} |`}`);
}
