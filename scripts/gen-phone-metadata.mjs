#!/usr/bin/env node
// Writes crates/callingbox-core/src/phone_metadata.rs from libphonenumber-js's "max" metadata
// (the version pinned in tools/phone-metadata/package.json): what crates/callingbox-core's
// `phone` module needs to decide what libphonenumber-js's `isPossiblePhoneNumber` decides,
// without its regular expressions.
//
//   node scripts/gen-phone-metadata.mjs          write the file
//   node scripts/gen-phone-metadata.mjs --check  exit 1 if the file is stale
//
// Needs `npm ci --prefix tools/phone-metadata` first (scripts/test-phone-metadata.sh does it).
//
// What is kept, per numbering plan (one per region, plus one per non-geographic calling code;
// the encoding is described in the generated file and docs/phone-numbers.md):
// - the calling code; plans are sorted by code with the code's "main" region first (listed
//   first in `country_calling_codes`): isPossible checks the main region's lengths unless the
//   number is valid for another region sharing the code;
// - the possible national-number lengths;
// - the first digits the national-number pattern allows, where a trunk prefix can be part of a
//   number: with the lengths, it stands in for "matches national_number_pattern" in the
//   trunk-prefix rule (a tiny regex engine below computes it from the pattern);
// - the trunk (national) prefixes for parsing that are plain literals (capturing groups only
//   without a transform rule), in the order the regex tries them, each with the digits the
//   pattern allows right after it;
// - the international (IDD) prefix, when it is one literal (national input "0044 ...").
// Rules that are not literal (carrier codes with transforms, Argentina's mobile "15") are left
// out, and so are local-number rules ("([2-9]\d{6})$" -> "340$1": a 7-digit local number of a
// NANP island read with its area code; without it, such input is refused as too short rather
// than dialled): the generated file's header lists them.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tool = join(root, "tools/phone-metadata");
const require = createRequire(join(tool, "package.json"));
let pkg, meta;
try {
  pkg = require("libphonenumber-js/package.json");
  meta = require("libphonenumber-js/metadata.max.json");
} catch {
  console.error("libphonenumber-js is not installed: run `npm ci --prefix tools/phone-metadata`");
  process.exit(2);
}
const pinned = JSON.parse(readFileSync(join(tool, "package.json"), "utf8")).devDependencies["libphonenumber-js"];
if (pkg.version !== pinned) {
  console.error(`tools/phone-metadata has libphonenumber-js ${pkg.version}, package.json pins ${pinned}: run npm ci there`);
  process.exit(2);
}
const out = join(root, "crates/callingbox-core/src/phone_metadata.rs");

// ---------------------------------------------------------------------------------------
// A tiny regex engine for the subset the metadata's digit patterns use: digits, \d, [..]
// classes with ranges, (?:...) and (...) groups, |, ?, {n}, {n,m}. It answers one question:
// after reading `prefix`, which digits can come next in a full match?

function parseRegex(src) {
  let i = 0;
  const peek = () => src[i];
  function alt() {
    const branches = [seq()];
    while (peek() === "|") {
      i++;
      branches.push(seq());
    }
    return { t: "alt", branches };
  }
  function seq() {
    const items = [];
    while (i < src.length && peek() !== "|" && peek() !== ")") items.push(quant(atom()));
    return { t: "seq", items };
  }
  function atom() {
    const c = src[i++];
    if (c === "(") {
      if (src.startsWith("?:", i)) i += 2;
      const a = alt();
      if (src[i++] !== ")") throw new Error(`unbalanced ( in ${src}`);
      return a;
    }
    if (c === "\\") {
      const e = src[i++];
      if (e === "d") return { t: "set", mask: 0x3ff };
      throw new Error(`escape \\${e} in ${src}`);
    }
    if (c === "[") {
      let mask = 0;
      while (src[i] !== "]") {
        if (src[i] === "\\" && src[i + 1] === "d") {
          mask |= 0x3ff;
          i += 2;
          continue;
        }
        const a = +src[i];
        if (src[i + 1] === "-" && src[i + 2] !== "]") {
          const b = +src[i + 2];
          for (let d = a; d <= b; d++) mask |= 1 << d;
          i += 3;
        } else {
          mask |= 1 << a;
          i++;
        }
      }
      i++;
      return { t: "set", mask };
    }
    if (c === "$") return { t: "seq", items: [] };
    if (/\d/.test(c)) return { t: "set", mask: 1 << +c };
    throw new Error(`unsupported ${c} in ${src}`);
  }
  function quant(a) {
    if (peek() === "?") {
      i++;
      return { t: "rep", a, min: 0, max: 1 };
    }
    if (peek() === "{") {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(src.slice(i));
      i += m[0].length;
      const min = +m[1];
      const max = m[2] === undefined ? min : m[2] === "" ? 30 : +m[2];
      return { t: "rep", a, min, max };
    }
    return a;
  }
  const r = alt();
  if (i !== src.length) throw new Error(`trailing input in ${src}`);
  return r;
}

