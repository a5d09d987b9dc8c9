// Proxy tokens: what a page sends to the Worker's proxy as its `apiKey`, instead of a
// CallingBox key. A token names one subject (your user id) and an expiry, and is signed with
// HMAC-SHA256 under PROXY_TOKEN_SECRET, so the Worker checks it without a session store:
//
//   cbp1.<base64url of {"sub": "...", "exp": <unix seconds>}>.<base64url of the signature>
//
// Mint one where your login is checked (your app server, or a route of this Worker behind
// your session check) with the same secret, and hand it to the page. Plain WebCrypto: runs in
// Workers, Node 20+, Deno, Bun and browsers alike (but the secret must never reach a page).

const PREFIX = "cbp1";
/** The longest life a token may have: a leaked token is useless after at most this long. */
export const MAX_TOKEN_SECONDS = 3600;
const DEFAULT_TOKEN_SECONDS = 900;
/** Subjects become part of rate-limit bucket names and of scoped idempotency keys. */
const SUBJECT = /^[\x21-\x7e]{1,100}$/;
export const MIN_SECRET_LENGTH = 32;

const encoder = new TextEncoder();
const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function hmacKey(secret, usage) {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the token secret must be a string of at least ${MIN_SECRET_LENGTH} characters`);
  }
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/**
 * A token for `subject` (printable ASCII, at most 100 characters), valid `seconds` from
 * `now` (unix seconds; at most MAX_TOKEN_SECONDS).
 */
export async function mintProxyToken(secret, subject, { seconds = DEFAULT_TOKEN_SECONDS, now = Math.floor(Date.now() / 1000) } = {}) {
  if (typeof subject !== "string" || !SUBJECT.test(subject)) throw new Error("the subject must be 1-100 printable ASCII characters");
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_SECONDS) {
    throw new Error(`seconds must be a whole number from 1 to ${MAX_TOKEN_SECONDS}`);
  }
  const payload = base64url(encoder.encode(JSON.stringify({ sub: subject, exp: now + seconds })));
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), encoder.encode(`${PREFIX}.${payload}`));
  return `${PREFIX}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/**
 * The subject of a valid, unexpired token signed with `secret`, or null. The signature is
 * checked (in constant time, by WebCrypto) before anything of the payload is read.
 */
export async function verifyProxyToken(secret, token, now = Math.floor(Date.now() / 1000)) {
  if (typeof token !== "string" || token.length > 1024) return null;
  const [prefix, payload, signature, ...rest] = token.split(".");
  if (prefix !== PREFIX || payload === undefined || signature === undefined || rest.length > 0) return null;
  const mac = fromBase64url(signature);
  if (!mac) return null;
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), mac, encoder.encode(`${PREFIX}.${payload}`));
  if (!valid) return null;
  let claims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload) ?? new Uint8Array()));
  } catch {
    return null;
  }
  const { sub, exp } = claims ?? {};
  if (typeof sub !== "string" || !SUBJECT.test(sub) || !Number.isSafeInteger(exp)) return null;
  // Expired, or valid for longer than any token is minted for.
  if (exp <= now || exp > now + MAX_TOKEN_SECONDS) return null;
  return sub;
}
