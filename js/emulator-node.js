// callingbox/emulator for Node.js and Bun: the in-process emulator and the loopback server.
import { readFileSync } from "node:fs";
import { initSync } from "./callingbox_emulator.js";
import { setup } from "./runtime.js";

setup(
  "emulator",
  () => initSync({ module: readFileSync(new URL("./callingbox_emulator_bg.wasm", import.meta.url)) }),
  typeof globalThis.Bun === "object" ? "bun" : "node",
);

export * from "./emulator.js";
export { startEmulatorServer } from "./emulator-server.js";
