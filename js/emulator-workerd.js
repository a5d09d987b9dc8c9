// callingbox/emulator for Cloudflare Workers: the .wasm is imported as a compiled module.
import wasm from "./callingbox_emulator_bg.wasm";
import { initSync } from "./callingbox_emulator.js";
import { setup } from "./runtime.js";

setup("emulator", () => initSync({ module: wasm }), "workerd");

export * from "./emulator.js";
