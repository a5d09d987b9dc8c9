// callingbox/phone: phone numbers read as people type them (national input with a default
// country, extensions read apart, the region), for UIs that validate what is typed or pasted. A
// wasm of its own (crates/callingbox-phone-wasm): the client's wasm keeps only the check it
// dials with, so an app that only calls the API does not load this. Each runtime's phone-*.js
// entry registers how to load the wasm.
import { checkPhone, checkPhones } from "./callingbox_phone.js";
import { wasm } from "./runtime.js";
import { ValidationError } from "./errors.js";
import { notAString, phoneError, refusal } from "./phone-answer.js";

// The classes its errors are made from (they are `instanceof` the main entry's too: js/errors.js).
export { CallingBoxError, ValidationError, InvalidPhoneNumberError } from "./errors.js";

/**
 * @typedef {{ e164: string, countryCallingCode: string, nationalNumber: string, country?: string, extension?: string }} ParsedPhoneNumber
 * @typedef {import("./phone-answer.js").PhoneProblem} PhoneProblem
 * @typedef {{ ok: true, value: ParsedPhoneNumber } | PhoneProblem} PhoneCheck
 */

/**
 * One answer of the wasm: `"+code\0national\0region\0extension"` or `"\0reason\0message"`
 * (slices: cheaper than split + destructuring).
 * @param {string} out
 * @returns {PhoneCheck}
 */
function read(out) {
  if (out.charCodeAt(0) === 0) return refusal(out);
  const a = out.indexOf("\0");
  const b = out.indexOf("\0", a + 1);
  const c = out.indexOf("\0", b + 1);
  const nationalNumber = out.slice(a + 1, b);
  /** @type {ParsedPhoneNumber} */
  const value = { e164: out.slice(0, a) + nationalNumber, countryCallingCode: out.slice(1, a), nationalNumber };
  if (c > b + 1) value.country = out.slice(b + 1, c);
  if (c + 1 < out.length) value.extension = out.slice(c + 1);
  return { ok: true, value };
}

/**
 * `options.defaultCountry` as the wasm takes it: "" for none; anything but a non-empty string is
 * no region code ("?"), which the core refuses like an unknown one.
 * @param {unknown} options
 * @returns {string}
 */
function region(options) {
  const c = options === undefined || options === null ? undefined : /** @type {{ defaultCountry?: unknown }} */ (options).defaultCountry;
  return c === undefined ? "" : typeof c === "string" && c ? c : "?";
}

/**
 * The core's answer for a bad default country is the caller's mistake, not the number's.
 * @param {PhoneCheck} r
 * @returns {PhoneCheck}
 */
function unlessBadCountry(r) {
  if (!r.ok && r.reason === "unknown_default_country") {
    throw new ValidationError("defaultCountry must be a region code like \"US\" or \"GB\" (ISO 3166-1 alpha-2)", { field: "defaultCountry" });
  }
  return r;
}

/**
 * @param {string} input
 * @param {string} country
 * @returns {PhoneCheck}
 */
const one = (input, country) => read(wasm(checkPhone, [input, country], undefined, "phone"));

/**
 * Checks a phone number as people type it without throwing: `{ ok: true, value }` (see
 * parsePhoneNumber) or `{ ok: false, reason, message }`. A bad `defaultCountry` is the caller's
 * mistake, not the number's: that throws a ValidationError.
 * @param {unknown} input
 * @param {{ defaultCountry?: string }} [options]
 * @returns {PhoneCheck}
 */
export function checkPhoneNumber(input, options) {
  const country = region(options);
  return typeof input === "string" ? unlessBadCountry(one(input, country)) : notAString(input);
}

/**
 * Reads a phone number as people type it: international (`+44 20 7946 0958`), or national with
 * a default country (`020 7946 0958` with `{ defaultCountry: "GB" }`); an extension (`x12`) is
 * returned apart (the client never dials one: in a param, its letters are refused). Throws
 * InvalidPhoneNumberError (its `reason` says why), or ValidationError for a bad option.
 * @param {unknown} input
 * @param {{ defaultCountry?: string }} [options]
 * @returns {ParsedPhoneNumber}
 */
export function parsePhoneNumber(input, options) {
  const r = checkPhoneNumber(input, options);
  return r.ok ? r.value : phoneError(r);
}

// One call of the wasm checks at most this many numbers or characters: the wasm's memory only
// comes back after a call (src/alloc.rs), so a pasted million lines must not be one call.
const BATCH = 1000;
const BATCH_CHARS = 1 << 16;

/**
 * `checkPhoneNumber` for many numbers at once (a pasted list, a CSV column), in far fewer
 * crossings into the wasm: the answers of `checkPhoneNumber`, in the order of `inputs`. A bad
 * `defaultCountry` throws a ValidationError, whatever the numbers.
 * @param {Iterable<unknown>} inputs
 * @param {{ defaultCountry?: string }} [options]
 * @returns {PhoneCheck[]}
 */
export function checkPhoneNumbers(inputs, options) {
  if (typeof inputs === "string" || typeof (/** @type {any} */ (inputs)?.[Symbol.iterator]) !== "function") {
    throw new ValidationError("inputs must be an iterable (such as an array) of phone numbers", { field: "inputs" });
  }
  const country = region(options);
  /** @type {PhoneCheck[]} */
  const out = [];
  /** @type {string[]} */
  let batch = [];
  /** @type {number[]} where each number of `batch` goes in `out` */
  let at = [];
  let chars = 0;
  let checked = false;
  const flush = () => {
    // Numbers separated by "\n", answers likewise (checkPhones, crates/callingbox-phone-wasm).
    const answers = wasm(checkPhones, [batch.join("\n"), country], undefined, "phone").split("\n");
    for (let i = 0; i < at.length; i++) out[at[i]] = unlessBadCountry(read(answers[i]));
    batch = [];
    at = [];
    chars = 0;
    checked = true;
  };
  for (const input of inputs) {
    if (typeof input !== "string") {
      out.push(notAString(input));
    } else if (input.includes("\n")) {
      // A number with a "\n" in it would split: it goes alone (an answer quotes its number).
      out.push(unlessBadCountry(one(input, country)));
      checked = true;
    } else {
      at.push(out.length);
      out.push(/** @type {any} */ (undefined)); // filled by flush
      batch.push(input);
      chars += input.length + 1;
      if (batch.length === BATCH || chars > BATCH_CHARS) flush();
    }
  }
  if (batch.length) flush();
  // A bad default country throws even when no number was checked (none, or none a string).
  if (country && !checked) unlessBadCountry(one("", country));
  return out;
}
