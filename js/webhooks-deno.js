// callingbox/webhooks for Deno. The .wasm is a module import (scripts/build.sh makes it a Wasm
// source-phase import, as in js/deno.js), so no --allow-read is needed.
import wasm from "./callingbox_webhooks_bg.wasm";
import { initSync } from "./callingbox_webhooks.js";
import { setup } from "./runtime.js";

setup("webhooks", () => initSync({ module: wasm }), "deno");

export * from "./webhooks.js";
