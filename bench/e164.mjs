// 4. E.164: 100,000 mixed inputs (deterministic, seeded) through callingbox's exported
// checkE164 (the non-throwing form of parseE164: { ok, value | reason }) and libphonenumber-js/min's
// isPossiblePhoneNumber, same inputs, same process, rounds alternated; then every input whose
// verdicts differ, grouped by what kind of input it was and what each side said.
import { checkE164 } from "callingbox";
import { isPossiblePhoneNumber } from "libphonenumber-js/min";
import { median, result, seededRandom } from "./common.mjs";

const COUNT = Number(process.env.BENCH_E164_N || 100_000);
const ROUNDS = Number(process.env.BENCH_E164_ROUNDS || 5);

const rand = seededRandom(0x7e164);
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];
const digits = (n) => Array.from({ length: n }, () => int(10)).join("");

// Country code + national number shapes with lengths each country really uses.
const COUNTRIES = [
  ["1", () => `${2 + int(8)}${digits(2)}${2 + int(8)}${digits(6)}`, [3, 3, 4]], // US/CA: NPA-NXX-XXXX
  ["44", () => `7${digits(9)}`, [4, 6]], // UK mobile
  ["44", () => `20${digits(8)}`, [2, 4, 4]], // London
  ["49", () => `15${1 + int(9)}${digits(8)}`, [3, 8]], // DE mobile
  ["33", () => `${6 + int(2)}${digits(8)}`, [1, 2, 2, 2, 2]], // FR mobile
  ["91", () => `${7 + int(3)}${digits(9)}`, [5, 5]], // IN mobile
  ["81", () => `90${digits(8)}`, [2, 4, 4]], // JP mobile
  ["55", () => `11 9`.replace(" ", "") + digits(8), [2, 5, 4]], // BR São Paulo mobile
  ["61", () => `4${digits(8)}`, [3, 3, 3]], // AU mobile
  ["86", () => `13${digits(9)}`, [3, 4, 4]], // CN mobile
  ["65", () => `${8 + int(2)}${digits(7)}`, [4, 4]], // SG
  ["52", () => `55${digits(8)}`, [2, 4, 4]], // MX City
  ["27", () => `8${2 + int(3)}${digits(7)}`, [2, 3, 4]], // ZA mobile
  ["683", () => `${digits(4)}`, [4]], // Niue: 7 digits in all
];
const group = (s, sizes, sep) => {
  const parts = [];
  let i = 0;
  for (const n of sizes) { parts.push(s.slice(i, i + n)); i += n; }
  if (i < s.length) parts[parts.length - 1] += s.slice(i);
  return parts.filter(Boolean).join(sep);
};
const valid = () => { const [cc, nsn, sizes] = pick(COUNTRIES); return { cc, n: nsn(), sizes }; };

const KINDS = [
  // [kind, weight, generator]
  ["valid", 30, () => { const v = valid(); return `+${v.cc}${v.n}`; }],
  ["valid, with separators", 20, () => {
    const v = valid();
    const sep = pick([" ", "-", ".", " "]);
    if (v.cc === "1" && rand() < 0.5) return `+1 (${v.n.slice(0, 3)}) ${v.n.slice(3, 6)}-${v.n.slice(6)}`;
    return `+${v.cc}${sep}${group(v.n, v.sizes, sep)}`;
  }],
  ["missing +", 8, () => { const v = valid(); return pick([`${v.cc}${v.n}`, `00${v.cc}${v.n}`, `0${v.n}`, group(v.n, v.sizes, " ")]); }],
  ["letters", 6, () => { const v = valid(); return pick([`+1 800 ${pick(["FLOWERS", "CALLNOW", "GOFEDEX"])}`, `+${v.cc}${v.n.slice(0, -2)}x${v.n.slice(-1)}`, `tel:+${v.cc}${v.n}`, `+${v.cc} ${v.n} ext. ${1 + int(999)}`]); }],
  ["too long (>15 digits)", 6, () => `+${digits(16 + int(4)).replace(/^0/, "1")}`],
  ["too short (<7 digits)", 6, () => `+${1 + int(9)}${digits(1 + int(5))}`],
  ["country code starts with 0", 5, () => `+0${digits(6 + int(9))}`],
  ["E.164 shape, wrong length for its country", 8, () => {
    const v = valid();
    const n = rand() < 0.5 ? v.n.slice(0, Math.max(1, v.n.length - 1 - int(3))) : v.n + digits(1 + int(2));
    const total = v.cc.length + n.length;
    return total >= 7 && total <= 15 ? `+${v.cc}${n}` : `+${v.cc}${v.n}0`;
  }],
  ["E.164 shape, unassigned country code", 4, () => `+${pick(["999", "28", "83", "89", "210", "969"])}${digits(7 + int(3))}`],
  ["other characters", 4, () => { const v = valid(); return pick([`+${v.cc}/${v.n}`, `+${v.cc}#${v.n}`, `+${v.cc}_${v.n}`, `+${v.cc}${v.n};`]); }],
  ["misplaced +", 2, () => { const v = valid(); return `${v.cc}+${v.n}`; }],
  ["empty or only separators", 1, () => pick(["", " ", "()", " - ", "+"])],
];
const totalWeight = KINDS.reduce((a, k) => a + k[1], 0);
const inputs = [];
const kindOf = [];
for (let i = 0; i < COUNT; i++) {
  let r = int(totalWeight);
  let k = 0;
  while (r >= KINDS[k][1]) { r -= KINDS[k][1]; k++; }
  inputs.push(KINDS[k][2]());
  kindOf.push(k);
}

