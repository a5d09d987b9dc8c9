import OpenAI from "openai";

const model = await new OpenAI({ apiKey: "sk_test_x", dangerouslyAllowBrowser: true }).models.retrieve("x");
console.log(model);
