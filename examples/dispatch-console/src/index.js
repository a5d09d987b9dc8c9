// The dispatch console: one page (public/, served as static assets) and the API it uses, in a
// Cloudflare Worker that holds the CallingBox key. A Queue spreads a campaign's rows over
// consumers (dispatch.js); each campaign's state is a Durable Object (campaign.js); calls'
// outcomes come back as signed webhooks, with polling as the fallback.
//
//   GET  /api/numbers                   the account's numbers            (Authorization: Bearer
//   GET  /api/numbers/available?area_code=415   numbers for sale          <CONSOLE_ACCESS_TOKEN>
//   POST /api/numbers                   buy one: { phone_number }         on every /api route)
//   GET  /api/agents                    outbound agents: { id, name, returns }
//   POST /api/agents                    { name, instructions, returns, number_id }
//   POST /api/campaigns                 { agent_id, number_id, columns, rows: [{ row, to, context }] }:
//                                       starts it; the same body again is the same campaign
//   GET  /api/campaigns/:id?since=N     counts and the rows changed after N
//   GET  /api/campaigns/:id/results.csv
//   GET  /api/campaigns/:id/rows/:row/transcript
//   POST /webhooks                      CallingBox's signed events
//
// Secrets: CALLINGBOX_API_KEY, CALLINGBOX_WEBHOOK_SECRET, CONSOLE_ACCESS_TOKEN (what the page
// asks for, 32+ characters). Vars: CALLINGBOX_BASE_URL (the emulator, for local runs).
// Bindings: ASSETS (public/), DISPATCH_QUEUE (producer; this Worker is also its consumer),
// CAMPAIGNS and LIMITS (Durable Objects). See wrangler.toml and README.md.
import { CallingBox, CallingBoxError, parseE164, redactSecret } from "callingbox";
import { WebhookSignatureError, Webhooks } from "callingbox/webhooks";
import { enqueue } from "./campaign.js";
import { dispatch } from "./dispatch.js";

export { Campaign } from "./campaign.js";
export { Limits } from "./limits.js";

const MAX_ROWS = 10_000;
const MAX_COLUMNS = 20;
const CONTEXT_LIMIT = 1024; // bytes of JSON per row
const CAMPAIGN_BODY_LIMIT = 4 * 1024 * 1024;
const BODY_LIMIT = 16 * 1024;
const WEBHOOK_BODY_LIMIT = 256 * 1024;
const CHANGES_PER_PAGE = 1000;
const MIN_TOKEN_LENGTH = 32;
// Token buckets shared by everyone holding the access token: reads (the page polls every 2 s),
// and writes that spend money or start calls.
const RATE_LIMITS = { read: { burst: 60, perMinute: 120 }, write: { burst: 10, perMinute: 20 } };

class NotConfigured extends Error {}
class Refused extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    Object.assign(this, { status, extra });
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname !== "/webhooks" && !pathname.startsWith("/api/")) return env.ASSETS.fetch(request);
    let status = 200;
    let body;
    let type = "application/json";
    try {
      body = pathname === "/webhooks" ? await receiveWebhook(request, env) : await api(request, env);
      if (typeof body === "string") type = "text/csv; charset=utf-8";
    } catch (e) {
      ({ status, body } = failure(e, env));
    }
    const text = redactSecret(typeof body === "string" ? body : JSON.stringify(body), env.CALLINGBOX_API_KEY);
    return new Response(text, { status, headers: { "content-type": type, "cache-control": "no-store", ...(status === 429 ? { "retry-after": String(body.retry_after) } : {}) } });
  },
  queue: dispatch,
};

function failure(e, env) {
  if (e instanceof Refused) return { status: e.status, body: { error: e.message, ...e.extra } };
  if (e instanceof NotConfigured) return { status: 500, body: { error: `the Worker is not configured: ${e.message}` } };
  if (e instanceof CallingBoxError) {
    // The API's 401 is about the Worker's key, not the page's token.
    const status = e.status === 401 || !(e.status >= 400 && e.status <= 599) ? 502 : e.status;
    return { status, body: { error: e.message, code: e.apiCode ?? e.code, field: e.field } };
  }
  console.error("unexpected error:", redactSecret(String(e?.stack ?? e), env.CALLINGBOX_API_KEY));
  return { status: 500, body: { error: "internal error" } };
}