/** Thompson NFA: states with epsilon edges and digit-set edges. */
function compile(ast) {
  const eps = [];
  const edges = [];
  const state = () => (eps.push([]), edges.push([]), eps.length - 1);
  function build(n, from) {
    // returns the end state
    switch (n.t) {
      case "set": {
        const to = state();
        edges[from].push([n.mask, to]);
        return to;
      }
      case "seq":
        return n.items.reduce((s, it) => build(it, s), from);
      case "alt": {
        const end = state();
        for (const b of n.branches) {
          const s = state();
          eps[from].push(s);
          eps[build(b, s)].push(end);
        }
        return end;
      }
      case "rep": {
        let s = from;
        const end = state();
        for (let k = 0; k < n.max; k++) {
          if (k >= n.min) eps[s].push(end);
          s = build(n.a, s);
        }
        eps[s].push(end);
        return end;
      }
    }
  }
  const start = state();
  const accept = build(ast, start);
  return { eps, edges, start, accept };
}

function closure(nfa, set) {
  const stack = [...set];
  const seen = new Set(set);
  while (stack.length) {
    const s = stack.pop();
    for (const t of nfa.eps[s]) if (!seen.has(t)) (seen.add(t), stack.push(t));
  }
  return seen;
}

/** Bit d set when some full match of `pattern` starts with `prefix` + d. */
function nextDigits(pattern, prefix) {
  const nfa = compile(parseRegex(pattern));
  let cur = closure(nfa, [nfa.start]);
  for (const ch of prefix) {
    const next = [];
    const bit = ch === "x" ? 0x3ff : 1 << +ch;
    for (const s of cur) for (const [mask, to] of nfa.edges[s]) if (mask & bit) next.push(to);
    cur = closure(nfa, next);
  }
  let mask = 0;
  for (const s of cur) for (const [m] of nfa.edges[s]) mask |= m;
  return mask;
}

/**
 * The literal strings a prefix regex can match, in the order JS tries them (first branch
 * first, greedy `?` tries "with" first), or null if it is not a plain literal regex
 * (capturing groups, `$`, \d, big expansions).
 */
