// How this runtime's entry point loads each wasm module ("core" for the client, "emulator"
// for callingbox/emulator). Entries call `setup` at import; nothing is compiled until first use.

/** One UTF-8 encoder for the package (the driver's bodies, webhook payloads). */
export const utf8 = new TextEncoder();

const loaders = {};
const instances = {};
let platform = "unknown";

export function setup(module, initFn, name) {
  loaders[module] = initFn;
  platform = name;
}

/** Loads the wasm on first use (synchronously: every entry has the module at hand). */
export function ready(module) {
  instance(module);
  return platform;
}

/** The wasm instance's exports (loaded on first use). */
export function instance(module) {
  if (!instances[module]) {
    const init = loaders[module];
    if (!init) throw new Error("callingbox: import the package by its name so a runtime entry point loads the wasm");
    instances[module] = init();
  }
  return instances[module];
}
