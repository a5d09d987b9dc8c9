// Helpers shared by the benchmark scripts.
import { spawn } from "node:child_process";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const outDir = join(benchDir, ".out");

export const gzip9 = (bytes) => gzipSync(bytes, { level: 9 }).length;
export const brotli11 = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Runs a command; resolves { code, stdout, stderr }. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: benchDir, stdio: ["ignore", "pipe", "pipe"], ...opts });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => resolve({ code: -1, stdout, stderr: stderr + String(e) }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `RESULT {...}` line a benchmark script prints last. */
export function result(value) {
  console.log("RESULT " + JSON.stringify(value));
}
export function parseResult(text) {
  const line = text.split("\n").reverse().find((l) => l.startsWith("RESULT "));
  return line ? JSON.parse(line.slice(7)) : null;
}

export const kb = (bytes) => (bytes / 1024).toFixed(1) + " KB";

/** mulberry32: a tiny seeded PRNG, so every run sees the same inputs. Returns [0, 1) draws. */
export function seededRandom(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
