#!/usr/bin/env node
// npx callingbox <resource> <command> [ids] [flags]: every operation of the API from a shell,
// plus `calls create --wait` (follow the call to its end) and `calls create-many --csv` (one
// call per row, safe to run again). `callingbox --help` lists the resources, `callingbox
// <resource> --help` their commands, `callingbox <resource> <command> --help` the flags.
//
// Commands, ids and flags are read from the generated tables (js/operations.js and
// js/cli-commands.js, written by scripts/gen.mjs from api/openapi.yaml): an operation added to
// the description is a command here after `npm run gen`. Exit codes and the choice of output
// are those of the Python SDK's CLI; design notes in docs/cli.md.
import { AuthenticationError, CallingBox, redactSecret } from "./node.js";
import { createMany } from "./batch.js";
import { COMMANDS, VIEWS } from "./cli-commands.js";
import { CsvError, parseCsv } from "./csv.js";
import { OPERATIONS } from "./operations.js";

/** Exit statuses (the Python SDK's CLI uses the same). */
const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3, notFound: 4, badRequest: 5, timeout: 6, network: 7, interrupted: 130 };

/** @typedef {{ name: string, type: "string" | "integer" | "boolean" | "object" | "array" | "list", required?: boolean, enum?: string[], description?: string }} Param */
/** @typedef {{ summary: string, http: string, ids: string[], params: Param[], result?: string }} Command */
/**
 * A flag of a command: how it takes its value ("value": the next argument or `=value`;
 * "switch": none, `--no-x` for false; "list": repeatable, comma-separated), and what it is.
 * @typedef {{ kind: "value" | "switch" | "list", arg: string, help: string, param?: Param }} Flag
 */
/** @typedef {{ flags: Map<string, Flag>, usage: string }} Spec */

/** A mistake in the command line: the message, then the usage of what was being typed. */
class UsageError extends Error {
  /**
   * @param {string} message
   * @param {string} usage
   */
  constructor(message, usage) {
    super(message);
    this.usage = usage;
  }
}

/** A problem with the input (a CSV file) that no request was sent for: exit 5. */
class InputError extends Error {
  /** @override */
  name = "InputError";
  code = "invalid_input";
}

// ---------------------------------------------------------------------------------------
// Output: everything written goes through `write`, which removes the API key.

let secret = "";
/**
 * @param {TerminalStream} stream
 * @param {string} text
 */
function write(stream, text) {
  stream.write(secret ? redactSecret(text, secret) : text);
}
const print = (/** @type {string} */ text) => write(process.stdout, text + "\n");
const note = (/** @type {string} */ text) => write(process.stderr, text + "\n");

const kebab = (/** @type {string} */ s) => s.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()).replaceAll("_", "-");
/**
 * Sets `obj[key]` as a field of its own, whatever the key: a column or JSON key named
 * `__proto__` is data too (a plain assignment would change the object's prototype instead).
 * @param {Record<string, unknown>} obj
 * @param {string} key
 * @param {unknown} value
 */
const setField = (obj, key, value) => Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });

// ---------------------------------------------------------------------------------------
// Commands and their flags

const GLOBAL_FLAGS = [
  ["--api-key KEY", "the API key (default: CALLINGBOX_API_KEY)"],
  ["--base-url URL", "the API's address (default: CALLINGBOX_BASE_URL, else https://api.callingbox.io)"],
  ["--json", "print JSON (the default when stdout is not a terminal)"],
  ["--version", "print the version and exit"],
  ["-h, --help", "help for callingbox, a resource or a command"],
];

const EXIT_HELP = "exit status: 0 done, 1 failed (or a call that did not complete), 2 usage, 3 authentication,\n4 not found, 5 bad request, 6 timeout, 7 network, 130 interrupted (Ctrl-C).";

/** @param {string[][]} rows */
const columns = (rows) => {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
};

function rootUsage() {
  return [
    "usage: callingbox <resource> <command> [ids] [flags]",
    "",
    "The CallingBox API from the command line: every operation, plus `calls create --wait` and",
    "`calls create-many --csv`.",
    "",
    "resources:",
    ...columns(Object.entries(COMMANDS).map(([r, { description }]) => [kebab(r), description])),
    "",
    "flags:",
    ...columns(GLOBAL_FLAGS),
    "",
    "`callingbox <resource> --help` lists its commands.",
    EXIT_HELP,
  ].join("\n");
}

/** The commands of a resource: the API's operations and, for calls, create-many. */
function resourceCommands(/** @type {string} */ resource) {
  const methods = /** @type {Record<string, Command>} */ (COMMANDS[/** @type {keyof typeof COMMANDS} */ (resource)].methods);
  const rows = Object.entries(methods).map(([m, c]) => [[kebab(m), ...c.ids.map((id) => `<${kebab(id)}>`)].join(" "), c.summary]);
  if (resource === "calls") rows.push(["create-many --csv FILE", "Dispatch one call per row of a CSV file"]);
  return rows;
}

