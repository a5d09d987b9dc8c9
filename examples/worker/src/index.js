// A Cloudflare Worker for CallingBox: receives webhooks (verified synchronously with the
// SDK's Rust verifier) and proxies the few operations a dispatch page needs, so browsers
// never hold the secret key. Deploy with `wrangler deploy` (see wrangler.toml and
// docs/worker.md).
//
//   POST /webhooks           verify the signature, record each event once (by its signed id)
//   GET  /events             the recorded events, oldest first, a page at a time
//                            (?limit=1..100&cursor=<next_cursor of the previous page>);
//                            needs `Authorization: Bearer <EVENTS_TOKEN>`
//
// and, under /proxy, a narrowed copy of the API that the package's own client talks to from
// a page: `new CallingBox({ apiKey: <proxy token>, baseUrl: "<this Worker>/proxy" })`.
//   POST /proxy/v1/calls     place a call: { agent_id, to, context?, metadata? } and nothing
//                            else; the client's Idempotency-Key makes its retries safe
//   GET  /proxy/v1/calls/:id a call placed for the same token subject (no other call)
//   GET  /proxy/v1/calls/:id/transcript
//   GET  /proxy/v1/agents    the agents a page may dispatch, as { id, name }
// Each needs `Authorization: Bearer <proxy token>`: a short-lived token for one subject (your
// user), signed with PROXY_TOKEN_SECRET (token.js). An open proxy would let anyone ring any
// number on your account.
//
// env, secrets: CALLINGBOX_API_KEY, CALLINGBOX_WEBHOOK_SECRET, PROXY_TOKEN_SECRET, EVENTS_TOKEN.
// env, optional vars: CALLINGBOX_BASE_URL (the emulator, for local runs), ALLOWED_ORIGIN
// (the one origin whose pages may call this Worker cross-origin; unset: no CORS at all),
// ALLOWED_AGENT_IDS (comma-separated; unset: any agent of the account), WEBHOOK_URL (where
// a placed call's events go; unset: this Worker's own /webhooks).
// Binding: LEDGER, the Durable Object in ledger.js (events, placed calls, rate limits).
import {
  APIError, CallingBox, CallingBoxError, OutcomeUnknownError, parseE164, redactSecret, ValidationError,
} from "callingbox";
// Its own entry point (and wasm); its errors are `instanceof` the classes of either entry.
import { WebhookSignatureError, Webhooks } from "callingbox/webhooks";
import { MIN_SECRET_LENGTH, verifyProxyToken } from "./token.js";

export { Ledger } from "./ledger.js";

const WEBHOOK_BODY_LIMIT = 256 * 1024; // bytes; CallingBox events are a few KB
const API_BODY_LIMIT = 16 * 1024;
const FIELD_LIMIT = 2048; // bytes of JSON, for `context` and for `metadata`
const CALL_FIELDS = ["agent_id", "to", "context", "metadata"];
// Token buckets. Each subject (user) has its own: placing calls costs money, 5 at once, then
// 10 a minute; reads (a page polling its calls' status), 60 at once, then 120 a minute. All
// subjects together also share one create bucket, so many users (or many minted subjects)
// cannot multiply the spend without bound.
const RATE_LIMITS = {
  create: { burst: 5, perMinute: 10 },
  read: { burst: 60, perMinute: 120 },
  createAll: { burst: 20, perMinute: 60 },
};
const PROXY_PREFIX = "/proxy";

/** A configuration mistake of the deployment: a 500 that says what is missing. */
class NotConfigured extends Error {}

// ---------------------------------------------------------------------------------------
// Responses. Handlers return plain { status, body, headers }; `render` is the only place a
// Response is made, so the key is removed from everything that leaves the Worker.

const reply = (status, body, headers = {}) => ({ status, body, headers });

