// The installed package itself: resolution through `exports`, what it exports, the error
// class hierarchy, parseE164, and how fetch is called (this === undefined; global fetch).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BASE, KEY, client, failure, fakeFetch, fixture, json, pkg } from "./helpers.mjs";

const call = fixture("call");

describe("installed package", () => {
  test('"callingbox" resolves from the consumer\'s node_modules to the node entry (exports map)', () => {
    assert.match(pkg.resolvedFrom, /\/target\/consumer\/node_modules\/callingbox\/node\.js$/);
    const manifest = JSON.parse(readFileSync(new URL("package.json", pkg.resolvedFrom), "utf8"));
    assert.equal(manifest.name, "callingbox");
    assert.equal(manifest.type, "module");
    assert.deepEqual(manifest.exports["."].node, {
      require: { types: "./index.d.cts", default: "./node.cjs" },
      default: { types: "./index.d.ts", default: "./node.js" },
    });
    // Types sit inside each condition (first key), so a CommonJS importer gets index.d.cts.
    for (const [condition, target] of Object.entries(manifest.exports["."])) {
      for (const leaf of "types" in target ? [target] : Object.values(target)) {
        assert.equal(Object.keys(leaf)[0], "types", `${condition}: types must come first`);
      }
    }
    // The tarball shipped what the entries need.
    for (const f of ["node.js", "callingbox_core_bg.wasm", "index.d.ts", "browser.js", "deno.js", "workerd.js"]) {
      assert.ok(readFileSync(fileURLToPath(new URL(f, pkg.resolvedFrom))).length > 0, f);
    }
  });

  for (const entry of ["webhooks", "phone"]) {
    test(`"callingbox/${entry}" maps every condition to its own files, types first`, () => {
      const manifest = JSON.parse(readFileSync(new URL("package.json", pkg.resolvedFrom), "utf8"));
      const map = manifest.exports[`./${entry}`];
      assert.deepEqual(map.node, {
        require: { types: `./${entry}.d.cts`, default: `./${entry}-node.cjs` },
        default: { types: `./${entry}.d.ts`, default: `./${entry}-node.js` },
      });
      assert.deepEqual(Object.keys(map), Object.keys(manifest.exports["."]), "the same conditions, in the same order, as the main entry");
      const leaves = [];
      const walk = (v) => ("types" in v ? leaves.push(v) : Object.values(v).forEach(walk));
      walk(map);
      for (const leaf of leaves) {
        assert.equal(Object.keys(leaf)[0], "types");
        assert.match(leaf.types, new RegExp(`^\\./${entry}\\.d\\.c?ts$`));
        assert.match(leaf.default, new RegExp(`^\\./${entry}-[a-z-]+\\.c?js$`));
        assert.ok(readFileSync(fileURLToPath(new URL(leaf.default, pkg.resolvedFrom))).length > 0, leaf.default);
        // Every entry is listed as having side effects (it registers its wasm loader).
        assert.ok(manifest.sideEffects.includes(leaf.default), `${leaf.default} in sideEffects`);
      }
    });
  }

  test('"callingbox/tools" is one plain module for every runtime (a CommonJS copy for require), free of side effects', () => {
    const manifest = JSON.parse(readFileSync(new URL("package.json", pkg.resolvedFrom), "utf8"));
    assert.deepEqual(manifest.exports["./tools"], {
      require: { types: "./tools.d.cts", default: "./tools.cjs" },
      default: { types: "./tools.d.ts", default: "./tools.js" },
    });
    for (const f of ["tools.js", "tools.cjs"]) {
      assert.ok(!manifest.sideEffects.includes(`./${f}`), `${f} has no side effects: a bundler may drop it`);
      assert.doesNotMatch(readFileSync(fileURLToPath(new URL(f, pkg.resolvedFrom)), "utf8"), /\.wasm|callingbox_(core|webhooks|phone)/, f);
    }
  });

  // Which wasm has which exports, and which entry loads which wasm: the client's wasm keeps
  // `checkE164` (what parameters are checked with) and nothing of webhooks or of reading typed
  // phone numbers; each of the other entries loads only its own wasm.
  test("each wasm has its own exports, and each entry loads only its own wasm", async () => {
    const exportsOf = (f) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(fileURLToPath(new URL(f, pkg.resolvedFrom))))).map((e) => e.name);
    const core = exportsOf("callingbox_core_bg.wasm");
    assert.ok(!core.some((n) => /webhook/i.test(n)), "the client wasm has no webhook export");
    assert.ok(core.includes("checkE164"));
    assert.ok(!core.some((n) => /^checkPhone/.test(n)), "the client wasm does not read typed numbers");
    assert.deepEqual(exportsOf("callingbox_webhooks_bg.wasm").filter((n) => /webhook/i.test(n)).sort(), ["signWebhook", "verifyWebhook"]);
    assert.deepEqual(exportsOf("callingbox_phone_bg.wasm").filter((n) => !/^__|^memory$/.test(n)).sort(), ["checkPhone", "checkPhones"]);
    const others = { webhooks: /callingbox_(core|phone)_bg|checkPhone/, phone: /callingbox_(core|webhooks)_bg|verifyWebhook/ };
    for (const entry of ["webhooks", "phone"]) {
      for (const f of ["node.js", "node.cjs", "browser.js", "deno.js", "workerd.js"].map((f) => `${entry}-${f}`)) {
        const text = readFileSync(fileURLToPath(new URL(f, pkg.resolvedFrom)), "utf8");
        assert.match(text, new RegExp(`callingbox_${entry}_bg\\.wasm`), f);
        assert.doesNotMatch(text, others[entry], f);
      }
    }
    for (const f of ["node.js", "browser.js", "deno.js", "workerd.js"]) {
      assert.doesNotMatch(readFileSync(fileURLToPath(new URL(f, pkg.resolvedFrom)), "utf8"), /callingbox_webhooks|verifyWebhook|callingbox_phone|checkPhones?\b/, f);
    }
  });

  test("the User-Agent names this package version and the node runtime", async () => {
    const manifest = JSON.parse(readFileSync(new URL("package.json", pkg.resolvedFrom), "utf8"));
    const fetch = fakeFetch(() => json(200, call));
    await client(fetch).calls.retrieve("c1");
    const ua = fetch.calls[0].headers.get("user-agent");
    assert.ok(ua.startsWith(`callingbox-js/${manifest.version}`), ua);
    assert.match(ua, /node/);
  });

  const ERROR_CLASSES = [
    "CallingBoxError", "ValidationError", "InvalidPhoneNumberError", "APIError", "BadRequestError",
    "AuthenticationError", "InsufficientCreditError", "PermissionDeniedError", "NotFoundError",
    "ConflictError", "UnprocessableEntityError", "RateLimitError", "InternalServerError",
    "TelephonyProviderError", "APIConnectionError", "TimeoutError", "WaitTimeoutError", "AbortError",
    "InvalidResponseError", "OutcomeUnknownError", "WebhookSignatureError",
  ];

  test("exports CallingBox, parseE164 and every error class", () => {
    assert.equal(typeof pkg.CallingBox, "function");
    assert.equal(typeof pkg.parseE164, "function");
    for (const name of ERROR_CLASSES) {
      assert.equal(typeof pkg[name], "function", name);
      assert.equal(pkg[name].name, name);
      const e = new pkg[name]("m");
      assert.equal(e.name, name);
      assert.equal(typeof e.code, "string");
      assert.ok(e.code.length > 0);
    }
    const codes = ERROR_CLASSES.map((n) => new pkg[n]("m").code);
    assert.equal(new Set(codes).size, codes.length, "every class has its own code");
  });

  test("exactly the public API is exported (no internal helper such as adopt leaks)", () => {
    const names = Object.keys(pkg).filter((n) => n !== "resolvedFrom").sort(); // resolvedFrom: added by the consumer shim
    assert.deepEqual(names, ["CallingBox", "checkE164", "parseE164", "redactSecret", "wasmMemoryBytes", ...ERROR_CLASSES].sort());
    assert.equal(pkg.adopt, undefined);
    assert.equal(pkg.Webhooks, undefined, "Webhooks is callingbox/webhooks");
    assert.equal(pkg.parsePhoneNumber, undefined, "parsePhoneNumber is callingbox/phone");
  });

  test("every runtime export is declared in index.d.ts or the api.d.ts it re-exports", () => {
    const dts = ["index.d.ts", "api.d.ts"].map((f) => readFileSync(new URL(f, pkg.resolvedFrom), "utf8")).join("\n");
    for (const name of Object.keys(pkg)) {
      if (name === "resolvedFrom") continue; // added by the consumer shim
      assert.match(dts, new RegExp(`export declare (class|function|const) ${name}\\b`), `${name} is exported but not declared`);
    }
    assert.doesNotMatch(dts, /declare const Webhooks\b/);
  });

  test("every export of callingbox/webhooks is declared in webhooks.d.ts (and .d.cts)", async () => {
    const webhooks = await import(new URL("../../target/consumer/webhooks.mjs", import.meta.url).href);
    for (const f of ["webhooks.d.ts", "webhooks.d.cts"]) {
      const dts = readFileSync(new URL(f, pkg.resolvedFrom), "utf8");
      assert.match(dts, /export declare const Webhooks\b/, f);
      assert.match(dts, /export \{ CallingBoxError, ValidationError, WebhookSignatureError \} from "\.\/index\.c?js";/, f);
      assert.deepEqual(Object.keys(webhooks).sort(), ["CallingBoxError", "ValidationError", "WebhookSignatureError", "Webhooks"]);
    }
    assert.match(readFileSync(new URL("webhooks.d.cts", pkg.resolvedFrom), "utf8"), /from "\.\/index\.cjs"/);
  });

  test("every export of callingbox/phone is declared in phone.d.ts (and .d.cts)", async () => {
    const phone = await import(new URL("../../target/consumer/phone.mjs", import.meta.url).href);
    const names = ["checkPhoneNumber", "checkPhoneNumbers", "parsePhoneNumber"];
    assert.deepEqual(Object.keys(phone).sort(), ["CallingBoxError", "InvalidPhoneNumberError", "ValidationError", ...names].sort());
    for (const f of ["phone.d.ts", "phone.d.cts"]) {
      const dts = readFileSync(new URL(f, pkg.resolvedFrom), "utf8");
      for (const name of names) assert.match(dts, new RegExp(`export declare function ${name}\\b`), `${f}: ${name}`);
      assert.match(dts, /export \{ CallingBoxError, ValidationError, InvalidPhoneNumberError \} from "\.\/index\.c?js";/, f);
    }
    assert.match(readFileSync(new URL("phone.d.cts", pkg.resolvedFrom), "utf8"), /from "\.\/index\.cjs"/);
  });
});