function resourceUsage(/** @type {string} */ resource) {
  return [
    `usage: callingbox ${kebab(resource)} <command> [ids] [flags]`,
    "",
    "commands:",
    ...columns(resourceCommands(resource)),
    "",
    `\`callingbox ${kebab(resource)} <command> --help\` lists a command's flags.`,
  ].join("\n");
}

/**
 * How a flag shows its value in the usage.
 * @param {Param} p
 */
function argName(p) {
  if (p.enum) return p.enum.join("|");
  return { string: "TEXT", integer: "N", boolean: "", object: "JSON", array: "JSON", list: "A,B" }[p.type];
}

/**
 * Flags for a command's parameters.
 * @param {Param[]} params
 * @param {Map<string, Flag>} flags
 */
function addParamFlags(params, flags) {
  for (const p of params) {
    const kind = p.type === "boolean" ? "switch" : p.type === "list" ? "list" : "value";
    const help = [p.description, p.required ? "(required)" : ""].filter(Boolean).join(" ");
    flags.set(`--${kebab(p.name)}`, { kind, arg: argName(p), help, param: p });
  }
}

/**
 * The flags and usage of `callingbox <resource> <method>`.
 * @param {string} resource
 * @param {string} method
 * @returns {Spec}
 */
function operationSpec(resource, method) {
  const command = /** @type {Record<string, Command>} */ (COMMANDS[/** @type {keyof typeof COMMANDS} */ (resource)].methods)[method];
  /** @type {Map<string, Flag>} */
  const flags = new Map();
  addParamFlags(command.params, flags);
  if (command.params.length) flags.set("--data", { kind: "value", arg: "JSON|@FILE", help: "the parameters as one JSON object (or a file of it); flags win" });
  if (method === "list") flags.set("--all", { kind: "switch", arg: "", help: "every page, not only the first" });
  if (OPERATIONS[/** @type {keyof typeof OPERATIONS} */ (resource)][method]?.idempotent) {
    flags.set("--idempotency-key", { kind: "value", arg: "KEY", help: "the Idempotency-Key (default: a new one); the same key again never repeats the request's effect" });
  }
  if (resource === "calls" && method === "create") {
    flags.set("--wait", { kind: "switch", arg: "", help: "follow the call until it is over; exit 1 unless it completed" });
    flags.set("--timeout", { kind: "value", arg: "SECONDS", help: "with --wait: give up after this long (exit 6; default 3600)" });
  }
  const ids = command.ids.map((id) => `<${kebab(id)}>`);
  const usage = [
    `usage: callingbox ${kebab(resource)} ${kebab(method)}${ids.map((id) => " " + id).join("")} [flags]`,
    "",
    `${command.summary} (${command.http}).`,
    ...(flags.size ? ["", "flags:", ...columns([...flags].map(([name, f]) => [f.arg ? `${name} ${f.arg}` : name, f.help]))] : []),
  ].join("\n");
  return { flags, usage };
}

const CREATE_PARAMS = /** @type {Param[]} */ (COMMANDS.calls.methods.create.params);

/** @returns {Spec} */
function createManySpec() {
  /** @type {Map<string, Flag>} */
  const flags = new Map([
    ["--csv", { kind: "value", arg: "FILE", help: "the CSV file: a header row, a `to` column, one call per row (required)" }],
    ["--concurrency", { kind: "value", arg: "N", help: "calls being placed at once (default 4)" }],
    ["--rate", { kind: "value", arg: "N", help: "at most N calls placed per second (default: no limit)" }],
    ["--batch-id", { kind: "value", arg: "ID", help: "names the batch in every row's Idempotency-Key (default: callingbox-csv); a new one places every row again" }],
    ["--skip-invalid", { kind: "switch", arg: "", help: "place the valid rows even if some are invalid (default: place none)" }],
    ["--dry-run", { kind: "switch", arg: "", help: "check the rows and show what would be sent; send nothing" }],
  ]);
  // Every other parameter of `calls create` is a default for the rows that leave it empty.
  addParamFlags(CREATE_PARAMS.filter((p) => p.name !== "to").map((p) => ({ ...p, required: false })), flags);
  const usage = [
    "usage: callingbox calls create-many --csv FILE [flags]",
    "",
    "Dispatches one call per row of a CSV file (RFC 4180, UTF-8, a header row).",
    "",
    "columns:",
    `  ${CREATE_PARAMS.map((p) => p.name).join(", ")}`,
    "      that parameter of `calls create` (`context` and `metadata` cells hold JSON objects)",
    "  context.X, metadata.X",
    "      X in the call's context or metadata",
    "  any other",
    "      goes into the call's context under its name",
    "Empty cells are left out; the flags below fill in what a row leaves out. Every row is checked",
    "before anything is sent. Each row's Idempotency-Key is the batch id, a hash of the row's",
    "parameters and a count of the identical rows before it: running the command again (on the",
    "same file, or after fixing or adding rows) places no call twice.",
    "",
    "flags:",
    ...columns([...flags].map(([name, f]) => [f.arg ? `${name} ${f.arg}` : name, f.help])),
  ].join("\n");
  return { flags, usage };
}

