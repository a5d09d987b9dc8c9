// CommonJS consumer: `node require.cjs <baseUrl> <apiKey>` (must work on every Node in engines,
// not only where require(esm) exists: the package ships node.cjs for the "require" condition).
const { CallingBox, CallingBoxError, NotFoundError } = require("callingbox");
const { startEmulatorServer } = require("callingbox/emulator");
const { Webhooks, WebhookSignatureError } = require("callingbox/webhooks");
const { checkPhoneNumbers, InvalidPhoneNumberError } = require("callingbox/phone");

if (typeof startEmulatorServer !== "function") throw new Error("callingbox/emulator has no startEmulatorServer under require");
const [baseUrl, apiKey] = process.argv.slice(2);
const client = new CallingBox({ apiKey, baseUrl });
client.calls.list().then(async ({ data }) => {
  const missing = await client.calls.retrieve("call_missing").catch((e) => e);
  if (!(missing instanceof NotFoundError && missing instanceof CallingBoxError)) throw new Error(`expected a NotFoundError, got ${missing}`);
  // callingbox/webhooks under require: signs and verifies; its errors are the main entry's too.
  const header = Webhooks.generateTestHeader({ payload: "{}", secret: "whsec_require", timestamp: 100 });
  const bad = (() => { try { Webhooks.constructEvent("{}", header, "whsec_other", { now: 100 }); } catch (e) { return e; } })();
  if (!(bad instanceof WebhookSignatureError && bad instanceof CallingBoxError)) throw new Error(`expected a WebhookSignatureError, got ${bad}`);
  // callingbox/phone under require: a list in one call.
  const phones = checkPhoneNumbers(["020 7946 0958", "+891 1663 9560"], { defaultCountry: "GB" });
  if (phones[0].value?.e164 !== "+442079460958" || phones[1].reason !== "unassigned_country_code") throw new Error(`checkPhoneNumbers answered ${JSON.stringify(phones)}`);
  if (typeof InvalidPhoneNumberError !== "function") throw new Error("callingbox/phone has no InvalidPhoneNumberError under require");
  console.log(`ONE-CALL OK ${data.length} calls (require, ${["callingbox", "callingbox/webhooks", "callingbox/phone"].map((m) => require.resolve(m).split("/").pop()).join(", ")})`);
});
