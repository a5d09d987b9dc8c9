// Node.js and Bun entry: the wasm is read from disk next to this file, on first use.
import { readFileSync } from "node:fs";
import { initSync } from "./callingbox_core.js";
import { setup } from "./runtime.js";

setup("core", 
  () => initSync({ module: readFileSync(new URL("./callingbox_core_bg.wasm", import.meta.url)) }),
  typeof globalThis.Bun === "object" ? "bun" : "node",
);

export * from "./client.js";
