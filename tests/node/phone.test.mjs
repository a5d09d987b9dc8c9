// Phone numbers as people type them: callingbox/phone (parsePhoneNumber / checkPhoneNumber /
// checkPhoneNumbers, imported by name through the consumer install), the client's defaultCountry
// option, and the emulator holding numbers to the client's verdict.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KEY, client, fakeFetch, failure, json, pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const phone = await import(new URL("../../target/consumer/phone.mjs", import.meta.url).href);
const { CallingBox, ValidationError, InvalidPhoneNumberError } = pkg;
const { checkPhoneNumber, checkPhoneNumbers, parsePhoneNumber } = phone;

describe("parsePhoneNumber", () => {
  test("national input with a default country", () => {
    assert.deepEqual(parsePhoneNumber("(415) 555-0100", { defaultCountry: "US" }),
      { e164: "+14155550100", countryCallingCode: "1", nationalNumber: "4155550100", country: "US" });
    assert.deepEqual(parsePhoneNumber("020 7946 0958", { defaultCountry: "gb" }),
      { e164: "+442079460958", countryCallingCode: "44", nationalNumber: "2079460958", country: "GB" });
    assert.equal(parsePhoneNumber("8 (800) 555-35-35", { defaultCountry: "RU" }).e164, "+78005553535");
    assert.equal(parsePhoneNumber("00 33 1 23 45 67 89", { defaultCountry: "GB" }).e164, "+33123456789");
  });
  test("international input: the trunk 0 after the code goes; a shared code names no region", () => {
    assert.deepEqual(parsePhoneNumber("+44 (0)20 7946 0958"),
      { e164: "+442079460958", countryCallingCode: "44", nationalNumber: "2079460958" });
    assert.equal(parsePhoneNumber("+33 1 23 45 67 89", { defaultCountry: "US" }).country, "FR");
    assert.equal("country" in parsePhoneNumber("+1 415 555 0100"), false);
  });
  test("an extension is read apart, and never dialled", async () => {
    assert.deepEqual(parsePhoneNumber("020 7946 0958 ext. 12", { defaultCountry: "GB" }),
      { e164: "+442079460958", countryCallingCode: "44", nationalNumber: "2079460958", country: "GB", extension: "12" });
    assert.equal(checkPhoneNumber("+1 415 555 0100;ext=7").ok, true);
    assert.throws(() => pkg.parseE164("+1 415 555 0100 x12"), (e) => e instanceof InvalidPhoneNumberError && e.reason === "contains_letters");
    const fetch = fakeFetch(() => assert.fail("fetch must not be called"));
    const err = await failure(client(fetch).calls.create({ agent_id: "2b5c1f3e-8d4a-4c7e-9f1b-3a6d8e2c5b71", to: "+1 415 555 0100 x12" }));
    assert.ok(err instanceof InvalidPhoneNumberError);
    assert.equal(err.reason, "contains_letters");
    assert.match(err.message, /extension such as "ext\. 12" cannot be dialled/);
  });
  test("national input without a default country says how to fix it", () => {
    assert.throws(() => parsePhoneNumber("020 7946 0958"), (e) =>
      e instanceof InvalidPhoneNumberError && e.reason === "missing_plus" && /give a default country/.test(e.message));
  });
  test("each reason is typed, with the number in the message", () => {
    for (const [input, reason] of [["+891 1663 9560", "unassigned_country_code"], ["+52 555 0995", "invalid_length"],
      ["020 79", "invalid_length"], ["020 AB", "contains_letters"], ["+1 800 FLOWERS", "contains_letters"], [" - ", "empty"]]) {
      assert.throws(() => parsePhoneNumber(input, { defaultCountry: "GB" }), (e) =>
        e instanceof InvalidPhoneNumberError && e.field === "phone number" && e.reason === reason && e.message.includes(input.trim()));
      const r = checkPhoneNumber(input, { defaultCountry: "GB" });
      assert.equal(r.ok, false);
      assert.equal(r.ok === false && r.reason, reason);
    }
  });
  test("a bad defaultCountry is a ValidationError naming it, whatever the number", () => {
    for (const defaultCountry of ["XX", "GBR", "", 44, null]) {
      for (const f of [parsePhoneNumber, checkPhoneNumber]) {
        assert.throws(() => f("+33 1 23 45 67 89", { defaultCountry }), (e) =>
          e instanceof ValidationError && !(e instanceof InvalidPhoneNumberError) && e.field === "defaultCountry", `${f.name} ${defaultCountry}`);
      }
    }
    assert.throws(() => parsePhoneNumber(4155550100), (e) => e instanceof ValidationError && !(e instanceof InvalidPhoneNumberError));
    assert.equal(checkPhoneNumber(null).ok, false);
  });
  test("parseE164 and checkE164 keep their shapes, with the country-aware check", () => {
    assert.equal(pkg.parseE164("+44 (0)20 7946 0958"), "+442079460958");
    assert.deepEqual(pkg.checkE164("+525550995").ok, false);
    assert.throws(() => pkg.parseE164("(415) 555-0100"), (e) => e.reason === "missing_plus");
  });
});

