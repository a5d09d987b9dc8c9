// examples/worker in workerd (Miniflare) on 127.0.0.1, bundled as `wrangler deploy` would.
// Shared by tests/node/worker.test.mjs and the browser proxy test (tests/browser-proxy/).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const root = new URL("../../", import.meta.url);

/** `PROXY_TOKEN_SECRET` of the test Workers (a secret of at least 32 characters). */
export const PROXY_TOKEN_SECRET = "proxy-token-secret-for-tests-0123456789";

/**
 * Bundles a Worker (by default examples/worker's): "callingbox" resolved from the consumer install (target/consumer,
 * `bash scripts/consumer.sh`) with the workerd conditions; the .wasm stays a separate module
 * (workerd cannot compile bytes); `cloudflare:workers` is provided by the runtime.
 */
export async function bundleWorker(outdir, entry = fileURLToPath(new URL("examples/worker/src/index.js", root))) {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    nodePaths: [fileURLToPath(new URL("target/consumer/node_modules", root))],
    external: ["cloudflare:*"],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    outdir,
    logLevel: "warning",
  });
  return `${outdir}index.js`;
}

const bundles = new Map(); // bundle directory → the bundled script
// The date wrangler deploys with (it turns on RPC to the Durable Object, among others).
const compatibilityDate = /^compatibility_date = "([\d-]+)"/m.exec(readFileSync(new URL("examples/worker/wrangler.toml", root), "utf8"))[1];

/**
 * The Worker in workerd with these bindings (and the Durable Object of wrangler.toml), bundled
 * once per process into target/<bundleDir>/ (test files that may run at the same time each
 * name their own).
 */
export async function startWorker(bindings, { ledger = true, bundleDir = "worker-test" } = {}) {
  if (!bundles.has(bundleDir)) bundles.set(bundleDir, bundleWorker(fileURLToPath(new URL(`target/${bundleDir}/`, root))));
  const scriptPath = await bundles.get(bundleDir);
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    bindings: Object.fromEntries(Object.entries(bindings).filter(([, v]) => v !== undefined)),
    durableObjects: ledger ? { LEDGER: { className: "Ledger", useSQLite: true } } : {},
    host: "127.0.0.1",
    port: 0,
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  return { url, dispose: () => mf.dispose() };
}
