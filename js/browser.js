// Browser (and default) entry: fetches and compiles the .wasm next to this file with
// top-level await, so the synchronous API (new CallingBox, parseE164) is usable at once.
import init from "./callingbox_core.js";
import { setup } from "./runtime.js";

const exports = await init({ module_or_path: new URL("./callingbox_core_bg.wasm", import.meta.url) });
setup("core", () => exports, "browser");

export * from "./client.js";