describe("checkPhoneNumbers", () => {
  const GB = { defaultCountry: "GB" };
  test("answers checkPhoneNumber's answers, in order, for any iterable", () => {
    const inputs = ["020 7946 0958", null, "+891 1663 9560", "", 44, "+1 415 555 0100 ext. 7", "020 79", undefined];
    const expected = inputs.map((i) => checkPhoneNumber(i, GB));
    assert.deepEqual(checkPhoneNumbers(inputs, GB), expected);
    assert.deepEqual(checkPhoneNumbers(new Set(inputs), GB), [...new Set(inputs)].map((i) => checkPhoneNumber(i, GB)));
    assert.deepEqual(checkPhoneNumbers((function* () { yield* inputs; })(), GB), expected);
    assert.equal(expected[0].ok && expected[0].value.e164, "+442079460958");
    assert.equal(!expected[1].ok && expected[1].reason, "not_a_string");
    assert.equal(expected[5].ok && expected[5].value.extension, "7");
    assert.deepEqual(checkPhoneNumbers([]), []);
  });
  test("separators, NULs and other characters inside a number are that number's", () => {
    const inputs = ["+44 20\n7946 0958", "+44 20 7946 0958\0x", "\n", "\u0001+1 415 555 0100", "+1\r\n415", "٠٢٠ ٧٩٤٦", "+44 20 7946 0958 \ud800", "\n\n+33 1 23 45 67 89"];
    const bulk = checkPhoneNumbers(inputs, GB);
    assert.equal(bulk.length, inputs.length);
    assert.deepEqual(bulk, inputs.map((i) => checkPhoneNumber(i, GB)));
    assert.ok(bulk.slice(0, -1).every((r) => !r.ok), JSON.stringify(bulk));
    assert.equal(bulk[0].reason, "invalid_character");
    assert.match(bulk[0].message, /"\+44 20\n7946 0958"/);
    assert.match(bulk[1].message, /"\+44 20 7946 0958\0x"/);
    assert.equal(bulk.at(-1).value.e164, "+33123456789"); // leading line breaks are blanks, as for one number
  });
  test("a list longer than one call into the wasm keeps its order", () => {
    const inputs = Array.from({ length: 2500 }, (_, i) => (i % 3 ? `+44 20 7946 ${String(i).padStart(4, "0")}` : `0${i}`));
    inputs.push("+1 415 555 0100".padEnd(70_000, "0")); // alone past the characters of one call
    const bulk = checkPhoneNumbers(inputs, GB);
    assert.deepEqual(bulk, inputs.map((i) => checkPhoneNumber(i, GB)));
    assert.equal(bulk[2].value.e164, "+442079460002");
    assert.equal(bulk[2500].reason, "too_long");
  });
  test("a bad defaultCountry throws a ValidationError naming it, even with no number to check", () => {
    for (const defaultCountry of ["XX", "GBR", "", 44, null]) {
      for (const inputs of [["+33 1 23 45 67 89"], [], [null], ["a\nb"]]) {
        assert.throws(() => checkPhoneNumbers(inputs, { defaultCountry }), (e) =>
          e instanceof ValidationError && !(e instanceof InvalidPhoneNumberError) && e.field === "defaultCountry", `${defaultCountry} ${JSON.stringify(inputs)}`);
      }
    }
  });
  test("inputs must be an iterable of numbers, not one number", () => {
    for (const inputs of ["+44 20 7946 0958", 12, null, undefined, { length: 1, 0: "+1" }]) {
      assert.throws(() => checkPhoneNumbers(inputs), (e) => e instanceof ValidationError && e.field === "inputs", String(inputs));
    }
  });
  test("property: the bulk answers are the single answers, for any strings", () => {
    // Strings made largely of the characters that could confuse a joined form ("\n", "\0",
    // "\u0001") and of the characters phone numbers are made of, plus any Unicode.
    const piece = fc.oneof(
      fc.constantFrom("\n", "\0", "\u0001", "\r", "+", " ", "0", "20", "7946", "0958", "ext. ", "x", "(", ")", "-", "\u00a0", "é", "\ud83d\udcde", "\ud800"),
      fc.string({ unit: "binary", maxLength: 4 }),
    );
    const input = fc.oneof(fc.array(piece, { maxLength: 12 }).map((a) => a.join("")), fc.string({ unit: "grapheme", maxLength: 20 }));
    const item = fc.oneof({ weight: 9, arbitrary: input }, { weight: 1, arbitrary: fc.constantFrom(null, 1, undefined, {}) });
    const country = fc.constantFrom(undefined, "GB", "US", "fr", "RU", "AU");
    fc.assert(fc.property(fc.array(item, { maxLength: 30 }), country, (inputs, defaultCountry) => {
      const options = defaultCountry === undefined ? undefined : { defaultCountry };
      assert.deepEqual(checkPhoneNumbers(inputs, options), inputs.map((i) => checkPhoneNumber(i, options)));
    }), { numRuns: 1500, seed: 42 });
  });
  test("its errors are the main entry's classes too", () => {
    assert.equal(phone.ValidationError === pkg.ValidationError, false); // each entry has its own copy
    assert.throws(() => parsePhoneNumber("+891 1663 9560"), (e) =>
      e instanceof pkg.InvalidPhoneNumberError && e instanceof phone.InvalidPhoneNumberError && e instanceof pkg.CallingBoxError && e.reason === "unassigned_country_code");
    assert.throws(() => checkPhoneNumbers([], { defaultCountry: "XX" }), (e) => e instanceof pkg.ValidationError && e instanceof phone.CallingBoxError);
  });
});

