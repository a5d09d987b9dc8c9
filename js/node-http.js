// Node's own HTTP client (node:http / node:https) as the client's fetch in Node. The same
// request costs the process about a third of the CPU it costs through the global fetch, which
// builds WHATWG Request, Response, Headers and stream objects for every one (measured side by
// side in bench/batch-throughput.mjs). It stands in for fetch only while nothing says fetch
// should be used:
// - the client was given no `fetch` option;
// - `globalThis.fetch` is still the one Node installed (a test's fetch mock is honoured);
// - undici's global dispatcher, if set, is the Agent fetch made for itself (an Agent with options
//   of the app's own, a MockAgent, a ProxyAgent or an EnvHttpProxyAgent means fetch is
//   configured: it is used);
// - no proxy is configured for fetch through the environment (NODE_USE_ENV_PROXY).
// node:http and node:https are loaded on first use, not at import: an app that never sends a
// request does not pay for them at start-up.

const NODE_FETCH = globalThis.fetch; // as it was when the package was imported
// Node's fetch loads undici lazily from its internals; a wrapper, a polyfill or a mock does not.
const isNodes = typeof NODE_FETCH === "function" && Function.prototype.toString.call(NODE_FETCH).includes("internal/deps/undici");
const DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/** @type {{ http: typeof import("node:http"), https: typeof import("node:https") } | undefined} */
let lib; // loaded on first use
/** @type {boolean | undefined} */
let proxied; // read once: the environment's proxy settings are fixed at start-up

/**
 * The fetch to use now: `request` below, or undefined for the global fetch.
 * @returns {typeof request | undefined}
 */
export function nodeTransport() {
  if (!isNodes || globalThis.fetch !== NODE_FETCH) return undefined;
  const dispatcher = /** @type {Record<symbol, object | undefined>} */ (/** @type {unknown} */ (globalThis))[DISPATCHER];
  if (dispatcher !== undefined && !isDefaultAgent(dispatcher)) return undefined;
  proxied ??= Boolean(process.env.NODE_USE_ENV_PROXY);
  return proxied ? undefined : request;
}

/**
 * Whether undici's global dispatcher is the one fetch makes for itself on its first call: an
 * `Agent` given no options. An Agent of the app's own (a CA, a connector, limits), a MockAgent
 * or a proxy agent means fetch is configured. Read from undici's internals (a symbol named
 * "options" holding what the Agent was given); anything not recognised counts as configured.
 * @param {object} dispatcher
 * @returns {boolean}
 */
function isDefaultAgent(dispatcher) {
  if (dispatcher !== seen.dispatcher) {
    const key = Object.getOwnPropertySymbols(dispatcher).find((k) => k.description === "options");
    const options = key && /** @type {Record<symbol, unknown>} */ (dispatcher)[key];
    seen.dispatcher = dispatcher;
    seen.isDefault = dispatcher.constructor?.name === "Agent" && typeof options === "object" && options !== null &&
      Object.values(options).every((v) => v === undefined);
  }
  return seen.isDefault;
}
/** The last dispatcher looked at, and what it was (the same one is seen on every request). */
const seen = { dispatcher: /** @type {object | undefined} */ (undefined), isDefault: false };

/**
 * What the client reads of a Response, over an IncomingMessage.
 * @param {import("node:http").IncomingMessage} res
 */
function response(res) {
  // Every value of a repeated header (res.headers keeps only the first of some, such as
  // Retry-After), joined as fetch's Headers joins them.
  const raw = res.headersDistinct;
  /** @param {string[] | undefined} v */
  const value = (v) => v?.join(", ");
  return {
    status: /** @type {number} */ (res.statusCode),
    headers: {
      /** @param {string} name */
      get: (name) => {
        const key = name.toLowerCase();
        return Object.hasOwn(raw, key) ? value(raw[key]) ?? null : null;
      },
      /** @param {(value: string, name: string) => void} fn */
      forEach: (fn) => {
        for (const [name, v] of Object.entries(raw)) if (v !== undefined) fn(/** @type {string} */ (value(v)), name);
      },
    },
    // Read in chunks (a body of unknown or compressed length is counted as it arrives).
    body: {
      // A plain reader, whatever the mode asked for (the client reads it as one, without the
      // cost of an exception a refusal would take).
      getReader() {
        const chunks = res[Symbol.asyncIterator]();
        return {
          read: () => chunks.next(),
          cancel: () => {
            res.destroy();
            return Promise.resolve();
          },
        };
      },
    },
    /** the whole body (the client reads it this way when its length is known) */
    arrayBuffer: () => whole(res),
    text: async () => new TextDecoder().decode(await whole(res)),
  };
}

