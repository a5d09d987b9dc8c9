// What a user writes without any SDK: one authenticated GET, error on non-2xx, JSON body.
const res = await fetch("https://api.callingbox.io/v1/calls/x", { headers: { authorization: "Bearer sk_test_x" } });
if (!res.ok) throw new Error(`GET /v1/calls/x failed: ${res.status} ${await res.text()}`);
console.log(await res.json());
