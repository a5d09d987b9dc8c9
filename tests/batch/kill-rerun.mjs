// The proof that createMany never places a call twice: a 1,000-row batch against the HTTP
// emulator with faults on POST /v1/calls (429s, 503s, requests processed and then their
// connection dropped, answers later than the client's timeout), its dispatching process killed
// (SIGKILL) at random points 100 times and re-run each time, then run to its end. Afterwards
// every row must have exactly one call: 0 duplicates, 0 missing.
//
// Most kills land while new calls are being placed (the parent watches the emulator's count of
// placed calls and kills when it passes a random target a few rows ahead), the rest at a random
// time from the start, including before the first request.
//
// Run: node tests/batch/kill-rerun.mjs [kills=100] [rows=1000]  (needs pkg/ and target/consumer)
import { spawn } from "node:child_process";
import { copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CallingBox } from "../../target/consumer/callingbox.mjs";
import { startEmulatorServer } from "../../target/consumer/emulator.mjs";

const KILLS = Number(process.argv[2] ?? 100);
const ROWS = Number(process.argv[3] ?? 1000);
// The child imports the package by name, as an app does: it runs from the consumer project.
const child = fileURLToPath(new URL("../../target/consumer/kill-rerun-dispatch.mjs", import.meta.url));
copyFileSync(new URL("dispatch.mjs", import.meta.url), child);
const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
let rand = seed; // a small seeded generator, so a failing run can be repeated with SEED=
const random = () => ((rand = (rand * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const server = await startEmulatorServer({
  port: 0, seed, initialCreditMilliCents: 1_000_000_000_000,
  faults: { rate429: 0.02, retryAfterSecs: 0, rate503: 0.03, rateDrop: 0.03, rateDelay: 0.03, delayMs: 600, method: "POST", pathPrefix: "/v1/calls" },
});
const baseUrl = server.url;
const apiKey = server.apiKey;
const admin = new CallingBox({ apiKey, baseUrl });
const [n] = await admin.numbers.searchAvailable({ area_code: "212", limit: 1 });
const number = await admin.numbers.purchase({ phone_number: n.phone_number });
const agent = await admin.agents.create({ name: "Kill test", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
const stats = async () => (await (await fetch(`${baseUrl}/__emulator/stats`)).json());

/** One run; kills it when `until()` says so (checked every 2 ms). Resolves how it ended. */
function run(until) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child], {
      env: { ...process.env, BASE_URL: baseUrl, API_KEY: apiKey, AGENT_ID: agent.id, BATCH_ID: `kill-test-${seed}`, ROWS: String(ROWS) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => { out += d; });
    let killed = false;
    const timer = until && setInterval(async () => {
      if (!killed && await until()) {
        killed = true;
        p.kill("SIGKILL");
      }
    }, 2);
    p.on("exit", (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, out });
    });
  });
}

const started = Date.now();
let midBatch = 0; // kills that landed while rows were still being placed
let finishedFirst = 0; // runs that ended before their kill
try {
  for (let i = 0; i < KILLS; i++) {
    const before = (await stats()).calls_placed;
    const t0 = Date.now();
    let until;
    if (random() < 0.2) {
      const at = random() * 400; // from the process's start: before, during or after loading
      until = async () => Date.now() - t0 >= at;
    } else {
      const target = before + 1 + Math.floor(random() * (2 * ROWS / KILLS));
      until = async () => (await stats()).calls_placed >= target;
    }
    const r = await run(until);
    if (r.signal === "SIGKILL") {
      if ((await stats()).calls_placed < ROWS) midBatch++;
    } else {
      finishedFirst++;
      if (r.code !== 0) throw new Error(`run ${i} failed before its kill: exit ${r.code}: ${r.out}`);
    }
  }
  const last = await run(undefined);
  if (last.code !== 0) throw new Error(`the last run did not place every row: exit ${last.code} ${last.signal ?? ""}: ${last.out}`);
  const summary = JSON.parse(last.out);

  // Every call the account has, by row.
  const byRow = new Map();
  for await (const call of admin.calls.list({ limit: 100 })) {
    const row = call.metadata?.row;
    byRow.set(row, [...(byRow.get(row) ?? []), call.id]);
  }
  const duplicates = [...byRow].filter(([, ids]) => ids.length > 1);
  const missing = Array.from({ length: ROWS }, (_, i) => String(i)).filter((row) => !byRow.has(row));
  const s = await stats();
  console.log(`kill-rerun: seed ${seed}, ${ROWS} rows, ${KILLS} kills (${midBatch} mid-batch, ${finishedFirst} runs ended before their kill) + 1 run to the end, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  calls on the account: ${[...byRow.values()].flat().length}; rows with more than one call: ${duplicates.length}; rows without a call: ${missing.length}`);
  console.log(`  emulator: ${s.calls_placed} calls placed, ${s.idempotent_replays} idempotent replays, faults: ${s.faults_429} 429, ${s.faults_503} 503, ${s.faults_dropped} dropped, ${s.faults_delayed} late`);
  console.log(`  last run: ${JSON.stringify(summary)}`);
  const failures = [];
  if (duplicates.length) failures.push(`duplicate calls for rows ${duplicates.slice(0, 5).map(([r]) => r).join(", ")}`);
  if (missing.length) failures.push(`rows without a call: ${missing.slice(0, 5).join(", ")}`);
  if (s.calls_placed !== ROWS) failures.push(`the emulator placed ${s.calls_placed} calls, not ${ROWS}`);
  if (summary.placed !== ROWS) failures.push(`the last run reports ${summary.placed} placed`);
  if (midBatch < KILLS / 2) failures.push(`only ${midBatch} of ${KILLS} kills landed mid-batch: the test did not test much`);
  if (failures.length) throw new Error(failures.join("; "));
  console.log("kill-rerun: PASS (every row placed exactly once)");
} finally {
  await server.close();
}
