// Node.js and Bun entry: the wasm is read from disk next to this file, on first use.
// `node:fs` comes from process.getBuiltinModule (Node ≥ 20.16, Bun) at that moment rather than
// from a static import: an app that has not loaded node:fs itself would otherwise pay 3-4 ms
// at import for it (it pulls in node:stream), measured in bench/coldstart-node.mjs.
import { initSync } from "./callingbox_core.js";
import { setup } from "./runtime.js";
import { nodeTransport } from "./node-http.js";

// A plain path where the runtime gives the folder (Node ≥ 20.11, Bun): ~0.25 ms less than
// parsing a file URL and converting it back, in a fresh process.
const wasm = import.meta.dirname ? `${import.meta.dirname}/callingbox_core_bg.wasm` : new URL("./callingbox_core_bg.wasm", import.meta.url);
let compiled; // compiled once; instantiated again after a reset
setup("core",
  () => initSync({ module: (compiled ??= new WebAssembly.Module(process.getBuiltinModule("node:fs").readFileSync(wasm))) }),
  typeof globalThis.Bun === "object" ? "bun" : "node",
  // Bun's node:http is built on its fetch: there the global fetch is used.
  typeof globalThis.Bun === "object" ? undefined : nodeTransport,
);

export * from "./client.js";
