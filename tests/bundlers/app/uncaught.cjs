// The same as uncaught.mjs through require() (node.cjs).
const { CallingBox } = require("callingbox");

const [baseUrl, apiKey, how] = process.argv.slice(2);
if (how === "sync") new CallingBox({ apiKey: "not a key", baseUrl });
new CallingBox({ apiKey, baseUrl }).calls.retrieve("call_does_not_exist");
