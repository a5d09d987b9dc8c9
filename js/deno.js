// Deno entry. The .wasm is a module import, not a file read: a network client runs with
// --allow-net alone. scripts/build.sh turns this default import into a Wasm source-phase import
// (`import source wasm from "./callingbox_core_bg.wasm"`: a compiled WebAssembly.Module, Deno
// >= 2.6), the way workerd gets it; js/ keeps the plain form the type checker and esbuild parse.
import wasm from "./callingbox_core_bg.wasm";
import { initSync } from "./callingbox_core.js";
import { setup } from "./runtime.js";

setup("core", () => initSync({ module: wasm }), "deno");

export * from "./client.js";