function render(request, env, { status, body, headers }) {
  const clean = (text) => redactSecret(text, env.CALLINGBOX_API_KEY);
  // Each string first, then the whole text: an escaped key inside a string (`\u0073k_...`,
  // e.g. in the raw text of an error body that is not JSON) is escaped once more by
  // JSON.stringify, and the pass over the whole text alone would not recognise it.
  const text = body === null ? null : clean(JSON.stringify(body, (_, v) => (typeof v === "string" ? clean(v) : v)));
  const out = new Headers(cors(request, env));
  if (text !== null) out.set("content-type", "application/json");
  for (const [name, value] of Object.entries(headers)) out.set(name, clean(String(value)));
  return new Response(text, { status, headers: out });
}

/** CORS for the one origin in ALLOWED_ORIGIN, if any; never `*`. */
function cors(request, env) {
  if (!env.ALLOWED_ORIGIN) return {};
  if (request.headers.get("origin") !== env.ALLOWED_ORIGIN) return { vary: "Origin" };
  return {
    vary: "Origin",
    "access-control-allow-origin": env.ALLOWED_ORIGIN,
    "access-control-allow-methods": "GET, POST",
    // What the client sends (browsers send no User-Agent; Accept needs no listing).
    "access-control-allow-headers": "authorization, content-type, idempotency-key",
    "access-control-expose-headers": "idempotency-key, retry-after, x-request-id",
  };
}

export default {
  async fetch(request, env) {
    let response;
    try {
      response = await route(request, env);
    } catch (e) {
      if (e instanceof NotConfigured) {
        response = reply(500, { error: `the Worker is not configured: ${e.message}` });
      } else {
        console.error("unexpected error:", redactSecret(String(e?.stack ?? e), env.CALLINGBOX_API_KEY));
        response = reply(500, { error: "internal error" });
      }
    }
    return render(request, env, response);
  },
};

async function route(request, env) {
  const url = new URL(request.url);
  const { pathname } = url;
  if (pathname === "/webhooks") {
    return request.method === "POST" ? receiveWebhook(request, env) : reply(405, { error: "POST only" });
  }
  const proxied = pathname.startsWith(`${PROXY_PREFIX}/`);
  if (pathname !== "/events" && !proxied) return reply(404, { error: "not found" });
  if (request.method === "OPTIONS") {
    return cors(request, env)["access-control-allow-origin"] ? reply(204, null) : reply(403, { error: "origin not allowed" });
  }
  if (pathname === "/events") {
    if (!sameSecret(bearer(request), env.EVENTS_TOKEN)) return reply(401, { error: "missing or wrong events token" });
    return request.method === "GET" ? listEvents(env, url.searchParams) : reply(405, { error: "GET only" });
  }
  if ((env.PROXY_TOKEN_SECRET ?? "").length < MIN_SECRET_LENGTH) {
    throw new NotConfigured(`PROXY_TOKEN_SECRET is not set (at least ${MIN_SECRET_LENGTH} characters)`);
  }
  const subject = await verifyProxyToken(env.PROXY_TOKEN_SECRET, bearer(request));
  if (subject === null) return reply(401, { error: "missing, expired or invalid proxy token" });
  return proxy(request, env, pathname.slice(PROXY_PREFIX.length), subject);
}

const bearer = (request) => (request.headers.get("authorization") || "").replace(/^Bearer /, "");