describe("error class hierarchy (instanceof chains)", () => {
  const chains = [
    ["TelephonyProviderError", "InternalServerError", "APIError", "CallingBoxError"],
    ["InvalidPhoneNumberError", "ValidationError", "CallingBoxError"],
    ["InternalServerError", "APIError", "CallingBoxError"],
    ...["APIConnectionError", "TimeoutError", "AbortError", "InvalidResponseError", "OutcomeUnknownError", "WebhookSignatureError", "ValidationError", "APIError"].map((n) => [n, "CallingBoxError"]),
  ];
  for (const chain of chains) {
    test(chain.join(" → ") + " → Error", () => {
      const e = new pkg[chain[0]]("boom", { status: 502 });
      for (const name of chain) assert.ok(e instanceof pkg[name], `${chain[0]} instanceof ${name}`);
      assert.ok(e instanceof Error);
      assert.equal(e.message, "boom");
      assert.equal(e.name, chain[0]);
      assert.equal(e.status, 502);
      assert.ok(String(e).startsWith(`${chain[0]}: boom`));
      assert.match(e.stack, new RegExp(chain[0]));
    });
  }

  test("siblings are not instances of each other", () => {
    assert.ok(!(new pkg.TimeoutError("x") instanceof pkg.AbortError));
    assert.ok(!(new pkg.AbortError("x") instanceof pkg.TimeoutError));
    assert.ok(!(new pkg.NotFoundError("x") instanceof pkg.BadRequestError));
    assert.ok(!(new pkg.InternalServerError("x") instanceof pkg.TelephonyProviderError));
    assert.ok(!(new pkg.ValidationError("x") instanceof pkg.InvalidPhoneNumberError));
    assert.ok(!(new pkg.InvalidResponseError("x") instanceof pkg.APIError));
  });

  test("a cause is kept as the standard Error cause", () => {
    const cause = new Error("root");
    const e = new pkg.APIConnectionError("x", { cause });
    assert.equal(e.cause, cause);
    assert.ok(!Object.keys(e).includes("cause"));
  });
});

