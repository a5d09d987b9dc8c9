// The emulator as scripts/test-schemathesis.sh needs it: served on 127.0.0.1 (a free port),
// seeded with fixtures so that generated requests reach real objects instead of 404s, then
// frozen. Usage: node tests/schemathesis/emulator.mjs <pkg dir> <dictionary dir>
// Prints "ready <url> <api key>" once the fixtures exist; serves until SIGTERM/SIGINT.
//
// Why not plain `callingbox-emulator`: the run needs two options its CLI does not offer.
// - A large credit: thousands of generated calls and purchases would otherwise exhaust the
//   $5 default and turn every later success into a 402.
// - A manual clock: generated webhook URLs and endpoints must never receive a delivery
//   (only the fixtures' own loopback sink does, while the clock is advanced here once).
//
// The fixtures' ids go into libFuzzer-style dictionaries (one quoted value a line) that
// tests/schemathesis/schemathesis.toml binds to path, query and body parameters. Objects
// that generated requests may change are kept apart from the ones that must stay usable:
// a PATCH that empties an agent's numbers must not make every later dispatch a 400.
import { createServer } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pkgDir, dictDir] = process.argv.slice(2);
if (!pkgDir || !dictDir) {
  console.error("usage: node tests/schemathesis/emulator.mjs <pkg dir> <dictionary dir>");
  process.exit(2);
}
const { startEmulatorServer } = await import(pathToFileURL(resolve(pkgDir, "emulator-node.js")).href);

// A receiver for the fixtures' webhooks, so their deliveries end up `delivered`.
const sink = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200).end());
});
await new Promise((r) => sink.listen(0, "127.0.0.1", r));
const hook = `http://127.0.0.1:${sink.address().port}/hook`;

const server = await startEmulatorServer({
  port: 0,
  host: "127.0.0.1",
  seed: 0,
  startTime: Date.parse("2026-04-15T14:28:00Z"),
  manualClock: true,
  initialCreditMilliCents: 1e12,
});

async function api(method, path, body) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`fixture ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const buy = (e164) => api("POST", "/v1/numbers/purchase", { phone_number: e164 });
const numbers = [];
for (const e164 of ["+14155550100", "+14155550101", "+14155550102", "+14155550103", "+14155550104", "+12125550100", "+18005550100"]) {
  numbers.push(await buy(e164));
}
const [n0, n1, n2, n3, n4, n5] = numbers.map((n) => n.id);
const agent = (body) => api("POST", "/v1/agents", body);
const returns = { confirmed: "boolean", reschedule_to: "string" };

// Read-only: fetched, listed, and dispatched from.
const caller = await agent({ name: "Fixture caller", type: "outbound", number_ids: [n0, n1], primary_number_id: n0, returns, webhook_url: hook });
const receptionist = await agent({ name: "Fixture receptionist", type: "inbound", number_ids: [n2], primary_number_id: n2 });
// Changed by PATCH, attach, detach and set-primary.
const mutable = [
  await agent({ name: "Fixture mutable outbound", type: "outbound", number_ids: [n0, n3], primary_number_id: n3 }),
  await agent({ name: "Fixture mutable inbound", type: "inbound", number_ids: [n4], primary_number_id: n4 }),
];
// Archived by DELETE (a second DELETE is a no-op, so a few are enough).
const archivable = [];
for (let i = 0; i < 4; i++) archivable.push(await agent({ name: `Fixture archivable ${i}`, type: "outbound", number_ids: [n5] }));
const archived = await agent({ name: "Fixture archived", type: "outbound" });
await api("DELETE", `/v1/agents/${archived.id}`);

const endpoint = (description) => api("POST", "/v1/webhook_endpoints", { url: hook, description });
const endpoints = [await endpoint("Fixture endpoint"), await endpoint("Fixture endpoint (completed only)")];
await api("PATCH", `/v1/webhook_endpoints/${endpoints[1].id}`, { enabled_events: ["call.completed"] });
const deletable = [];
for (let i = 0; i < 3; i++) deletable.push(await endpoint(`Fixture deletable ${i}`));

// One call per outcome the test numbers force, plus a normal one; then let them finish so
// transcripts, results and webhook deliveries exist.
const calls = [];
for (const to of ["+14155550123", "+15005550001", "+15005550002", "+15005550003", "+15005550004", "+15005550007"]) {
  calls.push(await api("POST", "/v1/calls", { agent_id: caller.id, to, context: { patient: "Maria" }, metadata: { fixture: "yes" } }));
}
await server.emulator.advance(30 * 60 * 1000);
// A call still running, to cover the non-terminal shapes too.
calls.push(await api("POST", "/v1/calls", { agent_id: caller.id, to: "+14155550124" }));
await server.emulator.advance(20 * 1000);
const deliveries = (await api("GET", "/v1/webhook_deliveries?limit=20")).data;
// A deleted endpoint's deliveries answer redeliver with a documented 409.
await api("DELETE", `/v1/webhook_endpoints/${deletable[2].id}`);

const ids = (list) => list.map((o) => o.id);
const dictionaries = {
  agent_read: [caller.id, receptionist.id, archived.id, ...ids(mutable)],
  agent_mutable: ids(mutable),
  agent_archivable: ids(archivable),
  agent_dispatch: [caller.id, caller.id, caller.id, receptionist.id, archived.id],
  caller_number: numbers.slice(0, 2).map((n) => n.e164),
  number: ids(numbers),
  call: ids(calls),
  endpoint: ids(endpoints),
  endpoint_deletable: ids(deletable),
  delivery: ids(deliveries),
  // Numbers for sale (each can be bought once), and one already owned (409).
  available: [...Array(300).keys()].map((i) => `+1${["312", "512", "206", "833"][i % 4]}5550${100 + Math.floor(i / 4)}`).concat(["+14155550100"]),
};
mkdirSync(dictDir, { recursive: true });
for (const [name, values] of Object.entries(dictionaries)) {
  if (values.length === 0) throw new Error(`fixture dictionary ${name} is empty`);
  writeFileSync(join(dictDir, `${name}.dict`), values.map((v) => JSON.stringify(v)).join("\n") + "\n");
}
// For the hooks' guard: which objects must survive the run, and what to use instead.
const roles = {
  agents: { keep: [caller.id, receptionist.id], mutable: ids(mutable), archivable: ids(archivable) },
  endpoints: { keep: ids(endpoints), deletable: ids(deletable) },
};
writeFileSync(join(dictDir, "roles.json"), JSON.stringify(roles, null, 1) + "\n");

console.log(`ready ${server.url} ${server.apiKey}`);
const stop = async () => {
  await server.close();
  sink.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