/**
 * Reads the command line: global flags anywhere; the resource and command first, then the
 * command's ids and flags.
 * @param {string[]} argv
 */
function parseCommandLine(argv) {
  /** @type {{ json: boolean, help: boolean, version: boolean, apiKey?: string, baseUrl?: string }} */
  const options = { json: false, help: false, version: false };
  /** @type {string[]} */
  const words = [];
  /** @type {{ resource: string, method: string, spec: Spec } | undefined} */
  let command;
  /** @type {Map<string, string | boolean | string[]>} */
  const values = new Map();
  const usage = () => (command ? command.spec.usage : words.length ? resourceUsage(resourceOf(words[0])) : rootUsage());

  const resolve = () => {
    const resource = resourceOf(words[0]);
    const name = words[1];
    if (resource === "calls" && name === "create-many") return { resource, method: "createMany", spec: createManySpec() };
    const method = Object.keys(COMMANDS[/** @type {keyof typeof COMMANDS} */ (resource)].methods).find((m) => kebab(m) === name || m === name);
    if (!method) throw new UsageError(`unknown command ${JSON.stringify(`${kebab(resource)} ${name}`)}`, resourceUsage(resource));
    return { resource, method, spec: operationSpec(resource, method) };
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      words.push(arg);
      if (words.length === 2) command = resolve();
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") ? kebab(eq > 0 ? arg.slice(0, eq) : arg) : eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`, usage());
      return argv[++i];
    };
    if (name === "-h" || name === "--help") options.help = true;
    else if (name === "--json") options.json = true;
    else if (name === "--version") options.version = true;
    else if (name === "--api-key") options.apiKey = value();
    else if (name === "--base-url") options.baseUrl = value();
    else {
      const negated = name.startsWith("--no-") ? command?.spec.flags.get(`--${name.slice(5)}`) : undefined;
      const flag = command?.spec.flags.get(name) ?? (negated?.kind === "switch" ? negated : undefined);
      if (!flag) throw new UsageError(`unknown flag ${name}${command ? "" : " (flags of a command go after it)"}`, usage());
      const key = flag === negated ? `--${name.slice(5)}` : name;
      if (flag.kind === "switch") {
        if (inline !== undefined && inline !== "true" && inline !== "false") throw new UsageError(`${name} takes no value (or =true / =false)`, usage());
        values.set(key, flag !== negated && inline !== "false");
      } else if (flag.kind === "list") {
        const list = values.get(key);
        values.set(key, [...(Array.isArray(list) ? list : []), value()]);
      } else {
        values.set(key, value());
      }
    }
  }
  return { options, words, command, values, usage };
}

/**
 * The resource a word names (`webhook-endpoints` or `webhookEndpoints`).
 * @param {string} word
 */
function resourceOf(word) {
  const resource = Object.keys(COMMANDS).find((r) => kebab(r) === word || r === word);
  if (!resource) throw new UsageError(`unknown resource ${JSON.stringify(word)}`, rootUsage());
  return resource;
}

/**
 * A flag's value as its parameter's type.
 * @param {Param} p
 * @param {string | boolean | string[]} raw
 * @param {string} usage
 */
