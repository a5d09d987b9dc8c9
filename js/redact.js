// Removing the API key from text that leaves the package: error messages, stacks, bodies,
// causes, request ids, hook arguments. One function, applied last to everything thrown
// (`scrub`), and first to an error body before anything reads it.
//
// A hostile or careless server can echo the key raw, JSON-escaped (`\u0073\u006b_...`, as any
// JSON encoder may write it), inside JSON too deep or too broken to parse, or cut off at the
// end of a clipped body. The search therefore runs over the text as written *and* over the
// text as JSON would decode it, and a tail that starts the key is removed too.

export const REDACTED = "[redacted api key]";

/** @typedef {{ [key: string]: unknown }} Bag an object read and written by property name */
/** @typedef {Bag | string | number | bigint | boolean | symbol | null | undefined} Value anything thrown or parsed */
/** @typedef {<T>(v: T) => T} Clean `redactSecret` with the key bound: strings redacted, the rest as is */

// One JSON escape at the start of `s.slice(i)`: [decoded character, length], or undefined.
/** @type {Record<string, string>} */
const SIMPLE = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
/**
 * @param {string} s
 * @param {number} i where a backslash is
 * @returns {[string, number] | undefined}
 */
function escapeAt(s, i) {
  const c = s[i + 1];
  if (c === "u") {
    const hex = s.slice(i + 2, i + 6);
    return /^[0-9a-fA-F]{4}$/.test(hex) ? [String.fromCharCode(parseInt(hex, 16)), 6] : undefined;
  }
  return c !== undefined && Object.hasOwn(SIMPLE, c) ? [SIMPLE[c], 2] : undefined;
}

/**
 * `text` with every occurrence of `secret` replaced by "[redacted api key]": raw, JSON-escaped
 * (wholly or in part), and a trailing start of it (at least 4 characters, or the whole tail
 * of a clipped text). Text without the secret comes back unchanged.
 * @template T
 * @param {T} text anything: only a string is changed
 * @param {unknown} secret
 * @returns {T}
 */
export function redactSecret(text, secret) {
  if (typeof text !== "string" || typeof secret !== "string" || secret.length === 0) return text;
  let out = text.split(secret).join(REDACTED);
  if (out.includes("\\")) out = redactDecoded(out, secret);
  return /** @type {T} */ (redactTail(out, secret));
}

// The text as JSON would decode it: `view`, and `from[i]`, where its character i starts in
// `s` (plus one entry for the end). Decoded forwards: read backwards, "\\t" is ambiguous.
/**
 * @param {string} s
 * @returns {{ view: string, from: number[] }}
 */
function decodeView(s) {
  let view = "";
  /** @type {number[]} */
  const from = [];
  for (let i = 0; i < s.length; ) {
    const esc = s[i] === "\\" ? escapeAt(s, i) : undefined;
    from.push(i);
    view += esc ? esc[0] : s[i];
    i += esc ? esc[1] : 1;
  }
  from.push(s.length);
  return { view, from };
}

// The search over the JSON-decoded view.
/**
 * @param {string} s
 * @param {string} secret
 * @returns {string}
 */
function redactDecoded(s, secret) {
  const { view, from } = decodeView(s);
  let out = "";
  let copied = 0;
  for (let at = view.indexOf(secret); at !== -1; at = view.indexOf(secret, at + secret.length)) {
    out += s.slice(copied, from[at]) + REDACTED;
    copied = from[at + secret.length];
  }
  return copied === 0 ? s : out + s.slice(copied);
}

// A clipped text may end inside the key, as written or JSON-escaped (perhaps in a
// half-written escape): such a tail of 4 or more key characters is removed.
/**
 * @param {string} s
 * @param {string} secret
 * @returns {string}
 */
function redactTail(s, secret) {
  /** @type {(text: string) => number} */
  const cut = (text) => {
    for (let n = Math.min(text.length, secret.length - 1); n >= 4; n--) {
      if (text.endsWith(secret.slice(0, n))) return text.length - n;
    }
    return -1;
  };
  const raw = cut(s);
  if (raw !== -1) return s.slice(0, raw) + REDACTED;
  if (!s.includes("\\")) return s;
  // With and without a half-written escape at the very end ("\\", "\\u", "\\u00"...).
  const half = /\\(u[0-9a-fA-F]{0,3})?$/.exec(s);
  for (const text of half ? [s, s.slice(0, half.index)] : [s]) {
    const { view, from } = decodeView(text);
    const at = cut(view);
    if (at !== -1) return text.slice(0, from[at]) + REDACTED;
  }
  return s;
}

