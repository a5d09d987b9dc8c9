// What the phone-number checks of both entries share (the client's checkE164 / parseE164,
// callingbox/phone's checkPhoneNumber / parsePhoneNumber): the answer for a value that is not a
// string, the reading of a wasm's refusal, and the error thrown for it.

import { InvalidPhoneNumberError, ValidationError } from "./errors.js";

/** @typedef {{ ok: false, reason: string, message: string }} PhoneProblem */

/**
 * `input` is not a string: the answer the checks give for it.
 * @param {unknown} input
 * @returns {PhoneProblem}
 */
export const notAString = (input) =>
  ({ ok: false, reason: "not_a_string", message: `phone number must be a string, got ${input === null ? "null" : typeof input}` });

/**
 * A wasm's refusal, `"\0<reason>\0<message>"` (the message may contain "\0": it quotes the input).
 * @param {string} out
 * @returns {PhoneProblem}
 */
export function refusal(out) {
  const end = out.indexOf("\0", 1);
  return { ok: false, reason: out.slice(1, end), message: out.slice(end + 1) };
}

/**
 * Throws what a check found wrong.
 * @param {PhoneProblem} r
 * @returns {never}
 */
export function phoneError(r) {
  if (r.reason === "not_a_string") throw new ValidationError(r.message, { field: "phone number" });
  throw new InvalidPhoneNumberError(r.message, { field: "phone number", reason: r.reason });
}
