// callingbox/emulator for Deno. The .wasm is a module import (scripts/build.sh makes it a Wasm
// source-phase import, as in js/deno.js), so no --allow-read is needed.
import wasm from "./callingbox_emulator_bg.wasm";
import { initSync } from "./callingbox_emulator.js";
import { setup } from "./runtime.js";

setup("emulator", () => initSync({ module: wasm }), "deno");

export * from "./emulator.js";
