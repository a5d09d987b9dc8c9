// Size of everything a runtime loads for the whole SDK (wasm + wasm-bindgen glue + client +
// entry), gzip -9 and brotli, checked against the budget in size-budget.json. Size is
// deterministic, so this is a check CI can fail on; raising the budget is a visible change.
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const pkg = new URL("../pkg/", import.meta.url);
const budget = JSON.parse(readFileSync(new URL("../size-budget.json", import.meta.url), "utf8"));
// browser.js is the whole JS side (driver, errors, webhooks, glue) bundled into one module.
const files = ["callingbox_core_bg.wasm", "browser.js"];
let raw = 0, gz = 0, br = 0;
const rows = [];
for (const f of files) {
  const bytes = readFileSync(new URL(f, pkg));
  const g = gzipSync(bytes, { level: 9 }).length;
  const b = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  raw += bytes.length; gz += g; br += b;
  rows.push([f, bytes.length, g, b]);
}
rows.push(["total (whole SDK, browser entry)", raw, gz, br]);
const pad = (s, n) => String(s).padStart(n);
console.log(`${"file".padEnd(34)}${pad("raw", 9)}${pad("gzip-9", 9)}${pad("brotli", 9)}`);
for (const [f, r, g, b] of rows) console.log(`${f.padEnd(34)}${pad(r, 9)}${pad(g, 9)}${pad(b, 9)}`);
console.log(`budget: gzip ${gz} B of ceiling ${budget.gzip_ceiling_bytes} B (target ${budget.gzip_target_bytes} B)`);
if (gz > budget.gzip_ceiling_bytes) {
  console.error(`SIZE BUDGET EXCEEDED: ${gz} > ${budget.gzip_ceiling_bytes} bytes gzip`);
  process.exit(1);
}
