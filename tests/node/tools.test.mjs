// callingbox/tools (imported by name through the consumer install): what the builders write,
// every check they make before any I/O, the limits taken from the API description, and the
// emulator holding the builders to its verdict: for generated tool specs, the builder accepts
// exactly when the emulator's POST /v1/agents accepts the resulting `tools`.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { parse } from "yaml";
import { pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const { tool, tools, ValidationError, CallingBoxError } = await import(new URL("../../target/consumer/tools.mjs", import.meta.url).href);
const spec = parse(readFileSync(new URL("../../api/openapi.yaml", import.meta.url), "utf8"));
const schemas = spec.components.schemas;

const NO_PARAMETERS = { type: "object", properties: {}, required: [], additionalProperties: false };
const URL_OK = "https://api.example.com/callingbox/check-availability";

/** Runs `work`, which must throw a ValidationError naming `field`; returns the error. */
function refused(work, field, message) {
  let err;
  assert.throws(work, (e) => ((err = e), true));
  assert.ok(err instanceof ValidationError, `${err?.name}: ${err?.message}`);
  assert.ok(err instanceof pkg.ValidationError, "instanceof the main entry's ValidationError too");
  assert.ok(err instanceof CallingBoxError && err instanceof pkg.CallingBoxError);
  assert.equal(err.code, "validation_error");
  assert.equal(err.field, field, err.message);
  if (message) assert.match(err.message, message);
  return err;
}

describe("tool.http / tool.builtin: the wire objects", () => {
  test("an HTTP tool, in the wire's field order, with the defaults of the Python SDK", () => {
    const built = tool.http({
      name: "check_availability",
      description: "Look up open appointment slots for a given date.",
      url: URL_OK,
      parameters: tool.object({ date: tool.string("Date in YYYY-MM-DD format") }, { required: ["date"] }),
    });
    assert.equal(
      JSON.stringify(built),
      '{"type":"http","name":"check_availability","description":"Look up open appointment slots for a given date.","policy":"read",' +
        `"url":"${URL_OK}","parameters":{"type":"object","properties":{"date":{"type":"string","description":"Date in YYYY-MM-DD format"}},"required":["date"],"additionalProperties":false}}`,
    );
    const full = tool.http({ name: "book", description: "", url: URL_OK, policy: "confirm_first_write", headers: { "X-Key": "k" }, timeoutMs: 5000 });
    assert.deepEqual(Object.keys(full), ["type", "name", "description", "policy", "url", "parameters", "headers", "timeout_ms"]);
    assert.deepEqual(full.parameters, NO_PARAMETERS);
    assert.equal(full.policy, "confirm_first_write");
    assert.equal(full.timeout_ms, 5000);
    assert.equal(tool.http({ name: "b", description: "", url: URL_OK, timeout_ms: 7 }).timeout_ms, 7, "the wire name works too");
  });

  test("a builtin tool: builtin defaults to the name; parameters to the empty object schema", () => {
    assert.equal(
      JSON.stringify(tool.builtin({ name: "end_call", description: "Politely hang up." })),
      '{"type":"builtin","name":"end_call","description":"Politely hang up.","policy":"read","builtin":"end_call","parameters":' + JSON.stringify(NO_PARAMETERS) + "}",
    );
    const custom = tool.builtin({ name: "hang_up", builtin: "end_call", description: "", config: { goodbye: "Bye" } });
    assert.deepEqual(Object.keys(custom), ["type", "name", "description", "policy", "builtin", "parameters", "config"]);
    assert.equal(custom.builtin, "end_call");
  });

  test("the result is a JSON-ready copy: changing the input later does not reach it", () => {
    const parameters = tool.object({ q: tool.string() });
    const headers = { "X-Key": "k" };
    const built = tool.http({ name: "a", description: "", url: URL_OK, parameters, headers });
    parameters.properties.q.type = "number";
    headers["X-Key"] = "changed";
    assert.equal(built.parameters.properties.q.type, "string");
    assert.equal(built.headers["X-Key"], "k");
    assert.deepEqual(JSON.parse(JSON.stringify(built)), built);
    const config = { a: undefined, b: [1, "x", null, { c: true }] };
    assert.deepEqual(tool.builtin({ name: "end_call", description: "", config }).config, { b: [1, "x", null, { c: true }] });
  });
});

describe("JSON Schema helpers", () => {
  test("leaves: the description first, constraints as options", () => {
    assert.deepEqual(tool.string("Date"), { type: "string", description: "Date" });
    assert.deepEqual(tool.string(), { type: "string" });
    assert.deepEqual(tool.string("Code", { minLength: 2, maxLength: 4, pattern: "^[A-Z]+$", format: "iata" }), {
      type: "string", description: "Code", minLength: 2, maxLength: 4, pattern: "^[A-Z]+$", format: "iata",
    });
    assert.deepEqual(tool.number("Price", { minimum: 0, exclusiveMaximum: 100.5 }), { type: "number", description: "Price", minimum: 0, exclusiveMaximum: 100.5 });
    assert.deepEqual(tool.integer("Party", { minimum: 1, maximum: 12 }), { type: "integer", description: "Party", minimum: 1, maximum: 12 });
    assert.deepEqual(tool.boolean("Confirmed"), { type: "boolean", description: "Confirmed" });
  });

  test("enum: the type follows the values; nullable adds null to both", () => {
    assert.deepEqual(tool.enum(["indoor", "outdoor"], "Where"), { type: "string", description: "Where", enum: ["indoor", "outdoor"] });
    assert.deepEqual(tool.enum([1, 2]), { type: "integer", enum: [1, 2] });
    assert.deepEqual(tool.enum([0.5, 1]), { type: "number", enum: [0.5, 1] });
    assert.deepEqual(tool.enum(["a"], undefined, { nullable: true }), { type: ["string", "null"], enum: ["a", null] });
  });

  test("array and object; a nullable leaf is [type, null] and not required", () => {
    assert.deepEqual(tool.array(tool.string(), { description: "Tags", minItems: 1, maxItems: 3 }), {
      type: "array", description: "Tags", items: { type: "string" }, minItems: 1, maxItems: 3,
    });
    assert.deepEqual(tool.string("Notes", { nullable: true }), { type: ["string", "null"], description: "Notes" });
    assert.deepEqual(tool.object({ date: tool.string(), notes: tool.string(undefined, { nullable: true }) }), {
      type: "object", properties: { date: { type: "string" }, notes: { type: ["string", "null"] } }, required: ["date"], additionalProperties: false,
    });
    assert.deepEqual(tool.object({ a: tool.string(), b: tool.integer() }, { required: ["b"], description: "Args" }).required, ["b"]);
    assert.deepEqual(tool.object({}), NO_PARAMETERS, "the empty object schema of the wire format");
    assert.deepEqual(tool.object({ a: tool.boolean() }, { nullable: true }).type, ["object", "null"]);
    assert.deepEqual(tool.object({ raw: { type: "string", enum: ["x"] } }).properties.raw, { type: "string", enum: ["x"] }, "JSON Schema by hand");
  });

  test("property: an object requires exactly its properties that are not nullable, unless told", () => {
    const leaf = fc.tuple(fc.constantFrom(tool.string, tool.number, tool.integer, tool.boolean), fc.boolean()).map(([f, nullable]) => f(undefined, { nullable }));
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), leaf, { maxKeys: 6 }), (props) => {
      const schema = tool.object(props);
      assert.deepEqual(schema.required, Object.keys(props).filter((k) => !Array.isArray(props[k].type)));
      assert.deepEqual(Object.keys(schema.properties), Object.keys(props));
      assert.deepEqual(tool.object(props, { required: Object.keys(props) }).required, Object.keys(props));
    }));
  });
});

