// `npx callingbox-emulator`: the installed bin prints its URL and test key, serves the API
// on loopback with the fault and clock flags it was given, and stops on SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { pkg } from "./helpers.mjs";

const { Webhooks } = await import(new URL("../../target/consumer/webhooks.mjs", import.meta.url).href);

const bin = fileURLToPath(new URL("../../target/consumer/node_modules/.bin/callingbox-emulator", import.meta.url));

function start(args) {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const ready = new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const key = /test API key: (\S+)/.exec(out);
      const secret = /webhook signing secret [^:]*: (whsec_\S+)/.exec(out);
      if (url && key && secret && /^test numbers: .*$/m.test(out)) resolve({ url: url[1], key: key[1], secret: secret[1], out });
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, ready };
}

/** Runs the CLI to its exit: { code, stdout, stderr }. */
async function run(args) {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((r) => child.on("exit", r));
  return { code, stdout, stderr };
}

async function stop(child) {
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  child.kill("SIGTERM");
  assert.equal((await exited).code, 0);
}

test("serves on loopback, prints URL and key, applies fault flags, stops on SIGTERM", async () => {
  const { child, ready } = start(["--port", "0", "--manual-clock", "--rate-503", "1", "--fault-method", "GET", "--fault-path", "/v1/calls"]);
  const { url, key } = await ready;
  try {
    const client = new pkg.CallingBox({ apiKey: key, baseUrl: url, maxRetries: 0 });
    const agents = await client.agents.list(); // outside the fault scope
    assert.deepEqual(agents.data, []);
    await assert.rejects(client.calls.list(), (e) => e instanceof pkg.InternalServerError && e.status === 503);
    const stats = await (await fetch(`${url}/__emulator/stats`)).json();
    assert.equal(stats.faults_503, 1);
    // Admin routes: no CORS, other origins refused, absurd clock moves refused.
    const own = await fetch(`${url}/__emulator/secret`);
    assert.equal(own.status, 200);
    assert.equal(own.headers.get("access-control-allow-origin"), null);
    const foreign = await fetch(`${url}/__emulator/secret`, { headers: { origin: "https://evil.example" } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    assert.doesNotMatch(await foreign.text(), /whsec_/);
    const far = await fetch(`${url}/__emulator/advance`, { method: "POST", body: '{"ms":1e308}' });
    assert.equal(far.status, 400);
  } finally {
    const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
    child.kill("SIGTERM");
    assert.equal((await exited).code, 0);
  }
});

test("rejects unknown flags and non-loopback hosts", async () => {
  for (const args of [["--nope", "1"], ["--host", "0.0.0.0", "--port", "0"], ["--rate-429", "abc"]]) {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    const code = await new Promise((r) => child.on("exit", r));
    assert.notEqual(code, 0, args.join(" "));
  }
});

test("--help and -h exit 0 and list every option with its default", async () => {
  for (const flag of ["--help", "-h"]) {
    const { code, stdout, stderr } = await run([flag]);
    assert.equal(code, 0, flag);
    assert.equal(stderr, "");
    assert.match(stdout, /^usage: callingbox-emulator \[options\]/);
    const options = ["--port", "--host", "--seed", "--speed", "--manual-clock", "--start-time", "--latency-ms", "--rate-429", "--retry-after",
      "--rate-503", "--rate-drop", "--rate-delay", "--delay-ms", "--fault-method", "--fault-path", "--help"];
    for (const o of options) assert.match(stdout, new RegExp(`^  (-h, )?${o}\\b`, "m"), o);
    // Every option line states its default.
    const lines = stdout.split("\n").filter((l) => /^ {2}--/.test(l));
    assert.equal(lines.length, options.length - 1);
    for (const l of lines) assert.match(l, /\(default: [^)]+\)$/, l);
    for (const [o, d] of [["--port", "4010"], ["--host", "127.0.0.1"], ["--seed", "0"], ["--speed", "1"], ["--start-time", "now"], ["--manual-clock", "off"], ["--retry-after", "1"], ["--rate-429", "0"], ["--delay-ms", "30000"]]) {
      assert.match(stdout, new RegExp(`^  ${o}\\b.*\\(default: ${d.replace(/\./g, "\\.")}\\)$`, "m"), o);
    }
    for (const route of ["/__emulator/stats", "/__emulator/advance", "/__emulator/faults", "/__emulator/fault,", "/__emulator/secret", "/__emulator/test-numbers"]) {
      assert.ok(stdout.includes(route), route);
    }
  }
});

test("bad options exit 2 with the usage on stderr, inherited object keys included", async () => {
  for (const args of [["--nope", "1"], ["constructor"], ["toString"], ["__proto__"], ["hasOwnProperty"], ["--port"], ["--rate-429", "abc"], ["--port", ""], ["--start-time", "yesterday"]]) {
    const { code, stdout, stderr } = await run(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(stdout, "", args.join(" "));
    assert.match(stderr, /^callingbox-emulator: .+\n\nusage: callingbox-emulator \[options\]/, args.join(" "));
    assert.doesNotMatch(stderr, /TypeError|not iterable|at file:/, args.join(" "));
  }
});

test("--start-time takes an ISO-8601 date or Unix ms", async () => {
  for (const t of ["2026-04-15T14:28:00Z", "1776263280000"]) {
    const { child, ready } = start(["--port", "0", "--manual-clock", "--start-time", t]);
    const { out } = await ready;
    try {
      assert.match(out, /virtual clock: manual .*now 2026-04-15T14:28:00\.000Z/);
    } finally {
      await stop(child);
    }
  }
});

test("the printed signing secret verifies an inline webhook the emulator delivers", async () => {
  /** @type {{ body: Buffer, headers: import("node:http").IncomingHttpHeaders }[]} */
  const received = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const hook = `http://127.0.0.1:${receiver.address().port}/hook`;
  const { child, ready } = start(["--port", "0", "--manual-clock"]);
  try {
    const { url, key, secret } = await ready;
    assert.match(secret, /^whsec_[0-9a-f]{32}$/);
    // The same secret the admin route hands out.
    assert.equal((await (await fetch(`${url}/__emulator/secret`)).json()).secret, secret);
    const client = new pkg.CallingBox({ apiKey: key, baseUrl: url, maxRetries: 0 });
    const [n] = await client.numbers.searchAvailable({ limit: 1 });
    const number = await client.numbers.purchase({ phone_number: n.phone_number });
    const agent = await client.agents.create({ name: "Hooks", type: "outbound", returns: { confirmed: "boolean" }, number_ids: [number.id], primary_number_id: number.id });
    const call = await client.calls.create({ agent_id: agent.id, to: "+15551234567", webhook_url: hook });
    const advanced = await fetch(`${url}/__emulator/advance`, { method: "POST", body: JSON.stringify({ ms: 200_000 }) });
    assert.equal(advanced.status, 200);
    for (let i = 0; i < 100 && received.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(received.map((r) => r.headers["callingbox-event-type"]), ["call.queued", "call.ringing", "call.answered", "call.completed"]);
    for (const r of received) {
      // Default tolerance: the emulator's clock started at real time and moved 200 s.
      const event = /** @type {any} */ (Webhooks.constructEvent(r.body, r.headers["callingbox-signature"], secret));
      assert.equal(event.data.call.id, call.id);
      assert.equal(event.id, r.headers["callingbox-event-id"]);
      // The main entry's class: an error of callingbox/webhooks is `instanceof` it too.
      assert.throws(() => Webhooks.constructEvent(r.body, r.headers["callingbox-signature"], "whsec_not_the_secret"), pkg.WebhookSignatureError);
    }
    const done = /** @type {any} */ (Webhooks.constructEvent(received[3].body, received[3].headers["callingbox-signature"], secret));
    assert.deepEqual(done.data.call.result, { confirmed: true });
  } finally {
    await stop(child);
    await new Promise((r) => receiver.close(r));
  }
});
