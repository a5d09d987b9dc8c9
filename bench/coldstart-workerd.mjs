// 2b. Cold start in workerd (Miniflare 4, the root's pinned version). Each sample is a fresh
// Miniflare = a fresh workerd process and isolate. The SDK is bundled by esbuild with the
// Workers conditions into sdk.js (the .wasm beside it, given to workerd as CompiledWasm, as
// wrangler does); main.js imports it dynamically on the first request and times that with
// performance.now() (Miniflare's workerd does not coarsen timers: a busy loop in the same
// handler is timed as a check). Two numbers per SDK, medians over N samples, interleaved:
//  - in-isolate: import() of the bundle + the constructor (ours instantiates the wasm there);
//  - startup delta: from `new Miniflare` to the first response, minus the same for an empty
//    sdk.js. This also holds what happens before any JS runs (workerd parses the script and
//    compiles CompiledWasm modules when it loads the Worker), but it is noisier (process spawn).
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { benchDir, median, outDir, result } from "./common.mjs";

const N = Number(process.env.BENCH_WORKERD_N || 15);
const rootRequire = createRequire(join(benchDir, "../package.json"));
const { Miniflare } = await import(rootRequire.resolve("miniflare"));
const workerdVersion = rootRequire("miniflare/package.json").version;

const kinds = ["empty", "callingbox", "openai", "retell"];
const dirs = {};
for (const kind of kinds) {
  const dir = join(outDir, "workerd", kind);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await esbuild.build({
    absWorkingDir: benchDir,
    entryPoints: { sdk: `apps/workerd/${kind}.mjs`, main: "apps/workerd/main.js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    external: ["./sdk.js"],
    outdir: dir,
    logLevel: "error",
  });
  dirs[kind] = dir;
}

async function sample(kind) {
  const dir = dirs[kind];
  const t0 = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "main.js"),
    modulesRoot: dir,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }, { type: "ESModule", include: ["**/*.js"] }],
    compatibilityDate: "2026-04-01",
  });
  try {
    await mf.ready;
    const t1 = performance.now();
    const res = await mf.dispatchFetch("http://bench.test/");
    const body = await res.json();
    const t2 = performance.now();
    return { ...body, readyMs: t1 - t0, firstResponseMs: t2 - t0 };
  } finally {
    await mf.dispose();
  }
}

await sample("empty"); // warm the disk cache / workerd binary once
const samples = Object.fromEntries(kinds.map((k) => [k, []]));
for (let i = 0; i < N; i++) for (const k of kinds) samples[k].push(await sample(k));

const out = { runtime: `miniflare ${workerdVersion}`, n: N, sdks: {} };
const base = median(samples.empty.map((s) => s.firstResponseMs));
for (const k of kinds) {
  const xs = samples[k];
  const pick = (f) => median(xs.map(f));
  out.sdks[k] = {
    importMs: pick((s) => s.importMs),
    constructMs: pick((s) => s.constructMs),
    totalMs: pick((s) => s.importMs + s.constructMs),
    busyLoopMs: pick((s) => s.busyLoopMs),
    firstResponseMs: pick((s) => s.firstResponseMs),
    startupDeltaMs: pick((s) => s.firstResponseMs) - base,
  };
  const s = out.sdks[k];
  console.log(`${k.padEnd(11)} in-isolate import ${s.importMs.toFixed(2)} + construct ${s.constructMs.toFixed(2)} = ${s.totalMs.toFixed(2)} ms; new Miniflare→first response ${s.firstResponseMs.toFixed(1)} ms (Δ vs empty ${s.startupDeltaMs.toFixed(1)} ms); busy-loop check ${s.busyLoopMs.toFixed(2)} ms`);
}
result(out);
