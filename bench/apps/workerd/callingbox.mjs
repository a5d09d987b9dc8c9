import { CallingBox } from "callingbox";
export const make = () => new CallingBox({ apiKey: "sk_test_cold" });
