// The runtime matrix (run by scripts/test-runtimes.sh): the conformance scenario, unchanged,
// in Node, Deno, Bun, workerd (Miniflare) and headless Chromium, each loading `callingbox`,
// `callingbox/webhooks` and `callingbox/phone` by name from a scratch consumer project that installed the `npm pack` tarball
// (target/runtimes/app). Every cell gets its own emulator server on 127.0.0.1 (port 0, manual
// clock) and its own API key (= organisation), started here and closed after the cell.
//
//   node tests/runtimes/matrix.mjs <consumer app dir> [cell ...]
//
// The README's per-runtime quickstarts are not copied into the app: this script writes them
// there from README.md itself before the cells run (tests/readme/blocks.mjs,
// RUNTIME_QUICKSTARTS: readme-node.mjs, readme-deno.mjs, readme-bun.mjs, readme-browser.mjs,
// readme-worker.ts, and browser.html's import map), and each cell runs its quickstart first.
//
// Prints one line per cell and a matrix; exits 1 if any cell (or the README extraction) fails.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, closeChromium, printTable, run as runProcess, serveStatic } from "../harness/process.mjs";
import { RUNTIME_QUICKSTARTS, readmeBlocks, runtimeQuickstart } from "../readme/blocks.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const app = resolve(process.argv[2] ?? join(root, "target/runtimes/app"));
const only = process.argv.slice(3);
const bin = (name) => join(root, "node_modules/.bin", name);
const CELL_TIMEOUT_MS = 120_000;

const { startEmulatorServer } = await import(pathToFileURL(join(app, "emulator.mjs")).href);

// ---------------------------------------------------------------- helpers

/** Runs a command in the app dir. */
const run = (cmd, args, env = {}) => runProcess(cmd, args, { cwd: app, env, timeoutMs: CELL_TIMEOUT_MS });

/** The `CONFORMANCE {...}` line a process cell prints. */
function parseReport(text) {
  const line = text.split("\n").find((l) => l.trimStart().startsWith("CONFORMANCE "));
  return line ? JSON.parse(line.trimStart().slice("CONFORMANCE ".length)) : null;
}

function tail(text, n = 15) {
  return text.trim().split("\n").slice(-n).join("\n");
}

/** Which of the package's files an esbuild bundle took as the ".", "./webhooks" and "./phone" entries. */
function entryInBundle(metafile) {
  const inputs = Object.keys(metafile.inputs).filter((p) => p.includes("node_modules/callingbox/"));
  const entries = ["workerd.js", "browser.js", "browser-inline.js", "node.js", "deno.js"];
  const files = inputs.map((p) => p.split("/").pop());
  const of = (names) => files.filter((f) => names.includes(f)).join(",") || "?";
  return `${of(entries)} + ${of(entries.map((e) => `webhooks-${e}`))} + ${of(entries.map((e) => `phone-${e}`))}`;
}

/** The file names of the entries a cell reports it resolved (one URL, or [main, webhooks, phone]). */
const fileName = (url) => (url ? [url].flat().map((u) => String(u).split("/").pop()).join(" + ") : "?");

function processCell(cmd, args, extraEnv = {}) {
  return async ({ baseUrl, apiKey }) => {
    const r = await run(cmd, args, { CALLINGBOX_BASE_URL: baseUrl, CALLINGBOX_API_KEY: apiKey, ...extraEnv });
    const out = parseReport(r.stdout);
    return {
      exitCode: r.code,
      ...out,
      entry: out ? fileName(out.resolved) : "?",
      log: r.code === 0 && out ? "" : tail(r.stdout + "\n" + r.stderr),
    };
  };
}

// ---------------------------------------------------------------- workerd

async function workerdCell({ baseUrl, apiKey }) {
  const esbuild = await import("esbuild");
  const { Miniflare } = await import("miniflare");
  const outdir = join(app, "dist/workerd");
  rmSync(outdir, { recursive: true, force: true });
  // What wrangler does: bundle with the Workers conditions; the .wasm stays an import of
  // a module (copied next to the bundle) that workerd receives compiled (CompiledWasm).
  const built = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ["worker-test.mjs"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    outdir,
    metafile: true,
    logLevel: "silent",
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, "worker-test.js"),
    modulesRoot: outdir,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    bindings: { CALLINGBOX_API_KEY: apiKey, CALLINGBOX_BASE_URL: baseUrl },
  });
  try {
    const quick = await mf.dispatchFetch("http://worker.test/");
    const quickBody = await quick.text();
    if (!quick.ok) return { log: `quickstart Worker answered ${quick.status}: ${quickBody}` };
    const res = await mf.dispatchFetch("http://worker.test/conformance");
    const body = await res.json();
    let version = "workerd";
    try {
      version += " " + JSON.parse(readFileSync(createRequire(import.meta.url).resolve("workerd/package.json"), "utf8")).version;
    } catch {}
    return { ...body, version, entry: entryInBundle(built.metafile), log: body.error ?? "" };
  } finally {
    await mf.dispose();
  }
}

