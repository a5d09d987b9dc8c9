// Property test (fast-check): the API key never leaves the package in anything thrown, however
// a hostile server or runtime echoes it back. Random keys of 8-128 printable ASCII characters
// (regex-special characters and quotes included), random echo encodings (raw, JSON-escaped
// with \uXXXX in random hex case, mixed raw/escaped, short escapes \" \\ \/), and random
// placements: error bodies (message, code, member name, text, HTML, JSON nested deeper than
// the core parses), straddling the 64 KiB error-body clip and the core's 200-character message
// clip, headers (X-Request-Id, a redirect's Location), connection errors thrown by fetch
// (message, cause.message, cause.code), body streams that fail, 2xx bodies that fail
// validation and lists whose cursor does not advance. For every thrown object no rendering
// contains ANY 8 consecutive characters of the key.
//
// Runs: FC_RUNS sets every property's count (scripts/fuzz-long.sh); FC_SEED the seed (fixed in
// CI so failures reproduce; fast-check prints seed and counterexample on failure).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import fc from "fast-check";
import { everyRendering, pkg } from "./helpers.mjs";

const SEED = Number(process.env.FC_SEED ?? 0x5eed_ca11);
const runs = (ci) => Number(process.env.FC_RUNS ?? ci);
const BASE = "https://api.test.callingbox.example";
const ERROR_BODY_LIMIT = 64 * 1024; // the client clips error bodies here before reading them
const MESSAGE_CLIP = 200; // the core quotes at most this much of a non-JSON error body
const tally = { cases: 0, thrown: 0, leaks: 0, untyped: 0 };

after(() => {
  console.log(`fuzz: redaction (fast-check) ${tally.cases} cases, ${tally.thrown} errors checked, ${tally.untyped} untyped, ${tally.leaks} leaks (seed ${SEED})`);
});

// ---------------------------------------------------------------------------------------------
// Generators.

const PRINTABLE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)); // ! .. ~
const SPECIAL = [..."\\\"'.*+?^${}()|[]/-_:u0"];
/** 8-128 printable ASCII characters, no spaces; regex-special characters and quotes often. */
const keyArb = fc.string({
  unit: fc.oneof({ arbitrary: fc.constantFrom(...PRINTABLE), weight: 3 }, { arbitrary: fc.constantFrom(...SPECIAL), weight: 1 }),
  minLength: 8,
  maxLength: 128,
});

/** A small PRNG for per-character choices (fast-check shrinks its integer seed). */
function prng(seed) {
  let s = (seed >>> 0) || 1;
  return (n) => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s % n;
  };
}

const hex4 = (c, rnd) => [...c.charCodeAt(0).toString(16).padStart(4, "0")].map((h) => (rnd(2) ? h.toUpperCase() : h)).join("");
const SHORT = { '"': '\\"', "\\": "\\\\", "/": "\\/" };

/**
 * The key as a hostile server writes it. "raw": as is (not valid inside a JSON string when
 * it holds `"` or `\`); "json": JSON.stringify's escaping; "unicode": every character as
 * \uXXXX in random hex case; "mixed": each character raw, \uXXXX or a short escape, at random
 * (always valid in a JSON string).
 */
function encode(key, how, seed) {
  const rnd = prng(seed);
  switch (how) {
    case "raw":
      return key;
    case "json":
      return JSON.stringify(key).slice(1, -1);
    case "unicode":
      return [...key].map((c) => `\\u${hex4(c, rnd)}`).join("");
    default:
      return [...key].map((c) => {
        const pick = rnd(3);
        if (pick === 0) return `\\u${hex4(c, rnd)}`;
        if (SHORT[c] && (pick === 1 || c !== "/")) return SHORT[c];
        return c;
      }).join("");
  }
}
/** Encodings that stay valid inside a JSON string. */
const IN_JSON = ["json", "unicode", "mixed"];

/** Filler text: words of at most 7 characters between spaces, so no 8 characters of it can
 * be mistaken for 8 characters of a key (keys have no spaces). */
