// Deno cell of the runtime matrix, run in the consumer project (package.json + node_modules,
// as after installing the tarball), "deno" condition:
//   deno test --allow-read --allow-net=127.0.0.1 --allow-env=CALLINGBOX_API_KEY,CALLINGBOX_BASE_URL deno.test.mjs
// First the README's Deno quickstart (readme-deno.mjs: matrix.mjs writes it from README.md;
// if it throws, the module fails to load and deno test fails), then the conformance scenario.
import "./readme-deno.mjs";
import * as sdk from "callingbox";
import * as webhooks from "callingbox/webhooks";
import * as phone from "callingbox/phone";
import { runConformance, report } from "./conformance.mjs";

Deno.test("conformance scenario (deno entry)", async (t) => {
  const out = await runConformance(sdk, webhooks, phone, { baseUrl: Deno.env.get("CALLINGBOX_BASE_URL"), apiKey: Deno.env.get("CALLINGBOX_API_KEY") });
  console.log(report(out, { resolved: [import.meta.resolve("callingbox"), import.meta.resolve("callingbox/webhooks"), import.meta.resolve("callingbox/phone")], version: Deno.version.deno }));
  for (const r of out.results) {
    await t.step(r.name, () => {
      if (!r.ok) throw new Error(r.error);
    });
  }
});
