// A trap inside the client's wasm (here: a real `unreachable`, from an allocation the
// allocator refuses, in the middle of a decode) must reach the caller as a typed error, and
// the next call must run on a fresh instance: a trapped instance is left mid-call (its
// allocations never freed), so it is never used again. WebAssembly.Instance is wrapped
// before the package instantiates anything (this file runs in its own process).
import { test } from "node:test";
import assert from "node:assert/strict";
import { client, fakeFetch, fixture, json, pkg } from "./helpers.mjs";

const RealInstance = WebAssembly.Instance;
let instances = 0;
let trapNext = null; // export name whose next call traps
WebAssembly.Instance = function (module, imports) {
  const real = new RealInstance(module, imports);
  instances++;
  // (The real exports object is frozen: a copy with getters stands in for it.)
  const target = real.exports;
  const exports = {};
  for (const name of Object.keys(target)) {
    Object.defineProperty(exports, name, {
      enumerable: true,
      get() {
        if (name !== trapNext) return target[name];
        return (...args) => {
          trapNext = null;
          target.__wbindgen_malloc(0xfffffff0, 8); // more than wasm32 can address: traps
          return target[name](...args);
        };
      },
    });
  }
  return { exports };
};

const call = fixture("call");

test("a trap while decoding is an InvalidResponseError, and the next request runs on a fresh instance", async () => {
  const c = client(fakeFetch(() => json(200, call)), { maxRetries: 0 });
  assert.equal((await c.calls.retrieve("c1")).id, call.id);
  const before = instances;
  trapNext = "decode";
  const err = await c.calls.retrieve("c1").then(() => null, (e) => e);
  assert.ok(err instanceof pkg.InvalidResponseError, `${err && err.name}: ${err && err.message}`);
  assert.match(err.message, /WebAssembly failed \(.*unreachable.*\); it has been replaced/);
  assert.ok(err.cause.name === "RuntimeError" && /unreachable/.test(err.cause.message), "the trap is the cause (a redacted copy)");
  assert.equal(instances, before, "not yet re-instantiated");
  assert.equal((await c.calls.retrieve("c1")).id, call.id, "the client still works");
  assert.equal(instances, before + 1, "on a new instance");
});

test("a trap while building a request, or checking a phone number, is typed too", async () => {
  const c = client(fakeFetch(() => json(200, call)), { maxRetries: 0 });
  trapNext = "build";
  const err = await c.calls.retrieve("c1").then(() => null, (e) => e);
  assert.ok(err instanceof pkg.CallingBoxError, `${err && err.name}`);
  assert.equal((await c.calls.retrieve("c1")).id, call.id);
  trapNext = "checkE164";
  assert.throws(() => pkg.parseE164("+14155550123"), (e) => e instanceof pkg.CallingBoxError);
  assert.equal(pkg.parseE164("+1 (415) 555-0123"), "+14155550123");
});