function filler(length, seed) {
  const rnd = prng(seed ^ 0x9e3779b9);
  const words = "lorem ipsum dolor sit amet error api key bad 1234 & = x-y".split(" ");
  let s = "";
  while (s.length < length) s += words[rnd(words.length)] + " ";
  return s.slice(0, length);
}

const PLACEMENTS = [
  "error.message", "error.code", "member name", "plain text", "html title", "html body",
  "deep json", "clip 64k json", "clip 64k text", "clip 200", "x-request-id", "location",
  "fetch message", "fetch cause", "fetch cause code", "fetch string", "stream error",
  "2xx member name", "2xx wrong type", "2xx not json", "pagination id",
];

const scenarioArb = fc.record({
  key: keyArb,
  placement: fc.constantFrom(...PLACEMENTS),
  how: fc.constantFrom("raw", "json", "unicode", "mixed"),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  status: fc.constantFrom(200, 201, 301, 302, 303, 307, 308, 400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504, 599),
  at: fc.nat(), // where a clip falls inside the encoded key
  depth: fc.integer({ min: 129, max: 400 }),
  method: fc.constantFrom("retrieve", "create", "list"),
  retries: fc.constantFrom(0, 1),
});

// ---------------------------------------------------------------------------------------------
// The hostile server.

const NULL_BODY = [101, 204, 205, 304];
const text = (status, body, headers = {}) =>
  new Response(NULL_BODY.includes(status) ? null : body, { status, headers: { "x-request-id": "req_1", ...headers } });

/** Placements where the key sits inside a JSON string of a document meant to stay valid. */
const JSON_PLACEMENTS = ["error.message", "error.code", "member name", "deep json", "clip 64k json", "2xx member name", "2xx wrong type"];