function paramValue(p, raw, usage) {
  const flag = `--${kebab(p.name)}`;
  if (p.type === "boolean") return raw === true;
  if (p.type === "list") {
    return /** @type {string[]} */ (raw).flatMap((v) => {
      if (!v.trim().startsWith("[")) return v.split(",").map((s) => s.trim()).filter(Boolean);
      const list = parseJson(v, `${flag}`, usage);
      if (!Array.isArray(list) || list.some((s) => typeof s !== "string")) throw new UsageError(`${flag} needs a JSON array of strings or A,B,C`, usage);
      return list;
    });
  }
  const text = /** @type {string} */ (raw);
  if (p.type === "integer") {
    if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} needs a whole number, got ${JSON.stringify(text)}`, usage);
    return Number(text);
  }
  if (p.type === "object" || p.type === "array") {
    const value = parseJson(text, flag, usage);
    const ok = p.type === "array" ? Array.isArray(value) : value !== null && typeof value === "object" && !Array.isArray(value);
    if (!ok) throw new UsageError(`${flag} needs a JSON ${p.type}`, usage);
    return value;
  }
  if (p.enum && !p.enum.includes(text)) throw new UsageError(`${flag} must be one of ${p.enum.join(", ")}, got ${JSON.stringify(text)}`, usage);
  return text;
}

/**
 * @param {string} text
 * @param {string} what
 * @param {string} usage
 * @returns {unknown}
 */
function parseJson(text, what, usage) {
  try {
    return JSON.parse(text);
  } catch (/** @type {any} */ e) {
    throw new UsageError(`${what} is not JSON: ${e.message}`, usage);
  }
}

/**
 * The parameters object of a command: --data first, then each flag.
 * @param {Spec} spec
 * @param {Map<string, string | boolean | string[]>} values
 */
function paramsOf(spec, values) {
  /** @type {Record<string, unknown>} */
  let params = {};
  const data = values.get("--data");
  if (typeof data === "string") {
    const text = data.startsWith("@") ? readText(data.slice(1)) : data;
    const parsed = parseJson(text, "--data", spec.usage);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError("--data needs a JSON object", spec.usage);
    params = /** @type {Record<string, unknown>} */ (parsed);
  }
  for (const [name, flag] of spec.flags) {
    const raw = values.get(name);
    if (flag.param && raw !== undefined) params[flag.param.name] = paramValue(flag.param, raw, spec.usage);
  }
  return params;
}

/** @param {string} path */
function readText(path) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(process.getBuiltinModule("node:fs").readFileSync(path));
  } catch (/** @type {any} */ e) {
    throw new InputError(e instanceof TypeError ? `${path} is not UTF-8 text` : `cannot read ${path}: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Human-readable output

/**
 * A value as text for the terminal. Control characters a server sent (escape sequences that
 * would retitle the window, clear the screen or write the clipboard) are shown escaped, never
 * sent to the terminal; only line breaks stay.
 * @param {unknown} v
 */
function cell(v) {
  if (v === null || v === undefined) return "-";
  const text = Array.isArray(v) && v.length && v.every((x) => typeof x !== "object") ? v.join(",")
    : typeof v === "object" ? JSON.stringify(v) : String(v);
  return text.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * @param {Record<string, unknown>[]} items
 * @param {string | undefined} resource
 * @param {string} indent
 */
function table(items, resource, indent = "") {
  if (!items.length) return `${indent}(none)`;
  const view = /** @type {{ columns?: string[] } | undefined} */ (resource ? VIEWS[/** @type {keyof typeof VIEWS} */ (resource)] : undefined);
  const cols = view?.columns ?? Object.keys(items[0]).filter((k) => typeof items[0][k] !== "object");
  const rows = [cols, ...items.map((item) => cols.map((c) => cell(item[c]).replace(/\s+/g, " ")))];
  const width = cols.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => indent + r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(width[i]))).join("  ")).join("\n");
}

/**
 * One object: a line per field; arrays of objects the description names become tables.
 * @param {Record<string, unknown>} obj
 * @param {string | undefined} resource
 */
function record(obj, resource) {
  const tables = /** @type {{ tables?: Record<string, string> } | undefined} */ (resource ? VIEWS[/** @type {keyof typeof VIEWS} */ (resource)] : undefined)?.tables ?? {};
  const width = Math.max(0, ...Object.keys(obj).map((k) => k.length));
  return Object.entries(obj)
    .map(([k, v]) => {
      if (Array.isArray(v) && tables[k]) return `${k}:\n${table(/** @type {Record<string, unknown>[]} */ (v), tables[k], "  ")}`;
      return `${k.padEnd(width)}  ${cell(v).replace(/\n/g, "\n" + " ".repeat(width + 2))}`;
    })
    .join("\n");
}

/**
 * @param {unknown} value
 * @param {string | undefined} resource
 */
function human(value, resource) {
  if (Array.isArray(value)) return table(value, resource);
  if (value !== null && typeof value === "object") {
    const page = /** @type {{ data?: unknown, has_more?: unknown }} */ (value);
    if (Array.isArray(page.data)) {
      const more = page.has_more === true && page.data.length ? `\n(more: --starting-after ${cell(page.data[page.data.length - 1].id)}, or --all)` : "";
      return table(page.data, resource) + more;
    }
    return record(/** @type {Record<string, unknown>} */ (value), resource);
  }
  return cell(value);
}

/**
 * A line rewritten in place on a terminal; elsewhere each new text is a line of its own.
 * @param {TerminalStream} stream
 */
function liveLine(stream) {
  const tty = stream.isTTY === true;
  let shown = "";
  return {
    /** @param {string} text */
    show(text) {
      if (text === shown) return;
      if (tty) write(stream, `\r\x1b[2K${text}`);
      else write(stream, text + "\n");
      shown = text;
    },
    /** Leaves the last text on its own line (a terminal) and starts afresh. */
    end() {
      if (tty && shown) write(stream, "\n");
      shown = "";
    },
    /** Removes the line (a terminal) so that something else can be printed. */
    clear() {
      if (tty && shown) write(stream, "\r\x1b[2K");
      shown = "";
    },
    tty,
  };
}

