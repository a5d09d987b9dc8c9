// Runs every benchmark, each in its own process, and prints ONE table (ours next to
// the baselines built/run in the same run), plus the details, to stdout and bench/results.md.
// Started by bench/run.sh after it installed the packed tarball. Numbers only: exits 0 unless
// a benchmark could not run at all.
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchDir, parseResult } from "./common.mjs";

const only = process.argv.slice(2);
const steps = [
  ["size", "size.mjs"],
  ["coldNode", "coldstart-node.mjs"],
  ["coldWorkerd", "coldstart-workerd.mjs"],
  ["requests", "requests.mjs"],
  ["driver", "driver-cost.mjs"],
  ["e164", "e164.mjs"],
];

function runStep(name, file) {
  return new Promise((resolve) => {
    console.log(`\n== ${name} (${file})`);
    const child = spawn(process.execPath, [file], { cwd: benchDir, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      for (const line of String(d).split("\n")) if (line && !line.startsWith("RESULT ")) console.log("   " + line);
    });
    child.on("close", (code) => resolve(code === 0 ? parseResult(stdout) : null));
  });
}

const load = { before: loadavg()[0] };
const started = Date.now();
const R = {};
for (const [name, file] of steps) if (only.length === 0 || only.includes(name)) R[name] = await runStep(name, file);
load.after = loadavg()[0];

// ------------------------------------------------------------------ the table
const KB = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const us = (x) => `${x.toFixed(0)} µs`;
const rows = [];
const row = (bench, metric, ours, baselines, target, status) => rows.push([bench, metric, ours, baselines, target, status]);
const met = (ok) => (ok ? "met" : "**MISSED**");

