// Shared by the runtime matrix and the bundler tests: child processes, a static file server
// on 127.0.0.1, one headless Chromium and the summary table.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, resolve, sep } from "node:path";

export const CHROMIUM = "/usr/bin/chromium";
// Without the background-networking flags Chromium keeps dialling Google on this closed network.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Runs a command; resolves { code, stdout, stderr } (code null when killed at the timeout,
 * -1 when it could not start).
 */
export function run(cmd, args, { cwd, env = {}, timeoutMs = 120_000 } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      done({ code: -1, stdout, stderr: stderr + String(e) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".map": "application/json" };

/**
 * Serves the files under `dir` on 127.0.0.1 (a port of its own: its own origin). `routes`
 * maps a path to a handler `(req, res)` answered instead of a file (a page's own backend).
 */
export async function serveStatic(dir, routes = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/favicon.ico") return void res.writeHead(204).end(); // not the app's request
    if (Object.hasOwn(routes, path)) return void routes[path](req, res);
    const file = resolve(dir, "." + path);
    if (!(file + sep).startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

let browser = null;

/** The one headless Chromium of this process (launched on first use). */
export async function chromium() {
  if (!browser) {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/setup-extra.sh`);
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  }
  return browser;
}

export async function closeChromium() {
  if (browser) await browser.close();
  browser = null;
}

/** Prints `rows` as aligned columns under `title`; `head` names the columns (its keys pick them). */
export function printTable(title, head, rows) {
  const cols = Object.keys(head);
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => String(r[c]).length))]));
  const line = (r) => cols.map((c) => String(r[c]).padEnd(width[c])).join("  ").trimEnd();
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(cols.map((c) => "-".repeat(width[c])).join("  "));
  for (const r of rows) console.log(line(r));
}
