// How this runtime's entry point loads each wasm module ("core" for the client, "emulator"
// for callingbox/emulator). Entries call `setup` at import; nothing is compiled until first use.
// The client's instance can be replaced (`reset`): after a trap (a trapped instance fails
// every later call) or to give back memory a large body took (wasm memory never shrinks).
// Its `initFn` instantiates the compiled module again each time it is called (the build
// lets the wasm-bindgen glue's initSync re-initialise).

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

/** Drops the instance; the next use instantiates a fresh one (the wasm keeps no state between calls). */
export function reset(module) {
  delete instances[module];
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
