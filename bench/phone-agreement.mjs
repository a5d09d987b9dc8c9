// Phone numbers: agreement of callingbox-core's `phone::parse` (Rust) with libphonenumber-js's
// isPossiblePhoneNumber (max metadata), and speed of each. A benchmark, not a test: nothing
// here fails on a low figure, and CI does not run it.
//
//   node bench/phone-agreement.mjs        (needs bench/node_modules: `npm ci` in bench/)
//
// 1. Builds a seeded corpus (>= 20,000 inputs of many kinds) with libphonenumber-js: example
//    numbers of every region and variants of them (formatted, national with a default country,
//    trunk 0 after the code, wrong lengths), unassigned codes, shared codes, letters, junk.
// 2. Records libphonenumber's verdict and E.164 for each, and times isPossiblePhoneNumber,
//    callingbox/phone's checkPhoneNumber (one call per number) and its checkPhoneNumbers (lists)
//    over the whole corpus, in alternating rounds (best of several). Needs a built pkg/.
// 3. Writes target/phone-agreement/corpus.tsv and runs the ignored Rust test `agreement` in
//    crates/callingbox-core/tests/phone.rs (release build), which times phone::parse over the
//    same corpus and prints agreement by kind with examples of each disagreement.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { seededRandom } from "./common.mjs";
import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  isPossiblePhoneNumber,
  parsePhoneNumber,
} from "libphonenumber-js/max";

const require = createRequire(import.meta.url);
const examples = require("libphonenumber-js/examples.mobile.json");
const meta = require("libphonenumber-js/metadata.max.json");
const version = require("libphonenumber-js/package.json").version;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.env.BENCH_PHONE_ROUNDS || 5);

const rand = seededRandom(0x9f0e);
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];
const digits = (n) => Array.from({ length: n }, () => int(10)).join("");

const countries = getCountries();
const samples = []; // { country, cc, nsn }
for (const c of countries) {
  const ex = getExampleNumber(c, examples);
  if (ex) samples.push({ country: c, cc: getCountryCallingCode(c), nsn: ex.nationalNumber });
}
// Non-geographic codes: an example of each plan's lengths.
const nonGeo = Object.keys(meta.nonGeographic);
// Variants of an example: keep its first digits, randomise the rest (same length).
const vary = (nsn) => {
  const keep = Math.min(nsn.length, 2 + int(3));
  return nsn.slice(0, keep) + digits(nsn.length - keep);
};
const groupRand = (s, sep) => {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && int(4) === 0) out += sep;
    out += s[i];
  }
  return out;
};
const SEPS = [" ", "-", ".", " ", "\u00a0"];
const assigned = new Set([...Object.keys(meta.country_calling_codes), ...nonGeo]);
const unassigned = [];
for (let c = 1; c < 1000; c++) {
  const s = String(c);
  let covered = false;
  for (let k = 1; k <= s.length; k++) if (assigned.has(s.slice(0, k))) covered = true;
  // Codes with no assigned prefix (so no shorter code swallows them).
  if (!covered && s.length === 3) unassigned.push(s);
}
const shared = Object.entries(meta.country_calling_codes).filter(([, rs]) => rs.length > 1).flatMap(([, rs]) => rs);

const corpus = []; // [kind, input, defaultCountry]
const add = (kind, input, dc = "") => corpus.push([kind, input, dc]);
const N = Number(process.env.BENCH_PHONE_N || 2_000); // per kind

