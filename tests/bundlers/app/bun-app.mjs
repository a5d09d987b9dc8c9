// The one-call app `bun build` bundles (default target) and Bun then runs:
//   bun dist/bun/bun-app.js <baseUrl> <apiKey>
import { CallingBox } from "callingbox";

const [baseUrl, apiKey] = process.argv.slice(2);
const client = new CallingBox({ apiKey, baseUrl });
const { data } = await client.calls.list();
console.log(`ONE-CALL OK ${data.length} calls`);
