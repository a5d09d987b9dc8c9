// Per-request overhead of two builds of the package, side by side in one run:
//   node bench/compare-builds.mjs <pkg dir A> <pkg dir B> [label A] [label B]
// Both clients call `calls.retrieve` on one emulator server on 127.0.0.1 (started from B), 2,000
// sequential requests per round, 7 rounds, the three clients (raw fetch + JSON.parse, A, B)
// interleaved in blocks of 100 inside each round; prints median µs per request and the
// ratio to raw fetch (per round, then the median). Numbers only: nothing here fails.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dirA, dirB, labelA = "A", labelB = "B"] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error("usage: node bench/compare-builds.mjs <pkg dir A> <pkg dir B> [label A] [label B]");
  process.exit(2);
}
const load = (dir, file) => import(pathToFileURL(resolve(dir, file)).href);
const [a, b, emu] = await Promise.all([load(dirA, "node.js"), load(dirB, "node.js"), load(dirB, "emulator-node.js")]);

const N = 2000;
const ROUNDS = 7;
const BLOCK = 100;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const server = await emu.startEmulatorServer({ port: 0, manualClock: true });
try {
  const setup = new b.CallingBox({ apiKey: server.apiKey, baseUrl: server.url });
  const [available] = await setup.numbers.searchAvailable({ area_code: "415", limit: 1 });
  if (!available) throw new Error("no number to buy");
  const number = await setup.numbers.purchase({ phone_number: available.phone_number });
  const agent = await setup.agents.create({ name: "bench", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
  const call = await setup.calls.create({ agent_id: agent.id, to: "+14155550123" });
  const path = `${server.url}/v1/calls/${call.id}`;
  const clientA = new a.CallingBox({ apiKey: server.apiKey, baseUrl: server.url });
  const clientB = new b.CallingBox({ apiKey: server.apiKey, baseUrl: server.url });
  const runs = {
    fetch: async () => JSON.parse(await (await fetch(path, { headers: { authorization: `Bearer ${server.apiKey}` } })).text()),
    [labelA]: () => clientA.calls.retrieve(call.id),
    [labelB]: () => clientB.calls.retrieve(call.id),
  };
  const names = Object.keys(runs);
  for (const name of names) for (let i = 0; i < 300; i++) await runs[name](); // warm-up
  const perRound = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const total = Object.fromEntries(names.map((n) => [n, 0]));
    for (let done = 0; done < N; done += BLOCK) {
      for (const name of names) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < BLOCK; i++) await runs[name]();
        total[name] += Number(process.hrtime.bigint() - start) / 1000;
      }
    }
    for (const name of names) perRound[name].push(total[name] / N);
  }
  const base = perRound.fetch;
  console.log(`per request, median of ${ROUNDS} rounds × ${N} sequential calls.retrieve on 127.0.0.1`);
  for (const name of names) {
    const ratios = perRound[name].map((us, i) => us / base[i]);
    console.log(`${name.padEnd(24)} ${median(perRound[name]).toFixed(0).padStart(6)} µs   ${median(ratios).toFixed(2)}× raw fetch (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}×)`);
  }
} finally {
  await server.close();
}