/** Constant-time comparison of the caller's token with a configured one (unset: nobody). */
function sameSecret(got, want) {
  if (!want || got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ got.charCodeAt(i);
  return diff === 0;
}

function ledgerOf(env) {
  if (!env.LEDGER) throw new NotConfigured("the LEDGER Durable Object binding is missing");
  return env.LEDGER.get(env.LEDGER.idFromName("ledger"));
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
// Ids we store or look up: printable ASCII, at most 200 characters.
const validId = (v) => typeof v === "string" && /^[\x21-\x7e]{1,200}$/.test(v);
const listOf = (v) => (v || "").split(",").map((s) => s.trim()).filter(Boolean);

/**
 * The body's bytes, or null when it has more than `limit`: refused at once when
 * Content-Length says so, otherwise counted while reading (a streamed body has no length).
 */
async function readLimited(request, limit) {
  const declared = request.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= limit)) return null;
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      size += r.value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(r.value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------
// Webhooks

/** `t=<digits>` and at least one `v1=<64 hex digits>`, as CallingBox signs: checked before reading the body. */
function looksSigned(header) {
  if (!header || header.length > 1024) return false;
  const parts = header.split(",").map((part) => part.trim());
  return parts.some((p) => /^t=\d{1,12}$/.test(p)) && parts.some((p) => /^v1=[0-9a-fA-F]{64}$/.test(p));
}

async function receiveWebhook(request, env) {
  if (!env.CALLINGBOX_WEBHOOK_SECRET) throw new NotConfigured("CALLINGBOX_WEBHOOK_SECRET is not set");
  const header = request.headers.get("callingbox-signature");
  if (!looksSigned(header)) {
    return reply(400, { error: "missing or malformed CallingBox-Signature header", reason: "malformed_header" });
  }
  const raw = await readLimited(request, WEBHOOK_BODY_LIMIT);
  if (!raw) return reply(413, { error: `webhook bodies are limited to ${WEBHOOK_BODY_LIMIT} bytes` });
  let event;
  try {
    event = Webhooks.constructEvent(raw, header, env.CALLINGBOX_WEBHOOK_SECRET);
  } catch (e) {
    if (e instanceof WebhookSignatureError || e instanceof ValidationError) return reply(400, { error: e.message, reason: e.reason ?? e.code });
    throw e;
  }
  // Idempotent on the event id: the signed one in the body, not the CallingBox-Event-Id
  // header (same value, but a header is not covered by the signature).
  if (!validId(event.id) || typeof event.type !== "string" || event.type.length > 100) {
    return reply(400, { error: "the event's id or type is not one this Worker can store", reason: "invalid_event" });
  }
  const call = isObject(event.data) && isObject(event.data.call) ? event.data.call : {};
  const fresh = await ledgerOf(env).recordEvent({
    id: event.id,
    type: event.type,
    call_id: validId(call.id) ? call.id : null,
    status: typeof call.status === "string" ? call.status.slice(0, 100) : null,
    created: Number.isSafeInteger(event.created) ? event.created : null,
  });
  // Act on the event here, when `fresh` (it is seen exactly once), and answer fast:
  // slow work goes to ctx.waitUntil or a queue.
  return reply(200, fresh ? { received: true } : { received: true, duplicate: true });
}

async function listEvents(env, params) {
  const limit = params.get("limit") ?? "50";
  const cursor = params.get("cursor") ?? "0";
  if (!/^\d{1,3}$/.test(limit) || +limit < 1 || +limit > 100) return reply(400, { error: "limit must be an integer from 1 to 100" });
  if (!/^\d{1,15}$/.test(cursor)) return reply(400, { error: "cursor must be the next_cursor of an earlier page" });
  return reply(200, await ledgerOf(env).listEvents(Number(cursor), Number(limit)));
}

// ---------------------------------------------------------------------------------------
// The API proxy: the API's own paths, bodies and error envelope (`{"error": "..."}`), so the
// package's client decodes the answers and throws its typed errors (400 BadRequestError,
// 401 AuthenticationError, 403 PermissionDeniedError, 404 NotFoundError, 429 RateLimitError).

// The only operations a page may ask for: method, path pattern (under /proxy), handler.
const ROUTES = [
  ["POST", /^\/v1\/calls$/, createCall],
  ["GET", /^\/v1\/calls\/([^/]+)$/, (ctx, id) => readCall(ctx, id, async (c) => forPage(await c.calls.retrieve(id)))],
  ["GET", /^\/v1\/calls\/([^/]+)\/transcript$/, (ctx, id) => readCall(ctx, id, (c) => c.calls.getTranscript(id))],
  ["GET", /^\/v1\/agents$/, listAgents],
];

async function proxy(request, env, path, subject) {
  const found = ROUTES.find(([method, re]) => method === request.method && re.test(path));
  if (!found) return reply(403, { error: `${request.method} ${path} is not an operation this proxy allows` });
  let args;
  try {
    args = found[1].exec(path).slice(1).map(decodeURIComponent);
  } catch {
    return reply(400, { error: "the path is not valid percent-encoding" });
  }
  if (!env.CALLINGBOX_API_KEY) throw new NotConfigured("CALLINGBOX_API_KEY is not set");
  let client;
  try {
    // One retry for reads; calls.create asks for none (below).
    client = new CallingBox({ apiKey: env.CALLINGBOX_API_KEY, baseUrl: env.CALLINGBOX_BASE_URL || undefined, timeout: 15_000, maxRetries: 1 });
  } catch (e) {
    throw new NotConfigured(`the client cannot be built (${e.message})`);
  }
  try {
    return await found[2]({ request, env, client, subject, ledger: ledgerOf(env) }, ...args);
  } catch (e) {
    return apiFailure(e);
  }
}

async function createCall({ request, env, client, subject, ledger }) {
  // The page's key for this logical call (the client sends one with every POST and keeps it
  // across its retries): a retry with the same key returns the call placed the first time.
  // Without one (a plain fetch), the Worker makes one, to hand back if the answer is lost.
  const pageKey = request.headers.get("idempotency-key") ?? crypto.randomUUID();
  if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(pageKey)) {
    return reply(400, { error: "Idempotency-Key must be 1-200 characters from A-Z a-z 0-9 _ . : - (a random UUID is ideal)", field: "Idempotency-Key" });
  }
  const raw = await readLimited(request, API_BODY_LIMIT);
  if (!raw) return reply(413, { error: `request bodies are limited to ${API_BODY_LIMIT} bytes` });
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return reply(400, { error: "the body must be JSON" });
  }
  const problem = checkCallParams(body, env);
  if (problem) return reply(400, problem);
  const wait = await ledger.take([[`create:${subject}`, RATE_LIMITS.create], ["create", RATE_LIMITS.createAll]]);
  if (wait) return tooManyRequests(wait);
  const params = {
    agent_id: body.agent_id,
    to: body.to,
    context: body.context,
    metadata: body.metadata,
    // Every event of the call comes back here, signed: nowhere a caller chose.
    webhook_url: env.WEBHOOK_URL || new URL("/webhooks", request.url).href,
  };
  let call;
  try {
    // No retries here: a 502 (the provider could not place the call) is not tried three times.
    call = await client.calls.create(params, { idempotencyKey: await scopedKey(subject, pageKey), maxRetries: 0 });
  } catch (e) {
    if (!(e instanceof OutcomeUnknownError)) throw e;
    // The call may or may not have been placed: the page's own key settles it, never twice
    // (the page's client retries a 504 with it by itself). Not the scoped key: sent again,
    // it would be scoped once more.
    const error = `no answer from the API: the call may or may not have been placed; send the same request again with the header Idempotency-Key: ${pageKey}`;
    return reply(504, { error, code: e.code, idempotency_key: pageKey }, { "idempotency-key": pageKey });
  }
  await ledger.recordCall(call.id, subject);
  return success(forPage(call), { "idempotency-key": pageKey });
}

