// callingbox/emulator for browsers (and the default condition).
import init from "./callingbox_emulator.js";
import { setup } from "./runtime.js";

const exports = await init({ module_or_path: new URL("./callingbox_emulator_bg.wasm", import.meta.url) });
setup("emulator", () => exports, "browser");

export * from "./emulator.js";
