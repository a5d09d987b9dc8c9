import Retell from "retell-sdk";

const call = await new Retell({ apiKey: "key_x" }).call.retrieve("x");
console.log(call);
