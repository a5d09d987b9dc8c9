// Bun cell of the runtime matrix: `bun bun.mjs` in the consumer project ("bun" condition).
// First the README's Bun quickstart (readme-bun.mjs: matrix.mjs writes it from README.md),
// then the conformance scenario.
import "./readme-bun.mjs";
import * as sdk from "callingbox";
import * as webhooks from "callingbox/webhooks";
import * as phone from "callingbox/phone";
import { runConformance, report } from "./conformance.mjs";

const out = await runConformance(sdk, webhooks, phone, { baseUrl: Bun.env.CALLINGBOX_BASE_URL, apiKey: Bun.env.CALLINGBOX_API_KEY });
console.log(report(out, { resolved: [import.meta.resolve("callingbox"), import.meta.resolve("callingbox/webhooks"), import.meta.resolve("callingbox/phone")], version: Bun.version }));
