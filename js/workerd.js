// Cloudflare Workers (workerd) entry. workerd forbids compiling wasm from bytes at run time,
// so the module is imported (the bundler / Miniflare provides a compiled WebAssembly.Module).
import wasm from "./callingbox_core_bg.wasm";
import { initSync } from "./callingbox_core.js";
import { setup } from "./runtime.js";

setup("core", () => initSync({ module: wasm }), "workerd");

export * from "./client.js";