describe("the client's defaultCountry option", () => {
  const call = { agent_id: "2b5c1f3e-8d4a-4c7e-9f1b-3a6d8e2c5b71", to: "(415) 555-0100" };
  test("national numbers in params are read with it and sent in E.164", async () => {
    const fetch = fakeFetch(() => json(201, { id: "c1", status: "queued" }));
    const c = new CallingBox({ apiKey: KEY, fetch, defaultCountry: "US", maxRetries: 0 });
    await c.calls.create(call).catch(() => {}); // the answer does not matter: the request does
    assert.equal(JSON.parse(fetch.calls[0].init.body).to, "+14155550100");
  });
  test("without it, national input fails before any request", async () => {
    const fetch = fakeFetch(() => assert.fail("fetch must not be called"));
    const err = await failure(client(fetch).calls.create(call));
    assert.ok(err instanceof InvalidPhoneNumberError);
    assert.equal(err.field, "to");
    assert.equal(err.reason, "missing_plus");
    assert.equal(fetch.calls.length, 0);
  });
  test("a bad one is refused when the client is made", () => {
    for (const defaultCountry of ["XX", "usa", 1, ""]) {
      assert.throws(() => new CallingBox({ apiKey: KEY, defaultCountry }), (e) => e instanceof ValidationError && e.field === "defaultCountry", String(defaultCountry));
    }
  });
});

test("the emulator rejects exactly what the client rejects, with the same reason", async () => {
  const e = emu.createEmulator({ seed: 3 });
  const post = async (phone_number) => {
    const res = await e.fetch("http://emulator.test/v1/numbers/purchase", {
      method: "POST",
      headers: { authorization: `Bearer ${e.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ phone_number }),
    });
    return { status: res.status, message: JSON.stringify(await res.json()) };
  };
  let rejected = 0;
  // "+" and 1-16 digits: E.164 syntax, any calling code, any length; and numbers with trunk
  // zeros after the code (the client's canonical output is what it would send, so the emulator
  // sees that when the client accepts).
  const inputs = fc.oneof(
    fc.stringMatching(/^\+[0-9]{1,16}$/),
    fc.stringMatching(/^\+[1-9][0-9]{0,2} 0{1,3} ?[0-9]{1,12}$/),
    fc.constantFrom("+20 00 23456789", "+27 00 23456", "+60 00 23456789", "+43 0 0234", "+44 (0)20 7946 0958"),
  );
  await fc.assert(fc.asyncProperty(inputs, async (input) => {
    const ours = pkg.checkE164(input);
    const theirs = await post(ours.ok ? ours.value : input);
    const reason = /\(reason: ([a-z_]+)\)/.exec(theirs.message)?.[1];
    if (ours.ok) {
      assert.doesNotMatch(theirs.message, /phone_number .*(E\.164|canonical)/, `${input}: the client sends ${ours.value}, the emulator said ${theirs.message}`);
    } else {
      rejected++;
      assert.equal(theirs.status, 400);
      assert.equal(reason, ours.reason, `${input}: ${theirs.message}`);
    }
  }), { numRuns: 400, seed: 15 });
  assert.ok(rejected > 50, `only ${rejected} rejected inputs were tried`);
});