// ---------------------------------------------------------------------------------------
// The page's API

const ROUTES = [
  ["GET", /^\/api\/numbers$/, "read", listNumbers],
  ["GET", /^\/api\/numbers\/available$/, "read", searchNumbers],
  ["POST", /^\/api\/numbers$/, "write", buyNumber],
  ["GET", /^\/api\/agents$/, "read", listAgents],
  ["POST", /^\/api\/agents$/, "write", createAgent],
  ["POST", /^\/api\/campaigns$/, "write", startCampaign],
  ["GET", /^\/api\/campaigns\/(c[0-9a-f]{32})$/, "read", campaignChanges],
  ["GET", /^\/api\/campaigns\/(c[0-9a-f]{32})\/results\.csv$/, "read", resultsCsv],
  ["GET", /^\/api\/campaigns\/(c[0-9a-f]{32})\/rows\/(\d{1,7})\/transcript$/, "read", transcript],
];

async function api(request, env) {
  if ((env.CONSOLE_ACCESS_TOKEN ?? "").length < MIN_TOKEN_LENGTH) throw new NotConfigured(`CONSOLE_ACCESS_TOKEN is not set (at least ${MIN_TOKEN_LENGTH} characters)`);
  if (!sameSecret((request.headers.get("authorization") ?? "").replace(/^Bearer /, ""), env.CONSOLE_ACCESS_TOKEN)) {
    throw new Refused(401, "missing or wrong access token");
  }
  const url = new URL(request.url);
  const route = ROUTES.find(([method, re]) => method === request.method && re.test(url.pathname));
  if (!route) throw new Refused(404, `${request.method} ${url.pathname} is not part of this API`);
  const [, re, bucket, handler] = route;
  const limits = env.LIMITS.get(env.LIMITS.idFromName("limits"));
  const wait = await limits.take(bucket, RATE_LIMITS[bucket]);
  if (wait) throw new Refused(429, `too many requests: retry in ${wait} s`, { retry_after: wait });
  if (!env.CALLINGBOX_API_KEY) throw new NotConfigured("CALLINGBOX_API_KEY is not set");
  const client = new CallingBox({ apiKey: env.CALLINGBOX_API_KEY, baseUrl: env.CALLINGBOX_BASE_URL || undefined, timeout: 15_000, maxRetries: 1 });
  return handler({ request, env, url, client }, ...re.exec(url.pathname).slice(1));
}

