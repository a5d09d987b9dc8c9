// Bundlers and consumers (run by scripts/test-bundlers.sh): the package as installed from its
// `npm pack` tarball into a scratch consumer project, resolved by name through `exports`.
//
//   1. A one-call browser app (app.mjs: new CallingBox(), client.calls.list()) bundled by
//      esbuild, Vite (build, and its dev server), webpack (webpack-cli), Rollup
//      (+ node-resolve) and `bun build`, each with no configuration beyond entry and output
//      (esbuild: --format=esm, which any module with a top-level await needs), then RUN: the
//      browser bundles in headless Chromium, each from a static server of its own on
//      127.0.0.1, the `bun build` bundle in Bun (from its own folder). A request of the page
//      that fails or answers >= 400 (the classic: the .wasm was not copied) fails the cell.
//      The esbuild cell also checks that a --sourcemap bundle maps back to js/client.js.
//      The same bundlers, run the same way, build the webhook app (webhooks/app.mjs:
//      callingbox/webhooks alone, verifying the documented test vector) and the phone app
//      (phone/app.mjs: callingbox/phone alone, reading typed numbers one at a time and as a
//      list); neither bundle may carry the client's wasm.
//   2. Deno with network permission only: `deno run --allow-net deno-app.ts` (the client
//      against the server, and the in-process emulator).
//   3. CommonJS: `node require.cjs` (require("callingbox"), require("callingbox/emulator")),
//      and tsc on a .cts and a .mts file under module/moduleResolution node16.
//   4. Readable failures: an uncaught CallingBox error in Node (ESM and CommonJS, thrown
//      synchronously or as a rejection) prints no line over 300 characters, and one of the
//      first five stack frames is a line of the package's entry.
// Every cell talks to one emulator server on 127.0.0.1 (its own API key each).
//
//   node tests/bundlers/run.mjs <consumer app dir> [cell ...]
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium, closeChromium, printTable, run as runProcess, serveStatic } from "../harness/process.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const app = resolve(process.argv[2] ?? join(root, "target/bundlers/app"));
const only = process.argv.slice(3);
const bin = (name) => join(root, "node_modules/.bin", name);
const TIMEOUT_MS = 120_000;
const MAX_LINE = 300;

const { startEmulatorServer } = await import(pathToFileURL(join(app, "emulator.mjs")).href);

// ---------------------------------------------------------------- helpers

/** Runs a command, in the app dir unless told otherwise. */
const run = (cmd, args, { env = {}, cwd = app } = {}) => runProcess(cmd, args, { cwd, env, timeoutMs: TIMEOUT_MS });

const tail = (text, n = 12) => text.trim().split("\n").slice(-n).map((l) => (l.length > 200 ? l.slice(0, 200) + "…" : l)).join("\n");

/** Every file under dir (recursive). */
function filesOf(dir) {
  return readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f))).filter((f) => statSync(f).isFile());
}

/**
 * Which package entry a bundle carries, and what it ships (gzip -9 of its .js + .wasm).
 * `entry`: the app's subpath ("webhooks", "phone"; none for the client app), whose entries are
 * <entry>-browser(-inline).js.
 */
