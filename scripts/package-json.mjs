// Prints pkg/package.json: the published package's manifest (pkg/ is build output).
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
// Which file each runtime / bundler gets for ".":
//   workerd / worker      workerd.js   (imports the .wasm as a module: wrangler, Miniflare)
//   deno                  deno.js      (Wasm source-phase import: only --allow-net needed)
//   bun, node (import)    node.js      (reads the .wasm next to it on first use)
//   node (require)        node.cjs     (CommonJS, for Node < 20.19 and .cts / module node16)
//   webpack               browser.js   (fetches the .wasm: webpack copies the
//                                       `new URL("./callingbox_core_bg.wasm", import.meta.url)` asset)
//   every other bundler   browser-inline.js  (the wasm inside the JS: esbuild, Rollup and
//     (browser, default)     `bun build` leave that URL alone without copying the file. Vite
//                            copies it, but Vite's conditions are exactly those of Rollup with
//                            node-resolve's `browser: true`, so it gets this one too; its gzip
//                            is no larger than browser.js + the .wasm: scripts/size-budget.mjs)
// "./webhooks" and "./phone" have the same map over their own files (webhooks-workerd.js, ...:
// prefix "webhooks-"; phone-workerd.js, ...: prefix "phone-").
// A browser with no bundler (import map) loads browser.js by path. Nested conditions match in
// order: "bun" comes before "node" (Bun matches both), "browser" before "node".
const esm = (types, file) => ({ types, default: file });
const browser = (p, types) => ({
  webpack: esm(types, `./${p}browser.js`),
  default: esm(types, `./${p}browser-inline.js`),
});
const entry = (p, types, cts) => ({
  workerd: esm(types, `./${p}workerd.js`),
  worker: esm(types, `./${p}workerd.js`),
  deno: esm(types, `./${p}deno.js`),
  bun: esm(types, `./${p}node.js`), // before "node": Bun matches both, the first listed wins
  browser: browser(p, types),
  node: { require: esm(cts, `./${p}node.cjs`), default: esm(types, `./${p}node.js`) },
  default: browser(p, types),
});
const manifest = {
  name: "callingbox",
  version,
  description: "CallingBox API client (AI phone calls) for browsers, Cloudflare Workers, Deno, Node and Bun: a Rust core compiled to WebAssembly",
  license: "MIT",
  type: "module",
  main: "./node.cjs",
  module: "./browser.js",
  types: "./index.d.ts",
  exports: {
    ".": entry("", "./index.d.ts", "./index.d.cts"),
    // Webhook verification, with a wasm of its own: the main entry does not carry it.
    "./webhooks": entry("webhooks-", "./webhooks.d.ts", "./webhooks.d.cts"),
    // Phone numbers as people type them (parsePhoneNumber, checkPhoneNumbers), with a wasm of its own.
    "./phone": entry("phone-", "./phone.d.ts", "./phone.d.cts"),
    // createMany: plain JavaScript over the client, one file for every runtime.
    "./batch": { require: esm("./batch.d.cts", "./batch.cjs"), default: esm("./batch.d.ts", "./batch.js") },
    // In-call tool builders: plain JavaScript without wasm, the same module in every runtime
    // (a CommonJS copy for require); free of side effects, so it is not in `sideEffects`.
    "./tools": {
      require: { types: "./tools.d.cts", default: "./tools.cjs" },
      default: { types: "./tools.d.ts", default: "./tools.js" },
    },
    // Types per condition: only the Node/Bun entry has startEmulatorServer (node:http).
    "./emulator": {
      workerd: { types: "./emulator.d.ts", default: "./emulator-workerd.js" },
      worker: { types: "./emulator.d.ts", default: "./emulator-workerd.js" },
      deno: { types: "./emulator.d.ts", default: "./emulator-deno.js" },
      bun: { types: "./emulator-node.d.ts", default: "./emulator-node.js" },
      browser: { types: "./emulator.d.ts", default: "./emulator-browser.js" },
      node: {
        require: { types: "./emulator-node.d.cts", default: "./emulator-node.cjs" },
        default: { types: "./emulator-node.d.ts", default: "./emulator-node.js" },
      },
      default: { types: "./emulator.d.ts", default: "./emulator-browser.js" },
    },
    // For bundler users who place or import the .wasm themselves (esbuild leaves
    // `new URL("./callingbox_core_bg.wasm", import.meta.url)` alone: copy it next to the bundle).
    "./callingbox_core_bg.wasm": "./callingbox_core_bg.wasm",
    "./callingbox_emulator_bg.wasm": "./callingbox_emulator_bg.wasm",
    "./callingbox_webhooks_bg.wasm": "./callingbox_webhooks_bg.wasm",
    "./callingbox_phone_bg.wasm": "./callingbox_phone_bg.wasm",
    "./package.json": "./package.json",
  },
  // Only the runtime entries do something at import (register or load the wasm); everything
  // else may be dropped by a bundler when unused (publint's suggestion; the esbuild bundles of
  // scripts/test-runtimes.sh run with it).
  sideEffects: [
    "./browser.js", "./browser-inline.js", "./node.js", "./node.cjs", "./deno.js", "./workerd.js",
    "./emulator-browser.js", "./emulator-node.js", "./emulator-node.cjs", "./emulator-deno.js", "./emulator-workerd.js",
    "./webhooks-browser.js", "./webhooks-browser-inline.js", "./webhooks-node.js", "./webhooks-node.cjs", "./webhooks-deno.js",
    "./webhooks-workerd.js",
    "./phone-browser.js", "./phone-browser-inline.js", "./phone-node.js", "./phone-node.cjs", "./phone-deno.js", "./phone-workerd.js",
    "./callingbox-emulator.js", "./cli.js",
  ],
  bin: { callingbox: "./cli.js", "callingbox-emulator": "./callingbox-emulator.js" },
  files: ["*.js", "*.cjs", "*.js.map", "*.d.ts", "*.d.cts", "*.wasm", "README.md", "LICENSE", "CHANGELOG.md"],
  engines: { node: ">=20.16" }, // process.getBuiltinModule (js/node.js); node.cjs serves require() below 20.19
  keywords: ["callingbox", "phone", "calls", "voice", "ai", "wasm", "cloudflare-workers", "deno"],
};
process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
