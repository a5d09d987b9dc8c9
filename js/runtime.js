// How this runtime's entry point loads each wasm module ("core" for the client, "emulator"
// for callingbox/emulator, "webhooks" for callingbox/webhooks, "phone" for callingbox/phone). Entries call `setup` at import;
// nothing is compiled until first use.
// The client's instance can be replaced (`reset`): after a trap (a trapped instance fails
// every later call) or to give back memory a large body took (wasm memory never shrinks).
// Its `initFn` instantiates the compiled module again each time it is called (the build
// lets the wasm-bindgen glue's initSync re-initialise).

import { adopt, CallingBoxError } from "./errors.js";

/** One UTF-8 encoder for the package (the driver's bodies, webhook payloads). */
export const utf8 = new TextEncoder();

/** @typedef {"core" | "emulator" | "webhooks" | "phone"} WasmName which wasm module: the client's, the emulator's, the webhooks' or the phone's */
/** @typedef {{ readonly memory: WebAssembly.Memory }} WasmExports what the glue's init returns */

/** @type {Partial<Record<WasmName, () => WasmExports>>} */
const loaders = {};
/** @type {Partial<Record<WasmName, WasmExports>>} */
const instances = {};
let platform = "unknown";
/** @type {() => ((url: string, init: any) => Promise<any>) | undefined} */
let entryFetch = () => undefined;

/**
 * Registers how this runtime instantiates a wasm module (called once by each entry point).
 * @param {WasmName} module
 * @param {() => WasmExports} initFn instantiates the module (again after a reset)
 * @param {string} name the platform, as the core reads it ("node", "bun", "deno", "workerd", "browser")
 * @param {typeof entryFetch} [fetchFn] the entry's own HTTP client for this moment, if it has one
 *   (undefined: the global fetch)
 */
export function setup(module, initFn, name, fetchFn) {
  loaders[module] = initFn;
  platform = name;
  if (fetchFn) entryFetch = fetchFn;
}

/** The HTTP client a client without a `fetch` option sends with: the entry's own, else the global fetch. */
export function defaultFetch() {
  return entryFetch() ?? globalThis.fetch;
}

/**
 * Loads the wasm on first use (synchronously: every entry has the module at hand).
 * @param {WasmName} module
 * @returns {string} the platform name given to `setup`
 */
export function ready(module) {
  instance(module);
  return platform;
}

/**
 * Drops the instance; the next use instantiates a fresh one (the wasm keeps no state between calls).
 * @param {WasmName} module
 */
export function reset(module) {
  delete instances[module];
}

/**
 * The wasm instance's exports (loaded on first use).
 * @param {WasmName} module
 * @returns {WasmExports}
 */
export function instance(module) {
  if (!instances[module]) {
    const init = loaders[module];
    if (!init) throw new Error("callingbox: import the package by its name so a runtime entry point loads the wasm");
    instances[module] = init();
  }
  return /** @type {WasmExports} */ (instances[module]);
}

/** Past this much linear memory after a call, the instance is replaced (memory never shrinks). */
const RESET_MEMORY = 8 * 1024 * 1024;

/** @type {(message: string, cause: unknown) => Error} */
const trapped = (message, cause) => new CallingBoxError(message, { cause });

/**
 * Calls an export `fn(...args)` of a stateless wasm (the client's, or `module`'s). A thrown
 * record becomes its Error; anything else is a trap, after which the instance is unusable (left mid-call): it is replaced, and
 * `onTrap(message, cause)` makes the typed error to throw (a CallingBoxError by default). A
 * call that left the memory large (a big body) also gets the instance replaced afterwards.
 * @template {unknown[]} A
 * @template R
 * @param {(...args: A) => R} fn a glue export of that wasm
 * @param {A} args
 * @param {(message: string, cause: unknown) => Error} [onTrap]
 * @param {WasmName} [module] which wasm `fn` belongs to
 * @returns {R}
 */
export function wasm(fn, args, onTrap = trapped, module = "core") {
  const exports = instance(module); // (re)instantiated after a reset
  try {
    const out = fn(...args);
    if (exports.memory.buffer.byteLength > RESET_MEMORY) reset(module);
    // The client's exports answer an error as its record after a \u0001 (src/lib.rs, `answer`).
    if (typeof out === "string" && out.charCodeAt(0) === 1) throw adopt(out.slice(1));
    return out;
  } catch (/** @type {any} */ e) { // anything a glue function or a trap throws
    const adopted = adopt(e);
    if (adopted instanceof CallingBoxError) throw adopted;
    reset(module);
    const what = e && typeof e.message === "string" ? `${e.name}: ${e.message}` : String(e);
    throw onTrap(`${module == "core" ? "the client" : `callingbox/${module}`}'s WebAssembly failed (${what}); it has been replaced`, e);
  }
}