describe("parseE164", () => {
  const ok = [
    ["+1 (415) 555-0123", "+14155550123"],
    ["+14155550123", "+14155550123"],
    ["  +44 20 7946 0958 ", "+442079460958"],
    ["+49.30.123456", "+4930123456"],
    ["+683 4002", "+6834002"],
    ["+49 30 123456789 01", "+493012345678901"], // 15 digits: the most E.164 allows
    ["+44 (0)20 7946 0958", "+442079460958"], // the trunk 0 after the code goes
  ];
  for (const [input, out] of ok) {
    test(`${JSON.stringify(input)} → ${out}`, () => assert.equal(pkg.parseE164(input), out));
  }
  const bad = [
    ["4155550123", "missing_plus", /missing the leading \+/],
    ["+0 415 555 0123", "country_code_leading_zero", /country code/],
    ["+1234567890123456", "too_long", /more than 15 digits/],
    ["+1 415 555 01O0", "contains_letters", /contains letters/],
    ["+1 415 555 0100 x12", "contains_letters", /cannot be dialled/],
    ["+1234", "too_short", /fewer than/],
    ["", "empty", /empty/],
    ["++14155550123", "misplaced_plus", /\+/],
    ["+1/415/5550123", "invalid_character", /invalid character/],
    ["+891 1663 9560", "unassigned_country_code", /country code that is not assigned/],
    ["+86 137 0611 688677", "invalid_length", /too long for a number with country code \+86/],
    ["+52 555 0995", "invalid_length", /too short for a number with country code \+52/],
  ];
  for (const [input, reason, pattern] of bad) {
    test(`${JSON.stringify(input)} → InvalidPhoneNumberError(${reason})`, () => {
      let err;
      assert.throws(() => pkg.parseE164(input), (e) => { err = e; return true; });
      assert.ok(err instanceof pkg.InvalidPhoneNumberError);
      assert.ok(err instanceof pkg.ValidationError);
      assert.equal(err.name, "InvalidPhoneNumberError");
      assert.equal(err.code, "invalid_phone_number");
      assert.equal(err.reason, reason);
      assert.match(err.message, pattern);
      assert.ok(err.message.includes(JSON.stringify(input)), "the message quotes the input");
    });
  }
  test("a non-string → ValidationError", () => {
    for (const v of [14155550123, null, undefined, {}]) {
      assert.throws(() => pkg.parseE164(v), (e) => e instanceof pkg.ValidationError);
    }
  });
});