if (R.size) {
  const s = R.size;
  const v = s.versions;
  const b = s.callingboxBrowser;
  const w = s.callingboxWorkerd;
  const base = (k) => `openai ${v.openai}: ${KB(s.openai.total[k])} · retell-sdk ${v["retell-sdk"]}: ${KB(s.retell.total[k])} · hand-written fetch: ${KB(s.fetch.total[k])}`;
  row("1 size", "one-call app, browser bundle (esbuild --minify) + .wasm, gzip -9", `${KB(b.total.gzip)} (JS ${KB(b.js.gzip)} + wasm ${KB(b.wasm.gzip)})`, base("gzip"), `≤ ${KB(s.budget.gzip_target_bytes)} gz`, met(b.total.gzip <= s.budget.gzip_target_bytes) + (b.total.gzip > s.openai.total.gzip ? " (larger than openai)" : ""));
  row("1 size", "same, brotli q11", `${KB(b.total.brotli)} (JS ${KB(b.js.brotli)} + wasm ${KB(b.wasm.brotli)})`, base("brotli"), "", "");
  row("1 size", "one-call app, Workers bundle (workerd conditions) + .wasm, gzip -9", `${KB(w.total.gzip)} (JS ${KB(w.js.gzip)} + wasm ${KB(w.wasm.gzip)})`, "", `≤ ${KB(s.budget.gzip_target_bytes)} gz`, met(w.total.gzip <= s.budget.gzip_target_bytes));
  row("1 size", "whole SDK, per-file gzip -9 (scripts/size-budget.mjs file list) / brotli", `${KB(s.wholeSdk.gzip)} / ${KB(s.wholeSdk.brotli)}`, "", `≤ ${KB(s.budget.gzip_target_bytes)} gz; CI ceiling ${KB(s.budget.gzip_ceiling_bytes)}`, s.wholeSdk.gzip > s.budget.gzip_ceiling_bytes ? "**MISSED, over the CI ceiling**" : met(s.wholeSdk.gzip <= s.budget.gzip_target_bytes));
  row("1 size", "npm tarball: unpackedSize (client files only, without the emulator) / .tgz", `${KB(s.tarball.unpackedSize)} (${KB(s.tarball.clientOnlyUnpacked)}) / ${KB(s.tarball.size)}`, "", "", "");
}
for (const [key, label] of [["coldNode", "Node"], ["coldWorkerd", "workerd"]]) {
  const c = R[key];
  if (!c) continue;
  const sd = c.sdks;
  const ours = sd.callingbox;
  const desc = key === "coldNode" ? `${label} (${c.runtime}), fresh process: import() + new Client(), median of ${c.n}` : `${label} (${c.runtime}), fresh isolate, in-isolate import() + new Client(), median of ${c.n} (1 ms clock)`;
  row("2 cold start", desc, `${ms(ours.totalMs)} (import ${ms(ours.importMs)} + construct ${ms(ours.constructMs)})`, `openai: ${ms(sd.openai.totalMs)} (construct ${ms(sd.openai.constructMs)}) · retell-sdk: ${ms(sd["retell-sdk"]?.totalMs ?? sd.retell.totalMs)}`, "≤ 5 ms", met(ours.totalMs <= 5));
  if (key === "coldNode" && sd["callingbox .wasm compile only"]) {
    row("2 cold start", "  of which: new WebAssembly.Module(.wasm) alone, fresh process", ms(sd["callingbox .wasm compile only"].constructMs), "", "", "");
  }
  if (key === "coldNode" && sd["esm-floor (any package)"]) {
    const f = sd["esm-floor (any package)"];
    row("2 cold start", "  floor: a one-file ESM package imported the same way (import + new), same run", `${ms(f.totalMs)} (import ${ms(f.importMs)}); callingbox above it: ${ms(ours.totalMs - f.totalMs)}`, "", "", "");
  }
  if (key === "coldWorkerd") {
    row("2 cold start", `workerd: new Miniflare → first response, minus an empty Worker's (${ms(sd.empty.firstResponseMs)}), median of ${c.n}`, ms(ours.startupDeltaMs), `openai: ${ms(sd.openai.startupDeltaMs)} · retell-sdk: ${ms(sd.retell.startupDeltaMs)}`, "", "");
  }
}
if (R.requests) {
  const q = R.requests;
  const c = q.clients;
  const per = (x) => (x * 1000) / q.n;
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  // × raw fetch: the median over rounds of each round's own ratio (range in brackets).
  const paired = (r) => (r ? `${r.median.toFixed(2)}× [${r.min.toFixed(2)}-${r.max.toFixed(2)}]` : "");
  for (const [mode, rk, label] of [["seqMs", "seqRatio", `${q.n} sequential`], ["concMs", "concRatio", `${q.n}, ${q.concurrency} in flight`]]) {
    const ours = c.callingbox[mode];
    const r = c.callingbox[rk];
    const ok = mode === "seqMs" ? met(r && r.median <= 1.1 && r.median < c.openai[rk].median) : "";
    row("3 per request", `calls.retrieve vs emulator on 127.0.0.1, ${label} × ${q.rounds} rounds: median µs/request (× raw fetch: median of per-round ratios [range])`, `${us(per(ours))} (${paired(r)})`, `raw fetch + JSON.parse: ${us(per(c.fetch[mode]))} · openai client.get: ${us(per(c.openai[mode]))} (${paired(c.openai[rk])})`, mode === "seqMs" ? "≤ 1.10× fetch and < openai" : "", ok);
  }
  row("3 per request", "  client process CPU time (user + sys) per request, sequential: the work each SDK adds, without waiting", `${us(per(c.callingbox.seqCpuMs))} (${ratio(c.callingbox.seqCpuMs, c.fetch.seqCpuMs)})`, `raw fetch: ${us(per(c.fetch.seqCpuMs))} · openai: ${us(per(c.openai.seqCpuMs))} (${ratio(c.openai.seqCpuMs, c.fetch.seqCpuMs)})`, "", "");
  const plumb = c["fetch + timeout/abort plumbing"];
  if (plumb) {
    row("3 per request", "  diagnostic: raw fetch + the driver's AbortController / 60 s timer / Promise.race gate, sequential / 16 in flight", `${us(per(plumb.seqMs))} (${paired(plumb.seqRatio)}) / ${us(per(plumb.concMs))} (${paired(plumb.concRatio)})`, "", "", "");
  }
  if (q.memory) {
    const m = q.memory;
    const grow = m.after4000.wasm - m.after2000.wasm;
    row("3 per request", "wasm linear memory after warm-up / +2,000 / +4,000 requests (heapUsed after gc)", `${KB(m.afterWarmup.wasm)} / ${KB(m.after2000.wasm)} / ${KB(m.after4000.wasm)} (${(m.afterWarmup.heapUsed / 1048576).toFixed(1)} / ${(m.after2000.heapUsed / 1048576).toFixed(1)} / ${(m.after4000.heapUsed / 1048576).toFixed(1)} MB)`, "", "no growth per request", met(grow === 0 && m.after2000.wasm === m.afterWarmup.wasm));
  }
}
if (R.e164) {
  const e = R.e164;
  const x = e.libphonenumber.nsPerNumber / e.callingbox.nsPerNumber;
  row("4 E.164", `${e.count.toLocaleString("en")} mixed inputs: ns/number (${e.callingbox.accepted} accepted by us)`, `${e.callingbox.nsPerNumber.toFixed(0)} ns (${x.toFixed(1)}× faster)`, `libphonenumber-js/min isPossiblePhoneNumber: ${e.libphonenumber.nsPerNumber.toFixed(0)} ns (${e.libphonenumber.accepted} possible)`, "≥ 10× faster", met(x >= 10));
  const xa = e.libphonenumber.nsAccepted / e.callingbox.nsAccepted;
  const xr = e.libphonenumber.nsRejected / e.callingbox.nsRejected;
  row("4 E.164", `  the ${e.split.accepted} we accept / the ${e.split.rejected} we reject (checkE164: no throw)`, `${e.callingbox.nsAccepted.toFixed(0)} ns (${xa.toFixed(1)}×) / ${e.callingbox.nsRejected.toFixed(0)} ns (${xr.toFixed(1)}×)`, `${e.libphonenumber.nsAccepted.toFixed(0)} ns / ${e.libphonenumber.nsRejected.toFixed(0)} ns`, "", "");
  row("4 E.164", "answers that differ", `${e.differ} of ${e.count.toLocaleString("en")}`, "see the reasons below", "", "");
}

