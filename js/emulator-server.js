// The emulator as a real HTTP server on loopback (Node, Bun; Deno with node: compat).
// Faults happen on the wire: "drop" destroys the socket after the request was processed,
// "delay" answers late. A small admin API under /__emulator/ lets tests in any runtime
// drive the clock, faults and counters (docs/emulator.md describes each route):
//   GET  /__emulator/stats              what the emulator really did
//   POST /__emulator/advance {"ms":n}   move virtual time (runs steps + webhook deliveries)
//   POST /__emulator/faults  {...}      replace fault settings;  POST /__emulator/fault {"kind"}
//   GET  /__emulator/secret?api_key=k   default signing secret of an organisation (the one
//                                       inline webhook_url deliveries are signed with)
//   GET  /__emulator/test-numbers       the test-number table
// The admin routes hand out signing secrets and move the clock, so unlike the API routes
// they are not for any web page the developer has open: they send no CORS headers and
// answer 403 to a request whose Origin is not the emulator's own (a cross-site form POST
// or fetch) or whose Host is not a loopback name with the emulator's port (DNS
// rebinding). Tools without an Origin (Node, curl, test runners) are served; a browser
// test page on another origin must be listed in `adminOrigins`.

import { createServer } from "node:http";
import { createEmulator, isLoopbackUrl, TEST_API_KEY } from "./emulator.js";

/** @typedef {import("node:http").IncomingMessage} IncomingMessage */
/** @typedef {import("node:http").ServerResponse} ServerResponse */
/** @typedef {import("node:http").AddressInfo} AddressInfo */
/** @typedef {import("./callingbox_emulator.js").Answer} EmulatorAnswer */
/**
 * The emulator (js/emulator.d.ts) with the method this server uses, which the public types leave out.
 * @typedef {import("./emulator.js").Emulator & { handle(method: string, url: string, headers: [string, string][], body: string): EmulatorAnswer }} ServedEmulator
 */
/**
 * @typedef {import("./emulator.js").EmulatorOptions & { port?: number, host?: string, speed?: number,
 *   manualClock?: boolean, adminOrigins?: string[] }} ServerOptions
 */

const ALLOWED_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * @param {IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Uint8Array[]} */
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The most one `POST /__emulator/advance` may move the clock: a year and a day. */
const MAX_ADVANCE_MS = 366 * 24 * 3600 * 1000;

/**
 * @param {unknown} list the `adminOrigins` option
 * @returns {string[]}
 */
function adminOriginsOf(list) {
  if (list === undefined) return [];
  const ok = Array.isArray(list) && list.every((o) => {
    try {
      return typeof o === "string" && new URL(o).origin === o;
    } catch {
      return false;
    }
  });
  if (!ok) throw new Error('callingbox emulator: adminOrigins must be an array of origins such as "http://127.0.0.1:5173"');
  return list;
}

/**
 * Who may use an admin route: `{ cors }` (the headers to answer with: none unless the
 * request came from a listed other origin) or `{ refused }` (why, for a 403).
 * @param {IncomingMessage} req
 * @param {number} port the emulator's
 * @param {string[]} adminOrigins
 * @returns {{ cors: Record<string, string>, refused?: undefined } | { refused: string, cors?: undefined }}
 */
function adminAccess(req, port, adminOrigins) {
  const host = req.headers.host ?? "";
  let own = null;
  try {
    own = new URL(`http://${host}`);
  } catch {}
  // The Host must be spelled as a loopback origin would spell it (no user info, path or
  // odd forms): a rebinding attacker's page sends its own name here.
  if (!own || own.host !== host.toLowerCase() || !isLoopbackUrl(own.href) || (own.port || "80") !== String(port)) {
    return { refused: `the Host header must name this emulator on a loopback address (got ${JSON.stringify(host.slice(0, 100))})` };
  }
  const origin = req.headers.origin;
  if (origin === undefined || origin === own.origin) return { cors: {} };
  if (adminOrigins.includes(origin)) {
    return {
      cors: {
        "access-control-allow-origin": origin,
        "access-control-allow-headers": "content-type",
        "access-control-allow-methods": "GET, POST, OPTIONS",
        vary: "origin",
      },
    };
  }
  return { refused: `admin routes do not answer other origins (${JSON.stringify(origin.slice(0, 100))}); list it in adminOrigins if it is your own test page` };
}

/**
 * Starts the emulator on http://host:port (port 0 = any free port).
 * @param {ServerOptions} [options] createEmulator options plus { port = 4010, host = "127.0.0.1", speed = 1, manualClock = false, adminOrigins = [] }
 *   `adminOrigins`: other origins (exact, e.g. "http://127.0.0.1:5173") whose pages may call
 *   the /__emulator/ admin routes, with CORS; by default only clients that send no Origin
 *   (or the emulator's own) may.
 * @returns {Promise<import("./emulator.js").EmulatorServer>}
 */
