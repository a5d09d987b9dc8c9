// The Worker the matrix runs: the README's Workers quickstart (readme-worker.ts: matrix.mjs
// writes it from README.md; esbuild strips its types) plus GET /conformance, which runs the
// conformance scenario inside workerd and answers its results as JSON.
import * as sdk from "callingbox";
import * as webhooks from "callingbox/webhooks";
import * as phone from "callingbox/phone";
import app from "./readme-worker.ts";
import { runConformance } from "./conformance.mjs";

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname !== "/conformance") return app.fetch(request, env, ctx);
    try {
      return Response.json(await runConformance(sdk, webhooks, phone, { baseUrl: env.CALLINGBOX_BASE_URL, apiKey: env.CALLINGBOX_API_KEY }));
    } catch (e) {
      return Response.json({ error: String((e && e.stack) || e) }, { status: 500 });
    }
  },
};
