// README snippets are code, and run: the emulator quickstart and the webhook handler, taken
// verbatim from README.md, with the package imported by name from the consumer install.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pkg } from "./helpers.mjs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const consumer = (f) => new URL(`../../target/consumer/${f}`, import.meta.url).href;
const emu = await import(consumer("emulator.mjs"));

/** The first ```js block after `heading`. */
function snippet(heading) {
  const at = readme.indexOf(heading);
  assert.ok(at >= 0, `README lacks ${heading}`);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, `no js block after ${heading}`);
  return m[1]
    .replaceAll('from "callingbox/emulator"', `from ${JSON.stringify(consumer("emulator.mjs"))}`)
    .replaceAll('from "callingbox"', `from ${JSON.stringify(consumer("callingbox.mjs"))}`);
}

async function run(code) {
  const logs = [];
  const original = console.log;
  console.log = (...args) => logs.push(args);
  try {
    const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
    return { mod, logs };
  } finally {
    console.log = original;
  }
}

test("README: the emulator quickstart runs and prints what it says", async () => {
  const { logs } = await run(snippet("## The emulator"));
  assert.deepEqual(logs[0], [{ confirmed: true }]);
  assert.ok(logs[1][0] >= 4, "signed lifecycle events recorded");
  assert.equal(logs[1][1], 1, "one call placed");
});

test("README: the webhook handler verifies a signed event and rejects a tampered one", async () => {
  const { mod } = await run(snippet("### Webhooks"));
  const secret = "whsec_readme_test_secret";
  const body = JSON.stringify({ id: "e1", type: "call.completed", created: 1, api_version: "2026-04", data: { call: { id: "c1", status: "completed" } } });
  const header = pkg.Webhooks.generateTestHeader({ payload: body, secret });
  const env = { CALLINGBOX_WEBHOOK_SECRET: secret };
  const req = (b) => new Request("http://127.0.0.1/webhooks", { method: "POST", headers: { "CallingBox-Signature": header }, body: b });
  const logs = [];
  const original = console.log;
  console.log = (...a) => logs.push(a);
  try {
    assert.equal((await mod.default.fetch(req(body), env)).status, 200);
    const bad = await mod.default.fetch(req(body.replace("c1", "c2")), env);
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), "no_matching_signature");
  } finally {
    console.log = original;
  }
  assert.deepEqual(logs, [["call.completed", "c1"]]);
});

test("README: the retry / outcome-unknown snippet runs (against the emulator as the global fetch)", async () => {
  const e = emu.createEmulator();
  const setup = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
  const [n] = await setup.numbers.searchAvailable({ limit: 1 });
  const number = await setup.numbers.purchase({ phone_number: n.phone_number });
  const agent = await setup.agents.create({ name: "A", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
  const code = snippet("### Retries, timeouts and never placing a call twice");
  // The snippet's free variables, and the network: the emulator answers whatever host is asked.
  globalThis.__readme = { apiKey: e.apiKey, agent_id: agent.id };
  const preamble = "const { apiKey, agent_id } = globalThis.__readme;\n";
  const original = globalThis.fetch;
  globalThis.fetch = e.fetch;
  e.queueFault("drop"); // the first attempt is processed, then its connection drops
  try {
    const { logs } = await run(preamble + code);
    const retries = logs.filter((l) => l[0] === "retry");
    assert.equal(retries.length, 1);
    assert.equal(retries[0][1], "connection_lost");
    assert.equal(logs.at(-1)[0], 2, "two attempts, one call");
    assert.equal(e.stats().calls_placed, 1);
  } finally {
    globalThis.fetch = original;
    delete globalThis.__readme;
  }
});
