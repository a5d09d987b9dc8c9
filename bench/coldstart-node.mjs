// 2a. Cold start in Node: N fresh `node` processes per SDK, interleaved (sdk A, B, C, A, B, ...
// so drift hits all alike). Each process measures itself with performance.now() from just
// before the dynamic import() of the package to just after the constructor returned (ours
// compiles + instantiates the wasm inside the first `new CallingBox()`). "empty" is the same
// script importing nothing: the floor of the method. "esm-floor" imports a one-file package
// the same way: what importing any package costs here. Every script first imports node:path
// (before t0), so the ESM loader's own start-up, paid by any app, is in no row.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { benchDir, median, outDir, quantile, result, run } from "./common.mjs";

const wasmPath = createRequire(join(benchDir, "package.json")).resolve("callingbox/callingbox_core_bg.wasm");
const N = Number(process.env.BENCH_COLD_N || 30);
const KEY = "sk_test_cold";
// The floor of importing ANY package from here: a one-file ESM package with the same
// package.json shape as ours ("exports" with a "node" condition), resolved by bare name.
// The first file module a process loads also warms Node's ESM loader for files (resolution,
// package.json reading, translators): a real app has paid that for its own entry file.
// Written fresh each run; its scripts run with cwd = its folder (everything else is alike).
const floorDir = join(outDir, "esm-floor");
mkdirSync(join(floorDir, "node_modules", "esm-floor"), { recursive: true });
writeFileSync(join(floorDir, "node_modules", "esm-floor", "package.json"), JSON.stringify({ name: "esm-floor", type: "module", exports: { ".": { node: "./index.js", default: "./index.js" } } }));
writeFileSync(join(floorDir, "node_modules", "esm-floor", "index.js"), "export class Floor { constructor(options) { this.options = options; } }\n");
const scripts = {
  empty: `const t0 = performance.now(); const t1 = performance.now(); const t2 = performance.now();`,
  "esm-floor (any package)": `const t0 = performance.now(); const { Floor } = await import("esm-floor"); const t1 = performance.now(); new Floor({ apiKey: "${KEY}" }); const t2 = performance.now();`,
  callingbox: `const t0 = performance.now(); const { CallingBox } = await import("callingbox"); const t1 = performance.now(); new CallingBox({ apiKey: "${KEY}" }); const t2 = performance.now();`,
  openai: `const t0 = performance.now(); const { default: OpenAI } = await import("openai"); const t1 = performance.now(); new OpenAI({ apiKey: "${KEY}" }); const t2 = performance.now();`,
  // Not an SDK: what part of our constructor is V8 compiling + instantiating the .wasm alone
  // (import = readFileSync of the file; construct = new WebAssembly.Module).
  "callingbox .wasm compile only": `const fs = process.getBuiltinModule("node:fs"); const t0 = performance.now(); const bytes = fs.readFileSync(${JSON.stringify(wasmPath)}); const t1 = performance.now(); new WebAssembly.Module(bytes); const t2 = performance.now();`,
  "retell-sdk": `const t0 = performance.now(); const { default: Retell } = await import("retell-sdk"); const t1 = performance.now(); new Retell({ apiKey: "${KEY}" }); const t2 = performance.now();`,
};
const cwd = { "esm-floor (any package)": floorDir };
const samples = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
for (let i = 0; i < N; i++) {
  for (const [name, body] of Object.entries(scripts)) {
    // The first import() of a process also starts the ESM loader (~15 ms here, whatever is
    // imported): done before t0 with a small builtin, for every row alike. Not node:fs: that
    // loads node:stream (3-4 ms), which an SDK that needs fs should pay in its own row.
    const code = `await import("node:path"); ${body} console.log(JSON.stringify({ importMs: t1 - t0, constructMs: t2 - t1, totalMs: t2 - t0 }));`;
    const r = await run(process.execPath, ["--input-type=module", "-e", code], cwd[name] ? { cwd: cwd[name] } : {});
    if (r.code !== 0) throw new Error(`${name}: ${r.stderr}`);
    samples[name].push(JSON.parse(r.stdout.trim().split("\n").pop()));
  }
}
const out = { runtime: `node ${process.version}`, n: N, sdks: {} };
for (const [name, xs] of Object.entries(samples)) {
  const pick = (k) => xs.map((x) => x[k]);
  out.sdks[name] = {
    importMs: median(pick("importMs")),
    constructMs: median(pick("constructMs")),
    totalMs: median(pick("totalMs")),
    p90TotalMs: quantile(pick("totalMs"), 0.9),
  };
  const s = out.sdks[name];
  console.log(`${name.padEnd(30)} import ${s.importMs.toFixed(2)} ms + construct ${s.constructMs.toFixed(2)} ms = ${s.totalMs.toFixed(2)} ms (median of ${N}; p90 ${s.p90TotalMs.toFixed(2)})`);
}
result(out);
