// TypeScript CommonJS consumer (tsc, module/moduleResolution node16): must resolve the
// "require" condition's types (index.d.cts) with no TS1479.
import { CallingBox, NotFoundError, type Call } from "callingbox";
import { createEmulator } from "callingbox/emulator";
import { Webhooks, WebhookSignatureError, type WebhookEvent } from "callingbox/webhooks";
import { checkPhoneNumbers, type PhoneNumberCheck } from "callingbox/phone";

const client = new CallingBox({ apiKey: "sk_test_typescript_cts" });
export async function first(): Promise<Call | undefined> {
  try {
    return (await client.calls.list({ limit: 1 })).data[0];
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}
export const emulator: unknown = createEmulator;
export function verify(body: string, header: string | null): WebhookEvent | string {
  try {
    return Webhooks.constructEvent(body, header, "whsec_cts");
  } catch (e) {
    if (e instanceof WebhookSignatureError) return e.reason;
    throw e;
  }
}
export const phones: PhoneNumberCheck[] = checkPhoneNumbers(["020 7946 0958"], { defaultCountry: "GB" });
