// examples/dispatch-console in workerd (Miniflare) on 127.0.0.1: the Worker bundled as
// `wrangler deploy` would, its static assets (public/, with callingbox/phone copied in by
// build.mjs), the queue and both Durable Objects, with the settings of its wrangler.toml.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleWorker } from "../harness/worker.mjs";

const root = new URL("../../", import.meta.url);
const example = fileURLToPath(new URL("examples/dispatch-console/", root));
const wrangler = readFileSync(`${example}wrangler.toml`, "utf8");
/** A number setting of wrangler.toml (`name = 12`). */
const setting = (name) => Number(new RegExp(`^${name} = (\\d+)`, "m").exec(wrangler)[1]);

export const ACCESS_TOKEN = "console-access-token-for-tests-0123456789";

/** Bundles the Worker: "callingbox" from the consumer install, the .wasm files as modules. */
async function bundle() {
  const outdir = fileURLToPath(new URL("target/dispatch-console/worker/", root));
  await bundleWorker(outdir, `${example}src/index.js`);
  // The page's copy of callingbox/phone, from the same install.
  execFileSync(process.execPath, [`${example}build.mjs`], {
    env: { ...process.env, CALLINGBOX_PKG: fileURLToPath(new URL("target/consumer/node_modules/callingbox", root)) },
    stdio: "ignore",
  });
  return `${outdir}index.js`;
}

let bundled;

/** The console with these vars and secrets; `consumer` overrides the queue consumer's settings. */
export async function startConsole(bindings, { consumer = {} } = {}) {
  bundled ??= bundle();
  const mf = new Miniflare({
    modules: true,
    scriptPath: await bundled,
    compatibilityDate: /^compatibility_date = "([\d-]+)"/m.exec(wrangler)[1],
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    bindings: { CONSOLE_ACCESS_TOKEN: ACCESS_TOKEN, ...bindings },
    assets: { directory: `${example}public`, binding: "ASSETS", routerConfig: { has_user_worker: true } },
    queueProducers: { DISPATCH_QUEUE: { queueName: "callingbox-dispatch" } },
    queueConsumers: {
      "callingbox-dispatch": {
        maxBatchSize: setting("max_batch_size"),
        maxBatchTimeout: setting("max_batch_timeout"),
        maxRetries: setting("max_retries"),
        retryDelay: setting("retry_delay"),
        ...consumer,
      },
    },
    durableObjects: { CAMPAIGNS: { className: "Campaign", useSQLite: true }, LIMITS: { className: "Limits", useSQLite: true } },
    host: "127.0.0.1",
    port: 0,
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  return { url, dispose: () => mf.dispose() };
}

/** The console's API as the page calls it. */
export async function consoleApi(url, path, { method = "GET", body, token = ACCESS_TOKEN } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
