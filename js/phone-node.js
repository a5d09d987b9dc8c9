// callingbox/phone for Node.js and Bun: the wasm is read from disk next to this file on first
// use (node:fs through process.getBuiltinModule, as in js/node.js), compiled once.
import { initSync } from "./callingbox_phone.js";
import { setup } from "./runtime.js";

let compiled; // instantiated again after a reset
const load = () => process.getBuiltinModule("node:fs").readFileSync(new URL("./callingbox_phone_bg.wasm", import.meta.url));
setup("phone", () => initSync({ module: (compiled ??= new WebAssembly.Module(load())) }), typeof globalThis.Bun === "object" ? "bun" : "node");

export * from "./phone.js";
