import { CallingBox } from "callingbox";

const call = await new CallingBox({ apiKey: "sk_test_x" }).calls.retrieve("x");
console.log(call);