/** Constant-time comparison of the page's token with the configured one. */
function sameSecret(got, want) {
  if (got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ got.charCodeAt(i);
  return diff === 0;
}

async function listNumbers({ client }) {
  // An owned number's E.164 is `e164`; a number for sale's is `phone_number`: the page sees one name.
  return { data: (await allNumbers(client)).map(({ id, e164 }) => ({ id, phone_number: e164 })) };
}

/** Every number of the account (the list pages through them by itself). */
async function allNumbers(client) {
  const numbers = [];
  for await (const number of client.numbers.list({ limit: 100 })) numbers.push(number);
  return numbers;
}

async function searchNumbers({ client, url }) {
  const area_code = url.searchParams.get("area_code") ?? "";
  if (!/^[2-9]\d\d$/.test(area_code)) throw new Refused(400, "area_code must be three digits, the first 2-9", { field: "area_code" });
  const found = await client.numbers.searchAvailable({ area_code, limit: 10 });
  return { data: found.map(({ phone_number }) => ({ phone_number })) };
}

async function buyNumber({ request, client }) {
  const { phone_number } = await readJson(request, BODY_LIMIT, ["phone_number"]);
  const number = await client.numbers.purchase({ phone_number: e164(phone_number, "phone_number") });
  return { id: number.id, phone_number: number.e164 };
}

const forPage = ({ id, name, returns }) => ({ id, name, returns: returns ?? {} });

async function listAgents({ client }) {
  const { data } = await client.agents.list({ type: "outbound" });
  return { data: data.map(forPage) };
}

async function createAgent({ request, client }) {
  const body = await readJson(request, BODY_LIMIT, ["name", "instructions", "returns", "number_id"]);
  const text = (field, max) => {
    if (typeof body[field] !== "string" || body[field].trim() === "" || body[field].length > max) throw new Refused(400, `${field} must be 1-${max} characters`, { field });
    return body[field];
  };
  const returns = body.returns ?? {};
  const fields = isObject(returns) ? Object.entries(returns) : [];
  if (!isObject(returns) || fields.length > 12 || fields.some(([k, v]) => !/^[a-z][a-z0-9_]{0,39}$/.test(k) || !["boolean", "string", "number"].includes(v))) {
    throw new Refused(400, "returns must map up to 12 snake_case names to boolean, string or number", { field: "returns" });
  }
  const number_id = id(body.number_id, "number_id");
  const agent = await client.agents.create({
    name: text("name", 100), instructions: text("instructions", 4000), type: "outbound", returns, number_ids: [number_id], primary_number_id: number_id,
  });
  return forPage(agent);
}

async function startCampaign({ request, env, client }) {
  const body = await readJson(request, CAMPAIGN_BODY_LIMIT, ["agent_id", "number_id", "columns", "rows"]);
  const agent_id = id(body.agent_id, "agent_id");
  const number_id = body.number_id === undefined ? null : id(body.number_id, "number_id");
  const { columns, rows } = checkRows(body);
  // The same agent, number and rows are the same campaign: starting it twice (two clicks, two
  // tabs, a retry after a lost answer) finds the first one.
  const campaignId = `c${(await sha256(JSON.stringify([agent_id, number_id, columns, rows]))).slice(0, 32)}`;
  const state = env.CAMPAIGNS.get(env.CAMPAIGNS.idFromName(campaignId));
  let fields = [];
  let from_number = null;
  const existing = await state.dispatchInfo();
  if (!existing) {
    const agent = await client.agents.retrieve(agent_id);
    if (agent.type !== "outbound") throw new Refused(400, "the agent is not an outbound agent", { field: "agent_id" });
    fields = Object.keys(agent.returns ?? {});
    if (number_id) from_number = (await useNumber(client, agent, number_id)).e164;
  }
  const webhook_url = new URL("/webhooks", request.url).href;
  const started = await state.start({ id: campaignId, agent_id, from_number, webhook_url, columns, fields, rows });
  await enqueue(env.DISPATCH_QUEUE, campaignId, started.unplaced);
  return { id: campaignId, created: started.created, queued: started.unplaced.length };
}

/** The number, attached to the agent as a caller id if it is not yet. */
async function useNumber(client, agent, number_id) {
  // The API has no numbers.retrieve: the account's numbers are read as a list.
  const data = await allNumbers(client);
  const number = data.find((n) => n.id === number_id);
  if (!number) throw new Refused(400, "number_id is not a number of this account", { field: "number_id" });
  if (!number.outbound_agent_ids.includes(agent.id)) {
    const attached = data.filter((n) => n.outbound_agent_ids.includes(agent.id)).map((n) => n.id);
    await client.agents.update(agent.id, { number_ids: [...attached, number_id] });
  }
  return number;
}

function checkRows(body) {
  const { columns, rows } = body;
  if (!Array.isArray(columns) || columns.length > MAX_COLUMNS || new Set(columns).size !== columns.length ||
    columns.some((c) => typeof c !== "string" || !/^[\w .-]{1,64}$/.test(c))) {
    throw new Refused(400, `columns must be up to ${MAX_COLUMNS} distinct names of 1-64 letters, digits, spaces, _ . -`, { field: "columns" });
  }
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > MAX_ROWS) throw new Refused(400, `rows must hold 1-${MAX_ROWS} rows`, { field: "rows" });
  const seen = new Set();
  const checked = rows.map((r, i) => {
    const where = `rows[${i}]`;
    if (!isObject(r) || Object.keys(r).some((k) => !["row", "to", "context"].includes(k))) throw new Refused(400, `${where} must be { row, to, context }`, { field: where });
    if (!Number.isSafeInteger(r.row) || r.row < 1 || r.row > 1_000_000 || seen.has(r.row)) throw new Refused(400, `${where}.row must be a distinct line number from 1 to 1000000`, { field: `${where}.row` });
    seen.add(r.row);
    const context = r.context ?? {};
    if (!isObject(context) || Object.entries(context).some(([k, v]) => !columns.includes(k) || typeof v !== "string") ||
      new TextEncoder().encode(JSON.stringify(context)).length > CONTEXT_LIMIT) {
      throw new Refused(400, `${where}.context must map the columns to strings, ${CONTEXT_LIMIT} bytes of JSON at most`, { field: `${where}.context` });
    }
    return { row: r.row, to: e164(r.to, `${where}.to`), context };
  });
  return { columns, rows: checked };
}

