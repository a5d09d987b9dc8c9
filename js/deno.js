// Deno entry: needs --allow-read for the .wasm next to this file.
import { initSync } from "./callingbox_core.js";
import { setup } from "./runtime.js";

let compiled; // compiled once; instantiated again after a reset
setup("core", () => initSync({ module: (compiled ??= new WebAssembly.Module(Deno.readFileSync(new URL("./callingbox_core_bg.wasm", import.meta.url)))) }), "deno");

export * from "./client.js";
