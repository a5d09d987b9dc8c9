// callingbox/webhooks for Cloudflare Workers: the .wasm is imported as a compiled module
// (workerd forbids compiling wasm from bytes).
import wasm from "./callingbox_webhooks_bg.wasm";
import { initSync } from "./callingbox_webhooks.js";
import { setup } from "./runtime.js";

setup("webhooks", () => initSync({ module: wasm }), "workerd");

export * from "./webhooks.js";