export async function startEmulatorServer(options = {}) {
  const { port = 4010, host = "127.0.0.1", speed = 1, manualClock = false, adminOrigins: origins, ...emuOptions } = options;
  if (!ALLOWED_HOSTS.has(host)) throw new Error(`callingbox emulator: refusing to listen on ${host}; use a loopback address`);
  const adminOrigins = adminOriginsOf(origins);
  // Over HTTP the virtual clock starts at real time, so webhook signatures (t=...) verify
  // with real receivers' tolerance checks; pass startTime for a fixed start.
  const emu = /** @type {ServedEmulator} */ (createEmulator({ webhooks: "fetch", startTime: Date.now(), ...emuOptions }));
  /** @type {Set<import("node:http").Socket>} */
  const sockets = new Set();

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {string} path
   * @param {URLSearchParams} query
   * @param {string} body
   * @returns {Promise<unknown>}
   */
  async function admin(req, res, path, query, body) {
    const access = adminAccess(req, /** @type {AddressInfo} */ (server.address()).port, adminOrigins);
    /** @type {(status: number, value: unknown) => void} */
    const send = (status, value) => {
      res.writeHead(status, { "content-type": "application/json", ...access.cors });
      res.end(JSON.stringify(value));
    };
    // Before anything is parsed or done: a refused request changes nothing.
    if (access.refused) return send(403, { error: access.refused });
    try {
      if (req.method === "OPTIONS") return res.writeHead(204, access.cors).end();
      const json = body ? JSON.parse(body) : {};
      if (path === "/__emulator/stats") return send(200, emu.stats());
      if (path === "/__emulator/advance" && req.method === "POST") {
        // Whole milliseconds, at most MAX_ADVANCE_MS: `{"ms":1e308}` would otherwise
        // put the clock in the year 292278994 for good.
        if (!Number.isSafeInteger(json.ms) || json.ms < 0 || json.ms > MAX_ADVANCE_MS) {
          return send(400, { error: `ms must be a whole number of milliseconds from 0 to ${MAX_ADVANCE_MS} (366 days)` });
        }
        await emu.advance(json.ms);
        return send(200, { now: emu.now() });
      }
      if (path === "/__emulator/faults" && req.method === "POST") return send(200, (emu.setFaults(json), { ok: true }));
      if (path === "/__emulator/fault" && req.method === "POST") return send(200, (emu.queueFault(json.kind), { ok: true }));
      if (path === "/__emulator/secret") {
        const secret = emu.defaultSigningSecret(query.get("api_key") || TEST_API_KEY);
        if (secret === undefined) return send(400, { error: "api_key must be an API key (^sk_[A-Za-z0-9_]{8,}$)" });
        return send(200, { secret });
      }
      if (path === "/__emulator/test-numbers") return send(200, emu.testNumbers);
      return send(404, { error: `no admin route ${path}` });
    } catch (/** @type {any} */ e) {
      return send(400, { error: String((e && e.message) || e) });
    }
  }

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const url = new URL(req.url, `http://${host}:${/** @type {AddressInfo} */ (server.address()).port}`);
      if (url.pathname.startsWith("/__emulator/")) return await admin(req, res, url.pathname, url.searchParams, body);
      /** @type {[string, string][]} */
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const out = emu.handle(req.method, url.pathname + url.search, headers, body);
      const wait = (out.latencyMs || 0) + (out.fault && out.fault.delayMs ? out.fault.delayMs : 0);
      if (wait > 0) {
        await new Promise((r) => {
          const timer = setTimeout(r, wait);
          /** @type {{ unref?: () => void }} */ (/** @type {unknown} */ (timer)).unref?.(); // a late answer must not keep the process alive after close()
        });
      }
      if (out.fault === "drop") {
        req.socket.destroy();
        return;
      }
      if (res.destroyed || req.socket.destroyed) return;
      res.writeHead(out.status, out.headers.flat());
      res.end(out.status === 204 ? undefined : out.body);
    } catch (/** @type {any} */ e) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `emulator transport error: ${String((e && e.message) || e)}` }));
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await /** @type {Promise<void>} */ (new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  }));
  if (!manualClock) emu.start({ speed });
  const address = /** @type {AddressInfo} */ (server.address());
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    apiKey: TEST_API_KEY,
    emulator: emu,
    async close() {
      await emu.stop();
      for (const s of sockets) s.destroy();
      await /** @type {Promise<void>} */ (new Promise((r) => server.close(() => r())));
    },
  };
}
