// The emulator as a real HTTP server on loopback (Node, Bun; Deno with node: compat).
// Faults happen on the wire: "drop" destroys the socket after the request was processed,
// "delay" answers late. A small admin API under /__emulator/ lets tests in any runtime
// drive the clock, faults and counters:
//   GET  /__emulator/stats              what the emulator really did
//   POST /__emulator/advance {"ms":n}   move virtual time (runs steps + webhook deliveries)
//   POST /__emulator/faults  {...}      replace fault settings;  POST /__emulator/fault {"kind"}
//   GET  /__emulator/secret?api_key=k   default signing secret of an organisation
//   GET  /__emulator/test-numbers       the test-number table

import { createServer } from "node:http";
import { createEmulator, TEST_API_KEY } from "./emulator.js";

const ALLOWED_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, content-type, idempotency-key",
  "access-control-allow-methods": "GET, POST, OPTIONS",
};

/**
 * Starts the emulator on http://host:port (port 0 = any free port).
 * @param {object} [options] createEmulator options plus { port = 4010, host = "127.0.0.1", speed = 1, manualClock = false }
 * @returns {Promise<{ url: string, apiKey: string, emulator: object, close(): Promise<void> }>}
 */
export async function startEmulatorServer(options = {}) {
  const { port = 4010, host = "127.0.0.1", speed = 1, manualClock = false, ...emuOptions } = options;
  if (!ALLOWED_HOSTS.has(host)) throw new Error(`callingbox emulator: refusing to listen on ${host}; use a loopback address`);
  // Over HTTP the virtual clock starts at real time, so webhook signatures (t=...) verify
  // with real receivers' tolerance checks; pass startTime for a fixed start.
  const emu = createEmulator({ webhooks: "fetch", startTime: Date.now(), ...emuOptions });
  const sockets = new Set();

  async function admin(req, res, path, query, body) {
    const send = (status, value) => {
      res.writeHead(status, { "content-type": "application/json", ...CORS });
      res.end(JSON.stringify(value));
    };
    try {
      const json = body ? JSON.parse(body) : {};
      if (req.method === "OPTIONS") return res.writeHead(204, CORS).end();
      if (path === "/__emulator/stats") return send(200, emu.stats());
      if (path === "/__emulator/advance" && req.method === "POST") {
        await emu.advance(Number(json.ms));
        return send(200, { now: emu.now() });
      }
      if (path === "/__emulator/faults" && req.method === "POST") return send(200, (emu.setFaults(json), { ok: true }));
      if (path === "/__emulator/fault" && req.method === "POST") return send(200, (emu.queueFault(json.kind), { ok: true }));
      if (path === "/__emulator/secret") return send(200, { secret: emu.defaultSigningSecret(query.get("api_key") || TEST_API_KEY) });
      if (path === "/__emulator/test-numbers") return send(200, emu.testNumbers);
      return send(404, { error: `no admin route ${path}` });
    } catch (e) {
      return send(400, { error: String((e && e.message) || e) });
    }
  }

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const url = new URL(req.url, `http://${host}:${server.address().port}`);
      if (url.pathname.startsWith("/__emulator/")) return await admin(req, res, url.pathname, url.searchParams, body);
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const out = emu.handle(req.method, url.pathname + url.search, headers, body);
      const wait = (out.latencyMs || 0) + (out.fault && out.fault.delayMs ? out.fault.delayMs : 0);
      if (wait > 0) {
        await new Promise((r) => {
          const timer = setTimeout(r, wait);
          timer.unref?.(); // a late answer must not keep the process alive after close()
        });
      }
      if (out.fault === "drop") {
        req.socket.destroy();
        return;
      }
      if (res.destroyed || req.socket.destroyed) return;
      res.writeHead(out.status, out.headers.flat());
      res.end(out.status === 204 ? undefined : out.body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `emulator transport error: ${String((e && e.message) || e)}` }));
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  if (!manualClock) emu.start({ speed });
  const address = server.address();
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    apiKey: TEST_API_KEY,
    emulator: emu,
    async close() {
      await emu.stop();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(() => r()));
    },
  };
}
