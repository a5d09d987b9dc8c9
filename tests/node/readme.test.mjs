// Every JavaScript / TypeScript block of README.md is code that compiles and runs, taken from
// README.md itself (tests/readme/blocks.mjs), never from a copy:
//   1. tsc (the workspace's, 5.9.x) type-checks every ```ts / ```js block, with the package
//      imported by name from the consumer install (target/consumer, `npm pack` + install),
//      under the strictest common options (tests/readme/snippets.mjs: strict,
//      noUncheckedIndexedAccess, exactOptionalPropertyTypes, ...). A JavaScript block is
//      checked twice: as JavaScript (checkJs) and as TypeScript. Errors name the README line.
//   2. Each block then runs here, in Node, against the emulator (a fresh in-process
//      `createEmulator()` as the global fetch and its key as CALLINGBOX_API_KEY, unless the
//      block starts its own), with extra checks of what it prints where HOOKS has one;
//      except the per-runtime quickstarts of Deno, Bun and browsers, which
//      tests/runtimes/matrix.mjs runs in their own runtimes (RUNTIME_QUICKSTARTS), and blocks
//      marked `<!-- not-run: reason -->` in the README.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { pkg } from "./helpers.mjs";
import { OTHER_LANGS, RUNTIME_QUICKSTARTS, readmeBlocks, runtimeQuickstart, where } from "../readme/blocks.mjs";
import { COMPILER_OPTIONS, typecheck, writeSnippets } from "../readme/snippets.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { Webhooks } = await import(new URL("../../target/consumer/webhooks.mjs", import.meta.url).href);
const dir = fileURLToPath(new URL("../../target/consumer/readme/", import.meta.url));
const blocks = readmeBlocks();
const checked = writeSnippets(dir, blocks);