describe("every check, before any I/O, as a ValidationError naming the field", () => {
  const http = (extra) => () => tool.http({ name: "a", description: "d", url: URL_OK, ...extra });
  const builtin = (extra) => () => tool.builtin({ name: "end_call", description: "d", ...extra });
  const cases = [
    ["tool.http(not an object)", () => tool.http("lookup"), "options", /must be an object/],
    ["an unknown option", http({ timeout: 5000 }), "timeout", /not an option of tool\.http/],
    ["type is the builder's to write", http({ type: "builtin" }), "type", /not an option of tool\.http/],
    ["name missing", () => tool.http({ description: "", url: URL_OK }), "name", /is required/],
    ["blank name", http({ name: " \u3000\u0085" }), "name", /not blank/],
    ["name not a string", http({ name: 7 }), "name", /must be a string that is not blank, got a number/],
    ["name too long", http({ name: "x".repeat(10_001) }), "name", /at most 10000 characters/],
    ["description missing", () => tool.http({ name: "a", url: URL_OK }), "description", /is required/],
    ["description too long (in code points)", http({ description: "😀".repeat(10_001) }), "description", /at most 10000/],
    ["url missing", () => tool.http({ name: "a", description: "" }), "url", /is required/],
    ["url not http(s)", http({ url: "ftp://files.example.com/x" }), "url", /http:\/\/ or https:\/\//],
    ["url with a space", http({ url: "https://a.example/x y" }), "url", /without spaces/],
    ["url without a host", http({ url: "https:///path" }), "url", /with a host/],
    ["url too long", http({ url: `https://a.example/${"x".repeat(2048)}` }), "url", /at most 2048/],
    ["policy not an enum value", http({ policy: "write" }), "policy", /one of "read", "confirm_first_write", got "write"/],
    ["policy null", http({ policy: null }), "policy", /got null/],
    ["timeoutMs 0", http({ timeoutMs: 0 }), "timeoutMs", /from 1 to 600000, got 0/],
    ["timeout_ms above the range", http({ timeout_ms: 600_001 }), "timeout_ms", /from 1 to 600000/],
    ["timeoutMs not whole", http({ timeoutMs: 1.5 }), "timeoutMs", /whole number/],
    ["timeoutMs a string", http({ timeoutMs: "5000" }), "timeoutMs", /got a string/],
    ["both timeout names", http({ timeoutMs: 1, timeout_ms: 1 }), "timeoutMs", /same option/],
    ["headers not an object", http({ headers: [["X-Key", "k"]] }), "headers", /plain object, got an array/],
    ["a header value not a string", http({ headers: { "X-Retry": 1 } }), "headers.X-Retry", /must be a string/],
    ["a header value too long", http({ headers: { "X-Key": "k".repeat(10_001) } }), "headers.X-Key", /at most 10000/],
    ["parameters not an object", http({ parameters: "none" }), "parameters", /plain object/],
    ["parameters not JSON", http({ parameters: { type: "object", default: new Date(0) } }), "parameters.default", /JSON data.*a Date/],
    ["parameters with NaN", http({ parameters: { maximum: NaN } }), "parameters.maximum", /finite number/],
    ["builtin blank", builtin({ builtin: "" }), "builtin", /not blank/],
    ["config not an object", builtin({ config: "x" }), "config", /plain object/],
    ["an option of the other kind", builtin({ url: URL_OK }), "url", /not an option of tool\.builtin/],
    ["tool.string(options)", () => tool.string({ nullable: true }), "description", /options come second/],
    ["an unknown schema option", () => tool.string("d", { enum: ["a"] }), "enum", /not an option of tool\.string/],
    ["nullable not a boolean", () => tool.integer("d", { nullable: "yes" }), "nullable", /true or false/],
    ["minLength > maxLength", () => tool.string("d", { minLength: 5, maxLength: 2 }), "minLength", /greater than maxLength/],
    ["a negative maxItems", () => tool.array(tool.string(), { maxItems: -1 }), "maxItems", /whole number >= 0/],
    ["minimum not finite", () => tool.number("d", { minimum: Infinity }), "minimum", /finite number/],
    ["a pattern that is not a regex", () => tool.string("d", { pattern: "(" }), "pattern", /regular expression/],
    ["array items not a schema", () => tool.array("string"), "items", /must be a schema/],
    ["enum empty", () => tool.enum([]), "values", /non-empty/],
    ["enum of mixed types", () => tool.enum(["a", 1]), "values", /all strings or all numbers/],
    ["enum repeats", () => tool.enum(["a", "b", "a"]), "values[2]", /repeats "a"/],
    ["object properties not an object", () => tool.object("date"), "properties", /object of schemas/],
    ["a property that is not a schema", () => tool.object({ date: "string" }), "properties.date", /must be a schema/],
    ["required names an unknown property", () => tool.object({ a: tool.string() }, { required: ["b"] }), "required[0]", /must name a property/],
    ["required repeats", () => tool.object({ a: tool.string() }, { required: ["a", "a"] }), "required[1]", /repeats/],
    ["a cycle", () => { const o = { type: "object" }; o.self = o; return tool.http({ name: "a", description: "", url: URL_OK, parameters: o }); }, "parameters.self", /cycle/],
  ];
  for (const [label, work, field, message] of cases) test(label, () => refused(work, field, message));

  test("a URL or header value is never repeated in a message (they may carry secrets)", () => {
    const secret = "sk_live_secret_value_123";
    assert.doesNotMatch(refused(http({ url: `https://user:${secret}@a.example/ x` }), "url").message, new RegExp(secret));
    const listed = { type: "http", name: "a", description: "", policy: "read", url: `https://a.example/?key=${secret} ` };
    assert.doesNotMatch(refused(() => tools([listed]), "tools[0].url").message, new RegExp(secret));
    assert.doesNotMatch(refused(http({ headers: { Authorization: `Bearer ${secret}`.repeat(900) } }), "headers.Authorization").message, new RegExp(secret));
  });
});

describe("tools(list)", () => {
  const named = (name) => tool.builtin({ name, builtin: "end_call", description: "" });
  test("accepts up to the description's maxItems, each name once; returns a copy", () => {
    assert.equal(schemas.Tools.maxItems, 16);
    const list = Array.from({ length: schemas.Tools.maxItems }, (_, i) => named(`t${i}`));
    const checked = tools(list);
    assert.deepEqual(checked, list);
    assert.notEqual(checked, list);
    assert.deepEqual(tools([]), []);
  });
  test("refuses one too many, a repeated name, and anything that is not a tool", () => {
    refused(() => tools(Array.from({ length: schemas.Tools.maxItems + 1 }, (_, i) => named(`t${i}`))), "tools", /has 17 tools; an agent takes at most 16/);
    refused(() => tools([named("a"), named("b"), named("a")]), "tools[2].name", /repeats the name of tools\[0\]/);
    refused(() => tools("end_call"), "tools", /array of tools/);
    refused(() => tools([named("a"), "end_call"]), "tools[1]", /tool object/);
    refused(() => tools([{ type: "mcp", name: "x", description: "", policy: "read" }]), "tools[0].type", /one of "http", "builtin", got "mcp"/);
    refused(() => tools([{ type: "builtin", name: "x", description: "" }]), "tools[0].policy", /is required/);
    refused(() => tools([{ ...named("x"), extra: 1 }]), "tools[0].extra", /not a field of a builtin tool/);
    refused(() => tools([{ ...tool.http({ name: "a", description: "", url: URL_OK }), timeout_ms: 0 }]), "tools[0].timeout_ms", /from 1 to 600000/);
  });
  test("the policies and tool types are the description's", () => {
    for (const policy of schemas.ToolPolicy.enum) assert.equal(tool.http({ name: "a", description: "", url: URL_OK, policy }).policy, policy);
    const types = schemas.Tool.oneOf.map((r) => schemas[r.$ref.split("/").pop()].properties.type.const);
    assert.deepEqual(types, ["http", "builtin"]);
  });
});

// ---------------------------------------------------------------------------------------
// The builders and the emulator agree

/** Whether the emulator's POST /v1/agents takes these tools (201) or refuses them (400). */
async function emulatorAccepts(e, toolsValue) {
  const res = await e.fetch("http://emulator.test/v1/agents", {
    method: "POST",
    headers: { authorization: `Bearer ${e.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Tools", type: "outbound", tools: toolsValue }),
  });
  const body = await res.text();
  assert.ok(res.status === 201 || res.status === 400, `unexpected ${res.status}: ${body}`);
  return { ok: res.status === 201, body };
}

/** What the builder would send, written out independently of js/tools.js (the reference). */
function wireOf(kind, s) {
  const { timeoutMs, timeout_ms, ...rest } = s;
  const w = { type: kind, ...rest };
  if (s.policy === undefined) w.policy = "read";
  if (s.parameters === undefined) w.parameters = NO_PARAMETERS;
  if (kind === "builtin" && s.builtin === undefined) w.builtin = s.name;
  if (timeoutMs !== undefined) w.timeout_ms = timeoutMs;
  if (timeout_ms !== undefined) w.timeout_ms = timeout_ms;
  return w;
}

const accepts = (work) => {
  try {
    return { ok: true, value: work() };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { ok: false, err };
  }
};

// Values near every rule's edge: White_Space characters, code points outside the BMP, URL
// punctuation, the length limits.
const SPACES = [" ", "\t", "\n", "\u000b", "\u0085", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028", "\u202f", "\u205f", "\u3000", "\ufeff", "\u200b"];
const text = (max = 12) => fc.string({ unit: fc.constantFrom("a", "Z", "_", "-", "é", "😀", "\u0000", "\u007f", ...SPACES), maxLength: max });
const long = (n) => fc.constantFrom("x".repeat(n - 1), "x".repeat(n), "x".repeat(n + 1), "😀".repeat(n), "😀".repeat(n + 1));
const junk = fc.constantFrom(null, 0, 1, true, [], ["a"], {}, "");
// Mostly valid values (so that both verdicts come up often), and every kind of invalid one.
const name = fc.oneof({ weight: 40, arbitrary: fc.stringMatching(/^[a-z][a-z_]{0,10}$/) }, { weight: 3, arbitrary: text() }, long(10_000), junk);
const description = fc.oneof({ weight: 40, arbitrary: fc.string({ maxLength: 20 }) }, text(), long(10_000), junk);
const urlChars = fc.constantFrom("a", "0", ".", "-", "/", "?", "#", "@", ":", "[", "]", "%", " ", "\u0000", "\u001f", "\u007f", "\u0085", "\u00a0", "\u2028", "\u3000", "é", "😀");
const url = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(URL_OK, "http://127.0.0.1:8080/tool", "https://[::1]:443/x", "https://user@host.example/p?q#f", "https://h", "http://h:") },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom("https://", "http://", "HTTPS://", "ftp://", "https:/", ""), fc.string({ unit: urlChars, maxLength: 16 })).map(([a, b]) => a + b) },
  fc.constantFrom(`https://a.example/${"x".repeat(2029)}`, `https://a.example/${"x".repeat(2030)}`, `https://a.example/${"😀".repeat(2030)}`),
  junk,
);
const policy = fc.oneof({ weight: 12, arbitrary: fc.constantFrom("read", "confirm_first_write") }, fc.constantFrom("write", "READ", "", null, 1));
const timeout = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -2, max: 600_002 }) }, fc.constantFrom(1, 600_000, 600_001, 0, 1.5, 1e3, "100", null, Number.NaN, Infinity));
const header = fc.oneof({ weight: 20, arbitrary: fc.string({ maxLength: 10 }) }, long(10_000), fc.constantFrom(1, null, true, {}));
const headers = fc.oneof({ weight: 8, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), header, { maxKeys: 3 }) }, junk);
const leaf = fc.tuple(fc.constantFrom("string", "number", "integer", "boolean"), fc.option(fc.string({ maxLength: 8 }), { nil: undefined }), fc.boolean())
  .map(([t, d, nullable]) => tool[t](d, { nullable }));