for (let i = 0; i < N; i++) {
  const s = pick(samples);
  add("valid_e164", `+${s.cc}${vary(s.nsn)}`);
}
for (let i = 0; i < N; i++) {
  const s = pick(samples);
  let f;
  try {
    f = parsePhoneNumber(`+${s.cc}${vary(s.nsn)}`).formatInternational();
  } catch {
    f = `+${s.cc} ${s.nsn}`;
  }
  if (int(3) === 0) f = f.replace(/ /g, pick(SEPS));
  if (int(4) === 0) f = f.replace(/^(\+\d+) (\d+)/, "$1 ($2)");
  add("valid_formatted", f);
}
for (let i = 0; i < N; i++) {
  const s = pick(samples);
  let f;
  try {
    f = parsePhoneNumber(`+${s.cc}${vary(s.nsn)}`).formatNational();
  } catch {
    f = s.nsn;
  }
  add("national_default_country", f, s.country);
}
for (let i = 0; i < N / 4; i++) {
  const s = pick(samples);
  add("national_no_default_country", groupRand(vary(s.nsn), " "));
}
for (let i = 0; i < N; i++) {
  const s = pick(samples);
  const np = meta.countries[s.country][5] || "0";
  const n = vary(s.nsn);
  add("trunk_after_code", pick([`+${s.cc} (${np}) ${n}`, `+${s.cc} ${np}${n}`, `+${s.cc}${np}${n}`]));
}
for (let i = 0; i < N; i++) {
  const s = pick(samples);
  const n = vary(s.nsn);
  const d = pick([-3, -2, -1, 1, 2, 3]);
  const m = d < 0 ? n.slice(0, d) : n + digits(d);
  add("wrong_length", `+${s.cc}${m}`);
}
for (let i = 0; i < N / 2; i++) add("unassigned_code", `+${pick(unassigned)}${digits(5 + int(8))}`);
for (let i = 0; i < N; i++) {
  const c = pick(shared);
  const ex = getExampleNumber(c, examples);
  const n = ex ? vary(ex.nationalNumber) : digits(10);
  add("shared_code", `+${getCountryCallingCode(c)} ${groupRand(n, " ")}`);
}
for (let i = 0; i < N / 2; i++) {
  const cc = pick(nonGeo);
  const lens = meta.nonGeographic[cc][3];
  add("non_geographic", `+${cc}${digits(pick(lens) + pick([0, 0, 0, -1, 1]))}`);
}
for (let i = 0; i < N * 2; i++) add("random_digits", `+${1 + int(9)}${digits(5 + int(11))}`);
for (let i = 0; i < N; i++) {
  const s = pick(samples);
  add("national_random_digits", digits(4 + int(10)), s.country);
}
for (let i = 0; i < N / 4; i++) {
  const s = pick(samples);
  const idd = meta.countries[s.country][1];
  const t = pick(samples);
  if (/^\d+$/.test(idd)) add("idd_prefix", `${idd} ${t.cc} ${vary(t.nsn)}`, s.country);
}
for (let i = 0; i < N / 4; i++) {
  const s = pick(samples);
  const n = vary(s.nsn);
  add("letters_extensions", pick([
    `+${s.cc} ${n.slice(0, -3)}${pick(["ABC", "FLO", "xyz"])}`,
    `+${s.cc} ${n} ext ${digits(1 + int(4))}`,
    `+${s.cc} ${n} x${digits(2)}`,
    `tel: +${s.cc}${n}`,
  ]));
}
const JUNK = "0123456789+ -.()/#*abcXé\u00a0\t☃";
for (let i = 0; i < N / 2; i++) {
  let s = "";
  for (let j = int(20); j > 0; j--) s += JUNK[int(JUNK.length)];
  add("junk", s, int(2) ? pick(samples).country : "");
}

// libphonenumber's verdicts and E.164.
const verdicts = corpus.map(([, input, dc]) => {
  const opt = dc ? { defaultCountry: dc } : undefined;
  const ok = isPossiblePhoneNumber(input, opt);
  let e164 = "";
  if (ok) {
    try {
      e164 = parsePhoneNumber(input, opt).number;
    } catch {}
  }
  return [ok, e164];
});

