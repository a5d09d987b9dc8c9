// `npx callingbox`: the installed bin (target/consumer/node_modules/.bin/callingbox) run as a
// child process against the emulator over HTTP on 127.0.0.1. Commands come from the generated
// tables, so the help is checked against OPERATIONS; output is JSON whenever stdout is not a
// terminal (here: a pipe), and every run is checked for the API key in what it printed.
// The CSV reader is property-tested directly (js/csv.js is plain JavaScript with no imports).
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { OPERATIONS } from "../../js/operations.js";
import { parseCsv, CsvError } from "../../js/csv.js";
import { pkg } from "./helpers.mjs";
import { readmeBlocks } from "../readme/blocks.mjs";

const { startEmulatorServer } = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);

const bin = fileURLToPath(new URL("../../target/consumer/node_modules/.bin/callingbox", import.meta.url));
const installed = fileURLToPath(new URL("../../target/consumer/node_modules/callingbox/", import.meta.url));
const SEED = Number(process.env.FC_SEED ?? 0xc5f);
const kebab = (s) => s.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

/** Every key a test uses: no run may print one. Each test's key is an organisation of its own. */
const KEYS = new Set();
const keyFor = (name) => {
  const key = `sk_test_cli_${name}_S3cret`;
  KEYS.add(key);
  return key;
};

const dir = mkdtempSync(join(tmpdir(), "callingbox-cli-"));
const servers = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * An emulator of the test's own (tests run concurrently, and some count what it did). By
 * default at 2000× real time: a normal call is over, its result extracted, in ~0.1 s.
 * `{ manualClock: true }`: calls stay where they are.
 */
async function emulator(options = { speed: 2000 }) {
  const srv = await startEmulatorServer({ port: 0, host: "127.0.0.1", ...options });
  servers.push(srv);
  return srv;
}

/**
 * Runs the CLI to its exit: { code, stdout, stderr, json() }. `env` replaces the CALLINGBOX_*
 * variables (none by default); `onStderr` sees stderr as it arrives (and may return the child).
 */
