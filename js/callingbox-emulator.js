#!/usr/bin/env node
// npx callingbox-emulator [--port 4010] [--host 127.0.0.1] [--seed 0] [--speed 1]
//   [--manual-clock] (virtual time moves only via POST /__emulator/advance) [--start-time MS]
//   [--latency-ms N] [--rate-429 R] [--retry-after S] [--rate-503 R] [--rate-drop R]
//   [--rate-delay R] [--delay-ms N] [--fault-method POST] [--fault-path /v1/calls]
// Serves the CallingBox emulator on loopback until stopped (Ctrl-C).
import { startEmulatorServer } from "./emulator-node.js";

/** @type {Record<string, [option: string, type: (raw: string) => string | number, isFault?: boolean]>} */
const FLAGS = {
  "--port": ["port", Number], "--start-time": ["startTime", Number], "--host": ["host", String], "--seed": ["seed", Number], "--speed": ["speed", Number],
  "--latency-ms": ["latencyMs", Number, true], "--rate-429": ["rate429", Number, true], "--retry-after": ["retryAfterSecs", Number, true],
  "--rate-503": ["rate503", Number, true], "--rate-drop": ["rateDrop", Number, true], "--rate-delay": ["rateDelay", Number, true],
  "--delay-ms": ["delayMs", Number, true], "--fault-method": ["method", String, true], "--fault-path": ["pathPrefix", String, true],
};

/**
 * Prints the usage (after `msg`) and exits with status 2.
 * @param {string} [msg]
 * @returns {never}
 */
function usage(msg) {
  if (msg) console.error(`callingbox-emulator: ${msg}`);
  console.error(`usage: callingbox-emulator ${Object.keys(FLAGS).map((f) => `[${f} X]`).join(" ")}`);
  process.exit(2);
}

/** @type {NonNullable<Parameters<typeof startEmulatorServer>[0]> & { faults: import("./emulator.js").EmulatorFaults }} */
const options = { faults: {} };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "-h" || argv[i] === "--help") usage();
  if (argv[i] === "--manual-clock") {
    options.manualClock = true;
    continue;
  }
  const spec = FLAGS[argv[i]];
  if (!spec) usage(`unknown flag ${argv[i]}`);
  const raw = argv[++i];
  if (raw === undefined) usage(`${argv[i - 1]} needs a value`);
  const [name, type, isFault] = spec;
  const value = type(raw);
  if (type === Number && !Number.isFinite(value)) usage(`${argv[i - 1]} needs a number`);
  /** @type {Record<string, unknown>} */ (isFault ? options.faults : options)[name] = value;
}

try {
  const server = await startEmulatorServer(options);
  console.log(`CallingBox emulator listening on ${server.url}`);
  console.log(`test API key: ${server.apiKey}`);
  console.log(`test numbers: ${server.emulator.testNumbers.map((t) => `${t.number} ${t.outcome}`).join(", ")}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (/** @type {any} */ e) {
  console.error(`callingbox-emulator: ${e.message}`);
  process.exit(1);
}
