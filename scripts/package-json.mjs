// Prints pkg/package.json: the published package's manifest (pkg/ is build output).
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
const entry = (types) => ({
  types,
  workerd: "./workerd.js",
  worker: "./workerd.js",
  deno: "./deno.js",
  bun: "./node.js", // before "node": Bun matches both, the first listed wins
  browser: "./browser.js",
  node: "./node.js",
  default: "./browser.js",
});
const manifest = {
  name: "callingbox",
  version,
  description: "CallingBox API client (AI phone calls) for browsers, Cloudflare Workers, Deno, Node and Bun: a Rust core compiled to WebAssembly",
  license: "MIT",
  type: "module",
  main: "./node.js",
  module: "./browser.js",
  types: "./index.d.ts",
  exports: {
    ".": entry("./index.d.ts"),
    // Types per condition: only the Node/Bun entry has startEmulatorServer (node:http).
    "./emulator": {
      workerd: { types: "./emulator.d.ts", default: "./emulator-workerd.js" },
      worker: { types: "./emulator.d.ts", default: "./emulator-workerd.js" },
      deno: { types: "./emulator.d.ts", default: "./emulator-deno.js" },
      bun: { types: "./emulator-node.d.ts", default: "./emulator-node.js" },
      browser: { types: "./emulator.d.ts", default: "./emulator-browser.js" },
      node: { types: "./emulator-node.d.ts", default: "./emulator-node.js" },
      default: { types: "./emulator.d.ts", default: "./emulator-browser.js" },
    },
    // For bundler users who place or import the .wasm themselves (esbuild leaves
    // `new URL("./callingbox_core_bg.wasm", import.meta.url)` alone: copy it next to the bundle).
    "./callingbox_core_bg.wasm": "./callingbox_core_bg.wasm",
    "./callingbox_emulator_bg.wasm": "./callingbox_emulator_bg.wasm",
    "./package.json": "./package.json",
  },
  // Only the runtime entries do something at import (register or load the wasm); everything
  // else may be dropped by a bundler when unused (publint's suggestion; the esbuild bundles of
  // scripts/test-runtimes.sh run with it).
  sideEffects: [
    "./browser.js", "./node.js", "./deno.js", "./workerd.js",
    "./emulator-browser.js", "./emulator-node.js", "./emulator-deno.js", "./emulator-workerd.js",
    "./callingbox-emulator.js",
  ],
  bin: { "callingbox-emulator": "./callingbox-emulator.js" },
  files: ["*.js", "*.d.ts", "*.wasm", "README.md"],
  engines: { node: ">=20.16" }, // process.getBuiltinModule (js/node.js)
  keywords: ["callingbox", "phone", "calls", "voice", "ai", "wasm", "cloudflare-workers", "deno"],
};
process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