// ---------------------------------------------------------------- Chromium

/** A static server for the consumer app on 127.0.0.1 (another port than the emulator). */
const startStaticServer = () => serveStatic(app);

async function bundleBrowser() {
  const esbuild = await import("esbuild");
  const outdir = join(app, "dist/browser");
  rmSync(outdir, { recursive: true, force: true });
  const built = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ["browser.mjs"],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outdir,
    metafile: true,
    logLevel: "silent",
  });
  // Nothing to copy next to the bundle: esbuild takes the entry that carries the wasm.
  return entryInBundle(built.metafile);
}

function chromiumCell(page, prepare) {
  return async ({ baseUrl, apiKey, site }) => {
    const entry = prepare ? await prepare() : "browser.js + webhooks-browser.js + phone-browser.js (import map)";
    const b = await chromium();
    const context = await b.newContext();
    const tab = await context.newPage();
    const problems = [];
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    tab.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    tab.on("requestfailed", (r) => problems.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    try {
      await tab.goto(`${site.url}/${page}?${new URLSearchParams({ apiKey, baseUrl })}`);
      await tab.waitForFunction(() => globalThis.__conformance, null, { timeout: 60_000 }).catch(() => {});
      const out = await tab.evaluate(() => globalThis.__conformance ?? null);
      const version = b.version();
      if (!out) return { entry, version, log: problems.join("\n") || "the page never reported" };
      // Failed requests are expected in the scenario (timeout, abort); only show them on failure.
      return { ...out, entry, version, log: out.error ?? problems.filter((p) => !p.startsWith("requestfailed")).join("\n") };
    } finally {
      await context.close();
    }
  };
}

// ---------------------------------------------------------------- the matrix

// `entry`: the package file the runtime's export condition must pick; `ua`: the runtime name
// that entry puts in the User-Agent (browsers send none). A mismatch fails the cell: this is
// what catches a broken exports map.
const cells = [
  { id: "node", label: "Node", entry: "node.js + webhooks-node.js + phone-node.js", ua: "node", run: processCell(process.execPath, ["node.mjs"]) },
  {
    id: "deno",
    label: "Deno (deno test)",
    entry: "deno.js + webhooks-deno.js + phone-deno.js",
    ua: "deno",
    // deno test's summary is not "N passed, N failed": the exit code decides.
    run: processCell(bin("deno"), ["test", "--allow-read", "--allow-net=127.0.0.1", "--allow-env=CALLINGBOX_API_KEY,CALLINGBOX_BASE_URL", "deno.test.mjs"], {
      DENO_DIR: join(app, ".deno"),
      DENO_NO_UPDATE_CHECK: "1",
    }),
  },
  { id: "bun", label: "Bun", entry: "node.js + webhooks-node.js + phone-node.js", ua: "bun", run: processCell(bin("bun"), ["bun.mjs"]) },
  { id: "workerd", label: "workerd (Miniflare, esbuild bundle)", entry: "workerd.js + webhooks-workerd.js + phone-workerd.js", ua: "workerd", run: workerdCell },
  { id: "chromium", label: "Chromium (import map)", entry: "browser.js + webhooks-browser.js + phone-browser.js (import map)", ua: null, run: chromiumCell("browser.html") },
  // esbuild matches the "browser" condition without "webpack": the entry with the wasm inlined
  // (scripts/package-json.mjs); the copied .wasm next to the bundle is then unused.
  { id: "chromium-bundle", label: "Chromium (esbuild bundle)", entry: "browser-inline.js + webhooks-browser-inline.js + phone-browser-inline.js", ua: null, run: chromiumCell("bundle.html", bundleBrowser) },
];

// The scenario must be the very file tests/conformance/scenario.mjs.
const scenarioSame = readFileSync(join(root, "tests/conformance/scenario.mjs")).equals(readFileSync(join(app, "scenario.mjs")));
if (!scenarioSame) {
  console.error("FAIL: the consumer app's scenario.mjs differs from tests/conformance/scenario.mjs");
  process.exit(1);
}

// Every README quickstart is the exact code a cell runs: written here from README.md.
const readmeProblems = [];
const readmeFiles = [];
const HTML_PLACEHOLDER = "<!-- readme:browsers-html -->";
try {
  const blocks = readmeBlocks();
  for (const q of RUNTIME_QUICKSTARTS) {
    const b = runtimeQuickstart(blocks, q);
    let text = `// Written by tests/runtimes/matrix.mjs from README.md:${b.line} (${q.heading}): edit the README.\n${b.code}`;
    if (q.lang === "html") {
      // The page around it is tests/runtimes/app/browser.html (read from there, not from the
      // app, so that a second run of the matrix on the same app still finds the placeholder).
      const page = readFileSync(join(here, "app", q.file), "utf8");
      if (!page.includes(HTML_PLACEHOLDER)) throw new Error(`tests/runtimes/app/${q.file} lacks ${HTML_PLACEHOLDER}`);
      text = page.replace(HTML_PLACEHOLDER, `<!-- from README.md:${b.line} (${q.heading}) -->\n${b.code.trimEnd()}`);
    }
    writeFileSync(join(app, q.file), text);
    readmeFiles.push(`${q.file} (README.md:${b.line})`);
  }
} catch (e) {
  readmeProblems.push(String(e.message ?? e));
}

const rows = [];
let failed = readmeProblems.length > 0;
for (const cell of cells.filter((c) => only.length === 0 || only.includes(c.id))) {
  const started = Date.now();
  const apiKey = `sk_test_matrix_${cell.id.replace(/-/g, "_")}`;
  // Chromium cells load the page from a static server of their own, another origin: the
  // emulator must list it, or the scenario's /__emulator/ calls get 403 and no CORS.
  const site = cell.id.startsWith("chromium") ? await startStaticServer() : null;
  const server = await startEmulatorServer({ port: 0, manualClock: true, adminOrigins: site ? [site.url] : [] });
  let r;
  try {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cell timed out after ${CELL_TIMEOUT_MS + 30_000} ms`)), CELL_TIMEOUT_MS + 30_000);
    });
    r = await Promise.race([cell.run({ baseUrl: server.url, apiKey, site }), timeout]).finally(() => clearTimeout(timer));
  } catch (e) {
    r = { log: String((e && e.stack) || e) };
  } finally {
    await server.close();
    await site?.close();
  }
  const results = Array.isArray(r.results) ? r.results : [];
  const passed = results.filter((x) => x.ok).length;
  const ua = r.userAgent ? r.userAgent.replace(/^callingbox-js\/\S+ /, "") : "none";
  const uaOk = cell.ua ? ua === `(${cell.ua}; wasm)` : r.userAgent === null;
  const entryOk = r.entry === cell.entry;
  const ok = results.length >= 10 && passed === results.length && (r.exitCode === undefined || r.exitCode === 0) && !r.error && uaOk && entryOk;
  if (!ok) failed = true;
  const row = { cell: cell.label, version: r.version ?? "", entry: r.entry ?? "?", ua, steps: `${passed}/${results.length}`, result: ok ? "PASS" : "FAIL", secs: ((Date.now() - started) / 1000).toFixed(1) };
  rows.push(row);
  console.log(`${row.result}  ${row.cell}: ${row.steps} steps, entry ${row.entry}, User-Agent ${ua} (${row.secs} s)`);
  // What a step observed that differs between runtimes.
  for (const x of results.filter((x) => x.ok && x.note)) console.log(`      · ${x.note}`);
  if (!ok) {
    for (const x of results.filter((x) => !x.ok)) console.log(`      ✗ ${x.name}: ${x.error}`);
    if (r.exitCode !== undefined && r.exitCode !== 0) console.log(`      exit code ${r.exitCode}`);
    if (!entryOk) console.log(`      expected the ${cell.entry} entry, got ${r.entry ?? "none"}`);
    if (!uaOk) console.log(`      expected User-Agent runtime ${cell.ua ?? "none"}, got ${ua}`);
    if (r.log) console.log(r.log.replace(/^/gm, "      | "));
  }
}
await closeChromium();

const head = { cell: "runtime", version: "version", entry: "entry file", ua: "User-Agent", steps: "steps", result: "result" };
printTable("runtime matrix (conformance scenario, emulator on 127.0.0.1):", head, rows);
console.log(readmeProblems.length ? `README quickstarts: FAIL\n  ${readmeProblems.join("\n  ")}` : `README quickstarts, written from README.md and run by their cells: ${readmeFiles.join(", ")}`);
process.exit(failed ? 1 : 0);
