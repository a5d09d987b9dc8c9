// Node cell of the runtime matrix: `node node.mjs` in the consumer project ("node" condition).
// First the README's Node quickstart (readme-node.mjs: matrix.mjs writes it from README.md),
// then the conformance scenario.
import "./readme-node.mjs";
import * as sdk from "callingbox";
import * as webhooks from "callingbox/webhooks";
import * as phone from "callingbox/phone";
import { runConformance, report } from "./conformance.mjs";

const out = await runConformance(sdk, webhooks, phone, { baseUrl: process.env.CALLINGBOX_BASE_URL, apiKey: process.env.CALLINGBOX_API_KEY });
console.log(report(out, { resolved: [import.meta.resolve("callingbox"), import.meta.resolve("callingbox/webhooks"), import.meta.resolve("callingbox/phone")], version: process.version }));
