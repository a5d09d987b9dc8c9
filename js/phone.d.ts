// Types for `callingbox/phone`: phone numbers read as people type them. The error classes are the
// main entry's (index.d.ts); the errors this entry throws are `instanceof` the classes of either entry.
import type { E164, PhoneNumberReason } from "./index.js";

export type { E164, PhoneNumberReason } from "./index.js";
export { CallingBoxError, ValidationError, InvalidPhoneNumberError } from "./index.js";

/** A phone number read by {@link parsePhoneNumber}. */
export interface ParsedPhoneNumber {
  /** `+<countryCallingCode><nationalNumber>`, what the API takes. */
  e164: E164;
  /** Without `+`, e.g. "44". */
  countryCallingCode: string;
  /** The national (significant) number, without a trunk prefix: "2079460958". */
  nationalNumber: string;
  /**
   * The region (ISO 3166-1 alpha-2): the default country for national input, the calling code's
   * only region otherwise; absent for a code several regions share (+1, +7, +44, …) and for
   * non-geographic codes (+800, …).
   */
  country?: string;
  /** The digits of an extension written after the number (`ext. 12`, `x12`, `;ext=12`): never dialled. */
  extension?: string;
}

export interface PhoneNumberOptions {
  /** The region (ISO 3166-1 alpha-2, e.g. "US") national input is read in. */
  defaultCountry?: string;
}

/** What {@link checkPhoneNumber} answers for one number. */
export type PhoneNumberCheck =
  | { ok: true; value: ParsedPhoneNumber }
  | { ok: false; reason: PhoneNumberReason | "not_a_string"; message: string };

/**
 * Reads a phone number as people type it: international ("+44 (0)20 7946 0958"), or national
 * with a default country ("020 7946 0958" with `{ defaultCountry: "GB" }`). Throws
 * InvalidPhoneNumberError (its `reason` says why), or a ValidationError for a bad `defaultCountry`.
 */
export declare function parsePhoneNumber(input: string, options?: PhoneNumberOptions): ParsedPhoneNumber;

/** The same check without throwing for the number, for bulk validation (a bad `defaultCountry` still throws a ValidationError). */
export declare function checkPhoneNumber(input: unknown, options?: PhoneNumberOptions): PhoneNumberCheck;

/**
 * {@link checkPhoneNumber} for a whole list (a pasted column, a CSV), in a few calls into the wasm
 * instead of one per number: the answers in the order of `inputs` (a value that is not a string is
 * `not_a_string`). A bad `defaultCountry` throws a ValidationError; so does `inputs` that is not
 * an iterable, or is a string.
 */
export declare function checkPhoneNumbers<T extends Iterable<unknown>>(
  /** The numbers: an array, a Set, a generator, ... (a string is one number, not a list: refused). */
  inputs: T extends string ? never : T,
  options?: PhoneNumberOptions,
): PhoneNumberCheck[];
