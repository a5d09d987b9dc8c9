#!/usr/bin/env node
// npx callingbox-emulator [options]: serves the CallingBox emulator on loopback until stopped
// (Ctrl-C). `callingbox-emulator --help` lists every option with its default.
import { startEmulatorServer } from "./emulator-node.js";

/**
 * @typedef {object} Flag
 * @property {string} name the startEmulatorServer option (or fault option) it sets
 * @property {"number" | "string" | "time" | "switch"} type "time": Unix ms or an ISO-8601 date
 * @property {boolean} [fault] a member of `faults`
 * @property {string} arg how the usage names its value
 * @property {string} byDefault the default, as the usage shows it
 * @property {string} help
 */

/**
 * Every option. A Map, not an object: an argument such as `constructor` or `__proto__` must
 * be "unknown", not something inherited from Object.prototype.
 * @type {Map<string, Flag>}
 */
const FLAGS = new Map([
  ["--port", { name: "port", type: "number", arg: "N", byDefault: "4010", help: "port to listen on (0 = any free port)" }],
  ["--host", { name: "host", type: "string", arg: "HOST", byDefault: "127.0.0.1", help: "loopback address to listen on: 127.0.0.1, localhost or ::1" }],
  ["--seed", { name: "seed", type: "number", arg: "N", byDefault: "0", help: "seeds ids, signing secrets and fault draws (same seed + same requests = same answers)" }],
  ["--speed", { name: "speed", type: "number", arg: "X", byDefault: "1", help: "virtual seconds per real second" }],
  ["--manual-clock", { name: "manualClock", type: "switch", arg: "", byDefault: "off", help: "virtual time moves only by POST /__emulator/advance {\"ms\": N}" }],
  ["--start-time", { name: "startTime", type: "time", arg: "T", byDefault: "now", help: "virtual clock start: Unix ms or an ISO-8601 date" }],
  ["--latency-ms", { name: "latencyMs", type: "number", fault: true, arg: "N", byDefault: "0", help: "added to every response" }],
  ["--rate-429", { name: "rate429", type: "number", fault: true, arg: "R", byDefault: "0", help: "share (0-1) of requests answered 429, not processed" }],
  ["--retry-after", { name: "retryAfterSecs", type: "number", fault: true, arg: "S", byDefault: "1", help: "Retry-After seconds of those 429s" }],
  ["--rate-503", { name: "rate503", type: "number", fault: true, arg: "R", byDefault: "0", help: "share (0-1) of requests answered 503, not processed" }],
  ["--rate-drop", { name: "rateDrop", type: "number", fault: true, arg: "R", byDefault: "0", help: "share (0-1) of requests processed, then the connection dropped" }],
  ["--rate-delay", { name: "rateDelay", type: "number", fault: true, arg: "R", byDefault: "0", help: "share (0-1) of requests processed, then answered late" }],
  ["--delay-ms", { name: "delayMs", type: "number", fault: true, arg: "N", byDefault: "30000", help: "how late those answers come" }],
  ["--fault-method", { name: "method", type: "string", fault: true, arg: "METHOD", byDefault: "any", help: "faults only for this method (e.g. POST)" }],
  ["--fault-path", { name: "pathPrefix", type: "string", fault: true, arg: "PREFIX", byDefault: "any", help: "faults only for paths starting with this (e.g. /v1/calls)" }],
]);

/** The usage text: every option, its value and its default. */
function usageText() {
  const rows = [...FLAGS].map(([flag, f]) => [f.arg ? `${flag} ${f.arg}` : flag, `${f.help} (default: ${f.byDefault})`]);
  rows.push(["-h, --help", "print this help and exit"]);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    "usage: callingbox-emulator [options]",
    "",
    "Serves the CallingBox emulator on loopback until stopped (Ctrl-C), and prints its URL,",
    "the test API key, the signing secret of inline webhook_url deliveries and the test numbers.",
    "",
    "options:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    "",
    "Admin routes (loopback tools only): GET /__emulator/stats, POST /__emulator/advance,",
    "POST /__emulator/faults, POST /__emulator/fault, GET /__emulator/secret[?api_key=KEY],",
    "GET /__emulator/test-numbers.",
  ].join("\n");
}

/**
 * A usage error: the message and the usage on stderr, exit status 2.
 * @param {string} msg
 * @returns {never}
 */
function usageError(msg) {
  console.error(`callingbox-emulator: ${msg}\n\n${usageText()}`);
  process.exit(2);
}

/**
 * @param {Flag} f
 * @param {string} flag
 * @param {string} raw
 * @returns {string | number}
 */
function parseValue(f, flag, raw) {
  if (f.type === "string") return raw;
  if (f.type === "time" && !/^-?\d+(\.\d+)?$/.test(raw.trim())) {
    const ms = Date.parse(raw);
    if (Number.isNaN(ms)) usageError(`${flag} needs Unix milliseconds or an ISO-8601 date, got ${JSON.stringify(raw)}`);
    return ms;
  }
  const n = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(n)) usageError(`${flag} needs a number, got ${JSON.stringify(raw)}`);
  return n;
}

/** @type {NonNullable<Parameters<typeof startEmulatorServer>[0]> & { faults: import("./emulator.js").EmulatorFaults }} */
const options = { faults: {} };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const flag = argv[i];
  if (flag === "-h" || flag === "--help") {
    console.log(usageText());
    process.exit(0);
  }
  const f = FLAGS.get(flag);
  if (!f) usageError(`unknown option ${JSON.stringify(flag)}`);
  const into = /** @type {Record<string, unknown>} */ (f.fault ? options.faults : options);
  if (f.type === "switch") {
    into[f.name] = true;
    continue;
  }
  const raw = argv[++i];
  if (raw === undefined) usageError(`${flag} needs a value`);
  into[f.name] = parseValue(f, flag, raw);
}

try {
  const server = await startEmulatorServer(options);
  const emu = server.emulator;
  // Before anything is printed: whoever waits for the banner may stop us right away.
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`CallingBox emulator listening on ${server.url}`);
  console.log(`test API key: ${server.apiKey}`);
  // Inline webhooks (a call's or agent's webhook_url) are signed with the organisation's
  // default secret, which the real API shows only in its dashboard: print the test key's.
  console.log(`webhook signing secret (inline webhook_url deliveries for the test key): ${emu.defaultSigningSecret(server.apiKey)}`);
  console.log(`  (another key's: GET ${server.url}/__emulator/secret?api_key=<key>; endpoints' secrets come from the API)`);
  console.log(`virtual clock: ${options.manualClock ? "manual (POST /__emulator/advance)" : `×${options.speed ?? 1}`}, now ${new Date(emu.now()).toISOString()}`);
  console.log(`test numbers: ${emu.testNumbers.map((t) => `${t.number} ${t.outcome}`).join(", ")}`);
} catch (/** @type {any} */ e) {
  console.error(`callingbox-emulator: ${e.message}`);
  process.exit(1);
}
