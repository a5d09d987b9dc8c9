// The dispatch console end to end, in headless Chromium against the Worker in workerd
// (Miniflare) and the HTTP emulator, everything on 127.0.0.1: a person logs in, buys a caller
// number, creates an agent, uploads a 200-row CSV with 20 bad rows, starts the campaign (and
// starts it again from another browser), closes the tab and comes back, follows every row to
// its end, reads a transcript and downloads the results.
//
// Checked: the bad rows are marked with their reason before anything is sent; every good row
// reaches a terminal status; the results CSV matches the emulator's calls; no row has two
// calls; no response the page received contains the API key; the page's JS + wasm weigh at
// most 60 KB gzip. Screenshots go to target/dispatch-console/screenshots/ (printed).
//
// Run by scripts/test-dispatch-console.sh (after scripts/build.sh and scripts/consumer.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium, closeChromium } from "../harness/process.mjs";
import { ACCESS_TOKEN, startConsole } from "./console.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { CallingBox } = await import(new URL("../../target/consumer/callingbox.mjs", import.meta.url).href);

const API_KEY = "sk_test_dispatch_console_0123456789";
const PAGE_WEIGHT_LIMIT = 60 * 1024; // bytes of gzip, JS + wasm
const shots = fileURLToPath(new URL("../../target/dispatch-console/screenshots/", import.meta.url));

// The emulator's test numbers (docs/emulator.md), one row each; every other good row completes.
const OUTCOMES = { "+15005550001": "busy", "+15005550002": "no_answer", "+15005550004": "failed", "+15005550005": "canceled", "+15005550006": "not_placed" };
const BAD = [
  ["+891 1663 9560", "unassigned_country_code"],
  ["555 01", "invalid_length"],
  ["+1 800 FLOWERS", "contains_letters"],
  ["+1/415/5550123", "invalid_character"],
];

/** 200 rows: written the national way (default country US) and internationally; every tenth is bad. */
function contacts() {
  const lines = ["phone,name,appointment"];
  const bad = new Map(); // row → reason
  const tests = Object.keys(OUTCOMES);
  for (let row = 1; row <= 200; row++) {
    let phone;
    if (row % 10 === 0) {
      const i = row / 10 - 1;
      if (i < 16) {
        phone = BAD[i % BAD.length][0];
        bad.set(row, BAD[i % BAD.length][1]);
      } else {
        phone = `+1 415 555 ${String(1000 + row - 1)}`; // the row before's number, written another way
        bad.set(row, `same number as row ${row - 1}`);
      }
    } else if (row % 10 === 3 && tests.length > 0) phone = tests.shift();
    else phone = row % 2 ? `(415) 555-${String(1000 + row).padStart(4, "0")}` : `+1 415 555 ${String(1000 + row).padStart(4, "0")}`;
    lines.push(`"${phone}",Person ${row},"Tue, 2pm"`);
  }
  return { csv: lines.join("\n") + "\n", bad };
}

/** RFC 4180 lines (CRLF, quoted fields), as a spreadsheet reads the results. */
function parseCsv(text) {
  assert.ok(text.endsWith("\r\n"));
  return text.slice(0, -2).split("\r\n").map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map(([, cell]) => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell)));
}

