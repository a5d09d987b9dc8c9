// Browser (and default) entry: fetches and compiles the .wasm next to this file with
// top-level await, so the synchronous API (new CallingBox, parseE164) is usable at once.
import { initSync } from "./callingbox_core.js";
import { setup } from "./runtime.js";

// Compiled at import (instantiated on first use, and again after a reset). Streaming
// compilation needs the server to send application/wasm; otherwise the bytes are compiled.
const res = await fetch(new URL("./callingbox_core_bg.wasm", import.meta.url));
if (!res.ok) throw new Error(`callingbox: failed to fetch its .wasm (${res.status})`);
const compiled = (res.headers.get("content-type") || "").startsWith("application/wasm")
  ? await WebAssembly.compileStreaming(res)
  : await WebAssembly.compile(await res.arrayBuffer());
setup("core", () => initSync({ module: compiled }), "browser");

export * from "./client.js";
