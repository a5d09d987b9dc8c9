// Prints pkg/package.json: the published package's manifest (pkg/ is build output).
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
const entry = (types) => ({
  types,
  workerd: "./workerd.js",
  worker: "./workerd.js",
  deno: "./deno.js",
  browser: "./browser.js",
  node: "./node.js",
  bun: "./node.js",
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
    "./emulator": {
      types: "./emulator.d.ts",
      workerd: "./emulator-workerd.js",
      worker: "./emulator-workerd.js",
      deno: "./emulator-deno.js",
      browser: "./emulator-browser.js",
      node: "./emulator-node.js",
      bun: "./emulator-node.js",
      default: "./emulator-browser.js",
    },
    "./package.json": "./package.json",
  },
  bin: { "callingbox-emulator": "./callingbox-emulator.js" },
  files: ["*.js", "*.d.ts", "*.wasm", "README.md"],
  engines: { node: ">=18" },
  keywords: ["callingbox", "phone", "calls", "voice", "ai", "wasm", "cloudflare-workers", "deno"],
};
process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
