// callingbox/webhooks for browsers (and the default condition): fetches and compiles the .wasm
// next to this file with top-level await, so `Webhooks` is synchronous from the start.
import { initSync } from "./callingbox_webhooks.js";
import { setup } from "./runtime.js";

const res = await fetch(new URL("./callingbox_webhooks_bg.wasm", import.meta.url));
if (!res.ok) throw new Error(`callingbox/webhooks: failed to fetch its .wasm (${res.status})`);
const compiled = await WebAssembly.compile(await res.arrayBuffer());
setup("webhooks", () => initSync({ module: compiled }), "browser");

export * from "./webhooks.js";