const parameters = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), leaf, { maxKeys: 3 }).map((p) => tool.object(p)) },
  fc.jsonValue({ maxDepth: 2 }),
);
const object = fc.oneof({ weight: 8, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) }, junk);
/** A required field, rarely left out; an optional one, left out half the time. */
const must = (arb) => fc.option(arb, { nil: undefined, freq: 20 });
const maybe = (arb) => fc.option(arb, { nil: undefined, freq: 2 });
const extra = fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, fc.constantFrom({ extra: 1 }, { url: URL_OK }, { timeout: 5 }, { Name: "x" }));

const httpSpec = fc.record({
  name: must(name), description: must(description), url: must(url), policy: maybe(policy), parameters: maybe(parameters),
  headers: maybe(headers), timeout: maybe(timeout), wireName: fc.boolean(), extra,
}).map(({ timeout, wireName, extra, ...s }) => ({ ...s, ...(timeout === undefined ? {} : { [wireName ? "timeout_ms" : "timeoutMs"]: timeout }), ...extra }));
const builtinSpec = fc.record({
  name: must(name), description: must(description), builtin: maybe(name), policy: maybe(policy), parameters: maybe(parameters), config: maybe(object), extra,
}).map(({ extra, ...s }) => ({ ...s, ...extra }));
const toolSpec = fc.oneof(httpSpec.map((s) => ["http", s]), builtinSpec.map((s) => ["builtin", s]));

