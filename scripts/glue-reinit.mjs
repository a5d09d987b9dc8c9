// Lets the wasm-bindgen glue's `initSync` instantiate the module again (it returns the first
// instance otherwise). The client replaces its instance after a trap, or to give back the
// memory a large body took (js/runtime.js); its wasm keeps no state between calls, and
// `initSync` resets the glue's cached memory views. Fails the build if the glue changed shape.
// Usage: node scripts/glue-reinit.mjs <glue.js>
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const text = readFileSync(file, "utf8");
const guarded = "function initSync(module) {\n    if (wasm !== undefined) return wasm;\n";
if (text.split(guarded).length !== 2) {
  console.error(`${file}: initSync does not have the expected shape (wasm-bindgen changed?)`);
  process.exit(1);
}
writeFileSync(file, text.replace(guarded, "function initSync(module) {\n"));