function literals(src, captures) {
  // Capturing groups only matter with a transform rule (else the whole match is stripped).
  const plain = src.replace(/\(\?:/g, "");
  if (/[$]/.test(plain) || (!captures && /\(/.test(plain))) return null;
  let ast;
  try {
    ast = parseRegex(src);
  } catch {
    return null;
  }
  const expand = (n) => {
    switch (n.t) {
      case "set": {
        // "x" stands for any digit (\d).
        if (n.mask === 0x3ff) return ["x"];
        const ds = [];
        for (let d = 0; d < 10; d++) if (n.mask & (1 << d)) ds.push(String(d));
        return ds;
      }
      case "seq":
        return n.items.reduce((acc, it) => acc.flatMap((a) => expand(it).map((b) => a + b)), [""]);
      case "alt":
        return n.branches.flatMap(expand);
      case "rep": {
        const one = expand(n.a);
        const res = [];
        for (let k = n.max; k >= n.min; k--) {
          let acc = [""];
          for (let j = 0; j < k; j++) acc = acc.flatMap((a) => one.map((b) => a + b));
          res.push(...acc);
        }
        return res;
      }
    }
  };
  const all = expand(ast);
  return all.length > 16 ? null : all;
}

// ---------------------------------------------------------------------------------------
// The plans

const regions = Object.keys(meta.countries).sort();
const nonGeo = Object.keys(meta.nonGeographic).sort((a, b) => a - b);
const skipped = []; // regions whose parsing rules are only partly kept

function plan(name, c) {
  // Metadata v4 layout (libphonenumber-js source/metadata.js): [calling code, IDD prefix,
  // national number pattern, possible lengths, formats, national prefix, national prefix
  // formatting rule, national prefix for parsing, national prefix transform rule, ...].
  const [code, idd, pattern, lengths, , nationalPrefix, , forParsing, transform] = c;
  let lengthMask = 0;
  for (const n of lengths) lengthMask |= 1 << n;
  const npp = forParsing || nationalPrefix || "";
  let prefixes = [];
  if (npp) {
    // A capturing group with a transform rewrites the number (local numbers, carrier codes):
    // keep only the plain literal branches of the regex.
    const branches = splitTop(npp);
    const kept = [];
    for (const b of branches) {
      const lits = literals(b, !transform);
      if (lits) kept.push(...lits);
      else if (nationalPrefix && new RegExp(`^(?:${b})$`).test(nationalPrefix)) {
        // The branch can match the bare trunk prefix ("0?(?:(11|...)15)?" in AR): keep that.
        kept.push(nationalPrefix);
        skipped.push(`${name} (+${code}): trunk-prefix branch /${b}/ kept as "${nationalPrefix}" only`);
      } else skipped.push(`${name} (+${code}): trunk-prefix branch /${b}/${transform ? ` -> "${transform}"` : ""}`);
    }
    prefixes = kept.map((p) => [p, nextDigits(pattern, p)]);
  }
  let iddLit = "";
  if (idd) {
    const lits = literals(idd, true);
    if (lits && lits.length === 1) iddLit = lits[0];
    else if (name.length === 2) skipped.push(`${name} (+${code}): IDD /${idd}/`);
  }
  return { name, code: +code, lengths: lengthMask, first: nextDigits(pattern, ""), prefixes, idd: iddLit };
}

function splitTop(src) {
  const out = [];
  let depth = 0;
  let cur = "";
  for (const ch of src) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "|" && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const unsorted = [
  ...regions.map((r) => plan(r, meta.countries[r])),
  ...nonGeo.map((cc) => plan("", meta.nonGeographic[cc])),
];
// The main region of each shared calling code (listed first in `country_calling_codes`):
// the plan libphonenumber selects for an international number with that code.
const main = new Set(Object.values(meta.country_calling_codes).map((rs) => rs[0]));
const rank = (p) => (p.name === "" || main.has(p.name) ? 0 : 1);
// Sorted by calling code, the main plan first: a binary search for the code finds the main.
const plans = unsorted.sort((a, b) => a.code - b.code || rank(a) - rank(b) || (a.name < b.name ? -1 : 1));
for (const p of plans) {
  if (p.lengths & 0b11 || p.lengths >= 1 << 18) throw new Error(`${p.name}: a length outside 2..=17`);
}
if (plans.length > 255) throw new Error("more than 255 plans: widen the index");

// Parsing rules as text records (deduplicated), fields separated by one space:
//   <first digits> <IDD> <trunk>=<digits after it>...
// Digit sets are written as their digits ("0123456789"); an empty field is empty.
const digitsOf = (mask) => [...Array(10).keys()].filter((d) => mask & (1 << d)).join("");
const ruleText = (p) => {
  // The pattern's first digits matter only where a trunk prefix may be part of the number
  // (digits may follow it in the pattern); elsewhere the field is empty and stands for any
  // digit (what it costs: docs/phone-numbers.md).
  const needed = p.prefixes.some(([, m]) => m !== 0);
  const f = [needed ? digitsOf(p.first) : "", p.idd];
  for (const [pre, m] of p.prefixes) f.push(`${pre}=${digitsOf(m)}`);
  return f.join(" ").replace(/ +$/, "");
};
const rules = [];
const ruleIndex = new Map();
const ruleOf = plans.map((p) => {
  const t = ruleText(p);
  if (!ruleIndex.has(t)) (ruleIndex.set(t, rules.length), rules.push(t));
  return ruleIndex.get(t);
});
let offset = 0;
const ruleAt = rules.map((r) => ((offset += r.length), offset - r.length));
ruleAt.push(offset);
if (offset > 0xffff || rules.length > 255) throw new Error("rules too large for the encoding");

// ---------------------------------------------------------------------------------------
// Rust

const hex = (n) => "0x" + n.toString(16);
const list = (xs, per) => {
  const lines = [];
  for (let i = 0; i < xs.length; i += per) lines.push("    " + xs.slice(i, i + per).join(", ") + ",");
  return lines;
};
const rs = [];
rs.push(`// GENERATED by scripts/gen-phone-metadata.mjs from libphonenumber-js ${pkg.version}`);
rs.push(`// (metadata.max.json, metadata format v${meta.version}): do not edit; run`);
rs.push("// `node scripts/gen-phone-metadata.mjs` (`--check` tells whether this file is stale).");
rs.push("//");
rs.push("// Parsing rules left out (not plain literals; see docs/phone-numbers.md):");
for (const s of skipped) rs.push(`//   ${s}`);
rs.push("//");
rs.push("// Plans, in the order of the tables below (region or +code, calling code, rule):");
for (let i = 0; i < plans.length; i += 6)
  rs.push("//  " + plans.slice(i, i + 6).map((p, j) => ` ${(p.name || "--").padEnd(2)} +${String(p.code).padEnd(3)} r${String(ruleOf[i + j]).padEnd(3)}`).join(""));
rs.push("");
rs.push(`/// Where this metadata comes from.`);
rs.push(`pub const SOURCE: &str = "libphonenumber-js ${pkg.version}";`);
rs.push("");
// Codes ascend, so each is stored as its step from the previous one (a byte: ~330 B less
// gzip than u16s); a lookup sums the steps (at most 254 additions).
const steps = plans.map((p, i) => p.code - (i ? plans[i - 1].code : 0));
if (Math.max(...steps) > 255) throw new Error("a calling-code step above 255: widen CODE_STEP");
rs.push("/// Plan i's calling code is the sum of `CODE_STEP[..=i]`: codes ascend, the main region");
rs.push("/// of a shared code first.");
rs.push(`pub static CODE_STEP: [u8; ${plans.length}] = [`);
rs.push(...list(steps.map(String), 24));
rs.push("];");
rs.push("");
rs.push("/// Plan i's region (ISO 3166-1 alpha-2), two bytes each; `--` for a non-geographic code.");
rs.push(`pub static REGION: &str = "${plans.map((p) => p.name || "--").join("")}";`);
rs.push("");
rs.push("/// Plan i's possible national-number lengths: bit n set = n + 2 digits possible.");
rs.push(`pub static LENGTHS: [u16; ${plans.length}] = [`);
rs.push(...list(plans.map((p) => hex(p.lengths >> 2)), 12));
rs.push("];");
rs.push("");
rs.push("/// Plan i's parsing rules: an index into [`RULE_AT`].");
rs.push(`pub static RULE: [u8; ${plans.length}] = [`);
rs.push(...list(ruleOf.map(String), 24));
rs.push("];");
rs.push("");
rs.push("/// Rule r is `RULES[RULE_AT[r]..RULE_AT[r + 1]]`.");
rs.push(`pub static RULE_AT: [u16; ${ruleAt.length}] = [`);
rs.push(...list(ruleAt.map(String), 16));
rs.push("];");
rs.push("");
rs.push("/// The parsing rules, one after another; fields separated by one space:");
rs.push("/// `<first digits> <IDD> <trunk>=<next digits>...`");
rs.push("/// (`<first digits>`: those the national-number pattern allows; empty = any digit;");
rs.push("/// `x` in a trunk prefix stands for any digit; digit sets are lists of digits).");
rs.push("pub static RULES: &str = concat!(");
rules.forEach((r, i) => rs.push(`    "${r}", // ${i}`));
rs.push(");");
const text = rs.join("\n") + "\n";

if (process.argv.includes("--check")) {
  let old = "";
  try {
    old = readFileSync(out, "utf8");
  } catch {}
  if (old !== text) {
    console.error(`${out} is stale: run node scripts/gen-phone-metadata.mjs`);
    process.exit(1);
  }
  console.log(`phone metadata up to date (libphonenumber-js ${pkg.version})`);
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}: ${new Set(plans.map((p) => p.code)).size} calling codes, ${plans.length} plans, ${rules.length} rules (libphonenumber-js ${pkg.version})`);
}
