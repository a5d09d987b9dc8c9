// A Deno network client run with network permission only (no --allow-read, no --allow-env):
//   deno run --allow-net deno-app.ts <baseUrl> <apiKey>
// then the in-process emulator (callingbox/emulator, its own .wasm), also without --allow-read.
import { CallingBox } from "callingbox";

const [baseUrl, apiKey] = Deno.args;
const client = new CallingBox({ apiKey, baseUrl });
const { data } = await client.calls.list();

const { createEmulator } = await import("callingbox/emulator");
const emulator = createEmulator();
const local = new CallingBox({ apiKey, fetch: (url, init) => emulator.fetch(url, init) });
const { data: agents } = await local.agents.list();
console.log(`ONE-CALL OK ${data.length} calls; in-process emulator ${agents.length} agents`);
