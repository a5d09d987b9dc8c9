// callingbox/emulator for Deno (needs --allow-read for the .wasm).
import { initSync } from "./callingbox_emulator.js";
import { setup } from "./runtime.js";

setup("emulator", () => initSync({ module: Deno.readFileSync(new URL("./callingbox_emulator_bg.wasm", import.meta.url)) }), "deno");

export * from "./emulator.js";