/** The fetch for a scenario; `status` is forced into range where the placement needs it. */
function hostileFetch(s) {
  const how = JSON_PLACEMENTS.includes(s.placement) && !IN_JSON.includes(s.how) ? "json" : s.how;
  const enc = encode(s.key, how, s.seed);
  const errorStatus = s.status >= 300 ? s.status : 400 + (s.status % 100);
  const k = s.at % (enc.length + 1); // characters of the encoded key before a clip
  const pad = (n) => filler(n, s.seed);
  switch (s.placement) {
    case "error.message":
      return () => text(errorStatus, `{"error":{"message":"invalid key ${enc} given","code":"bad_key"}}`);
    case "error.code":
      return () => text(errorStatus, `{"error":{"message":"no","code":"${enc}"},"message":"${enc}"}`);
    case "member name":
      return () => text(errorStatus, `{"error":"bad","${enc}":{"${enc}":["${enc}"]}}`);
    case "plain text":
      return () => text(errorStatus, `${pad(s.seed % 300)}${enc} ${pad(40)}`);
    case "html title":
      return () => text(errorStatus, `<html><head><title>${pad(s.seed % 230)}${enc}</title></head><body>x</body></html>`);
    case "html body":
      return () => text(errorStatus, `<html><body><pre>Authorization: Bearer ${enc}</pre></body></html>`);
    case "deep json":
      return () => text(errorStatus, `${"[".repeat(s.depth)}{"error":"${enc}"}${"]".repeat(s.depth)}`);
    case "clip 64k json": {
      const head = `{"error":{"message":"`;
      return () => text(errorStatus, `${head}${pad(ERROR_BODY_LIMIT - head.length - k)}${enc}"}} ${pad(100)}`);
    }
    case "clip 64k text":
      return () => text(errorStatus, `${pad(ERROR_BODY_LIMIT - k)}${enc}${pad(100)}`);
    case "clip 200":
      // A non-JSON body: the message quotes its first 200 characters.
      return () => text(errorStatus, `${pad(MESSAGE_CLIP - k)}${enc}${pad(50)}`);
    case "x-request-id":
      return () => text(s.status === 200 ? 500 : s.status, "{}", { "x-request-id": `req_${enc}` });
    case "location":
      return () => text(300 + (s.status % 9), "", { location: `https://evil.example/${enc}?k=${enc}` });
    case "fetch message":
      return () => { throw new TypeError(`Headers: invalid value "Bearer ${enc}"`); };
    case "fetch cause":
      return () => { throw new TypeError("fetch failed", { cause: new Error(`while sending Authorization: Bearer ${enc}`) }); };
    case "fetch cause code":
      return () => { throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect failed"), { code: enc }) }); };
    case "fetch string":
      return () => Promise.reject(`oops ${enc}`);
    case "stream error":
      return () => new Response(new ReadableStream({ start(c) { c.error(new Error(`reset; auth=${enc}`)); } }), { status: s.status });
    case "2xx member name":
      return () => text(200 + (s.status % 3), `{"id":"c1","status":5,"${enc}":{"id":7}}`);
    case "2xx wrong type":
      return () => text(200 + (s.status % 3), `{"id":"c1","agent_id":["${enc}"],"status":{"${enc}":1},"duration_seconds":"${enc}"}`);
    case "2xx not json":
      return () => text(200, `{"id":"${enc}", "status": 5`);
    case "pagination id":
      // The list says has_more but its last id is the previous cursor: the error names the id.
      return () => text(200, JSON.stringify({ data: [{ id: s.key }], has_more: true }));
    default:
      throw new Error(`unknown placement ${s.placement}`);
  }
}

async function run(s) {
  const client = new pkg.CallingBox({
    apiKey: s.key, baseUrl: BASE, fetch: hostileFetch(s), maxRetries: s.retries, initialRetryDelay: 1, maxRetryDelay: 2, timeout: 2000,
  });
  if (s.placement === "pagination id") {
    // Starting after the id the server keeps answering with: the cursor cannot advance.
    for await (const _ of client.calls.list({ starting_after: s.key })) { /* drain */ }
    return;
  }
  if (s.method === "create") await client.calls.create({ agent_id: "agent_1", to: "+15551234567" });
  else if (s.method === "list") await client.calls.list({ limit: 5 });
  else await client.calls.retrieve("c1");
}

// ---------------------------------------------------------------------------------------------
// The check.

/**
 * Stack frames ("at fn (file:///...:1:2)") name code, not data: a random key may spell
 * "Property" or "TestContext", so frames are left out of the search (their text cannot
 * come from a server). Messages inside stacks are still searched.
 */
const FRAME = /\bat (?:async )?(?:new )?(?:[^\s()'"]+ )?(?:\((?:file|node|data):[^)\n]*\)|\(<anonymous>\)|(?:file|node|data):[^\s'"]+)/g;

/** The first 8-character window of `key` found in `text`, or undefined. */
function leak(text, key) {
  if (typeof text !== "string") return undefined;
  text = text.replace(FRAME, "at <frame>");
  for (let i = 0; i + 8 <= key.length; i++) {
    const w = key.slice(i, i + 8);
    if (text.includes(w)) return w;
  }
  return undefined;
}

/** Every rendering the brief names, plus helpers.everyRendering. */
async function renderings(err) {
  const body = err && err.body;
  return {
    message: err.message,
    stack: err.stack,
    string: String(err),
    json: JSON.stringify(err),
    inspect: inspect(err, { depth: 10, showHidden: true }),
    body: typeof body === "string" ? body : JSON.stringify(body),
    cause: inspect(err.cause),
    every: await everyRendering(err),
  };
}

async function assertClean(err, key, where) {
  tally.thrown++;
  if (!(err instanceof pkg.CallingBoxError)) {
    tally.untyped++;
    assert.fail(`${where}: untyped ${err && err.name}: ${err && err.message}`);
  }
  for (const [name, text] of Object.entries(await renderings(err))) {
    const w = leak(text, key);
    if (w !== undefined) {
      tally.leaks++;
      const at = text.indexOf(w);
      assert.fail(`${where}: ${err.name} leaks ${JSON.stringify(w)} of the key in ${name}: …${JSON.stringify(text.slice(Math.max(0, at - 80), at + 80))}…`);
    }
  }
}

test("no rendering of any thrown error holds 8 consecutive characters of the key", async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (s) => {
      tally.cases++;
      let thrown;
      try {
        await run(s);
      } catch (e) {
        thrown = e;
      }
      if (thrown !== undefined) await assertClean(thrown, s.key, `${s.placement}/${s.how}/${s.status}`);
      else assert.ok(!s.placement.startsWith("fetch") && s.placement !== "pagination id", `${s.placement} did not fail`);
    }),
    { seed: SEED, numRuns: runs(2500), includeErrorInReport: true },
  );
});