describe("how fetch is called", () => {
  test("the injected fetch is called with this === undefined (no Illegal invocation)", async () => {
    const fetch = fakeFetch(() => json(200, call));
    const c = client(fetch);
    await c.calls.retrieve("c1");
    await c.calls.create({ agent_id: "a", to: "+15551234567" });
    assert.equal(fetch.calls.length, 2);
    for (const x of fetch.calls) assert.equal(x.self, undefined);
  });

  test("a fetch that throws Illegal invocation unless called unbound works", async () => {
    const strict = function (url, init) {
      if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
      return Promise.resolve(json(200, call));
    };
    assert.equal((await client(strict).calls.retrieve("c1")).id, call.id);
  });

  test("the global fetch is used when no fetch option is given (looked up at call time)", async (t) => {
    const original = globalThis.fetch;
    t.after(() => { globalThis.fetch = original; });
    const first = fakeFetch(() => json(200, { ...call, id: "via_first" }));
    globalThis.fetch = first;
    const c = new pkg.CallingBox({ apiKey: KEY, baseUrl: BASE });
    const r1 = await c.calls.retrieve("c1");
    assert.equal(r1.id, "via_first");
    assert.equal(first.calls.length, 1);
    assert.equal(first.calls[0].self, undefined, "the global fetch is not called as a method of the client");
    assert.equal(first.calls[0].url, `${BASE}/v1/calls/c1`);
    assert.equal(first.calls[0].headers.get("authorization"), `Bearer ${KEY}`);
    // Replaced after the client was made (e.g. a test framework's fetch mock): the new one is used.
    const second = fakeFetch(() => json(200, { ...call, id: "via_second" }));
    globalThis.fetch = second;
    assert.equal((await c.calls.retrieve("c1")).id, "via_second");
    assert.equal(second.calls.length, 1);
  });

  test("no fetch anywhere → APIConnectionError that says to pass { fetch }", async (t) => {
    const original = globalThis.fetch;
    t.after(() => { globalThis.fetch = original; });
    globalThis.fetch = undefined;
    const err = await failure(new pkg.CallingBox({ apiKey: KEY }).calls.retrieve("c1"));
    assert.ok(err instanceof pkg.APIConnectionError);
    assert.match(err.message, /fetch/);
  });

  test("fetch gets a plain string URL and a RequestInit with method/headers/body/signal/redirect only", async () => {
    const fetch = fakeFetch(() => json(201, call));
    await client(fetch).calls.create({ agent_id: "a", to: "+15551234567" });
    const { url, init } = fetch.calls[0];
    assert.equal(typeof url, "string");
    assert.deepEqual(Object.keys(init).sort(), ["body", "headers", "method", "redirect", "signal"]);
    assert.equal(init.redirect, "manual", "redirects are reported, never followed");
    assert.ok(init.signal instanceof AbortSignal);
  });
});

