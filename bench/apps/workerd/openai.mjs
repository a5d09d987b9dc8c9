import OpenAI from "openai";
export const make = () => new OpenAI({ apiKey: "sk_test_cold" });
