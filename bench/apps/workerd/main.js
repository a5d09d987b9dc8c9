// The Worker used for the workerd cold-start benchmark: the SDK lives in ./sdk.js and is
// imported dynamically by the first request, so the isolate times its own import + constructor.
export default {
  async fetch(request) {
    const t0 = performance.now();
    const sdk = await import("./sdk.js");
    const t1 = performance.now();
    sdk.make();
    const t2 = performance.now();
    // Proof that the clock moves during CPU work in this workerd (no Spectre coarsening).
    let x = 0;
    for (let i = 0; i < 1e6; i++) x += i & 1;
    const t3 = performance.now();
    return Response.json({ importMs: t1 - t0, constructMs: t2 - t1, busyLoopMs: t3 - t2, x });
  },
};