function oursVerdict(s) {
  const r = checkE164(s);
  return r.ok ? "ok" : r.reason;
}
const libVerdict = (s) => (isPossiblePhoneNumber(s) ? "ok" : "not possible");

const passOurs = (xs) => () => {
  let ok = 0;
  for (let i = 0; i < xs.length; i++) if (checkE164(xs[i]).ok) ok++;
  return ok;
};
const passLib = (xs) => () => {
  let ok = 0;
  for (let i = 0; i < xs.length; i++) if (isPossiblePhoneNumber(xs[i])) ok++;
  return ok;
};
const timed = (f) => { const t0 = performance.now(); const ok = f(); return { ms: performance.now() - t0, ok }; };
// The same comparison on the inputs we accept (no exception thrown) and on those we reject
// (each one throws an InvalidPhoneNumberError): the split shows what the throw costs.
const accepts = inputs.filter((s) => oursVerdict(s) === "ok");
const rejects = inputs.filter((s) => oursVerdict(s) !== "ok");
const sets = { all: inputs, accepted: accepts, rejected: rejects };

// Warm up both (JIT, the wasm) until the optimising tiers have settled (one pass left the
// first measured set ~1.6x slower than the two subsets it is made of), then alternate rounds.
for (let i = 0; i < 3; i++) { passOurs(inputs)(); passLib(inputs)(); }
const t = {};
const accepted = {};
for (const [set, xs] of Object.entries(sets)) {
  t[set] = { callingbox: [], libphonenumber: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [["libphonenumber", passLib(xs)], ["callingbox", passOurs(xs)]] : [["callingbox", passOurs(xs)], ["libphonenumber", passLib(xs)]];
    for (const [name, f] of order) { const x = timed(f); t[set][name].push(x.ms); if (set === "all") accepted[name] = x.ok; }
  }
}

// Where the answers differ, by input kind and verdicts.
const diffs = new Map();
let differ = 0;
for (let i = 0; i < inputs.length; i++) {
  const a = oursVerdict(inputs[i]);
  const b = libVerdict(inputs[i]);
  if ((a === "ok") === (b === "ok")) continue;
  differ++;
  const key = `${KINDS[kindOf[i]][0]}|${a === "ok" ? "accepts" : `rejects (${a})`}|${b === "ok" ? "possible" : "not possible"}`;
  const d = diffs.get(key) || { kind: KINDS[kindOf[i]][0], callingbox: a === "ok" ? "accepts" : `rejects: ${a}`, libphonenumber: b === "ok" ? "possible" : "not possible", count: 0, examples: [] };
  d.count++;
  if (d.examples.length < 3) d.examples.push(inputs[i]);
  diffs.set(key, d);
}
const perKind = KINDS.map(([name]) => ({ kind: name, count: kindOf.filter((k) => KINDS[k][0] === name).length }));

const ns = (set, name) => (median(t[set][name]) * 1e6) / sets[set].length;
const side = (name) => ({ nsPerNumber: ns("all", name), nsAccepted: ns("accepted", name), nsRejected: ns("rejected", name), accepted: accepted[name] });
const out = {
  count: inputs.length,
  rounds: ROUNDS,
  split: { accepted: accepts.length, rejected: rejects.length },
  callingbox: side("callingbox"),
  libphonenumber: side("libphonenumber"),
  perKind,
  differ,
  diffs: [...diffs.values()].sort((a, b) => b.count - a.count),
};
console.log(`callingbox checkE164 ${out.callingbox.nsPerNumber.toFixed(0)} ns/number (${out.callingbox.accepted} accepted); libphonenumber-js/min isPossiblePhoneNumber ${out.libphonenumber.nsPerNumber.toFixed(0)} ns/number (${out.libphonenumber.accepted} possible)`);
console.log(`  on the ${accepts.length} we accept: callingbox ${out.callingbox.nsAccepted.toFixed(0)} ns, libphonenumber ${out.libphonenumber.nsAccepted.toFixed(0)} ns; on the ${rejects.length} we reject: callingbox ${out.callingbox.nsRejected.toFixed(0)} ns, libphonenumber ${out.libphonenumber.nsRejected.toFixed(0)} ns`);
console.log(`answers differ on ${differ} of ${inputs.length}:`);
for (const d of out.diffs) console.log(`  ${String(d.count).padStart(6)}  ${d.kind}: callingbox ${d.callingbox}, libphonenumber ${d.libphonenumber}  e.g. ${d.examples.map((e) => JSON.stringify(e)).join(", ")}`);
result(out);
