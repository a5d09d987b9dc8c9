import Retell from "retell-sdk";
export const make = () => new Retell({ apiKey: "key_cold" });