/**
 * The last step before an error leaves the package: the key is removed from its message,
 * stack and every string property, from a parsed `body` (walked without recursion: it may be
 * deeply nested) and from its `cause`, which is replaced by a redacted copy.
 * @template T
 * @overload
 * @param {T} err anything thrown (an object's properties are replaced in place)
 * @param {unknown} secret
 * @returns {T}
 */
/**
 * @param {Value} err
 * @param {unknown} secret
 * @returns {Value}
 */
export function scrub(err, secret) {
  if (!err || typeof err !== "object") return typeof err === "string" ? redactSecret(err, secret) : err;
  /** @type {Clean} */
  const clean = (v) => redactSecret(v, secret);
  for (const key of ["message", "stack"]) {
    const d = Object.getOwnPropertyDescriptor(err, key);
    if (d && typeof d.value === "string" && d.writable) err[key] = clean(d.value);
  }
  for (const key of Object.keys(err)) {
    const v = err[key];
    if (typeof v === "string") err[key] = clean(v);
    // A parsed error body, or a WaitTimeoutError's last call (in place: the API's JSON).
    else if ((key === "body" || key === "call") && v && typeof v === "object") err[key] = scrubJson(/** @type {Bag} */ (v), clean);
  }
  // (The `cause` of an error made here is an own property.)
  const cause = Object.getOwnPropertyDescriptor(err, "cause");
  if (cause?.value !== undefined) {
    try {
      err.cause = copyCause(cause.value, clean, 8);
    } catch {
      err.cause = new Error("(the cause could not be read)"); // a hostile getter
    }
  }
  return err;
}

// A redacted copy of a cause: only the fields an error is read by (message, name, stack,
// code and the like), its own causes down the chain and an AggregateError's errors. Never
// the object itself: a runtime's error may carry the key anywhere (a request's headers, a
// config object), and a copy holds only what was cleaned.
/**
 * @param {Value} c
 * @param {Clean} clean
 * @param {number} depth how many more causes down the chain may be copied
 * @param {Set<object>} [seen]
 * @returns {Value | Error}
 */
function copyCause(c, clean, depth, seen = new Set()) {
  if (typeof c === "string") return clean(c);
  if (!c || typeof c !== "object") return c;
  if (depth === 0 || seen.has(c)) return new Error("(a deeper cause was left out)");
  seen.add(c);
  /** @type {(v: unknown) => string | undefined} */
  const text = (v) => (typeof v === "string" ? clean(v) : undefined);
  let message = text(c.message);
  if (message === undefined) {
    try {
      message = clean(String(c));
    } catch {
      message = "";
    }
  }
  const copy = /** @type {Error & Bag} */ (Array.isArray(c.errors)
    ? new AggregateError(c.errors.slice(0, 10).map((/** @type {Value} */ e) => copyCause(e, clean, depth - 1, seen)), message)
    : new Error(message));
  if (text(c.name) !== undefined) copy.name = /** @type {string} */ (text(c.name));
  if (text(c.stack) !== undefined) copy.stack = text(c.stack);
  for (const k of ["code", "errno", "syscall", "address", "port"]) {
    const v = c[k];
    if (typeof v === "string" || typeof v === "number") copy[k] = typeof v === "string" ? clean(v) : v;
  }
  if (c.cause !== undefined) copy.cause = copyCause(/** @type {Value} */ (c.cause), clean, depth - 1, seen);
  return copy;
}

// Every string and member name of a parsed JSON document, without recursion.
/**
 * @param {Bag} doc
 * @param {Clean} clean
 * @returns {Bag}
 */
function scrubJson(doc, clean) {
  const stack = [doc];
  while (stack.length > 0) {
    const node = /** @type {Bag} */ (stack.pop());
    for (const k of Object.keys(node)) {
      const v = node[k];
      const k2 = clean(k);
      if (k2 !== k) {
        delete node[k];
        node[k2] = v;
      }
      if (typeof v === "string") node[k2] = clean(v);
      else if (v && typeof v === "object") stack.push(/** @type {Bag} */ (v));
    }
  }
  return doc;
}
