// `npm run console`: the dispatch console (examples/dispatch-console) on this machine: its
// Worker in workerd (Miniflare, with its queue and Durable Objects) against the HTTP emulator,
// both on 127.0.0.1. Prints the page's URL and the access token to type in. Ctrl-C stops both.
// The emulator's clock runs at real speed: a call takes about three minutes, as a real one does.
import { randomBytes } from "node:crypto";
import { startEmulatorServer } from "../target/consumer/emulator.mjs";
import { startConsole } from "../tests/dispatch-console/console.mjs";

const accessToken = randomBytes(24).toString("base64url");
const emulator = await startEmulatorServer({ port: 0 });
const app = await startConsole({
  CALLINGBOX_API_KEY: emulator.apiKey,
  CALLINGBOX_BASE_URL: emulator.url,
  CALLINGBOX_WEBHOOK_SECRET: emulator.emulator.defaultSigningSecret(emulator.apiKey),
  CONSOLE_ACCESS_TOKEN: accessToken,
});
console.log(`dispatch console: ${app.url}/
access token:     ${accessToken}
emulator:         ${emulator.url} (test numbers: ${emulator.url}/__emulator/test-numbers)
Ctrl-C to stop.`);
const stop = async () => {
  await app.dispose();
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
