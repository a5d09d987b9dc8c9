// 1. Size. Everything a browser / Worker loads for a one-call app, built here with esbuild
// (--bundle --minify --format=esm, es2022) and compressed per file (gzip -9, brotli q11),
// as a server would send them: ours (bundle JS + the .wasm beside it, browser and workerd
// conditions), openai and retell-sdk one-call apps, and a hand-written fetch call. Plus the
// whole-SDK file list of scripts/size-budget.mjs (the number CI's budget checks) and the
// tarball's unpackedSize from `npm pack --json`.
import { copyFileSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { benchDir, brotli11, gzip9, outDir, result } from "./common.mjs";

const require = createRequire(join(benchDir, "package.json"));
const version = (name) => JSON.parse(readFileSync(join(benchDir, "node_modules", name, "package.json"), "utf8")).version;

async function bundle(app, { platform = "browser", conditions = [], wasm = false } = {}) {
  const outdir = join(outDir, "size", `${app}-${platform}`);
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: benchDir,
    entryPoints: [`apps/${app}.mjs`],
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    target: "es2022",
    conditions,
    mainFields: ["browser", "module", "main"],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    legalComments: "none",
    outdir,
    logLevel: "error",
  });
  // The browser entry loads new URL("./callingbox_core_bg.wasm", import.meta.url): esbuild
  // leaves it alone, so the .wasm is copied next to the bundle (what the README says to do).
  if (wasm && platform === "browser") copyFileSync(require.resolve("callingbox/callingbox_core_bg.wasm"), join(outdir, "callingbox_core_bg.wasm"));
  const files = readdirSync(outdir).map((f) => {
    const bytes = readFileSync(join(outdir, f));
    return { file: f, raw: bytes.length, gzip: gzip9(bytes), brotli: brotli11(bytes) };
  });
  const sum = (k) => files.reduce((a, f) => a + f[k], 0);
  const js = files.filter((f) => f.file.endsWith(".js"));
  const wasmFiles = files.filter((f) => f.file.endsWith(".wasm"));
  const part = (fs) => ({ raw: fs.reduce((a, f) => a + f.raw, 0), gzip: fs.reduce((a, f) => a + f.gzip, 0), brotli: fs.reduce((a, f) => a + f.brotli, 0) });
  return { files, js: part(js), wasm: part(wasmFiles), total: { raw: sum("raw"), gzip: sum("gzip"), brotli: sum("brotli") } };
}

// The whole SDK as scripts/size-budget.mjs counts it (the installed package's files).
const pkgDir = join(benchDir, "node_modules/callingbox");
const budgetFiles = ["callingbox_core_bg.wasm", "browser.js"]; // as scripts/size-budget.mjs: the browser entry is one bundled module
const wholeSdk = { raw: 0, gzip: 0, brotli: 0 };
for (const f of budgetFiles) {
  const bytes = readFileSync(join(pkgDir, f));
  wholeSdk.raw += bytes.length;
  wholeSdk.gzip += gzip9(bytes);
  wholeSdk.brotli += brotli11(bytes);
}

const pack = JSON.parse(readFileSync(join(outDir, "pack.json"), "utf8"))[0];
const clientFiles = pack.files.filter((f) => !/emulator/.test(f.path));

const out = {
  versions: { callingbox: version("callingbox"), openai: version("openai"), "retell-sdk": version("retell-sdk"), esbuild: esbuild.version },
  wholeSdk,
  budget: JSON.parse(readFileSync(join(benchDir, "../size-budget.json"), "utf8")),
  callingboxBrowser: await bundle("callingbox", { wasm: true }),
  callingboxWorkerd: await bundle("callingbox", { platform: "neutral", conditions: ["workerd", "worker", "browser"], wasm: true }),
  openai: await bundle("openai"),
  retell: await bundle("retell"),
  fetch: await bundle("fetch"),
  tarball: { size: pack.size, unpackedSize: pack.unpackedSize, files: pack.files.length, clientOnlyUnpacked: clientFiles.reduce((a, f) => a + f.size, 0) },
};
for (const k of ["callingboxBrowser", "callingboxWorkerd", "openai", "retell", "fetch"]) {
  const b = out[k];
  console.log(`${k.padEnd(18)} js ${String(b.js.gzip).padStart(6)} B gz + wasm ${String(b.wasm.gzip).padStart(6)} B gz = ${String(b.total.gzip).padStart(6)} B gz, ${String(b.total.brotli).padStart(6)} B br`);
}
console.log(`whole SDK (size-budget file list): ${wholeSdk.gzip} B gz, ${wholeSdk.brotli} B br; tarball unpacked ${pack.unpackedSize} B`);
result(out);
