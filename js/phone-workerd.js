// callingbox/phone for Cloudflare Workers: the .wasm is imported as a compiled module
// (workerd forbids compiling wasm from bytes).
import wasm from "./callingbox_phone_bg.wasm";
import { initSync } from "./callingbox_phone.js";
import { setup } from "./runtime.js";

setup("phone", () => initSync({ module: wasm }), "workerd");

export * from "./phone.js";
