// How this runtime's entry point loads each wasm module ("core" for the client, "emulator"
// for callingbox/emulator). Entries call `setup` at import; nothing is compiled until first use.
// The client's instance can be replaced (`reset`): after a trap (a trapped instance fails
// every later call) or to give back memory a large body took (wasm memory never shrinks).
// Its `initFn` instantiates the compiled module again each time it is called (the build
// lets the wasm-bindgen glue's initSync re-initialise).

import { adopt, CallingBoxError } from "./errors.js";

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

/** Past this much linear memory after a call, the instance is replaced (memory never shrinks). */
const RESET_MEMORY = 8 * 1024 * 1024;

const trapped = (message, cause) => new CallingBoxError(message, { cause });

/**
 * Calls a client export `fn(...args)`. A thrown record becomes its Error; anything else is a
 * trap, after which the instance is unusable (left mid-call): it is replaced, and
 * `onTrap(message, cause)` makes the typed error to throw (a CallingBoxError by default). A
 * call that left the memory large (a big body) also gets the instance replaced afterwards.
 */
export function wasm(fn, args, onTrap = trapped) {
  const exports = instance("core"); // (re)instantiated after a reset
  try {
    const out = fn(...args);
    if (exports.memory.buffer.byteLength > RESET_MEMORY) reset("core");
    return out;
  } catch (e) {
    const adopted = adopt(e);
    if (adopted instanceof CallingBoxError) throw adopted;
    reset("core");
    const what = e && typeof e.message === "string" ? `${e.name}: ${e.message}` : String(e);
    throw onTrap(`the client's WebAssembly failed (${what}); it has been replaced`, e);
  }
}