/** Moves the emulator's manual clock in steps until `done()`; each step runs the call steps and webhooks due. */
async function advanceUntil(emulator, done, { stepMs = 5_000, maxSteps = 80 } = {}) {
  for (let i = 0; i < maxSteps; i++) {
    if (await done()) return;
    await emulator.advance(stepMs);
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.ok(await done(), "the campaign did not finish");
}

test("the dispatch console runs a 200-row campaign in Chromium: bad rows marked first, every good row to its end, once", async () => {
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const server = await emu.startEmulatorServer({ port: 0, manualClock: true, initialCreditMilliCents: 1_000_000_000 });
  let app;
  const contexts = [];
  try {
    app = await startConsole({
      CALLINGBOX_API_KEY: API_KEY,
      CALLINGBOX_BASE_URL: server.url,
      CALLINGBOX_WEBHOOK_SECRET: server.emulator.defaultSigningSecret(API_KEY),
    });
    const browser = await chromium();
    const seen = []; // every response any page received
    const problems = [];
    const newTab = async (context) => {
      const tab = await context.newPage();
      tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      tab.on("response", (res) => seen.push(res.body().then((body) => ({ url: res.url(), status: res.status(), body }), () => ({ url: res.url(), status: res.status(), body: Buffer.alloc(0) }))));
      return tab;
    };
    const login = async (tab) => {
      await tab.goto(`${app.url}/`);
      await tab.fill("#token", ACCESS_TOKEN);
      await tab.click("#login button");
    };
    const { csv, bad } = contacts();

    // 1. A caller number (bought: the account has none) and a new agent.
    contexts.push(await browser.newContext({ acceptDownloads: true }));
    let tab = await newTab(contexts[0]);
    await login(tab);
    await tab.waitForSelector("#buy[open]");
    await tab.fill("#area-code", "415");
    await tab.click("#search");
    await tab.click("#available button");
    await tab.waitForFunction(() => document.querySelector("#number").options.length === 1);
    await tab.waitForSelector("#new-agent[open]");
    await tab.fill("#agent-name", "Front desk");
    await tab.fill("#agent-instructions", "Confirm tomorrow's appointment. Be brief.");
    await tab.fill("#agent-returns", "confirmed:boolean, reschedule_to:string");
    await tab.click("#create-agent");
    await tab.waitForFunction(() => document.querySelector("#agent").options.length === 1);
    const bought = await tab.$eval("#number", (s) => s.selectedOptions[0].textContent);
    assert.match(bought, /^\+1415\d{7}$/, "the number bought");
    assert.equal(await tab.$eval("#agent", (s) => s.selectedOptions[0].textContent), "Front desk (confirmed, reschedule_to)");
    await tab.screenshot({ path: `${shots}0-setup.png` });

    // 2. The CSV, checked in the page before anything is sent.
    await tab.setInputFiles("#file", { name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await tab.waitForFunction(() => document.querySelector("#check-summary").textContent.startsWith("200 rows"));
    assert.equal(await tab.textContent("#check-summary"), "200 rows: 180 to call, 20 marked and left out");
    const marked = await tab.$$eval("#rows tbody tr.bad", (trs) => trs.map((tr) => [Number(tr.dataset.row), tr.lastElementChild.textContent]));
    assert.deepEqual(new Map(marked), bad, "each bad row is marked with its reason");
    assert.equal(server.emulator.stats().calls_placed, 0, "nothing was sent while checking");
    await tab.screenshot({ path: `${shots}1-checked.png`, fullPage: true });

    // 3. Start; then the same CSV started again from another browser is the same campaign.
    await tab.click("#start");
    await tab.waitForFunction(() => document.querySelector("#campaign-id").textContent !== "");
    const campaignId = await tab.textContent("#campaign-id");
    contexts.push(await browser.newContext());
    const other = await newTab(contexts[1]);
    await login(other);
    await other.waitForFunction(() => document.querySelector("#agent").options.length === 1);
    await other.setInputFiles("#file", { name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await other.click("#start");
    await other.waitForFunction(() => document.querySelector("#campaign-id").textContent !== "");
    assert.equal(await other.textContent("#campaign-id"), campaignId, "starting it twice is one campaign");
    await other.close();

    // Every good row placed (the provider refuses one), then the tab closed and opened again.
    const placed = () => server.emulator.stats().calls_placed + server.emulator.stats().calls_rejected_by_provider >= 180;
    for (let i = 0; i < 600 && !placed(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(placed(), `every good row placed in 60 s: ${JSON.stringify(server.emulator.stats())}`);
    await server.emulator.advance(15_000); // ringing, talking
    await new Promise((r) => setTimeout(r, 2500));
    await tab.screenshot({ path: `${shots}2-running.png`, fullPage: true });
    await tab.close();
    tab = await newTab(contexts[0]);
    await tab.goto(`${app.url}/`);
    await tab.waitForFunction(() => document.querySelector("#campaign-id").textContent !== "");
    assert.equal(await tab.textContent("#campaign-id"), campaignId, "coming back shows the same campaign");

    const finished = async () => tab.evaluate(() => {
      const p = document.querySelector("#progress");
      return p.max === 180 && p.value === 180;
    });
    await advanceUntil(server.emulator, finished);
    await tab.screenshot({ path: `${shots}3-done.png`, fullPage: true });
    const shown = await tab.$$eval("#rows tbody tr", (trs) => trs.map((tr) => ({ row: Number(tr.dataset.row), status: tr.dataset.status })));
    assert.equal(shown.length, 180);
    for (const { row, status } of shown) {
      assert.ok(!bad.has(row), `bad row ${row} was sent`);
      assert.match(status, /^(completed|no_answer|busy|canceled|failed|not_placed)$/, `row ${row}`);
    }

    // A transcript, in its drawer.
    const firstCompleted = shown.find((r) => r.status === "completed").row;
    await tab.click(`#rows tr[data-row="${firstCompleted}"] button`);
    await tab.waitForFunction(() => document.querySelectorAll("#transcript li b").length > 3);
    assert.match(await tab.textContent("#transcript"), /Person \d+/, "the agent greets the row's name");
    await tab.screenshot({ path: `${shots}4-transcript.png`, fullPage: true });
    await tab.click("#drawer button");

    // The results CSV against the emulator's own record of the calls.
    const [download] = await Promise.all([tab.waitForEvent("download"), tab.click("#download")]);
    const lines = parseCsv(readFileSync(await download.path(), "utf8"));
    assert.deepEqual(lines[0], ["row", "phone", "name", "appointment", "status", "call_id", "confirmed", "reschedule_to", "error"]);
    const admin = new CallingBox({ apiKey: API_KEY, baseUrl: server.url });
    const calls = [];
    for await (const call of admin.calls.list({ limit: 100 })) calls.push(call);
    const byRow = new Map();
    for (const call of calls) byRow.set(call.metadata.row, [...(byRow.get(call.metadata.row) ?? []), call]);
    const duplicates = [...byRow.values()].filter((c) => c.length > 1).length;
    assert.equal(duplicates, 0, "no row has two calls");
    assert.equal(calls.length, 179, "one call per good row (the provider refused one)");
    assert.equal(lines.length - 1, 180);
    for (const [row, phone, , , status, callId, confirmed] of lines.slice(1)) {
      const expected = OUTCOMES[phone];
      if (expected === "not_placed") {
        assert.deepEqual([status, callId], ["not_placed", ""], `row ${row}`);
        continue;
      }
      const [call] = byRow.get(Number(row)) ?? [];
      assert.ok(call, `row ${row} has a call at the emulator`);
      assert.deepEqual([callId, phone, status, call.from_number], [call.id, call.to_number, call.status, bought], `row ${row}`);
      assert.equal(status, expected ?? "completed", `row ${row}`);
      if (status === "completed") assert.equal(confirmed, String(call.result.confirmed), `row ${row}`);
    }

    // What the pages received: never the key; the page's JS + wasm within budget.
    const responses = await Promise.all(seen);
    assert.ok(responses.some((r) => r.url.includes("/api/campaigns/")), "the page polled its campaign");
    for (const r of responses) assert.ok(!r.body.includes(API_KEY), `${r.url} carries the key`);
    assert.deepEqual(responses.filter((r) => r.url.startsWith(server.url)).map((r) => r.url), [], "the page never called the API");
    const code = new Map(responses.filter((r) => /\.(m?js|wasm)$/.test(new URL(r.url).pathname)).map((r) => [new URL(r.url).pathname, r.body]));
    const weight = [...code.values()].reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
    console.log(`page weight: ${(weight / 1024).toFixed(1)} KB gzip for ${[...code.keys()].join(", ")} (limit ${PAGE_WEIGHT_LIMIT / 1024} KB)`);
    assert.ok(code.size >= 3, `the page's code was measured: ${[...code.keys()]}`);
    assert.ok(weight <= PAGE_WEIGHT_LIMIT, `the page's JS + wasm weigh ${weight} bytes gzip`);
    assert.deepEqual(problems, []);
    console.log(`screenshots: ${shots}`);
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
    await closeChromium();
    await app?.dispose();
    await server.close();
  }
});