const seconds = (/** @type {number} */ ms) => (ms < 60_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

// ---------------------------------------------------------------------------------------
// Errors → messages and exit statuses

/** @param {any} err */
function exitStatus(err) {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof InputError) return EXIT.badRequest;
  switch (err?.code) {
    case "authentication_error":
    case "permission_denied":
      return EXIT.auth;
    case "not_found":
      return EXIT.notFound;
    case "bad_request":
    case "unprocessable_entity":
    case "validation_error":
    case "invalid_phone_number":
      return EXIT.badRequest;
    case "timeout":
    case "wait_timeout":
      return EXIT.timeout;
    case "connection_error":
    case "outcome_unknown":
      return EXIT.network;
    case "aborted":
      return EXIT.interrupted;
    default:
      return EXIT.failed;
  }
}

/** @param {any} err */
function describe(err) {
  /** @type {Record<string, unknown>} */
  const out = { name: err?.name ?? "Error", code: err?.code ?? "error", message: String(err?.message ?? err) };
  if (err?.status !== undefined) out.status = err.status;
  if (err?.requestId !== undefined) out.request_id = err.requestId;
  if (err?.idempotencyKey !== undefined) out.idempotency_key = err.idempotencyKey;
  return out;
}

/**
 * Prints a failure on stderr (JSON in JSON mode) and sets the exit status.
 * @param {any} err
 * @param {boolean} json
 */
function fail(err, json) {
  const status = exitStatus(err);
  if (err instanceof UsageError) {
    note(`callingbox: ${err.message}\n\n${err.usage}`);
  } else if (json) {
    note(JSON.stringify({ error: describe(err) }));
  } else {
    const d = describe(err);
    const details = [d.status !== undefined && `status ${d.status}`, d.request_id !== undefined && `request id ${d.request_id}`].filter(Boolean).join(", ");
    note(`callingbox: ${d.message}${details ? ` (${details})` : ""}`);
    if ((err?.code === "outcome_unknown" || err?.code === "aborted") && err.idempotencyKey) {
      note(`The request may have reached the API: the same command with --idempotency-key ${err.idempotencyKey} returns its outcome and never repeats it.`);
    }
  }
  process.exitCode = status;
}

// ---------------------------------------------------------------------------------------
// Running a command

/**
 * @param {{ apiKey?: string, baseUrl?: string }} options
 */
function makeClient(options) {
  // The key and the base URL: each flag wins over its environment variable (the package reads them).
  const env = process.env;
  try {
    return CallingBox.fromEnv({
      CALLINGBOX_API_KEY: options.apiKey ?? env["CALLINGBOX_API_KEY"],
      CALLINGBOX_BASE_URL: options.baseUrl ?? env["CALLINGBOX_BASE_URL"],
    });
  } catch (/** @type {any} */ e) {
    if (e?.code === "validation_error" && e.field === "apiKey") {
      const missing = !(options.apiKey ?? env["CALLINGBOX_API_KEY"]);
      throw new AuthenticationError(missing ? "no API key: pass --api-key or set CALLINGBOX_API_KEY" : e.message);
    }
    throw new UsageError(e.message, rootUsage());
  }
}

/**
 * The client's methods for a resource (`client.calls`), by name.
 * @param {CallingBox} client
 * @param {string} resource
 * @returns {Record<string, (...args: unknown[]) => any>}
 */
const namespace = (client, resource) => /** @type {any} */ (client)[resource];

/**
 * `callingbox <resource> <method> ...`: one call of the client.
 * @param {CallingBox} client
 * @param {string} resource
 * @param {string} method
 * @param {string[]} ids
 * @param {Map<string, string | boolean | string[]>} values
 * @param {Spec} spec
 * @param {{ json: boolean, signal: AbortSignal }} run
 */
async function runOperation(client, resource, method, ids, values, spec, run) {
  const command = /** @type {Record<string, Command>} */ (COMMANDS[/** @type {keyof typeof COMMANDS} */ (resource)].methods)[method];
  if (ids.length !== command.ids.length) {
    const wanted = command.ids.map((id) => `<${kebab(id)}>`).join(" ") || "no ids";
    throw new UsageError(`${kebab(resource)} ${kebab(method)} takes ${wanted}, got ${ids.length ? ids.map((id) => JSON.stringify(id)).join(" ") : "none"}`, spec.usage);
  }
  const params = paramsOf(spec, values);
  for (const p of command.params) {
    if (p.required && params[p.name] === undefined) throw new UsageError(`${kebab(resource)} ${kebab(method)} needs --${kebab(p.name)} (or "${p.name}" in --data)`, spec.usage);
  }
  const key = values.get("--idempotency-key");
  /** @type {{ signal: AbortSignal, idempotencyKey?: string }} */
  const options = { signal: run.signal, ...(typeof key === "string" && { idempotencyKey: key }) };
  const ns = namespace(client, resource);
  const takesParams = OPERATIONS[/** @type {keyof typeof OPERATIONS} */ (resource)][method]?.params === true;
  const args = [...ids, ...(takesParams ? [params] : []), options];

  if (values.has("--timeout") && values.get("--wait") !== true) throw new UsageError("--timeout goes with --wait", spec.usage);
  if (values.get("--wait") === true) return waitForCall(client, params, values, spec, run, options);

  /** @type {unknown} */
  let result;
  if (method === "list" && values.get("--all") === true) {
    const data = [];
    for await (const item of ns[method](...args)) data.push(item);
    result = { data, has_more: false };
  } else {
    result = await ns[method](...args);
  }
  print(run.json ? JSON.stringify(result, null, 2) : human(result, command.result));
  return EXIT.ok;
}