describe("checkE164 (non-throwing)", () => {
  test("returns the canonical number or the reason and message, never throws", () => {
    assert.deepEqual(pkg.checkE164("+1 (415) 555-0123"), { ok: true, value: "+14155550123" });
    const bad = pkg.checkE164("0044 20 7946 0958");
    assert.equal(bad.ok, false);
    assert.equal(bad.reason, "missing_plus");
    assert.match(bad.message, /missing the leading \+/);
    assert.equal(pkg.checkE164("+1 415 555 01O0").reason, "contains_letters");
    assert.equal(pkg.checkE164("+1 800 FLOWERS").reason, "contains_letters");
    assert.equal(pkg.checkE164("+1 415 555 0100 ext. 12").reason, "contains_letters");
    assert.equal(pkg.checkE164(14155550123).reason, "not_a_string");
    assert.equal(pkg.checkE164(null).reason, "not_a_string");
  });
  test("parseE164 agrees with checkE164 on every reason", () => {
    for (const input of ["", "+", "14155550123", "+0 1", "+1234567890123456", "+12345", "+1#4", "+1 41+5"]) {
      const c = pkg.checkE164(input);
      assert.equal(c.ok, false, input);
      assert.throws(() => pkg.parseE164(input), (e) => e instanceof pkg.InvalidPhoneNumberError && e.reason === c.reason && e.message === c.message);
    }
    assert.throws(() => pkg.parseE164(5), (e) => e instanceof pkg.ValidationError && !(e instanceof pkg.InvalidPhoneNumberError));
  });
  test("wasmMemoryBytes reports the client instance's linear memory", () => {
    assert.ok(pkg.wasmMemoryBytes() >= 65536 && pkg.wasmMemoryBytes() % 65536 === 0);
  });
});
