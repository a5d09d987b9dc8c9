// CommonJS consumer: `node require.cjs <baseUrl> <apiKey>` (must work on every Node in engines,
// not only where require(esm) exists: the package ships node.cjs for the "require" condition).
const { CallingBox, CallingBoxError, NotFoundError } = require("callingbox");
const { startEmulatorServer } = require("callingbox/emulator");

if (typeof startEmulatorServer !== "function") throw new Error("callingbox/emulator has no startEmulatorServer under require");
const [baseUrl, apiKey] = process.argv.slice(2);
const client = new CallingBox({ apiKey, baseUrl });
client.calls.list().then(async ({ data }) => {
  const missing = await client.calls.retrieve("call_missing").catch((e) => e);
  if (!(missing instanceof NotFoundError && missing instanceof CallingBoxError)) throw new Error(`expected a NotFoundError, got ${missing}`);
  console.log(`ONE-CALL OK ${data.length} calls (require, ${require.resolve("callingbox").split("/").pop()})`);
});
