// Node cell of the runtime matrix: `node node.mjs` in the consumer project ("node" condition).
// quickstart:start node
import { CallingBox } from "callingbox";

const client = new CallingBox({
  apiKey: process.env.CALLINGBOX_API_KEY,
  baseUrl: process.env.CALLINGBOX_BASE_URL, // unset: https://api.callingbox.io
});
const { data: agents } = await client.agents.list();
console.log(`${agents.length} agents`);
// quickstart:end
import * as sdk from "callingbox";
import { runConformance, report } from "./conformance.mjs";

const out = await runConformance(sdk, { baseUrl: process.env.CALLINGBOX_BASE_URL, apiKey: process.env.CALLINGBOX_API_KEY });
console.log(report(out, { resolved: import.meta.resolve("callingbox"), version: process.version }));
