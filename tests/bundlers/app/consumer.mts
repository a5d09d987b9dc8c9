// The same from an ES module under node16 (index.d.ts through the "import" side).
import { CallingBox, type Call } from "callingbox";
import { startEmulatorServer } from "callingbox/emulator";
import { Webhooks } from "callingbox/webhooks";
import { parsePhoneNumber } from "callingbox/phone";

const client = new CallingBox({ apiKey: "sk_test_typescript_mts" });
export const first = async (): Promise<Call | undefined> => (await client.calls.list({ limit: 1 })).data[0];
export const server: typeof startEmulatorServer = startEmulatorServer;
export const header: string = Webhooks.generateTestHeader({ payload: {}, secret: "whsec_mts" });
export const e164: string = parsePhoneNumber("020 7946 0958", { defaultCountry: "GB" }).e164;
