// callingbox/phone for browsers (and the default condition): fetches and compiles the .wasm
// next to this file with top-level await, so `parsePhoneNumber` is synchronous from the start.
import { initSync } from "./callingbox_phone.js";
import { setup } from "./runtime.js";

const res = await fetch(new URL("./callingbox_phone_bg.wasm", import.meta.url));
if (!res.ok) throw new Error(`callingbox/phone: failed to fetch its .wasm (${res.status})`);
const compiled = await WebAssembly.compile(await res.arrayBuffer());
setup("phone", () => initSync({ module: compiled }), "browser");

export * from "./phone.js";
