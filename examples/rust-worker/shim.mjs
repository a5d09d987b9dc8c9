// The Worker's entry: the wasm-bindgen `--target web` build of this crate, initialised from the
// module workerd compiled at upload (workerd refuses to compile wasm from bytes). It does what
// worker-build's generated entry does for a fetch-only Worker.
import wasmModule from "./rust_worker_bg.wasm";
import { initSync, fetch as rustFetch } from "./rust_worker.js";

initSync({ module: wasmModule });

export default {
  fetch(request, env, ctx) {
    return rustFetch(request, env, ctx);
  },
};