test("redactSecret removes every encoding of the key, and a clipped tail of it", () => {
  const arb = fc.record({
    key: keyArb,
    how: fc.constantFrom("raw", "json", "unicode", "mixed"),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    before: fc.nat(300),
    after: fc.nat(300),
    times: fc.integer({ min: 1, max: 3 }),
    clip: fc.option(fc.nat(), { nil: undefined }),
  });
  fc.assert(
    fc.property(arb, (c) => {
      tally.cases++;
      const enc = encode(c.key, c.how, c.seed);
      let text = "";
      for (let i = 0; i < c.times; i++) text += filler(c.before, c.seed + i) + enc;
      text += filler(c.after, c.seed);
      // A clip anywhere from the first key onwards: the tail may end inside an encoded key.
      if (c.clip !== undefined) text = text.slice(0, c.before + (c.clip % (text.length - c.before + 1)));
      const out = pkg.redactSecret(text, c.key);
      const w = leak(out, c.key);
      if (w !== undefined) {
        tally.leaks++;
        assert.fail(`redactSecret left ${JSON.stringify(w)}: ${JSON.stringify(out.slice(Math.max(0, out.indexOf(w) - 60), out.indexOf(w) + 60))}`);
      }
      // Text without the key (filler ends in a space: no tail can start the key) is unchanged.
      const plain = filler(c.before + c.after + 1, c.seed) + " ";
      assert.equal(pkg.redactSecret(plain, c.key), plain);
    }),
    { seed: SEED, numRuns: runs(20000), includeErrorInReport: true },
  );
});

// Beyond the placements above: a custom fetch (an axios-style wrapper, a logging proxy) may
// throw errors that carry the request, and so the key, in other own properties, in
// AggregateError.errors or in deep causes: the client keeps only a redacted copy of the
// fields an error is read by, down the whole chain. The property is the same.
test("fetch errors holding the key elsewhere (own properties, AggregateError.errors, deep causes)", async () => {
  const arb = fc.record({
    key: keyArb,
    where: fc.constantFrom("error property", "error nested property", "cause property", "aggregate errors", "deep cause", "plain object"),
    depth: fc.integer({ min: 4, max: 8 }),
  });
  await fc.assert(
    fc.asyncProperty(arb, async (s) => {
      const secretHeader = { headers: { Authorization: `Bearer ${s.key}` } };
      const make = () => {
        switch (s.where) {
          case "error property":
            return Object.assign(new TypeError("Request failed"), { authorization: `Bearer ${s.key}` });
          case "error nested property":
            return Object.assign(new Error("Request failed with status code 500"), { config: secretHeader });
          case "cause property":
            return new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { request: secretHeader }) });
          case "aggregate errors":
            return new TypeError("fetch failed", { cause: new AggregateError([new Error(`Bearer ${s.key}`)], "connect failed") });
          case "deep cause": {
            let c = new Error(`Authorization: Bearer ${s.key}`);
            for (let i = 0; i < s.depth; i++) c = new Error(`level ${i}`, { cause: c });
            return new TypeError("fetch failed", { cause: c });
          }
          default:
            return { message: "failed", request: secretHeader };
        }
      };
      const client = new pkg.CallingBox({ apiKey: s.key, baseUrl: BASE, fetch: async () => { throw make(); }, maxRetries: 0 });
      const err = await client.calls.retrieve("c1").then(() => undefined, (e) => e);
      assert.ok(err !== undefined, "the call did not fail");
      for (const [name, rendered] of Object.entries(await renderings(err))) {
        const w = leak(rendered, s.key);
        assert.equal(w, undefined, `${s.where}: ${JSON.stringify(w)} of the key in ${name}`);
      }
    }),
    { seed: SEED, numRuns: runs(300), includeErrorInReport: true },
  );
});
