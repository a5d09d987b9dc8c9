// A Cloudflare Worker for CallingBox: receives webhooks (verified synchronously with the
// SDK's Rust verifier) and proxies an allow-listed part of the API so browsers never hold
// the secret key. Deploy with `wrangler deploy` (see wrangler.toml and README.md).
//
// env: CALLINGBOX_API_KEY (secret), CALLINGBOX_WEBHOOK_SECRET (secret), PROXY_TOKEN (secret:
// what your own front end sends as `Authorization: Bearer <token>`; without it the proxy is
// closed, since an open one would let anyone ring any number on your account),
// CALLINGBOX_BASE_URL (optional; point it at the emulator for local runs), EVENTS (KV, optional).
import { APIError, CallingBox, CallingBoxError, ValidationError, WebhookSignatureError, Webhooks } from "callingbox";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
};

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

// In-memory fallback when no KV namespace is bound (one isolate; fine for tests and demos).
const memory = new Map();
const store = (env) =>
  env.EVENTS ?? {
    get: async (k) => memory.get(k) ?? null,
    put: async (k, v) => void memory.set(k, v),
    list: async ({ prefix }) => ({ keys: [...memory.keys()].filter((k) => k.startsWith(prefix)).map((name) => ({ name })) }),
  };

async function receiveWebhook(request, env) {
  const raw = new Uint8Array(await request.arrayBuffer());
  let event;
  try {
    event = Webhooks.constructEvent(raw, request.headers.get("callingbox-signature"), env.CALLINGBOX_WEBHOOK_SECRET);
  } catch (e) {
    if (e instanceof WebhookSignatureError || e instanceof ValidationError) return json(400, { error: e.message, reason: e.reason ?? e.code });
    throw e;
  }
  // Idempotent on the event id — the signed one in the body, not the CallingBox-Event-Id
  // header (same value, but a header is not covered by the signature).
  const id = event.id;
  const kv = store(env);
  if (await kv.get(`event:${id}`)) return json(200, { received: true, duplicate: true });
  await kv.put(`event:${id}`, JSON.stringify({ id, type: event.type, call_id: event.data.call.id, status: event.data.call.status, created: event.created }));
  return json(200, { received: true });
}

async function listEvents(env) {
  const kv = store(env);
  const { keys } = await kv.list({ prefix: "event:" });
  const events = [];
  for (const { name } of keys) events.push(JSON.parse(await kv.get(name)));
  events.sort((a, b) => a.created - b.created);
  return json(200, { data: events }, CORS);
}

// The only operations a browser may ask for: method, path pattern, and the SDK call.
const ROUTES = [
  ["POST", /^\/api\/calls$/, (c, m, body) => c.calls.create(body)],
  ["GET", /^\/api\/calls\/([^/]+)$/, (c, m) => c.calls.retrieve(m[1])],
  ["GET", /^\/api\/calls\/([^/]+)\/transcript$/, (c, m) => c.calls.getTranscript(m[1])],
  ["GET", /^\/api\/agents$/, (c) => c.agents.list({ type: "outbound" })],
];

/** Constant-time comparison of the caller's token with PROXY_TOKEN. */
function authorized(request, env) {
  const want = env.PROXY_TOKEN;
  const got = (request.headers.get("authorization") || "").replace(/^Bearer /, "");
  if (!want || got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ got.charCodeAt(i);
  return diff === 0;
}

async function proxy(request, env, path) {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
  if (!authorized(request, env)) return json(401, { error: "missing or wrong proxy token" }, CORS);
  const route = ROUTES.map(([method, re, run]) => method === request.method && re.exec(path) && [run, re.exec(path)]).find(Boolean);
  if (!route) return json(404, { error: `${request.method} ${path} is not an allowed operation` }, CORS);
  let args;
  try {
    args = route[1].map(decodeURIComponent);
  } catch {
    return json(400, { error: "the path is not valid percent-encoding" }, CORS);
  }
  let body;
  if (request.method === "POST") {
    try {
      body = await request.json();
    } catch {
      return json(400, { error: "the body must be JSON" }, CORS);
    }
  }
  const client = new CallingBox({ apiKey: env.CALLINGBOX_API_KEY, baseUrl: env.CALLINGBOX_BASE_URL || undefined, timeout: 15_000 });
  try {
    const result = await route[0](client, args, body);
    return json(result.lastResponse.status, result, CORS);
  } catch (e) {
    // The API's own status and body; SDK errors never contain the key.
    if (e instanceof APIError && e.status >= 400) return json(e.status, e.body ?? { error: e.message }, CORS);
    if (e instanceof ValidationError) return json(400, { error: e.message, field: e.field }, CORS);
    if (e instanceof CallingBoxError) return json(502, { error: e.message, code: e.code }, CORS);
    throw e;
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/webhooks" && request.method === "POST") return receiveWebhook(request, env);
    if (pathname === "/events" && request.method === "GET") return listEvents(env);
    if (pathname.startsWith("/api/")) return proxy(request, env, pathname);
    return json(404, { error: "not found" });
  },
};
