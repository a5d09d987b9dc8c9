// A Deno network client run with network permission only (no --allow-read, no --allow-env):
//   deno run --allow-net deno-app.ts <baseUrl> <apiKey>
// then the in-process emulator (callingbox/emulator, its own .wasm) and webhook signing and
// verification (callingbox/webhooks, its own .wasm), also without --allow-read.
import { CallingBox } from "callingbox";

const [baseUrl, apiKey] = Deno.args;
const client = new CallingBox({ apiKey, baseUrl });
const { data } = await client.calls.list();

const { createEmulator } = await import("callingbox/emulator");
const emulator = createEmulator();
const local = new CallingBox({ apiKey, fetch: (url, init) => emulator.fetch(url, init) });
const { data: agents } = await local.agents.list();

const { Webhooks } = await import("callingbox/webhooks");
const payload = { id: "e1", type: "call.completed", created: 1, api_version: "2026-04", data: { call: { id: "c1", status: "completed" } } };
const header = Webhooks.generateTestHeader({ payload, secret: "whsec_deno", timestamp: 100 });
const event = Webhooks.constructEvent(JSON.stringify(payload), header, "whsec_deno", { now: 100 });
console.log(`ONE-CALL OK ${data.length} calls; in-process emulator ${agents.length} agents; webhook ${event.id} verified`);
