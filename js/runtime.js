// How this runtime's entry point loads each wasm module ("core" for the client, "emulator"
// for callingbox/emulator). Entries call `setup` at import; nothing is compiled until first use.

const loaders = {};
const loaded = {};
let platform = "unknown";

export function setup(module, initFn, name) {
  loaders[module] = initFn;
  platform = name;
}

/** Loads the wasm on first use (synchronously: every entry has the module at hand). */
export function ready(module) {
  if (!loaded[module]) {
    const init = loaders[module];
    if (!init) throw new Error("callingbox: import the package by its name so a runtime entry point loads the wasm");
    init();
    loaded[module] = true;
  }
  return platform;
}