/**
 * `calls create --wait`: creates the call and follows it to its end, with a status line on
 * stderr. Exits 0 only for a completed call.
 * @param {CallingBox} client
 * @param {Record<string, unknown>} params
 * @param {Map<string, string | boolean | string[]>} values
 * @param {Spec} spec
 * @param {{ json: boolean, signal: AbortSignal }} run
 * @param {{ signal: AbortSignal, idempotencyKey?: string }} options
 */
async function waitForCall(client, params, values, spec, run, options) {
  const timeoutFlag = values.get("--timeout");
  let timeout;
  if (typeof timeoutFlag === "string") {
    const s = Number(timeoutFlag);
    if (!timeoutFlag.trim() || !Number.isFinite(s) || s <= 0) throw new UsageError(`--timeout needs a number of seconds, got ${JSON.stringify(timeoutFlag)}`, spec.usage);
    timeout = Math.round(s * 1000);
  }
  const line = liveLine(process.stderr);
  const started = Date.now();
  /** @type {{ id?: unknown, status?: unknown } | undefined} */
  let last;
  const render = () => last && line.show(`call ${cell(last.id)}: ${cell(last.status)}${line.tty ? ` (${seconds(Date.now() - started)})` : ""}`);
  const ticker = line.tty ? setInterval(render, 1000) : undefined;
  try {
    const call = await namespace(client, "calls").createAndWait(params, {
      ...options,
      ...(timeout !== undefined && { timeout }),
      onStatus: (/** @type {{ id?: unknown, status?: unknown }} */ c) => {
        last = c;
        render();
      },
    });
    last = call;
    render();
    line.end();
    print(run.json ? JSON.stringify(call, null, 2) : human(call, "Call"));
    return call.status === "completed" ? EXIT.ok : EXIT.failed;
  } catch (err) {
    line.end();
    throw err;
  } finally {
    clearInterval(ticker);
  }
}

// ---------------------------------------------------------------------------------------
// calls create-many

/**
 * A row of the CSV as `calls create` params, or why it cannot be one.
 * @typedef {{ row: number, line: number, params: import("./index.js").CallCreateParams }} CsvRow
 * @typedef {{ row: number, line: number, reason: string }} InvalidRow
 */

/**
 * Turns the records of a CSV into `calls create` params (see createManySpec's usage).
 * @param {{ fields: string[], line: number }[]} records
 * @param {Record<string, unknown>} defaults
 * @param {(params: Record<string, unknown>) => import("./index.js").CallCreateParams} check throws why a row cannot be sent
 * @returns {{ rows: CsvRow[], invalid: InvalidRow[] }}
 */
function rowsOf(records, defaults, check) {
  const [head, ...body] = records;
  if (!head) throw new InputError("the CSV is empty: it needs a header row with a `to` column, then one row per call");
  const names = head.fields.map((f) => f.trim());
  names.forEach((n, i) => {
    if (!n) throw new InputError(`line ${head.line}: column ${i + 1} of the header has no name`);
    if (names.indexOf(n) !== i) throw new InputError(`line ${head.line}: the header names ${JSON.stringify(n)} twice`);
  });
  if (!names.includes("to")) throw new InputError(`line ${head.line}: the header has no \`to\` column (the number to call); it has ${names.join(", ")}`);
  const byName = new Map(CREATE_PARAMS.map((p) => [p.name, p]));
  /** @type {CsvRow[]} */
  const rows = [];
  /** @type {InvalidRow[]} */
  const invalid = [];
  body.forEach(({ fields, line }, i) => {
    const row = i + 1;
    const bad = (/** @type {string} */ reason) => invalid.push({ row, line, reason });
    if (fields.length !== names.length) return bad(`${fields.length} fields, the header has ${names.length}`);
    /** @type {Record<string, unknown>} */
    const params = structuredClone(defaults);
    /** @type {Record<string, Record<string, unknown>>} */
    const nested = { context: {}, metadata: {} };
    for (let c = 0; c < names.length; c++) {
      const name = names[c];
      const value = fields[c];
      if (value === "") continue;
      const param = byName.get(name);
      const dot = /^(context|metadata)\.(.+)$/.exec(name);
      if (param?.type === "object") {
        let parsed;
        try {
          parsed = JSON.parse(value);
        } catch {
          return bad(`${name} is not JSON`);
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return bad(`${name} must be a JSON object`);
        for (const [k, v] of Object.entries(parsed)) setField(nested[name], k, v);
      } else if (param) {
        params[name] = value;
      } else if (dot) {
        setField(nested[dot[1]], dot[2], value);
      } else {
        setField(nested.context, name, value);
      }
    }
    for (const [name, values] of Object.entries(nested)) {
      if (Object.keys(values).length) {
        /** @type {Record<string, unknown>} */
        const merged = {};
        for (const [k, v] of [...Object.entries(params[name] ?? {}), ...Object.entries(values)]) setField(merged, k, v);
        params[name] = merged;
      }
    }
    if (params.to === undefined) return bad("no number in `to`");
    if (params.agent_id === undefined) return bad("no agent_id: add an agent_id column or pass --agent-id");
    // The client's own check of calls.create (phone numbers and all), and the params as it
    // would send them: "+1 555 123 4567" and "+15551234567" are the same row, with the same key.
    let checked;
    try {
      checked = check(params);
    } catch (/** @type {any} */ e) {
      return bad(e.message);
    }
    rows.push({ row, line, params: checked });
  });
  return { rows, invalid };
}

/**
 * JSON with object keys sorted, so that equal params give equal text.
 * @param {unknown} value
 * @returns {string}
 */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = /** @type {Record<string, unknown>} */ (value);
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Each row's Idempotency-Key: the batch id, a hash of the row's params and how many rows
 * before it have the same params. Running the same rows again (the same command, or the file
 * after fixing or adding rows) sends the same keys for the rows already placed, so the API
 * answers them with the calls it placed then.
 * @param {CsvRow[]} rows
 * @param {string} batchId
 */
async function rowKeys(rows, batchId) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  const keys = [];
  for (const { params } of rows) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical(params))));
    const hash = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const n = seen.get(hash) ?? 0;
    seen.set(hash, n + 1);
    keys.push(`${batchId}-${hash}-${n}`);
  }
  return keys;
}

