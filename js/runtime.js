// How this runtime's entry point loads the wasm. Each entry (node.js, deno.js, workerd.js,
// browser.js) calls `setup` once; nothing is compiled until the first client is made.

let init = null;
let platform = "unknown";
let loaded = false;

export function setup(initFn, name) {
  init = initFn;
  platform = name;
}

/** Loads the wasm on first use (synchronously: every entry has the module bytes at hand). */
export function ready() {
  if (!loaded) {
    if (!init) throw new Error("callingbox: import the package by its name so a runtime entry point loads the wasm");
    init();
    loaded = true;
  }
  return platform;
}