/** A spec without its `undefined` members, for messages (JSON drops them anyway). */
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === "string" && x.length > 80 ? `${x.slice(0, 40)}…(${x.length})` : x));

describe("the builders accept exactly what the emulator accepts", () => {
  test("property: one generated tool spec: tool.http / tool.builtin accepts ⇔ POST /v1/agents accepts", async () => {
    const e = emu.createEmulator();
    let accepted = 0;
    let refusedCount = 0;
    await fc.assert(
      fc.asyncProperty(toolSpec, async ([kind, s]) => {
        const built = accepts(() => tool[kind](s));
        // Options the builder knows but the wire spells otherwise have no wire counterpart:
        // an unknown option of the builder is an unknown field for the emulator.
        const wire = wireOf(kind, s);
        const verdict = await emulatorAccepts(e, [wire]);
        assert.equal(built.ok, verdict.ok, `${kind} ${show(s)}\nbuilder: ${built.err?.message ?? "accepted"}\nemulator: ${verdict.body.slice(0, 300)}`);
        if (built.ok) {
          accepted++;
          // Compared as sent (JSON): -0 in a config is 0 on the wire either way.
          assert.deepEqual(JSON.parse(JSON.stringify(built.value)), JSON.parse(JSON.stringify(wire)), "the builder sends what the reference says");
        } else {
          refusedCount++;
        }
      }),
      { numRuns: 600 },
    );
    assert.ok(accepted > 100 && refusedCount > 100, `both sides exercised: ${accepted} accepted, ${refusedCount} refused`);
  });

  test("property: a generated list: tools(list) accepts ⇔ POST /v1/agents accepts", async () => {
    const e = emu.createEmulator();
    const item = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s"), fc.boolean()).map(([n, http]) =>
        http ? tool.http({ name: n, description: "", url: URL_OK }) : tool.builtin({ name: n, builtin: "end_call", description: "" })) },
      fc.constantFrom({ type: "builtin", name: "x", description: "" }, { type: "mcp", name: "y", description: "", policy: "read" }, "end_call", null),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 20 }), async (list) => {
        const checked = accepts(() => tools(list));
        const verdict = await emulatorAccepts(e, list);
        assert.equal(checked.ok, verdict.ok, `${show(list)}\ntools(): ${checked.err?.message ?? "accepted"}\nemulator: ${verdict.body.slice(0, 300)}`);
      }),
      { numRuns: 300 },
    );
  });

  test("built tools round-trip through agents.create and agents.retrieve", async () => {
    const e = emu.createEmulator();
    const client = new pkg.CallingBox({ apiKey: e.apiKey, fetch: e.fetch });
    const list = tools([
      tool.http({
        name: "check_availability",
        description: "Look up open appointment slots for a given date.",
        url: URL_OK,
        parameters: tool.object({
          date: tool.string("Date in YYYY-MM-DD format", { format: "date" }),
          party: tool.integer("People", { minimum: 1 }),
          seating: tool.enum(["indoor", "outdoor"]),
          notes: tool.string("Anything else", { nullable: true }),
          tags: tool.array(tool.string(), { maxItems: 3 }),
        }),
        headers: { "X-Api-Key": "k" },
        timeoutMs: 5000,
      }),
      tool.http({ name: "book", description: "Book it.", url: "http://127.0.0.1:9/book", policy: "confirm_first_write" }),
      tool.builtin({ name: "end_call", description: "Politely hang up.", config: { goodbye: "Bye!" } }),
    ]);
    const created = await client.agents.create({ name: "Receptionist", type: "outbound", tools: list });
    assert.deepEqual(created.tools, list);
    assert.deepEqual((await client.agents.retrieve(created.id)).tools, list);
    const updated = await client.agents.update(created.id, { tools: tools([list[2]]) });
    assert.deepEqual(updated.tools, [list[2]]);
  });
});

