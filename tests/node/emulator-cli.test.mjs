// `npx callingbox-emulator`: the installed bin prints its URL and test key, serves the API
// on loopback with the fault and clock flags it was given, and stops on SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pkg } from "./helpers.mjs";

const bin = fileURLToPath(new URL("../../target/consumer/node_modules/.bin/callingbox-emulator", import.meta.url));

function start(args) {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const ready = new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const key = /test API key: (\S+)/.exec(out);
      if (url && key) resolve({ url: url[1], key: key[1] });
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, ready };
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
