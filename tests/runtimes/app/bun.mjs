// Bun cell of the runtime matrix: `bun bun.mjs` in the consumer project ("bun" condition).
// quickstart:start bun
import { CallingBox } from "callingbox";

const client = new CallingBox({
  apiKey: Bun.env.CALLINGBOX_API_KEY,
  baseUrl: Bun.env.CALLINGBOX_BASE_URL, // unset: https://api.callingbox.io
});
const { data: agents } = await client.agents.list();
console.log(`${agents.length} agents`);
// quickstart:end
import * as sdk from "callingbox";
import { runConformance, report } from "./conformance.mjs";

const out = await runConformance(sdk, { baseUrl: Bun.env.CALLINGBOX_BASE_URL, apiKey: Bun.env.CALLINGBOX_API_KEY });
console.log(report(out, { resolved: import.meta.resolve("callingbox"), version: Bun.version }));