describe("packaging", () => {
  test("the main entry does not carry the builders", () => {
    assert.equal(pkg.tool, undefined);
    assert.equal(pkg.tools, undefined);
    for (const f of ["node.js", "browser.js", "browser-inline.js", "deno.js", "workerd.js", "node.cjs"]) {
      assert.doesNotMatch(readFileSync(new URL(f, pkg.resolvedFrom), "utf8"), /TOOL_FIELDS|noParameters|tool\.http/, f);
    }
  });
  test("callingbox/tools exports the builders and the error classes, declared in tools.d.ts", async () => {
    const mod = await import(new URL("../../target/consumer/tools.mjs", import.meta.url).href);
    assert.deepEqual(Object.keys(mod).sort(), ["CallingBoxError", "ValidationError", "tool", "tools"]);
    for (const f of ["tools.d.ts", "tools.d.cts"]) {
      const dts = readFileSync(new URL(f, pkg.resolvedFrom), "utf8");
      assert.match(dts, /export declare const tool: ToolBuilders;/, f);
      assert.match(dts, /export declare function tools</, f);
      assert.match(dts, /export \{ CallingBoxError, ValidationError \} from "\.\/index\.c?js";/, f);
    }
    assert.match(readFileSync(new URL("tools.d.cts", pkg.resolvedFrom), "utf8"), /from "\.\/index\.cjs"/);
  });
  test("require() gets the CommonJS copy, whose errors are instanceof the ES module's classes", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(new URL("../../target/consumer/package.json", import.meta.url));
    const cjs = require("callingbox/tools");
    assert.match(require.resolve("callingbox/tools"), /tools\.cjs$/);
    assert.deepEqual(cjs.tool.builtin({ name: "end_call", description: "" }), tool.builtin({ name: "end_call", description: "" }));
    assert.throws(() => cjs.tool.string(1), (err) => err instanceof ValidationError && err instanceof pkg.ValidationError);
  });
});
