// An uncaught CallingBox error in Node (tests/bundlers/run.mjs reads what Node prints):
//   node uncaught.mjs <baseUrl> <apiKey> async   a rejected call (NotFoundError), not caught
//   node uncaught.mjs <baseUrl> <apiKey> sync    a throw from the constructor (ValidationError)
import { CallingBox } from "callingbox";

const [baseUrl, apiKey, how] = process.argv.slice(2);
if (how === "sync") new CallingBox({ apiKey: "not a key", baseUrl });
const client = new CallingBox({ apiKey, baseUrl });
await client.calls.retrieve("call_does_not_exist");