// Speed over the corpus, rounds alternated, best of ROUNDS each: isPossiblePhoneNumber, and the
// package's callingbox/phone (the shipped wasm through its JS API, pkg/phone-node.js) one call
// per number (checkPhoneNumber) and a list at a time (checkPhoneNumbers: the corpus grouped by
// its default country, the option being per call, in lists of CHUNK numbers; the grouping is
// done once, before timing).
const { checkPhoneNumber, checkPhoneNumbers } = await import(new URL("../pkg/phone-node.js", import.meta.url).href);
const CHUNK = 1000;
const options = corpus.map(([, , dc]) => (dc ? { defaultCountry: dc } : undefined));
const byCountry = new Map();
corpus.forEach(([, , dc], i) => byCountry.set(dc, [...(byCountry.get(dc) ?? []), i]));
/** [options, indices, inputs] per call of checkPhoneNumbers. */
const lists = [...byCountry].flatMap(([dc, all]) =>
  Array.from({ length: Math.ceil(all.length / CHUNK) }, (_, k) => {
    const at = all.slice(k * CHUNK, (k + 1) * CHUNK);
    return [dc ? { defaultCountry: dc } : undefined, at, at.map((i) => corpus[i][1])];
  }));
const timeIt = (check) => {
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < corpus.length; i++) if (check(corpus[i][1], options[i])) n++;
  return [Number(process.hrtime.bigint() - t0) / corpus.length, n];
};
const timeBulk = () => {
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (const [o, , inputs] of lists) for (const r of checkPhoneNumbers(inputs, o)) if (r.ok) n++;
  return [Number(process.hrtime.bigint() - t0) / corpus.length, n];
};
let lpnNs = Infinity;
let oursNs = Infinity;
let bulkNs = Infinity;
let sink = 0;
for (let r = 0; r < ROUNDS; r++) {
  const [a, x] = timeIt((input, o) => isPossiblePhoneNumber(input, o));
  const [b, y] = timeIt((input, o) => checkPhoneNumber(input, o).ok);
  const [c, z] = timeBulk();
  lpnNs = Math.min(lpnNs, a);
  oursNs = Math.min(oursNs, b);
  bulkNs = Math.min(bulkNs, c);
  sink += x + y + z;
}

// The shipped wasm must give the same verdicts as the native run below (same core): the bulk
// answers go into the corpus file, and must be the one-call answers.
const wasmVerdicts = new Array(corpus.length);
for (const [o, at, inputs] of lists) checkPhoneNumbers(inputs, o).forEach((r, k) => (wasmVerdicts[at[k]] = r.ok ? r.value.e164 : ""));
const singleDiffers = corpus.filter(([, input], i) => {
  const r = checkPhoneNumber(input, options[i]);
  return (r.ok ? r.value.e164 : "") !== wasmVerdicts[i];
}).length;
if (singleDiffers) {
  console.error(`checkPhoneNumbers and checkPhoneNumber differ on ${singleDiffers} inputs`);
  process.exitCode = 1;
}

const esc = (s) => s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
const dir = join(root, "target/phone-agreement");
mkdirSync(dir, { recursive: true });
const file = join(dir, "corpus.tsv");
writeFileSync(
  file,
  corpus.map(([k, input, dc], i) => [k, esc(input), dc, verdicts[i][0] ? "1" : "0", verdicts[i][1], wasmVerdicts[i]].join("\t")).join("\n") + "\n",
);
console.log(`corpus: ${corpus.length} inputs, libphonenumber-js ${version} (max metadata), best of ${ROUNDS} rounds (sink ${sink})`);
console.log(`speed (Node ${process.versions.node}, same run), isPossiblePhoneNumber ${lpnNs.toFixed(0)} ns/number against callingbox/phone (the wasm, pkg/phone-node.js):`);
const row = (label, ns) => console.log(`  ${label.padEnd(48)}${ns.toFixed(0).padStart(6)} ns/number: ${(lpnNs / ns).toFixed(1)}x`);
row("checkPhoneNumber, one call per number", oursNs);
row(`checkPhoneNumbers, ${lists.length} lists of <= ${CHUNK} numbers`, bulkNs);
console.log(`  the ${corpus.length} bulk answers are the one-call answers: ${singleDiffers ? `NO, ${singleDiffers} differ` : "yes"}`);
execFileSync(
  "cargo",
  ["run", "--quiet", "--release", "-p", "callingbox-core", "--example", "phone_agreement"],
  { cwd: root, stdio: "inherit", env: { ...process.env, PHONE_CORPUS: file, LPN_NS: String(lpnNs) } },
);
