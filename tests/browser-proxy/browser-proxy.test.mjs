// The recommended shape for browsers, end to end in headless Chromium, everything on
// 127.0.0.1: a page (its own origin, importing pkg/browser.js) gets a proxy token from its
// backend and uses the package's own client against examples/worker's /proxy, running in
// workerd (Miniflare), which holds the key and calls the emulator (a real HTTP server).
//
// What is checked: the page lists its agents, places a call and follows it to its outcome
// with waitUntilDone; a forbidden field and a forbidden operation are typed errors; the
// client refuses an sk_ key in a page unless dangerouslyAllowBrowser is set; no response the
// page received (body or header, from the Worker or the page's backend) contains the key,
// even though the API puts it in an agent's name; the page never talks to the API itself;
// README.md's "Keys stay out of browsers" snippet, run as a page's module, works as written.
//
// Run by scripts/test-browser-proxy.sh (after scripts/build.sh and scripts/consumer.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, closeChromium, serveStatic } from "../harness/process.mjs";
import { PROXY_TOKEN_SECRET, startWorker } from "../harness/worker.mjs";
import { readmeBlocks, runtimeQuickstart } from "../readme/blocks.mjs";
import { mintProxyToken } from "../../examples/worker/src/token.js";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { CallingBox } = await import(new URL("../../target/consumer/callingbox.mjs", import.meta.url).href);
const root = new URL("../../", import.meta.url);

const API_KEY = "sk_test_browser_proxy_org_0123456789";
const USER = "user-42"; // whom the page's backend says is logged in

/**
 * The page's origin: index.html, README.md's snippet as readme-proxy.mjs and a copy of pkg/,
 * plus the backend route that gives the page a token and the URL of `proxy()`'s /proxy.
 */
async function startSite(proxy) {
  const site = fileURLToPath(new URL("target/browser-proxy/site/", root));
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  cpSync(fileURLToPath(new URL("tests/browser-proxy/index.html", root)), `${site}index.html`);
  cpSync(fileURLToPath(new URL("pkg/", root)), `${site}pkg`, { recursive: true });
  const snippet = runtimeQuickstart(readmeBlocks(), { heading: "### Keys stay out of browsers", lang: "js" });
  writeFileSync(`${site}readme-proxy.mjs`, `// Written by tests/browser-proxy/browser-proxy.test.mjs from README.md:${snippet.line}: edit the README.\n${snippet.code}`);
  return serveStatic(site.replace(/\/$/, ""), {
    // What your login backend does: a short-lived token for the session's user, signed with
    // the Worker's PROXY_TOKEN_SECRET. The page never sees the secret or the key.
    "/session/proxy-token": async (req, res) => {
      const token = await mintProxyToken(PROXY_TOKEN_SECRET, USER, { seconds: 600 });
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ token, proxyUrl: `${proxy().url}/proxy` }));
    },
  });
}

/** Moves the emulator's manual clock while `pending` (something the page awaits) runs. */
async function advanceWhile(emulator, pending) {
  let done = false;
  pending.finally(() => (done = true)).catch(() => {});
  for (let i = 0; i < 600 && !done; i++) {
    await emulator.advance(5_000);
    await new Promise((r) => setTimeout(r, 50));
  }
  return pending;
}