/** A fresh emulator organisation with an outbound agent on a purchased number. */
async function outboundAgent(e) {
  const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
  const [n] = await client.numbers.searchAvailable({ area_code: "415", limit: 1 });
  const number = await client.numbers.purchase({ phone_number: n.phone_number });
  const agent = await client.agents.create({ name: "README", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
  return { client, agent };
}

const signedRequest = (body, secret) =>
  new Request("http://127.0.0.1/webhooks", {
    method: "POST",
    headers: { "CallingBox-Signature": Webhooks.generateTestHeader({ payload: body, secret }) },
    body,
  });

/**
 * What particular blocks need and print, matched by their code (not their heading, so prose
 * edits cannot unhook them). `setup(e)` runs before the block with its emulator and may return
 * extra environment variables; `realFetch` leaves the global fetch alone (the block starts
 * its own server); `after({ mod, e, logs })` checks what the block printed or exports.
 */
const HOOKS = [
  {
    name: "quickstart",
    match: (b) => b.heading === "## Quickstart",
    after: ({ logs, e }) => {
      assert.equal(logs[0][0], "queued");
      assert.match(logs[0][1], /^req_/);
      assert.deepEqual(logs[1].slice(0, 2), [404, "not_found"]);
      assert.match(logs[1][2], /^req_/);
      assert.equal(e.stats().calls_placed, 1);
    },
  },
  {
    name: "Node quickstart",
    match: (b) => b.heading === "### Node",
    after: ({ logs }) => assert.deepEqual(logs, [["0 agents"]]),
  },
  {
    name: "Workers quickstart",
    match: (b) => b.heading === "### Cloudflare Workers",
    after: async ({ mod, e }) => {
      const res = await mod.default.fetch(new Request("http://worker.test/"), { CALLINGBOX_API_KEY: e.apiKey });
      assert.deepEqual(await res.json(), { agents: 0 });
    },
  },
  {
    name: "pagination",
    match: (b) => /for await \(const call of client\.calls\.list/.test(b.code),
    setup: async (e) => {
      const { client, agent } = await outboundAgent(e);
      await client.calls.create({ agent_id: agent.id, to: "+15005550004" }); // fails: carrier_rejected
      await client.calls.create({ agent_id: agent.id, to: "+15551234567" }); // completes
      await e.advance(200_000);
    },
    after: ({ logs }) => {
      assert.equal(logs.length, 1, "the one failed call");
      assert.match(logs[0][0], /\S/);
      assert.equal(logs[0][1], "carrier_rejected");
    },
  },
  {
    name: "phone numbers",
    match: (b) => /parsePhoneNumber\(/.test(b.code),
    after: ({ logs }) => assert.deepEqual(logs, [
      [{ e164: "+442079460958", countryCallingCode: "44", nationalNumber: "2079460958", country: "GB" }],
      ["missing_plus"], ["+14155550100", "12"], ["+14155550100"], ["unassigned_country_code"], ["invalid_length"],
    ]),
  },
  {
    name: "in-call tools",
    match: (b) => /tool\.http\(/.test(b.code),
    after: ({ logs }) => assert.deepEqual(logs, [[["check_availability", "book_slot", "end_call"]]]),
  },
  {
    name: "following a call",
    match: (b) => /calls\.createAndWait\(/.test(b.code),
    setup: async (e) => {
      const { agent } = await outboundAgent(e);
      e.start({ speed: 5000, intervalMs: 5 }); // the virtual clock runs fast: the call ends within the first wait
      return { CALLINGBOX_AGENT_ID: agent.id };
    },
    after: async ({ logs, e }) => {
      await e.stop();
      const statuses = logs.slice(0, -1).map((l) => l[0]);
      assert.equal(statuses[0], "queued");
      assert.equal(statuses.at(-1), "completed", "onStatus saw the end");
      assert.equal(new Set(statuses).size, statuses.length, "each status once");
      assert.equal(logs.at(-1)[0], "completed", "createAndWait returned the ended call");
      assert.equal(e.stats().calls_placed, 1);
    },
  },
  {
    name: "dispatching many calls",
    match: (b) => /createMany\(/.test(b.code),
    setup: async (e) => {
      const { agent } = await outboundAgent(e);
      return { CALLINGBOX_AGENT_ID: agent.id };
    },
    after: ({ logs, e }) => {
      assert.deepEqual(logs[0], ["row", 2, "invalid_phone_number"], "the invalid row first");
      assert.deepEqual(logs.slice(1, 3).map((l) => l[2]).sort(), ["queued", "queued"]);
      const { durationMs, ...summary } = logs[3][0];
      assert.ok(durationMs >= 0);
      assert.deepEqual(summary, { batchId: "spring-campaign-2027", total: 3, placed: 2, failed: 0, invalid: 1 });
      assert.equal(e.stats().calls_placed, 2);
    },
  },
  {
    name: "logging",
    match: (b) => /logLevel: "debug"/.test(b.code),
    after: ({ logs }) => {
      assert.equal(logs.length, 1);
      assert.match(logs[0][0], /^callingbox: agents\.list GET \/v1\/agents -> 200 in \d+ ms \(attempt 1, request req_\w+\)$/);
    },
  },
  {
    name: "phone numbers: defaultCountry",
    match: (b) => /defaultCountry: "US" \}\);/.test(b.code) && /export const dial/.test(b.code),
    after: async ({ mod, e }) => {
      const { agent } = await outboundAgent(e);
      const call = await mod.dial(agent.id);
      assert.equal(call.to_number, "+14155550100");
    },
  },
  {
    name: "retries / outcome unknown",
    match: (b) => /OutcomeUnknownError/.test(b.code) && /idempotencyKey: err\.idempotencyKey/.test(b.code),
    setup: async (e) => {
      const { agent } = await outboundAgent(e);
      e.queueFault("drop"); // the first attempt is processed, then its connection drops
      return { CALLINGBOX_AGENT_ID: agent.id };
    },
    after: ({ logs, e }) => {
      const retries = logs.filter((l) => l[0] === "retry");
      assert.equal(retries.length, 1);
      assert.equal(retries[0][1], "connection_lost");
      assert.equal(logs.at(-1)[0], 2, "two attempts, one call");
      assert.equal(e.stats().calls_placed, 1);
    },
  },
  {
    name: "webhook handler",
    match: (b) => /Webhooks\.constructEvent\(/.test(b.code),
    after: async ({ mod, logs }) => {
      const secret = "whsec_readme_test_secret";
      const body = JSON.stringify({ id: "e1", type: "call.completed", created: 1, api_version: "2026-04", data: { call: { id: "c1", status: "completed" } } });
      const env = { CALLINGBOX_WEBHOOK_SECRET: secret };
      assert.equal((await mod.default.fetch(signedRequest(body, secret), env)).status, 200);
      const good = signedRequest(body, secret);
      const tampered = new Request(good.url, { method: "POST", headers: good.headers, body: body.replace("c1", "c2") });
      const bad = await mod.default.fetch(tampered, env);
      assert.equal(bad.status, 400);
      assert.equal(await bad.text(), "no_matching_signature");
      assert.deepEqual(logs, [["call.completed", "c1"]]);
    },
  },
  {
    name: "emulator in process",
    match: (b) => /createEmulator\(\)/.test(b.code),
    after: ({ logs }) => {
      assert.deepEqual(logs[0], [{ confirmed: true }]);
      assert.ok(logs[1][0] >= 4, "signed lifecycle events recorded");
      assert.equal(logs[1][1], 1, "one call placed");
    },
  },
  {
    name: "emulator server",
    match: (b) => /startEmulatorServer\(/.test(b.code),
    realFetch: true,
    after: ({ logs }) => assert.deepEqual(logs, [[0]]),
  },
];

const matrixBlocks = new Map(RUNTIME_QUICKSTARTS.map((q) => [runtimeQuickstart(blocks, q), q]));
/** Run by the matrix in their own runtime, and not here (their globals are not Node's). */
const matrixOnly = (b) => matrixBlocks.has(b) && !["### Node", "### Cloudflare Workers"].includes(b.heading);

test("README: every code block is in a language the tests know; the not-run list is tiny", (t) => {
  const unknown = blocks.filter((b) => !b.kind && !OTHER_LANGS.includes(b.lang));
  assert.deepEqual(unknown.map(where), [], "a JS-like fence (jsx, mjs, tsx, ...) would escape the checks: use ts or js");
  assert.ok(checked.length >= 10, `only ${checked.length} JavaScript/TypeScript blocks found`);
  const notRun = checked.filter((b) => b.notRun);
  assert.ok(notRun.length <= 2, `keep the not-run list tiny: ${notRun.map(where).join(", ")}`);
  for (const b of notRun) t.diagnostic(`not run: ${where(b)}: ${b.notRun}`);
});

test("README: every hook of this file finds exactly one block", () => {
  for (const h of HOOKS) assert.equal(checked.filter(h.match).length, 1, `hook "${h.name}"`);
});

test("README: every JavaScript/TypeScript block type-checks (tsc, the strictest options)", (t) => {
  const { version, errors } = typecheck(dir, checked);
  assert.match(version, /^Version 5\./);
  t.diagnostic(`${version}: ${Object.entries(COMPILER_OPTIONS).filter(([, v]) => v === true).map(([k]) => k).join(", ")}`);
  assert.deepEqual(errors, [], `tsc ${version} found errors in README snippets:\n${errors.join("\n")}`);
});

test("README: the runtime quickstarts are the blocks the runtime matrix runs", () => {
  for (const [b, q] of matrixBlocks) {
    assert.equal(b.kind ?? b.lang, q.lang, `${where(b)}: expected a ${q.lang} block`);
    assert.equal(b.notRun, null, `${where(b)} is run by the matrix: no not-run marker`);
  }
});

for (const b of checked) {
  const hook = HOOKS.find((h) => h.match(b));
  const label = `README: ${where(b)}${hook ? ` (${hook.name})` : ""} runs against the emulator`;
  if (b.notRun) {
    test(label, { skip: `not-run: ${b.notRun}` }, () => {});
    continue;
  }
  if (matrixOnly(b)) {
    const q = matrixBlocks.get(b);
    test(label, { skip: `run by tests/runtimes/matrix.mjs (cells ${q.cells.join(", ")})` }, () => {});
    continue;
  }
  test(label, async () => {
    // A TypeScript block runs as esbuild strips its types; a JavaScript block runs as written.
    let file = join(dir, b.files[0]);
    if (b.kind === "ts") {
      file = file.replace(/\.ts$/, ".run.mjs");
      const source = readFileSync(join(dir, b.files[0]), "utf8"); // the block, after the fragment prelude if any
      writeFileSync(file, transformSync(source, { loader: "ts", format: "esm", target: "es2022" }).code);
    }
    const e = emu.createEmulator();
    const saved = { fetch: globalThis.fetch, log: console.log, env: { ...process.env } };
    const logs = [];
    try {
      const extraEnv = (await hook?.setup?.(e)) ?? {};
      delete process.env.CALLINGBOX_BASE_URL;
      Object.assign(process.env, { CALLINGBOX_API_KEY: e.apiKey }, extraEnv);
      if (!hook?.realFetch) globalThis.fetch = e.fetch; // the emulator answers whatever host is asked
      console.log = (...args) => logs.push(args);
      const mod = await import(pathToFileURL(file).href);
      await hook?.after?.({ mod, e, logs });
    } finally {
      globalThis.fetch = saved.fetch;
      console.log = saved.log;
      for (const k of Object.keys(process.env)) if (!(k in saved.env)) delete process.env[k];
      Object.assign(process.env, saved.env);
    }
  });
}
