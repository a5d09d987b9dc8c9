// callingbox/phone for Deno. The .wasm is a module import (scripts/build.sh makes it a Wasm
// source-phase import, as in js/deno.js), so no --allow-read is needed.
import wasm from "./callingbox_phone_bg.wasm";
import { initSync } from "./callingbox_phone.js";
import { setup } from "./runtime.js";

setup("phone", () => initSync({ module: wasm }), "deno");

export * from "./phone.js";
