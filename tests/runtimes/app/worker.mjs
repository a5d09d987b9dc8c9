// workerd cell of the runtime matrix (the README's Workers quickstart). tests/runtimes/matrix.mjs
// bundles worker-test.mjs (this Worker + a /conformance route) with esbuild and the Workers
// conditions (workerd, worker, browser: what wrangler uses), keeps the .wasm as a module
// import (CompiledWasm), and runs the bundle in workerd through Miniflare.
// quickstart:start workerd
import { CallingBox } from "callingbox";

export default {
  async fetch(request, env) {
    const client = new CallingBox({ apiKey: env.CALLINGBOX_API_KEY, baseUrl: env.CALLINGBOX_BASE_URL });
    const { data: agents } = await client.agents.list();
    return Response.json({ agents: agents.length });
  },
};
// quickstart:end