async function campaignChanges({ env, url }, campaignId) {
  const since = url.searchParams.get("since") ?? "0";
  if (!/^\d{1,12}$/.test(since)) throw new Refused(400, "since must be the seq of an earlier answer", { field: "since" });
  return found(await campaignOf(env, campaignId).changes(Number(since), CHANGES_PER_PAGE));
}

async function resultsCsv({ env }, campaignId) {
  return found(await campaignOf(env, campaignId).resultsCsv());
}

async function transcript({ env, client }, campaignId, row) {
  // Only calls of this campaign: the page can read no other call of the account.
  const callId = found(await campaignOf(env, campaignId).callOf(Number(row)));
  const { segments } = await client.calls.getTranscript(callId);
  return { data: segments.map(({ role, text }) => ({ role, text })) };
}

const campaignOf = (env, campaignId) => env.CAMPAIGNS.get(env.CAMPAIGNS.idFromName(campaignId));

function found(value) {
  if (value === null || value === undefined) throw new Refused(404, "not found");
  return value;
}

// ---------------------------------------------------------------------------------------
// Webhooks: every status change of every call, signed by CallingBox.

async function receiveWebhook(request, env) {
  if (request.method !== "POST") throw new Refused(405, "POST only");
  if (!env.CALLINGBOX_WEBHOOK_SECRET) throw new NotConfigured("CALLINGBOX_WEBHOOK_SECRET is not set");
  const raw = await readLimited(request, WEBHOOK_BODY_LIMIT);
  let event;
  try {
    event = Webhooks.constructEvent(raw, request.headers.get("callingbox-signature"), env.CALLINGBOX_WEBHOOK_SECRET);
  } catch (e) {
    if (e instanceof WebhookSignatureError) throw new Refused(400, e.message, { reason: e.reason });
    throw e;
  }
  const call = event.data?.call;
  const campaignId = call?.metadata?.campaign;
  // Another app's call on the same account: acknowledged, nothing to record.
  if (typeof campaignId !== "string" || !/^c[0-9a-f]{32}$/.test(campaignId)) return { received: true };
  // Replays and events out of order are harmless: a row only ever moves forward.
  await campaignOf(env, campaignId).recordCall(call);
  return { received: true };
}

// ---------------------------------------------------------------------------------------
// Input

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function id(value, field) {
  if (typeof value !== "string" || !/^[\x21-\x7e]{1,200}$/.test(value)) throw new Refused(400, `${field} is required`, { field });
  return value;
}

function e164(value, field) {
  try {
    return parseE164(value);
  } catch (e) {
    throw new Refused(400, `${field}: ${e.message}`, { field });
  }
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The JSON object of the body, refusing bodies over `limit` bytes and fields not in `allowed`. */
async function readJson(request, limit, allowed) {
  const bytes = await readLimited(request, limit);
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Refused(400, "the body must be JSON");
  }
  if (!isObject(body)) throw new Refused(400, "the body must be a JSON object");
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra) throw new Refused(400, `${extra} cannot be set here (allowed: ${allowed.join(", ")})`, { field: extra });
  return body;
}

/** The body's bytes; 413 past `limit` (by Content-Length, or counted while reading). */
async function readLimited(request, limit) {
  const tooLarge = () => new Refused(413, `bodies are limited to ${limit} bytes here`);
  const declared = request.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= limit)) throw tooLarge();
  const chunks = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
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
