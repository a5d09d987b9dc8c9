// The checks every phone app of the bundler tests runs with the callingbox/phone it bundled (a
// browser page, and `bun build` output run in Bun): national input, a list in one call, a typed error.
/** Returns a short summary or throws. */
export function checkPhones({ parsePhoneNumber, checkPhoneNumbers, InvalidPhoneNumberError }) {
  const parsed = parsePhoneNumber("020 7946 0958", { defaultCountry: "GB" });
  if (parsed.e164 !== "+442079460958" || parsed.country !== "GB") throw new Error(`unexpected ${JSON.stringify(parsed)}`);
  const list = checkPhoneNumbers(["(415) 555-0100", "+891 1663 9560", null, "+1 415 555 0100 x7"], { defaultCountry: "US" });
  const got = list.map((r) => (r.ok ? r.value.e164 + (r.value.extension ? `;${r.value.extension}` : "") : r.reason)).join(" ");
  if (got !== "+14155550100 unassigned_country_code not_a_string +14155550100;7") throw new Error(`checkPhoneNumbers answered ${got}`);
  try {
    parsePhoneNumber("020 7946 0958");
  } catch (e) {
    if (!(e instanceof InvalidPhoneNumberError) || e.reason !== "missing_plus") throw e;
    return `parsed ${parsed.e164}, checked a list of ${list.length}`;
  }
  throw new Error("national input without a default country was read");
}