function inspect(dir, { entry: subpath = "" } = {}) {
  const files = filesOf(dir).filter((f) => /\.(m?js|wasm)$/.test(f));
  const js = files.filter((f) => !f.endsWith(".wasm")).map((f) => readFileSync(f, "utf8")).join("\n");
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  const prefix = subpath ? `${subpath}-` : "";
  const name = `callingbox_${subpath || "core"}_bg`;
  const entry = /DecompressionStream\(\s*["'`]deflate/.test(js) ? `${prefix}browser-inline.js` : js.includes(name) || wasm.length ? `${prefix}browser.js` : "?";
  const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  // The app of another entry must not carry the client: its wasm (copied or inlined) or its driver.
  const client = !!subpath && (js.includes("callingbox_core_bg") || wasm.some((f) => f.includes("callingbox_core")) || /retryDecision|idempotency-key/.test(js));
  return { entry, gzip, assets: wasm.length ? `${wasm.length} .wasm` : "wasm inlined", client };
}

/** A static server for one bundle's output folder on 127.0.0.1 (its own origin). */
const serve = serveStatic;

/** Opens dir/index.html in Chromium with the emulator's URL and a key; the page's __result. */
async function runInChromium(dir, { baseUrl, apiKey }, site = null) {
  site ??= await serve(dir);
  const b = await chromium();
  const context = await b.newContext();
  const tab = await context.newPage();
  const problems = [];
  tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  tab.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  tab.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  tab.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  try {
    await tab.goto(`${site.url}/index.html?${new URLSearchParams({ apiKey, baseUrl })}`);
    await Promise.race([
      tab.waitForFunction(() => globalThis.__result, null, { timeout: 30_000 }).catch(() => {}),
      new Promise((r) => tab.on("pageerror", r)), // an uncaught error: the app will not report
    ]);
    const out = await tab.evaluate(() => globalThis.__result ?? null);
    const ok = !!out?.ok && problems.length === 0;
    return { ok, runtime: `Chromium ${b.version()}`, detail: out?.ok ? (out.summary ?? `${out.calls} calls`) : "", log: [out?.error, ...problems].filter(Boolean).join("\n") || (out ? "" : "the page never reported") };
  } finally {
    await context.close();
    await site.close();
  }
}

function page(dir, script, { module = true } = {}) {
  writeFileSync(join(dir, "index.html"), `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script${module ? ' type="module"' : ""} src="./${script}"></script>\n`);
}

// ---------------------------------------------------------------- bundlers

const out = (name) => {
  const dir = join(app, "dist", name);
  rmSync(dir, { recursive: true, force: true });
  return dir;
};

// Each bundler builds one of three apps: the one-call client app (folder "", the default), the
// webhook app (folder "webhooks/") or the phone app (folder "phone/"), each from its own files
// (app.mjs, index.html, bun-app.mjs). `ok`: what the app's `bun build` output prints when it passed.
const SIDE_APPS = [
  { sub: "webhooks/", suffix: "-webhooks", entry: "webhooks", ok: "WEBHOOKS OK" },
  { sub: "phone/", suffix: "-phone", entry: "phone", ok: "PHONE OK" },
];
const bundlers = {
  async esbuild({ sub = "", suffix = "" } = {}) {
    const dir = out(`esbuild${suffix}`);
    const r = await run(bin("esbuild"), [`${sub}app.mjs`, "--bundle", "--platform=browser", "--format=esm", `--outdir=${dir}`, "--log-level=warning"]);
    if (r.code !== 0) throw new Error(`esbuild failed:\n${tail(r.stderr)}`);
    page(dir, "app.js");
    return { dir, version: `esbuild ${(await import("esbuild")).version}` };
  },
  async vite({ sub = "", suffix = "" } = {}) {
    const dir = out(`vite${suffix}`);
    const vite = await import("vite");
    // index.html is Vite's entry; nothing else is configured (no config file).
    await vite.build({ root: join(app, sub), configFile: false, logLevel: "warn", build: { outDir: dir, emptyOutDir: true } });
    return { dir, version: `vite ${vite.version}` };
  },
  async webpack({ sub = "", suffix = "" } = {}) {
    const dir = out(`webpack${suffix}`);
    // The CLI with no webpack.config.js: only the entry and the output folder are given.
    const r = await run(bin("webpack"), ["build", "--mode=production", `--entry=./${sub}app.mjs`, `--output-path=${dir}`, "--no-color"]);
    if (r.code !== 0) throw new Error(`webpack failed:\n${tail(r.stdout + r.stderr)}`);
    page(dir, "main.js", { module: false }); // webpack's output is a classic script
    const { version } = JSON.parse(readFileSync(join(root, "node_modules/webpack/package.json"), "utf8"));
    return { dir, version: `webpack ${version} (webpack-cli)` };
  },
  async rollup({ sub = "", suffix = "" } = {}) {
    const dir = out(`rollup${suffix}`);
    const { rollup, VERSION } = await import("rollup");
    const { nodeResolve } = await import("@rollup/plugin-node-resolve");
    const bundle = await rollup({ input: join(app, `${sub}app.mjs`), plugins: [nodeResolve()], onwarn: () => {} });
    await bundle.write({ dir, format: "es" });
    await bundle.close();
    page(dir, "app.js");
    return { dir, version: `rollup ${VERSION}` };
  },
  async bun({ sub = "", suffix = "" } = {}) {
    const dir = out(`bun${suffix}`);
    const r = await run(bin("bun"), ["build", `${sub}bun-app.mjs`, `--outdir=${dir}`]);
    if (r.code !== 0) throw new Error(`bun build failed:\n${tail(r.stdout + r.stderr)}`);
    return { dir, version: `bun build ${(await run(bin("bun"), ["--version"])).stdout.trim()}` };
  },
};

// ---------------------------------------------------------------- cells

const cells = [
  ...["esbuild", "vite", "webpack", "rollup"].map((id) => ({
    id,
    group: "bundle",
    async run(ctx) {
      const built = await bundlers[id]();
      const seen = inspect(built.dir);
      const r = await runInChromium(built.dir, ctx);
      if (id === "esbuild") {
        // The entries' source maps reach the app's: a bundle built with --sourcemap maps the
        // package's minified code back to the readable js/*.js (text included).
        const esbuild = await import("esbuild");
        const mapped = await esbuild.build({ absWorkingDir: app, entryPoints: ["app.mjs"], bundle: true, platform: "browser", format: "esm", sourcemap: "external", write: false, outdir: "dist/esbuild-map", logLevel: "silent" });
        const map = JSON.parse(mapped.outputFiles.find((f) => f.path.endsWith(".map")).text);
        const i = map.sources.findIndex((p) => p.endsWith("node_modules/callingbox/js/client.js"));
        if (i < 0 || !map.sourcesContent[i]?.includes("class CallingBox")) {
          return { ...r, ok: false, tool: built.version, ...seen, log: `${r.log}\nthe bundle's source map does not reach callingbox's js/client.js: ${map.sources.join(", ")}` };
        }
        r.detail += ", source map reaches js/client.js";
      }
      return { ...r, tool: built.version, ...seen };
    },
  })),
  {
    // Vite's dev server (no build): the dependency pre-bundling must not lose the wasm either.
    id: "vite-dev",
    group: "bundle",
    async run(ctx) {
      const vite = await import("vite");
      const server = await vite.createServer({ root: app, configFile: false, logLevel: "warn", server: { host: "127.0.0.1", port: 0, strictPort: false } });
      await server.listen();
      try {
        const url = server.resolvedUrls.local[0].replace(/\/$/, "");
        const r = await runInChromium(null, ctx, { url, close: async () => {} });
        const dep = await fetch(`${url}/node_modules/.vite/deps/callingbox.js`).then((res) => res.text()).catch(() => "");
        const entry = /DecompressionStream\(\s*["'`]deflate/.test(dep) ? "browser-inline.js" : dep.includes("callingbox_core_bg") ? "browser.js" : "?";
        return { ...r, tool: `vite ${vite.version} (dev server)`, entry, assets: "" };
      } finally {
        await server.close();
      }
    },
  },
  {
    id: "bun",
    group: "bundle",
    async run({ baseUrl, apiKey }) {
      const built = await bundlers.bun();
      const seen = inspect(built.dir);
      // Run from another folder: the bundle must not lean on the consumer's node_modules.
      const r = await run(bin("bun"), [join(built.dir, "bun-app.js"), baseUrl, apiKey], { cwd: built.dir });
      const ok = r.code === 0 && r.stdout.includes("ONE-CALL OK");
      return { ok, tool: built.version, runtime: `Bun ${(await run(bin("bun"), ["--version"])).stdout.trim()}`, ...seen, detail: ok ? r.stdout.trim().replace("ONE-CALL OK ", "") : "", log: ok ? "" : tail(r.stdout + r.stderr) };
    },
  },
  // The webhook app and the phone app: each entry alone, in the same bundlers, run the same way.
  ...SIDE_APPS.flatMap((side) => [
    ...["esbuild", "vite", "webpack", "rollup"].map((id) => ({
      id: `${id}${side.suffix}`,
      group: "bundle",
      async run(ctx) {
        const built = await bundlers[id](side);
        const seen = inspect(built.dir, side);
        const r = await runInChromium(built.dir, ctx);
        if (seen.client) return { ...r, ok: false, tool: built.version, ...seen, log: `${r.log}\nthe ${side.entry} app's bundle carries the client (its wasm or driver)` };
        return { ...r, tool: built.version, ...seen };
      },
    })),
    {
      id: `bun${side.suffix}`,
      group: "bundle",
      async run() {
        const built = await bundlers.bun(side);
        const seen = inspect(built.dir, side);
        const r = await run(bin("bun"), [join(built.dir, "bun-app.js")], { cwd: built.dir });
        const ok = r.code === 0 && r.stdout.includes(side.ok) && !seen.client;
        return { ok, tool: built.version, runtime: `Bun ${(await run(bin("bun"), ["--version"])).stdout.trim()}`, ...seen, detail: ok ? r.stdout.trim().replace(`${side.ok} `, "") : "", log: ok ? "" : tail(r.stdout + r.stderr) + (seen.client ? "\nthe bundle carries the client" : "") };
      },
    },
  ]),
  {
    id: "deno-allow-net",
    group: "consumer",
    async run({ baseUrl, apiKey }) {
      const r = await run(bin("deno"), ["run", "--allow-net", "deno-app.ts", baseUrl, apiKey], { env: { DENO_DIR: join(app, ".deno"), DENO_NO_UPDATE_CHECK: "1" } });
      const ok = r.code === 0 && r.stdout.includes("ONE-CALL OK");
      const version = (await run(bin("deno"), ["--version"])).stdout.split("\n")[0].split(" (")[0];
      return { ok, tool: "deno run --allow-net", runtime: version, entry: "deno.js, webhooks-deno.js", detail: ok ? r.stdout.trim().replace("ONE-CALL OK ", "") : "", log: ok ? "" : tail(r.stdout + r.stderr) };
    },
  },
  {
    id: "require",
    group: "consumer",
    async run({ baseUrl, apiKey }) {
      const r = await run(process.execPath, ["require.cjs", baseUrl, apiKey]);
      const ok = r.code === 0 && r.stdout.includes("ONE-CALL OK");
      return { ok, tool: "node require.cjs", runtime: `Node ${process.version}`, entry: /\(require, ([^)]+)\)/.exec(r.stdout)?.[1] ?? "?", detail: ok ? "require + emulator + webhooks + phone" : "", log: ok ? "" : tail(r.stdout + r.stderr) };
    },
  },
  {
    id: "tsc-node16",
    group: "consumer",
    async run() {
      const r = await run(bin("tsc"), ["-p", "tsconfig.json"]);
      const ok = r.code === 0;
      return { ok, tool: "tsc (node16: .cts + .mts)", runtime: (await run(bin("tsc"), ["--version"])).stdout.trim(), entry: "index, webhooks, phone .d.cts + .d.ts", detail: ok ? "no errors" : "", log: ok ? "" : tail(r.stdout + r.stderr) };
    },
  },
  ...[
    ["uncaught-esm-async", "uncaught.mjs", "async", "NotFoundError", "node.js"],
    ["uncaught-esm-sync", "uncaught.mjs", "sync", "ValidationError", "node.js"],
    ["uncaught-cjs-async", "uncaught.cjs", "async", "NotFoundError", "node.cjs"],
    ["uncaught-cjs-sync", "uncaught.cjs", "sync", "ValidationError", "node.cjs"],
  ].map(([id, file, how, error, entry]) => ({
    id,
    group: "readable",
    async run({ baseUrl, apiKey }) {
      const r = await run(process.execPath, [file, baseUrl, apiKey, how]);
      const lines = r.stderr.split("\n");
      const longest = Math.max(...lines.map((l) => l.length));
      const frames = lines.filter((l) => /^\s+at /.test(l));
      const ours = frames.slice(0, 5).find((l) => l.includes(`/node_modules/callingbox/${entry}:`));
      const problems = [];
      if (r.code === 0) problems.push("exited 0: nothing was thrown");
      if (!r.stderr.includes(error)) problems.push(`no ${error} in the output`);
      if (longest > MAX_LINE) problems.push(`a line of ${longest} characters (limit ${MAX_LINE})`);
      if (!ours) problems.push(`none of the first 5 stack frames is a line of ${entry}`);
      const ok = problems.length === 0;
      return {
        ok,
        tool: `node ${file} (${how})`,
        runtime: `Node ${process.version}`,
        entry,
        detail: `${lines.length} lines, longest ${longest} chars${ours ? `, ${ours.trim().replace(/\(.*\/node_modules\//, "(")}` : ""}`,
        log: ok ? "" : [...problems, tail(r.stderr, 8)].join("\n"),
      };
    },
  })),
];

// ---------------------------------------------------------------- the run

const server = await startEmulatorServer({ port: 0 });
const rows = [];
let failed = false;
try {
  for (const cell of cells.filter((c) => only.length === 0 || only.includes(c.id))) {
    const started = Date.now();
    let r;
    try {
      r = await cell.run({ baseUrl: server.url, apiKey: `sk_test_bundlers_${cell.id.replace(/-/g, "_")}` });
    } catch (e) {
      r = { ok: false, log: String((e && e.stack) || e) };
    }
    if (!r.ok) failed = true;
    const row = { cell: cell.id, tool: r.tool ?? "", runtime: r.runtime ?? "", entry: r.entry ?? "?", wasm: r.assets ?? "", gzip: r.gzip ? `${r.gzip} B` : "", detail: r.detail ?? "", result: r.ok ? "PASS" : "FAIL", secs: ((Date.now() - started) / 1000).toFixed(1) };
    rows.push(row);
    console.log(`${row.result}  ${cell.id}: ${row.tool} → ${row.runtime}, entry ${row.entry}${row.gzip ? `, ships ${row.gzip} gzip (${row.wasm})` : ""} ${row.detail ? `(${row.detail})` : ""} [${row.secs} s]`);
    if (!r.ok && r.log) console.log(r.log.replace(/^/gm, "      | "));
  }
} finally {
  await closeChromium();
  await server.close();
}

const head = { cell: "cell", tool: "built / run by", runtime: "runs in", entry: "entry", wasm: "wasm", gzip: "gzip -9", result: "result" };
printTable("bundlers and consumers (emulator on 127.0.0.1):", head, rows);
process.exit(failed ? 1 : 0);