/**
 * @param {import("node:http").IncomingMessage} res
 * @returns {Promise<Uint8Array>}
 */
function whole(res) {
  return new Promise((resolve, reject) => {
    /** @type {Uint8Array[]} */
    const chunks = [];
    let ended = false;
    res.on("data", (chunk) => chunks.push(chunk));
    res.on("end", () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    res.on("error", reject);
    // A connection closed before the body's end (shorter than its Content-Length).
    res.on("close", () => ended || reject(Object.assign(new Error("the connection closed before the response body ended"), { code: "ECONNRESET" })));
  });
}

/**
 * A fetch for the client's requests: a string body (or none), headers as a plain object, no
 * redirect followed (as with `redirect: "manual"`), stopped by `init.signal`. Throws at once
 * (before anything is sent) on a URL or header Node refuses; rejects with Node's error (its
 * `code`, such as ECONNREFUSED, tells the client whether anything was sent).
 * @param {string} url
 * @param {{ method: string, headers: Record<string, string>, body?: string | null, signal?: AbortSignal }} init
 */
function request(url, init) {
  const { http, https } = (lib ??= { http: process.getBuiltinModule("node:http"), https: process.getBuiltinModule("node:https") });
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : target.protocol === "http:" ? http : undefined;
  if (!client) throw new TypeError(`cannot send a request to a ${target.protocol} URL`);
  const { body, signal } = init;
  /** @type {Record<string, string | number>} */
  const headers = { ...init.headers };
  if (body != null) headers["content-length"] = Buffer.byteLength(body);
  const req = client.request(target, { method: init.method, headers });
  return new Promise((/** @type {(res: ReturnType<typeof response>) => void} */ resolve, reject) => {
    /** @param {string} why */
    const unanswered = (why) => reject(Object.assign(new Error(why), { code: "ECONNRESET" }));
    // Node's error codes say "nothing was sent" (ECONNREFUSED, a TLS error, EHOSTUNREACH) only
    // while the connection is being made. Once it is made (or was kept alive), the request may
    // have reached the server whatever the code, so the error goes on as a lost connection,
    // its code in the message only (the client reads `code` to tell "never sent").
    let connected = false;
    req.once("socket", (socket) => {
      if (req.reusedSocket) connected = true;
      else socket.once(client === https ? "secureConnect" : "connect", () => { connected = true; });
    });
    req.once("error", (e) => {
      const code = /** @type {{ code?: unknown }} */ (e).code;
      if (connected && typeof code === "string") unanswered(`${e.message} (${code}, after the connection was made)`);
      else reject(e);
    });
    req.once("response", (res) => {
      const status = /** @type {number} */ (res.statusCode);
      // Below 100 fetch fails as it would on a broken answer (600-999 it hands on, and the
      // client refuses them as invalid statuses).
      if (status < 100) {
        res.destroy();
        return unanswered(`the server answered with an invalid HTTP status (${status})`);
      }
      resolve(response(res));
    });
    // A 101 answer is no answer (fetch fails it too); without this, Node would close the
    // socket and settle nothing. Any other way the request ends unanswered settles it as well.
    req.once("upgrade", (_res, socket) => {
      socket.destroy();
      unanswered("the server switched protocols (101) instead of answering");
    });
    req.once("close", () => unanswered("the connection closed before an answer"));
    if (signal) {
      const stop = () => req.destroy(signal.reason);
      if (signal.aborted) return stop();
      signal.addEventListener("abort", stop, { once: true });
      req.once("close", () => signal.removeEventListener("abort", stop));
    }
    req.end(body ?? undefined);
  });
}