function cli(args, { env = {}, onStderr } = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CALLINGBOX_")));
  const child = spawn(bin, args, { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => {
    stderr += d;
    onStderr?.(stderr, child);
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      for (const key of KEYS) {
        assert.ok(!stdout.includes(key) && !stderr.includes(key), `the API key was printed by callingbox ${args.join(" ")}`);
      }
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

/** The CLI with a key of its own against the running emulator. */
function as(name, srv) {
  const env = { CALLINGBOX_API_KEY: keyFor(name), CALLINGBOX_BASE_URL: srv.url };
  const run = async (args, expected = 0) => {
    const r = await cli(args, { env });
    assert.equal(r.code, expected, `callingbox ${args.join(" ")} exited ${r.code}\n${r.stderr}`);
    return r;
  };
  return { env, run, json: async (args) => (await run(args)).json() };
}

/** An organisation with an outbound agent on a purchased number, made with the CLI. */
async function outboundAgent(c) {
  const [available] = await c.json(["numbers", "search-available", "--area-code", "415", "--limit", "1"]);
  const number = await c.json(["numbers", "purchase", "--phone-number", available.phone_number]);
  const agent = await c.json(["agents", "create", "--name", "CLI", "--type", "outbound", "--returns", '{"confirmed":"boolean"}', "--number-ids", number.id, "--primary-number-id", number.id]);
  return { number, agent };
}

const stats = async (srv) => (await fetch(`${srv.url}/__emulator/stats`)).json();

describe("help and usage", { concurrency: true }, () => {
  test("--help lists every resource; <resource> --help every operation (from OPERATIONS)", async () => {
    const root = await cli(["--help"]);
    assert.equal(root.code, 0);
    assert.match(root.stdout, /^usage: callingbox <resource> <command>/);
    for (const resource of Object.keys(OPERATIONS)) {
      assert.match(root.stdout, new RegExp(`^  ${kebab(resource)} `, "m"), resource);
      const r = await cli([kebab(resource), "--help"]);
      assert.equal(r.code, 0, resource);
      for (const method of Object.keys(OPERATIONS[resource])) assert.match(r.stdout, new RegExp(`^  ${kebab(method)}\\b`, "m"), `${resource} ${method}`);
    }
    assert.match((await cli(["calls", "--help"])).stdout, /^  create-many --csv FILE /m);
  });

  test("every operation's --help names its ids and flags", async () => {
    const create = await cli(["calls", "create", "--help"]);
    assert.equal(create.code, 0);
    for (const flag of ["--agent-id", "--to", "--from-number", "--context", "--metadata", "--data", "--idempotency-key", "--wait", "--timeout"]) assert.match(create.stdout, new RegExp(`^  ${flag} `, "m"), flag);
    assert.match((await cli(["agents", "detach-number", "-h"])).stdout, /^usage: callingbox agents detach-number <id> <number-id> \[flags\]/);
    assert.match((await cli(["calls", "list", "--help"])).stdout, /^  --all /m);
    assert.match((await cli(["calls", "create-many", "--help"])).stdout, /^  --batch-id ID /m);
  });

  test("mistakes exit 2 with the usage on stderr and nothing on stdout", async () => {
    const server = await emulator();
    const env = { CALLINGBOX_API_KEY: keyFor("usage"), CALLINGBOX_BASE_URL: server.url };
    const cases = [
      [[], /which resource/],
      [["nope"], /unknown resource "nope"/],
      [["calls"], /calls: which command/],
      [["calls", "nope"], /unknown command "calls nope"/],
      [["constructor", "list"], /unknown resource/],
      [["calls", "toString"], /unknown command/],
      [["calls", "list", "--nope"], /unknown flag --nope/],
      [["--limit", "3", "calls", "list"], /unknown flag --limit/],
      [["calls", "list", "--limit", "three"], /--limit needs a whole number/],
      [["calls", "list", "--limit"], /--limit needs a value/],
      [["calls", "retrieve"], /takes <id>, got none/],
      [["calls", "retrieve", "a", "b"], /takes <id>, got "a" "b"/],
      [["calls", "create", "--to", "+15551234567"], /needs --agent-id/],
      [["agents", "create", "--name", "x", "--type", "sideways"], /--type must be one of inbound, outbound/],
      [["agents", "create", "--data", "{nope"], /--data is not JSON/],
      [["calls", "create", "--agent-id", "a", "--to", "+15551234567", "--context", "[1]"], /--context needs a JSON object/],
      [["calls", "create", "--agent-id", "a", "--to", "+15551234567", "--wait", "--timeout", "soon"], /--timeout needs a number of seconds/],
      [["calls", "create", "--agent-id", "a", "--to", "+15551234567", "--timeout", "5"], /--timeout goes with --wait/],
      [["calls", "create-many"], /needs --csv FILE/],
      [["calls", "create-many", "--csv", "x.csv", "--concurrency", "0"], /--concurrency needs a whole number greater than 0/],
    ];
    const requests = (await stats(server)).requests;
    for (const [args, message] of cases) {
      const r = await cli(args, { env });
      assert.equal(r.code, 2, args.join(" "));
      assert.equal(r.stdout, "", args.join(" "));
      assert.match(r.stderr, message, args.join(" "));
      assert.match(r.stderr, /\n\nusage: callingbox /, args.join(" "));
    }
    assert.equal((await stats(server)).requests, requests, "no request for a usage error");
  });

  test("every command the README shows exists, with the flags it uses", async () => {
    const [block] = readmeBlocks().filter((b) => b.heading === "## Command line" && b.lang === "sh");
    const lines = block.code.split("\n").filter((l) => l.startsWith("npx callingbox "));
    assert.ok(lines.length >= 5);
    for (const line of lines) {
      // Shell words: '...' and "..." quoted, $VARIABLES set to an id.
      const words = [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? m[3]).replace(/\$[A-Z_]+/g, "8d1c6c5e-3f5b-4c1e-9a63-2c4b7e0f9a11"));
      // --help is answered after every flag has been read: an unknown flag or command exits 2.
      const r = await cli([...words.slice(2), "--help"]);
      assert.equal(r.code, 0, `${line}\n${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: callingbox ${words[2]} ${words[3]}\\b`), line);
    }
  });

  test("--version prints the package's version", async () => {
    const r = await cli(["--version"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version);
  });
});

describe("operations", { concurrency: true }, () => {
  test("numbers, agents and calls: create, list, retrieve, update, archive (JSON output)", async () => {
    const server = await emulator();
    const c = as("ops", server);
    const { number, agent } = await outboundAgent(c);
    assert.match(number.e164, /^\+1415/);
    assert.equal(agent.type, "outbound");
    assert.deepEqual(agent.numbers.map((n) => n.id), [number.id]);
    assert.deepEqual((await c.json(["numbers", "list"])).data.map((n) => n.id), [number.id]);
    assert.equal((await c.json(["agents", "retrieve", agent.id])).name, "CLI");
    // --data and flags together: flags win.
    writeFileSync(join(dir, "update.json"), JSON.stringify({ name: "from --data", instructions: "Be brief." }));
    const updated = await c.json(["agents", "update", agent.id, "--data", `@${join(dir, "update.json")}`, "--name", "from a flag"]);
    assert.deepEqual([updated.name, updated.instructions], ["from a flag", "Be brief."]);
    assert.deepEqual((await c.json(["agents", "list", "--type", "outbound"])).data.map((a) => a.id), [agent.id]);

    const call = await c.json(["calls", "create", "--agent-id", agent.id, "--to", "+1 (555) 123-4567", "--context", '{"name":"Ada"}', "--metadata", '{"row":"1"}']);
    assert.deepEqual([call.to_number, call.status, call.context, call.metadata], ["+15551234567", "queued", { name: "Ada" }, { row: "1" }]);
    assert.equal((await c.json(["calls", "retrieve", call.id])).id, call.id);
    const done = await c.json(["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--wait"]);
    const transcript = await c.json(["calls", "get-transcript", done.id]);
    assert.equal(transcript.call_id, done.id);
    assert.ok(transcript.segments.length > 0);
    // Paging: one page of 1, then --all.
    const page = await c.json(["calls", "list", "--limit", "1"]);
    assert.deepEqual([page.data.length, page.has_more], [1, true]);
    const older = await c.json(["calls", "list", "--limit", "1", "--starting-after", page.data[0].id]);
    assert.notEqual(older.data[0].id, page.data[0].id);
    const all = await c.json(["calls", "list", "--limit", "1", "--all"]);
    assert.deepEqual(new Set(all.data.map((x) => x.id)), new Set([call.id, done.id]));

    const archived = await c.json(["agents", "archive", agent.id]);
    assert.equal(archived.id, agent.id);
    assert.ok(archived.archived_at);
  });

  test("webhook endpoints and deliveries", async () => {
    const server = await emulator();
    const c = as("hooks", server);
    const { agent } = await outboundAgent(c);
    const endpoint = await c.json(["webhook-endpoints", "create", "--url", "https://example.com/hooks", "--enabled-events", "call.completed,call.failed", "--description", "CLI"]);
    assert.deepEqual(endpoint.enabled_events, ["call.completed", "call.failed"]);
    assert.match(endpoint.signing_secret, /^whsec_/);
    const rotated = await c.json(["webhook-endpoints", "rotate-secret", endpoint.id]);
    assert.notEqual(rotated.signing_secret, endpoint.signing_secret);
    assert.equal((await c.json(["webhook-endpoints", "update", endpoint.id, "--status", "disabled"])).status, "disabled");
    assert.equal((await c.json(["webhookEndpoints", "retrieve", endpoint.id])).status, "disabled");
    await c.json(["webhook-endpoints", "update", endpoint.id, "--status", "enabled"]);
    await c.json(["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--wait"]);
    const deliveries = await c.json(["webhook-deliveries", "list", "--endpoint-id", endpoint.id]);
    assert.equal(deliveries.data.length, 1);
    assert.equal(deliveries.data[0].event_type, "call.completed");
    assert.equal((await c.json(["webhook-deliveries", "retrieve", deliveries.data[0].id])).id, deliveries.data[0].id);
    assert.equal((await c.json(["webhook-deliveries", "redeliver", deliveries.data[0].id])).id, deliveries.data[0].id);
    assert.deepEqual((await c.json(["webhook-endpoints", "list"])).data.map((e) => e.id), [endpoint.id]);
    assert.equal((await c.json(["webhook-endpoints", "delete", endpoint.id])).deleted, true);
  });

  test("--idempotency-key: the same key again returns the same call and places none", async () => {
    const server = await emulator();
    const c = as("idem", server);
    const { agent } = await outboundAgent(c);
    const args = ["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--idempotency-key", "cli-test-key-1"];
    const placed = (await stats(server)).calls_placed;
    const first = await c.json(args);
    const again = await c.json(args);
    assert.equal(again.id, first.id);
    assert.equal((await stats(server)).calls_placed, placed + 1);
  });
});

describe("exit statuses and errors", { concurrency: true }, () => {
  test("3 authentication (refused key, no key), 4 not found, 5 bad request, 7 network", async () => {
    const server = await emulator();
    const key = keyFor("exit");
    const env = { CALLINGBOX_API_KEY: key, CALLINGBOX_BASE_URL: server.url };
    const bad = await cli(["calls", "list", "--api-key", "sk-not!a!valid!key", "--base-url", server.url]);
    assert.equal(bad.code, 3);
    assert.equal(JSON.parse(bad.stderr).error.code, "authentication_error");
    const none = await cli(["calls", "list", "--base-url", server.url]);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /no API key: pass --api-key or set CALLINGBOX_API_KEY/);

    const missing = await cli(["calls", "retrieve", "8d1c6c5e-3f5b-4c1e-9a63-2c4b7e0f9a11"], { env });
    assert.equal(missing.code, 4);
    const err = JSON.parse(missing.stderr).error;
    assert.deepEqual([err.name, err.code, err.status], ["NotFoundError", "not_found", 404]);
    assert.match(err.request_id, /^req_/);
    assert.equal(missing.stdout, "");

    assert.equal((await cli(["calls", "create", "--agent-id", "not-a-uuid", "--to", "+15551234567"], { env })).code, 5);
    const phone = await cli(["calls", "create", "--agent-id", "8d1c6c5e-3f5b-4c1e-9a63-2c4b7e0f9a11", "--to", "555-0100"], { env });
    assert.equal(phone.code, 5);
    assert.equal(JSON.parse(phone.stderr).error.code, "invalid_phone_number");

    const closed = await cli(["calls", "list", "--base-url", "http://127.0.0.1:9"], { env });
    assert.equal(closed.code, 7);
    assert.equal(JSON.parse(closed.stderr).error.code, "connection_error");
  });

  test("the key is never printed, even when the server echoes it", async () => {
    const server = await emulator();
    const key = keyFor("echo");
    // The id is the key: the 404 message quotes it; `cli` fails the test if it shows up.
    const r = await cli(["calls", "retrieve", key, "--api-key", key, "--base-url", server.url]);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /not found/);
    const usage = await cli(["calls", "retrieve", key, "extra", "--api-key", key]);
    assert.equal(usage.code, 2);
  });

  test("calls create --wait: 0 for a completed call, 1 for failed and no-answer ones, status lines on stderr", async () => {
    const server = await emulator();
    const c = as("wait", server);
    const { agent } = await outboundAgent(c);
    const ok = await c.run(["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--wait"]);
    const call = ok.json();
    assert.deepEqual([call.status, call.result], ["completed", { confirmed: true }]);
    assert.match(ok.stderr, new RegExp(`^call ${call.id}: queued$`, "m"));
    assert.match(ok.stderr, new RegExp(`^call ${call.id}: completed$`, "m"));
    for (const [to, status] of [["+15005550004", "failed"], ["+15005550002", "no_answer"], ["+15005550001", "busy"]]) {
      const r = await c.run(["calls", "create", "--agent-id", agent.id, "--to", to, "--wait"], 1);
      assert.equal(r.json().status, status);
      assert.match(r.stderr, new RegExp(`: ${status}$`, "m"));
    }
  });

  test("calls create --wait --timeout: exit 6 when the call has not ended", async () => {
    const c = as("timeout", await emulator({ manualClock: true }));
    const { agent } = await outboundAgent(c);
    const r = await c.run(["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--wait", "--timeout", "1.5"], 6);
    assert.equal(JSON.parse(r.stderr.split("\n").find((l) => l.startsWith("{"))).error.code, "wait_timeout");
  });

  test("Ctrl-C while waiting: exit 130", async () => {
    const c = as("sigint", await emulator({ manualClock: true }));
    const { agent } = await outboundAgent(c);
    let sent = false;
    const r = await cli(["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--wait"], {
      env: c.env,
      onStderr: (text, child) => {
        if (!sent && /: queued/.test(text)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    assert.ok(sent);
    assert.equal(r.code, 130);
  });
});

describe("the key stays out of the output", { concurrency: true }, () => {
  test("a key with spaces or a line break around it (as pasted into a .env) is still redacted", async () => {
    const server = await emulator();
    const key = keyFor("spaced");
    for (const padded of [`${key} `, `${key}\n`, ` ${key}`]) {
      const env = { CALLINGBOX_API_KEY: padded, CALLINGBOX_BASE_URL: server.url };
      // The API echoes the name back: with the key in it, the output must not show the key.
      const r = await cli(["agents", "create", "--name", `x ${key}`, "--type", "outbound", "--json"], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /redacted/);
    }
  });

  test("a usage error does not echo a flag's value (a key given with one dash)", async () => {
    const key = keyFor("dash");
    const r = await cli(["calls", "list", `-api-key=${key}`], { env: { CALLINGBOX_API_KEY: key } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown flag -api-key\b/);
  });
});

describe("CSV columns and JSON keys named __proto__ are data", { concurrency: true }, () => {
  test("nothing is lost", async () => {
    const server = await emulator();
    const c = as("proto", server);
    const file = csvFile("proto.csv", 'to,context,__proto__,context.__proto__,name\n+15551230001,"{""__proto__"":{""a"":1},""b"":2}",p1,p2,Bob\n');
    const plan = (await c.run(["calls", "create-many", "--csv", file, "--agent-id", "agt_x", "--dry-run"])).json();
    const context = plan.rows[0].params.context;
    assert.deepEqual(Object.keys(context).sort(), ["__proto__", "b", "name"]);
    assert.equal(context.b, 2);
    assert.equal(context.name, "Bob");
    assert.ok(Object.getPrototypeOf(context) === Object.prototype);
  });
});

describe("human-readable output on a terminal", { concurrency: true }, () => {
  const script = "/usr/bin/script";
  test("a table for lists, a field per line for one object, a live status line", { skip: !readFileSafe(script) && "no script(1) for a pseudo-terminal" }, async () => {
    const server = await emulator();
    const c = as("tty", server);
    const { agent } = await outboundAgent(c);
    const call = await c.json(["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--wait"]);
    const tty = (args) => new Promise((resolve) => {
      const child = spawn(script, ["-qec", [bin, ...args].map((a) => `'${a}'`).join(" "), "/dev/null"], { env: { ...process.env, ...c.env }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.on("close", (code) => resolve({ code, out: out.replace(/\r\n/g, "\n") }));
    });
    const list = await tty(["calls", "list"]);
    assert.equal(list.code, 0);
    assert.match(list.out, /^id +status +to_number +from_number +created_at$/m);
    assert.match(list.out, new RegExp(`^${call.id}  completed  \\+15551234567 `, "m"));
    const one = await tty(["calls", "retrieve", call.id]);
    assert.match(one.out, /^status +completed$/m);
    assert.match(one.out, /^result +\{"confirmed":true\}$/m);
    const waited = await tty(["calls", "create", "--agent-id", agent.id, "--to", "+15551234567", "--wait"]);
    assert.equal(waited.code, 0);
    assert.match(waited.out, /\r\x1b\[2Kcall [0-9a-f-]+: completed \(/, "the status line is rewritten in place");
    // A server's control characters (retitle the window, clear the screen) are shown escaped.
    const evil = await c.json(["agents", "create", "--name", "evil\u001b]0;pwned\u0007\u001b[2J", "--type", "outbound"]);
    const shown = await tty(["agents", "retrieve", evil.id]);
    assert.equal(shown.code, 0);
    assert.ok(!shown.out.includes("\u001b]0;") && !shown.out.includes("\u0007"), "no raw escape sequence reaches the terminal");
    assert.match(shown.out, /^name +evil\\u001b\]0;pwned\\u0007\\u001b\[2J$/m);
  });
});

function readFileSafe(path) {
  try {
    return readFileSync(path).length > 0;
  } catch {
    return false;
  }
}

describe("CSV reader (RFC 4180)", { concurrency: true }, () => {
  /** Writes records as CSV: quotes where needed (and sometimes where not), CRLF or LF. */
  const toCsv = ({ records, crlf, bom, trailing, quoteAll }) => {
    const eol = crlf ? "\r\n" : "\n";
    const field = (f, only) => (quoteAll || /[",\r\n]/.test(f) || f.startsWith('"') || (only && f === "") ? `"${f.replaceAll('"', '""')}"` : f);
    const lines = records.map((r) => r.map((f) => field(f, r.length === 1)).join(","));
    return (bom ? "\ufeff" : "") + lines.join(eol) + (trailing ? eol : "");
  };
  const text = fc.string({ unit: fc.constantFrom("a", "Z", "7", " ", ",", '"', "\r", "\n", "é", "😀", "+", "\t") });

  test("what is written as CSV reads back the same, with the line each record starts on", () => {
    fc.assert(
      fc.property(
        fc.record({ records: fc.array(fc.array(text, { minLength: 1, maxLength: 5 }), { maxLength: 8 }), crlf: fc.boolean(), bom: fc.boolean(), trailing: fc.boolean(), quoteAll: fc.boolean() }),
        (input) => {
          const csv = toCsv(input);
          const read = parseCsv(csv);
          assert.deepEqual(read.map((r) => r.fields), input.records);
          // Each record starts one line after the previous one's last line break.
          let line = 1;
          input.records.forEach((r, i) => {
            assert.equal(read[i].line, line);
            line += r.join(",").split(/\r\n|\r|\n/).length;
          });
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  test("BOM, CRLF, quoted commas, quotes and line breaks, blank lines, a last line without a break", () => {
    const csv = '\ufeffto,name,note\r\n+15551234567,"Lovelace, Ada","said ""hi""\r\nthen left"\r\n\r\n+15551234568,Bob,\n+15551234569,"",x';
    assert.deepEqual(parseCsv(csv), [
      { fields: ["to", "name", "note"], line: 1 },
      { fields: ["+15551234567", "Lovelace, Ada", 'said "hi"\r\nthen left'], line: 2 },
      { fields: ["+15551234568", "Bob", ""], line: 5 },
      { fields: ["+15551234569", "", "x"], line: 6 },
    ]);
  });

  test("an unclosed quote and text after a closing quote are errors naming the line", () => {
    assert.throws(() => parseCsv('a,b\n1,"open\n2,3\n'), (e) => e instanceof CsvError && e.line === 2 && /never closed/.test(e.message));
    assert.throws(() => parseCsv('a,b\n"x"y,1\n'), (e) => e instanceof CsvError && e.line === 2 && /after the closing quote/.test(e.message));
    fc.assert(
      fc.property(text, (s) => {
        try {
          parseCsv(s);
        } catch (e) {
          assert.ok(e instanceof CsvError, String(e));
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

/** Writes a CSV file into the test's folder; returns its path. */
function csvFile(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("calls create-many", { concurrency: true }, () => {

  test("places one call per row, maps columns, reports progress and a summary; a re-run places none", async () => {
    const server = await emulator();
    const c = as("batch", server);
    const { agent, number } = await outboundAgent(c);
    const file = csvFile("batch.csv", [
      "\ufeffto,name,context.plan,metadata.row,from_number",
      `+15551230001,"Lovelace, Ada",gold,1,${number.e164}`,
      '+15551230002,"Bob ""the builder""\nJr.",,2,',
      "+15551230003,Cy,silver,3,",
      "", // a blank line is no row
      "+15551230004,Di,,4,",
    ].join("\r\n"));
    const placedBefore = (await stats(server)).calls_placed;
    const args = ["calls", "create-many", "--csv", file, "--agent-id", agent.id, "--metadata", '{"campaign":"spring"}', "--concurrency", "2"];
    const first = await c.run(args);
    const summary = first.json();
    assert.deepEqual([summary.total, summary.placed, summary.placed_before, summary.failed, summary.invalid], [4, 4, 0, 0, 0]);
    assert.match(first.stderr, /^progress: 4\/4 done, 4 placed, 0 failed, 0 in flight$/m);
    assert.equal((await stats(server)).calls_placed, placedBefore + 4);

    const calls = (await c.json(["calls", "list", "--all"])).data;
    const byTo = Object.fromEntries(calls.map((x) => [x.to_number, x]));
    assert.deepEqual(byTo["+15551230001"].context, { name: "Lovelace, Ada", plan: "gold" });
    assert.deepEqual(byTo["+15551230001"].metadata, { campaign: "spring", row: "1" });
    assert.equal(byTo["+15551230001"].from_number, number.e164);
    assert.deepEqual(byTo["+15551230002"].context, { name: 'Bob "the builder"\nJr.' });
    assert.deepEqual(byTo["+15551230004"].metadata, { campaign: "spring", row: "4" });
    assert.deepEqual(summary.calls.map((x) => [x.row, x.line]).sort((a, b) => a[0] - b[0]), [[1, 2], [2, 3], [3, 5], [4, 7]]);

    // The same command again: every row's key was used; the API answers with the calls it placed.
    const again = (await c.run(args)).json();
    assert.deepEqual([again.placed, again.placed_before, again.failed], [4, 4, 0]);
    assert.deepEqual(new Set(again.calls.map((x) => x.id)), new Set(summary.calls.map((x) => x.id)));
    assert.equal((await stats(server)).calls_placed, placedBefore + 4, "a re-run places no call");

    // A row added and one changed: only those two are new. A new --batch-id places every row.
    writeFileSync(file, readFileSync(file, "utf8").replace("+15551230003,Cy,silver", "+15551230003,Cy,bronze") + "\r\n+15551230005,Ed,,5,");
    const edited = (await c.run(args)).json();
    assert.deepEqual([edited.placed, edited.placed_before], [5, 3]);
    assert.equal((await stats(server)).calls_placed, placedBefore + 6);
    assert.equal((await c.run([...args, "--batch-id", "spring-2"])).json().placed_before, 0);
    assert.equal((await stats(server)).calls_placed, placedBefore + 11);
  });

  test("invalid rows are reported by row and line before anything is sent", async () => {
    const server = await emulator();
    const c = as("invalid", server);
    const { agent } = await outboundAgent(c);
    const file = csvFile("invalid.csv", ["to,name,context", "+15551230001,Ada,", "555-0100,Bob,", "+15551230003,Cy", "+15551230004,Di,{oops", "+15551230005,Ed,[1]", ",Fay,"].join("\n"));
    const requests = (await stats(server)).requests;
    const r = await c.run(["calls", "create-many", "--csv", file, "--agent-id", agent.id], 5);
    assert.match(r.stderr, /^row 2 \(line 3\): to "555-0100" is not an E\.164 phone number: .+$/m);
    assert.match(r.stderr, /^row 3 \(line 4\): 2 fields, the header has 3$/m);
    assert.match(r.stderr, /^row 4 \(line 5\): context is not JSON$/m);
    assert.match(r.stderr, /^row 5 \(line 6\): context must be a JSON object$/m);
    assert.match(r.stderr, /^row 6 \(line 7\): no number in `to`$/m);
    assert.match(r.stderr, /5 of 6 rows are invalid: nothing was sent/);
    assert.equal((await stats(server)).requests, requests, "no request at all");
    // Without an agent: every row is invalid.
    const noAgent = await c.run(["calls", "create-many", "--csv", csvFile("ok.csv", "to\n+15551230001\n")], 5);
    assert.match(noAgent.stderr, /^row 1 \(line 2\): no agent_id: add an agent_id column or pass --agent-id$/m);
    // --skip-invalid places the others, and exits 1 for the invalid ones.
    const placed = (await stats(server)).calls_placed;
    const skipped = await c.run(["calls", "create-many", "--csv", file, "--agent-id", agent.id, "--skip-invalid"], 1);
    assert.deepEqual([skipped.json().placed, skipped.json().invalid], [1, 5]);
    assert.equal((await stats(server)).calls_placed, placed + 1);
  });

  test("rows the API refuses are listed and the exit status is 1; --dry-run sends nothing", async () => {
    const server = await emulator();
    const c = as("refused", server);
    const { agent } = await outboundAgent(c);
    // Row 2's caller ID is not attached to the agent: the API answers 400.
    const file = csvFile("refused.csv", "to,from_number\n+15551230001,\n+15551230002,+15559990000\n");
    const dry = await c.run(["calls", "create-many", "--csv", file, "--agent-id", agent.id, "--dry-run"]);
    const plan = dry.json();
    assert.equal(plan.rows.length, 2);
    assert.match(plan.rows[0].idempotency_key, /^callingbox-csv-[0-9a-f]{32}-0$/);
    // Keys come from the params as sent: the same number written two ways is the same row, twice.
    const twice = (await c.run(["calls", "create-many", "--csv", csvFile("twice.csv", "to\n+1 555 123 0001\n+15551230001\n"), "--agent-id", agent.id, "--dry-run"])).json();
    assert.deepEqual(twice.rows.map((x) => x.params.to), ["+15551230001", "+15551230001"]);
    assert.deepEqual(twice.rows.map((x) => x.idempotency_key.slice(0, -2)), [plan.rows[0].idempotency_key.slice(0, -2), plan.rows[0].idempotency_key.slice(0, -2)]);
    assert.deepEqual(twice.rows.map((x) => x.idempotency_key.slice(-2)), ["-0", "-1"]);
    assert.equal((await c.json(["calls", "list"])).data.length, 0);
    const r = await c.run(["calls", "create-many", "--csv", file, "--agent-id", agent.id], 1);
    const summary = r.json();
    assert.deepEqual([summary.placed, summary.failed], [1, 1]);
    assert.deepEqual([summary.errors[0].row, summary.errors[0].code, summary.errors[0].status], [2, "bad_request", 400]);
    assert.match(r.stderr, /^row 2 \(line 3\): .+$/m);
  });

  test("Ctrl-C stops the batch: rows not sent are not placed, the summary says so, exit 130", async () => {
    const server = await emulator();
    const c = as("batchint", server);
    const { agent } = await outboundAgent(c);
    const file = csvFile("slow.csv", ["to", ...Array.from({ length: 6 }, (_, i) => `+1555123010${i}`)].join("\n"));
    let sent = false;
    const r = await cli(["calls", "create-many", "--csv", file, "--agent-id", agent.id, "--rate", "1", "--concurrency", "1"], {
      env: c.env,
      onStderr: (text, child) => {
        if (!sent && /^progress: 1\/6/m.test(text)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    assert.equal(r.code, 130, r.stderr);
    const summary = r.json();
    assert.equal(summary.interrupted, true);
    assert.ok(summary.placed >= 1 && summary.placed < 6, `placed ${summary.placed}`);
    assert.equal((await stats(server)).calls_placed, summary.placed);
  });

  test("a file that is not CSV, or has no `to` column, exits 5", async () => {
    const server = await emulator();
    const c = as("badcsv", server);
    for (const [text, message] of [['to\n"+1555', /line 2: a quoted field is never closed/], ["phone\n+15551230001\n", /no `to` column/], ["", /the CSV is empty/], ["to,to\n1,2\n", /names "to" twice/]]) {
      const r = await c.run(["calls", "create-many", "--csv", csvFile("bad.csv", text), "--agent-id", "8d1c6c5e-3f5b-4c1e-9a63-2c4b7e0f9a11"], 5);
      assert.match(JSON.parse(r.stderr).error.message, message);
    }
    assert.equal((await c.run(["calls", "create-many", "--csv", join(dir, "missing.csv")], 5)).stdout, "");
  });
});

describe("Bun", { concurrency: true }, () => {
  const bun = fileURLToPath(new URL("../../node_modules/.bin/bun", import.meta.url));
  test("the same bin runs under Bun (bun --bun): JSON output and exit statuses", { skip: !readFileSafe(bun) && "no bun in node_modules" }, async () => {
    const server = await emulator();
    const c = as("bun", server);
    const { agent } = await outboundAgent(c);
    const run = (args) => new Promise((resolve) => {
      const child = spawn(bun, ["--bun", bin, ...args], { env: { ...process.env, ...c.env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.on("close", (code) => resolve({ code, stdout }));
    });
    const failed = await run(["calls", "create", "--agent-id", agent.id, "--to", "+15005550004", "--wait"]);
    assert.deepEqual([failed.code, JSON.parse(failed.stdout).status], [1, "failed"]);
    assert.equal((await run(["calls", "retrieve", "8d1c6c5e-3f5b-4c1e-9a63-2c4b7e0f9a11"])).code, 4);
    const many = await run(["calls", "create-many", "--csv", csvFile("bun.csv", "to\n+15551230001\n"), "--agent-id", agent.id]);
    assert.deepEqual([many.code, JSON.parse(many.stdout).placed], [0, 1]);
  });
});

describe("packaging", { concurrency: true }, () => {
  test("bin callingbox → cli.js with a node shebang; no client entry carries the CLI", () => {
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    assert.equal(manifest.bin.callingbox, "./cli.js");
    assert.match(readFileSync(join(installed, "cli.js"), "utf8"), /^#!\/usr\/bin\/env node\n/);
    for (const entry of Object.values(manifest.exports)) {
      const files = [];
      const walk = (v) => (typeof v === "string" ? files.push(v) : Object.values(v).forEach(walk));
      walk(entry);
      for (const f of files.filter((f) => /\.c?js$/.test(f))) {
        const text = readFileSync(join(installed, f), "utf8");
        assert.doesNotMatch(text, /create-many|cli-commands|x-cli-columns|List phone numbers/, f);
      }
    }
    assert.equal(typeof pkg.CallingBox, "function");
  });
});