/**
 * A progress bar on a terminal; elsewhere a line at most every 2 s, and the last one.
 * @param {TerminalStream} stream
 */
function progressView(stream) {
  const line = liveLine(stream);
  let lastLine = 0;
  /** @param {{ total: number, done: number, placed: number, failed: number, inFlight: number }} p */
  const text = (p) => {
    const counts = `${p.done}/${p.total} done, ${p.placed} placed, ${p.failed} failed, ${p.inFlight} in flight`;
    if (!line.tty) return `progress: ${counts}`;
    const width = 24;
    const filled = p.total ? Math.round((p.done / p.total) * width) : width;
    return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${counts}`;
  };
  return {
    /** @param {{ total: number, done: number, placed: number, failed: number, inFlight: number }} p */
    update(p, final = false) {
      const now = Date.now();
      if (!line.tty && !final && now - lastLine < 2000) return;
      lastLine = now;
      line.show(text(p));
      if (!line.tty) line.clear(); // a line each time, even when nothing changed
    },
    /** Prints a message above the bar. */
    /** @param {string} message */
    message(message) {
      line.clear();
      note(message);
    },
    end: () => line.end(),
  };
}

/**
 * `calls create-many --csv FILE`.
 * @param {string[]} ids
 * @param {Map<string, string | boolean | string[]>} values
 * @param {Spec} spec
 * @param {{ json: boolean, signal: AbortSignal }} run
 * @param {() => CallingBox} connect makes the client
 */
async function runCreateMany(ids, values, spec, run, connect) {
  if (ids.length) throw new UsageError(`calls create-many takes no ids, got ${ids.map((id) => JSON.stringify(id)).join(" ")}`, spec.usage);
  const file = values.get("--csv");
  if (typeof file !== "string") throw new UsageError("calls create-many needs --csv FILE", spec.usage);
  const concurrency = positive(values.get("--concurrency"), "--concurrency", spec.usage, true) ?? 4;
  const rate = positive(values.get("--rate"), "--rate", spec.usage, false);
  const batchFlag = values.get("--batch-id");
  const batchId = typeof batchFlag === "string" ? batchFlag : "callingbox-csv";
  if (!/^[\x21-\x7e]{1,180}$/.test(batchId)) throw new UsageError("--batch-id must be 1-180 visible ASCII characters (it starts every row's Idempotency-Key)", spec.usage);

  let records;
  try {
    records = parseCsv(readText(file));
  } catch (e) {
    if (e instanceof CsvError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
  const client = connect();
  const { rows, invalid } = rowsOf(records, paramsOf(spec, values), (params) => namespace(client, "calls").checkCreate(params));
  for (const bad of invalid) note(`row ${bad.row} (line ${bad.line}): ${bad.reason}`);
  const keys = await rowKeys(rows, batchId);
  if (values.get("--dry-run") === true) {
    const plan = rows.map((r, i) => ({ row: r.row, line: r.line, idempotency_key: keys[i], params: r.params }));
    if (run.json) print(JSON.stringify({ batch_id: batchId, rows: plan, invalid }, null, 2));
    else for (const p of plan) print(`row ${p.row} (line ${p.line}): ${JSON.stringify(p.params)}  key ${p.idempotency_key}`);
    note(`${rows.length} rows to place, ${invalid.length} invalid; nothing sent (--dry-run)`);
    return invalid.length ? EXIT.badRequest : EXIT.ok;
  }
  if (invalid.length && values.get("--skip-invalid") !== true) {
    note(`${invalid.length} of ${rows.length + invalid.length} rows are invalid: nothing was sent. Fix them, or pass --skip-invalid to place the others.`);
    return EXIT.badRequest;
  }

  const progress = progressView(process.stderr);
  let batch;
  try {
    // `client` is typed from the JavaScript source; createMany's declaration names the public type.
    const publicClient = /** @type {import("./index.js").CallingBox} */ (/** @type {unknown} */ (client));
    batch = createMany(publicClient, rows.map((r) => r.params), {
      idempotencyKey: (/** @type {unknown} */ _row, /** @type {number} */ index) => keys[index],
      concurrency,
      ...(rate !== undefined && { ratePerSecond: rate }),
      signal: run.signal,
      onProgress: (/** @type {any} */ p) => progress.update(p),
    });
  } catch (/** @type {any} */ e) {
    // Its options are checked at once (a --concurrency above its maximum, say): a usage mistake.
    if (e?.code === "validation_error") throw new UsageError(e.message, spec.usage);
    throw e;
  }
  const calls = [];
  const errors = [];
  let replayed = 0;
  for await (const result of batch) {
    const { row, line } = rows[result.index];
    if (result.error) {
      const d = describe(result.error);
      errors.push({ row, line, ...d });
      progress.message(`row ${row} (line ${line}): ${d.message}`);
    } else {
      const call = /** @type {import("./index.js").WithResponse<import("./index.js").Call>} */ (result.call);
      // The API answered with the call an earlier run placed under this row's key.
      const again = call.lastResponse.headers["idempotent-replayed"] === "true";
      if (again) replayed++;
      calls.push({ row, line, id: call.id, status: call.status, ...(again && { placed_before: true }) });
    }
  }
  const summary = await batch.done();
  progress.update({ total: summary.total, done: calls.length + errors.length, placed: summary.placed, failed: summary.failed + summary.invalid, inFlight: 0 }, true);
  progress.end();
  const interrupted = run.signal.aborted;
  if (run.json) {
    print(JSON.stringify({ batch_id: batchId, total: rows.length + invalid.length, placed: summary.placed, placed_before: replayed, failed: summary.failed + summary.invalid, invalid: invalid.length, duration_ms: summary.durationMs, interrupted, calls, errors }, null, 2));
  } else {
    const before = replayed ? ` (${replayed} of them by an earlier run)` : "";
    print(`${summary.placed} of ${rows.length + invalid.length} calls placed${before}, ${summary.failed + summary.invalid} failed, ${invalid.length} invalid, in ${seconds(summary.durationMs)}; batch ${batchId}${interrupted ? "; interrupted" : ""}`);
  }
  if (interrupted) return EXIT.interrupted;
  return errors.length || invalid.length ? EXIT.failed : EXIT.ok;
}

/**
 * @param {string | boolean | string[] | undefined} raw
 * @param {string} flag
 * @param {string} usage
 * @param {boolean} whole
 */
function positive(raw, flag, usage, whole) {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !raw.trim() || !Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n))) {
    throw new UsageError(`${flag} needs a ${whole ? "whole " : ""}number greater than 0, got ${JSON.stringify(raw)}`, usage);
  }
  return n;
}

// ---------------------------------------------------------------------------------------

function version() {
  try {
    const manifest = process.getBuiltinModule("node:fs").readFileSync(new URL("./package.json", import.meta.url));
    return JSON.parse(new TextDecoder().decode(manifest)).version;
  } catch {
    return "unknown";
  }
}

async function main() {
  const argv = process.argv.slice(2);
  let json = argv.includes("--json") || process.stdout.isTTY !== true;
  const controller = new AbortController();
  // Ctrl-C: stop what is in flight (a batch prints its summary); a second one exits at once.
  process.on("SIGINT", () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  });
  // Known before anything is printed, and trimmed as the client trims the key it sends.
  secret = (process.env["CALLINGBOX_API_KEY"] ?? "").trim();
  try {
    const { options, words, command, values, usage } = parseCommandLine(argv);
    secret = (options.apiKey ?? process.env["CALLINGBOX_API_KEY"] ?? "").trim();
    json = options.json || process.stdout.isTTY !== true;
    if (options.version) return void print(version());
    if (options.help) return void print(usage());
    if (!command) throw new UsageError(words.length ? `${kebab(resourceOf(words[0]))}: which command?` : "which resource?", usage());
    const run = { json, signal: controller.signal };
    const ids = words.slice(2);
    process.exitCode =
      command.method === "createMany"
        ? await runCreateMany(ids, values, command.spec, run, () => makeClient(options))
        : await runOperation(makeClient(options), command.resource, command.method, ids, values, command.spec, run);
  } catch (err) {
    fail(err, json);
  }
}

await main();