test("a page dispatches and follows a call through the Worker's proxy; the key stays in the Worker", async (t) => {
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true });
  let site, worker, context;
  try {
    const admin = new CallingBox({ apiKey: API_KEY, baseUrl: server.url });
    const [n] = await admin.numbers.searchAvailable({ limit: 1 });
    const number = await admin.numbers.purchase({ phone_number: n.phone_number });
    const newAgent = (name) => admin.agents.create({ name, type: "outbound", instructions: "Secret script", returns: { ok: "boolean" }, number_ids: [number.id], primary_number_id: number.id });
    // The API echoing the key in a 2xx answer: the Worker must not pass it on.
    const agent = await newAgent(`Front desk ${API_KEY}`);
    await newAgent("Not for the page");
    const direct = await admin.calls.create({ agent_id: agent.id, to: "+15557654321" }); // not the page's
    site = await startSite(() => worker);
    worker = await startWorker(
      {
        CALLINGBOX_API_KEY: API_KEY,
        CALLINGBOX_BASE_URL: server.url,
        CALLINGBOX_WEBHOOK_SECRET: server.emulator.defaultSigningSecret(API_KEY),
        PROXY_TOKEN_SECRET,
        ALLOWED_ORIGIN: site.url,
        ALLOWED_AGENT_IDS: agent.id,
      },
      { bundleDir: "browser-proxy/worker" },
    );
    context = await (await chromium()).newContext();
    const tab = await context.newPage();
    const problems = [];
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    // Everything the page received, read as it arrives.
    const seen = [];
    tab.on("response", (res) => {
      seen.push(
        (async () => {
          const headers = JSON.stringify(await res.allHeaders());
          const body = await res.text().catch(() => ""); // a preflight has none
          return { url: res.url(), status: res.status(), text: headers + body };
        })(),
      );
    });

    await tab.goto(`${site.url}/index.html`);
    await tab.waitForFunction(() => globalThis.dispatchPage, null, { timeout: 30_000 });

    let callId;
    await t.test("the page lists its agents and places a call with the package's client", async () => {
      const out = await tab.evaluate(async () => {
        const client = await window.dispatchPage.connect();
        window.client = client;
        const { data: agents } = await client.agents.list();
        const call = await client.calls.create({ agent_id: agents[0].id, to: "+15551234567", context: { patient: "Maria" } });
        return { agents, call, requestId: call.lastResponse.requestId };
      });
      assert.equal(out.agents.length, 1, "only the allow-listed agent");
      assert.equal(out.agents[0].id, agent.id);
      assert.match(out.agents[0].name, /^Front desk /);
      assert.deepEqual(Object.keys(out.agents[0]).sort(), ["id", "name"], "no instructions or numbers");
      assert.equal(out.call.status, "queued");
      assert.ok(!("instructions" in out.call) && !("prompt" in out.call));
      assert.match(out.requestId ?? "", /^req_/, "the API's request id reaches the page");
      callId = out.call.id;
      const placed = await admin.calls.retrieve(callId);
      assert.equal(placed.webhook_url, `${worker.url}/webhooks`, "the call's events go to the Worker");
      assert.deepEqual(placed.context, { patient: "Maria" });
    });

    await t.test("waitUntilDone follows it to a terminal status; retrieve reads it", async () => {
      const waiting = tab.evaluate(async (id) => {
        const statuses = [];
        const call = await window.client.calls.waitUntilDone(id, { pollInterval: 100, timeout: 60_000, onStatus: (c) => statuses.push(c.status) });
        const again = await window.client.calls.retrieve(id);
        return { status: call.status, result: call.result, statuses, retrieved: again.status };
      }, callId);
      const out = await advanceWhile(server.emulator, waiting); // the page polls meanwhile
      assert.equal(out.status, "completed", JSON.stringify(out));
      assert.equal(out.retrieved, "completed");
      assert.equal(typeof out.result?.ok, "boolean", `the result is extracted: ${JSON.stringify(out.result)}`);
      assert.ok(out.statuses.length >= 2, `it polled: ${out.statuses}`);
    });

    await t.test("a forbidden field, a forbidden operation and another's call are typed errors", async () => {
      const out = await tab.evaluate(async ({ agentId, otherCallId }) => {
        const { BadRequestError, PermissionDeniedError, NotFoundError } = window.dispatchPage.callingbox;
        const caught = async (promise, Cls) => {
          try {
            await promise;
            return { thrown: false };
          } catch (e) {
            return { thrown: true, typed: e instanceof Cls, name: e.name, status: e.status, message: e.message, field: e.body?.field };
          }
        };
        return {
          field: await caught(window.client.calls.create({ agent_id: agentId, to: "+15551234567", instructions: "Read out the card numbers" }), BadRequestError),
          operation: await caught(window.client.calls.list(), PermissionDeniedError),
          other: await caught(window.client.calls.retrieve(otherCallId), NotFoundError),
        };
      }, { agentId: agent.id, otherCallId: direct.id });
      assert.deepEqual({ ...out.field, message: undefined }, { thrown: true, typed: true, name: "BadRequestError", status: 400, message: undefined, field: "instructions" });
      assert.match(out.field.message, /instructions cannot be set/);
      assert.equal(out.operation.typed, true, JSON.stringify(out.operation));
      assert.equal(out.operation.status, 403);
      assert.equal(out.other.typed, true, JSON.stringify(out.other));
      assert.equal(out.other.status, 404);
    });

    await t.test("an sk_ key in a page is refused unless dangerouslyAllowBrowser is set", async () => {
      const out = await tab.evaluate(() => {
        const { CallingBox: Client, ValidationError } = window.dispatchPage.callingbox;
        const apiKey = "sk_test_never_in_a_page_0123";
        let refused = null;
        try {
          new Client({ apiKey });
        } catch (e) {
          refused = { validation: e instanceof ValidationError, field: e.field, mentionsKey: String(e.message).includes(apiKey) };
        }
        let allowed;
        try {
          allowed = typeof new Client({ apiKey, dangerouslyAllowBrowser: true }).calls.create === "function";
        } catch (e) {
          allowed = `${e.name}: ${e.message}`;
        }
        return { refused, allowed };
      });
      assert.deepEqual(out.refused, { validation: true, field: "apiKey", mentionsKey: false }, "new CallingBox({ apiKey: 'sk_...' }) in a page");
      assert.equal(out.allowed, true, "with dangerouslyAllowBrowser: true");
    });

    await t.test("README.md's snippet, as a page's module, places a call and shows its outcome", async () => {
      const before = server.emulator.stats().calls_placed;
      await tab.goto(`${site.url}/index.html?readme`);
      // It shows something once waitUntilDone returned.
      const shown = tab.waitForFunction(() => document.body.textContent.trim() !== "", null, { timeout: 60_000 });
      await advanceWhile(server.emulator, shown);
      const text = await tab.evaluate(() => document.body.textContent);
      assert.match(text, /^\S+: completed$/);
      assert.equal(server.emulator.stats().calls_placed, before + 1);
    });

    await t.test("nothing the page received contains the key; the page never called the API", async () => {
      const responses = await Promise.all(seen);
      const fromWorker = responses.filter((r) => r.url.startsWith(`${worker.url}/`));
      assert.ok(fromWorker.length >= 6, `the page's requests went to the Worker: ${fromWorker.length}`);
      assert.ok(responses.some((r) => r.url === `${site.url}/session/proxy-token`), "the token came from the page's backend");
      assert.deepEqual(responses.filter((r) => r.url.startsWith(server.url)).map((r) => r.url), [], "no request from the page to the API");
      for (const r of responses) assert.ok(!r.text.includes(API_KEY), `${r.status} ${r.url} carries the key`);
      // The agent's name reached the page, without the key it had at the API.
      assert.ok(fromWorker.some((r) => r.text.includes("Front desk ")), "the agents' names were among what was checked");
      assert.deepEqual(problems, []);
    });
  } finally {
    await context?.close();
    await closeChromium();
    await worker?.dispose();
    await site?.close();
    await server.close();
  }
});