/**
 * The key sent to the API for a page's Idempotency-Key: API keys are scoped to the whole
 * CallingBox organisation, so the page's key alone would let two users collide, or one replay
 * another's call (with its answer). Hashed with the subject, equal keys of different subjects
 * never meet, and the subject cannot be read back from what is sent.
 */
async function scopedKey(subject, pageKey) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify([subject, pageKey])));
  return `proxy-${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** A call as a page sees it: without the agent's script (`instructions`, the rendered `prompt`). */
function forPage(call) {
  delete call.instructions;
  delete call.prompt;
  return call;
}

/** What a dispatch page may set; `instructions`, `from_number` and `webhook_url` are fixed. */
function checkCallParams(body, env) {
  if (!isObject(body)) return { error: "the body must be a JSON object" };
  const extra = Object.keys(body).find((field) => !CALL_FIELDS.includes(field));
  if (extra) return { error: `${extra} cannot be set through this proxy (allowed: ${CALL_FIELDS.join(", ")})`, field: extra };
  if (!validId(body.agent_id)) return { error: "agent_id is required", field: "agent_id" };
  const agents = listOf(env.ALLOWED_AGENT_IDS);
  if (agents.length > 0 && !agents.includes(body.agent_id)) return { error: "this agent may not be dispatched through this proxy", field: "agent_id" };
  if (typeof body.to !== "string") return { error: "to is required (an E.164 number)", field: "to" };
  try {
    parseE164(body.to);
  } catch (e) {
    return { error: e.message, field: "to" };
  }
  for (const field of ["context", "metadata"]) {
    if (body[field] === undefined) continue;
    if (!isObject(body[field])) return { error: `${field} must be a JSON object`, field };
    if (new TextEncoder().encode(JSON.stringify(body[field])).length > FIELD_LIMIT) {
      return { error: `${field} is limited to ${FIELD_LIMIT} bytes of JSON`, field };
    }
  }
  return null;
}

async function readCall({ client, subject, ledger }, id, read) {
  // Only calls this Worker placed for the same subject: a token opens no other user's call,
  // nor any other call or transcript of the account.
  if (!validId(id) || !(await ledger.placedCall(id, subject))) return reply(404, { error: "call not found" });
  const wait = await ledger.take([[`read:${subject}`, RATE_LIMITS.read]]);
  if (wait) return tooManyRequests(wait);
  return success(await read(client));
}

/** The most agents the page is offered. */
const MAX_AGENTS = 200;

async function listAgents({ env, client, subject, ledger }) {
  const wait = await ledger.take([[`read:${subject}`, RATE_LIMITS.read]]);
  if (wait) return tooManyRequests(wait);
  const allowed = listOf(env.ALLOWED_AGENT_IDS);
  // What a page needs to offer a choice; not the agents' instructions or numbers. Every page
  // of the list (an allowed agent may be past the first), at most MAX_AGENTS of them.
  const agents = [];
  for await (const a of client.agents.list({ type: "outbound" })) {
    if (allowed.length === 0 || allowed.includes(a.id)) agents.push({ id: a.id, name: a.name });
    if (agents.length >= MAX_AGENTS) break;
  }
  return reply(200, { data: agents });
}

const success = (result, headers = {}) => {
  const { status, requestId } = result.lastResponse;
  return reply(status >= 200 && status <= 299 ? status : 200, result, { ...headers, ...requestIdHeader(requestId) });
};

/** The API's request id, for the page's `lastResponse.requestId` and its errors' `requestId`. */
const requestIdHeader = (id) => (typeof id === "string" && /^[\x21-\x7e]{1,200}$/.test(id) ? { "x-request-id": id } : {});

const tooManyRequests = (seconds) =>
  reply(429, { error: `too many requests: retry in ${seconds} s`, retry_after: seconds }, { "retry-after": seconds });

/** An SDK error as the page should see it (everything else is a 500 in `fetch`). */
function apiFailure(e) {
  if (e instanceof APIError) {
    // The API's 401 is about the Worker's key, not the caller's token.
    if (e.status === 401) return reply(502, { error: "the API refused the Worker's key", code: e.code });
    // Otherwise the API's own status and message, when it is a status a response can carry.
    const error = { error: e.message, code: e.apiCode ?? e.code, request_id: e.requestId };
    // A 429's Retry-After goes with it: the page's client waits as long as the API asked.
    const retryAfter = e.status === 429 && e.headers?.["retry-after"];
    const headers = { ...requestIdHeader(e.requestId), ...(retryAfter && /^\d{1,6}$/.test(retryAfter) ? { "retry-after": retryAfter } : {}) };
    if (e.status >= 400 && e.status <= 599) return reply(e.status, error, headers);
    return reply(502, { ...error, error: `the API answered with status ${e.status}: ${e.message}` }, headers);
  }
  if (e instanceof ValidationError) return reply(400, { error: e.message, field: e.field });
  if (e instanceof CallingBoxError) return reply(502, { error: e.message, code: e.code });
  throw e;
}