const esc = (s) => String(s).replace(/\|/g, "\\|");
const table = [
  "| benchmark | metric (KB = 1,024 B) | callingbox | baselines (same run) | target | status |",
  "|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
].join("\n");

const details = [];
const when = new Date(started).toISOString().replace(/\.\d+Z$/, "Z");
details.push(`Run ${when} on ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${process.version}; 1-min load average ${load.before.toFixed(1)} before, ${load.after.toFixed(1)} after (other work on the machine inflates every time, ours and the baselines' alike; the ratios are the robust part). Took ${((Date.now() - started) / 1000).toFixed(0)} s.`);
if (R.e164?.diffs?.length) {
  details.push("", "### E.164: where callingbox and libphonenumber-js disagree", "", "| count | input kind | callingbox | libphonenumber-js | examples |", "|---:|---|---|---|---|");
  for (const d of R.e164.diffs) details.push(`| ${d.count} | ${esc(d.kind)} | ${esc(d.callingbox)} | ${d.libphonenumber} | ${d.examples.map((x) => "`" + esc(x) + "`").join(", ")} |`);
  details.push("", "Inputs per kind: " + R.e164.perKind.map((k) => `${k.kind} ${k.count}`).join(", ") + ".");
}
if (R.requests?.profile?.callingbox && R.requests.profile.fetch) {
  const { fetch: f, callingbox: c } = R.requests.profile;
  details.push("", `### Where a callingbox request's time goes`, "", `\`node --cpu-prof\` (100 µs sampling) of the same run (warm-up + one round of sequential and 16-in-flight requests = ${c.requests} requests) for raw fetch alone and for callingbox alone; self time per request. Profiling slows everything, so compare the two columns, not with the table above.`, "", "| by file | raw fetch µs/req | callingbox µs/req | difference |", "|---|---:|---:|---:|");
  for (const x of c.files) if (x.name.startsWith("wasm") && f.files.some((y) => y.name === x.name)) x.name = "undici's llhttp parser (wasm)";
  for (const x of f.files) if (x.name.startsWith("wasm")) x.name = "undici's llhttp parser (wasm)";
  const names = [...new Set([...c.files.map((x) => x.name), ...f.files.map((x) => x.name)])];
  const get = (p, n) => p.files.find((x) => x.name === n)?.usPerRequest ?? 0;
  const diffRows = names.map((n) => [n, get(f, n), get(c, n)]).sort((a, b) => b[2] - b[1] - (a[2] - a[1]));
  for (const [n, a, b] of diffRows.slice(0, 14)) details.push(`| ${esc(n)} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b - a >= 0 ? "+" : "") + (b - a).toFixed(1)} |`);
  details.push(`| **total sampled** | ${(f.totalMs * 1000 / f.requests).toFixed(1)} | ${(c.totalMs * 1000 / c.requests).toFixed(1)} | ${(((c.totalMs - f.totalMs) * 1000) / c.requests).toFixed(1)} |`);
  details.push("", "Sampled time is wall time: on a shared 2-core machine a process waiting for the CPU shows up in whatever it was doing (often the socket write, `writeLatin1String`), so only the JS and wasm rows are solid evidence.");
  details.push("", "Top self-time functions in the callingbox run (pkg files are minified: names are esbuild's):", "", "| µs/req | % | function (file:line) |", "|---:|---:|---|");
  for (const x of c.functions) details.push(`| ${x.usPerRequest.toFixed(1)} | ${x.pct.toFixed(1)}% | ${esc(x.name)} |`);
}
if (R.driver) {
  details.push("", "### One calls.retrieve without I/O (bench/driver-cost.mjs: `fetch` answers at once; each core call timed alone, 20,000×)", "", "| µs | what |", "|---:|---|");
  for (const [k, v] of Object.entries(R.driver)) details.push(`| ${v.toFixed(2)} | ${esc(k)} |`);
}
const text = `## Benchmarks (bash bench/run.sh)\n\n${table}\n\n${details.join("\n")}\n`;
console.log("\n" + text);
writeFileSync(join(benchDir, "results.md"), text);
console.log("written to bench/results.md");
const failed = Object.entries(R).filter(([, v]) => !v).map(([k]) => k);
if (failed.length) {
  console.error(`could not run: ${failed.join(", ")}`);
  process.exit(1);
}
