// Size of everything a runtime loads for the whole SDK (wasm + wasm-bindgen glue + client +
// entry), and for callingbox/webhooks and callingbox/phone (each its own entry and wasm), gzip -9 and brotli, each checked
// against its ceiling in size-budget.json. Size is deterministic, so this is a check CI can fail
// on; raising the budget is a visible change.
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const pkg = new URL("../pkg/", import.meta.url);
const budget = JSON.parse(readFileSync(new URL("../size-budget.json", import.meta.url), "utf8"));
// What a browser one-call app ships, in each of the two ways it can get the package
// (package.json `exports`, scripts/package-json.mjs); each must fit the ceiling:
//   browser.js + the .wasm   import map (no bundler), webpack, Vite build
//   browser-inline.js        esbuild, Rollup, `bun build`, Vite dev (the wasm inside the JS)
// Each entry is the whole JS side (driver, errors, glue) bundled into one module. Webhook
// verification is not in it: an app that verifies webhooks also loads callingbox/webhooks,
// guarded the same two ways against its own ceiling; so does an app that reads typed phone
// numbers (callingbox/phone).
// Their source maps (.js.map) are fetched by dev tools only and are not counted.
const shapes = [
  ["whole SDK, browser entry", ["callingbox_core_bg.wasm", "browser.js"], "gzip_ceiling_bytes"],
  ["whole SDK, inline-wasm entry", ["browser-inline.js"], "gzip_ceiling_bytes"],
  ["webhooks, browser entry", ["callingbox_webhooks_bg.wasm", "webhooks-browser.js"], "webhooks_gzip_ceiling_bytes"],
  ["webhooks, inline-wasm entry", ["webhooks-browser-inline.js"], "webhooks_gzip_ceiling_bytes"],
  ["phone, browser entry", ["callingbox_phone_bg.wasm", "phone-browser.js"], "phone_gzip_ceiling_bytes"],
  ["phone, inline-wasm entry", ["phone-browser-inline.js"], "phone_gzip_ceiling_bytes"],
  // createMany: one file for every runtime, no wasm; an app that dispatches batches adds it.
  ["batch (createMany)", ["batch.js"], "batch_gzip_ceiling_bytes"],
  // callingbox/tools: plain JavaScript, one module for every runtime (an app that defines tools).
  ["tools", ["tools.js"], "tools_gzip_ceiling_bytes"],
];
const pad = (s, n) => String(s).padStart(n);
console.log(`${"file".padEnd(34)}${pad("raw", 9)}${pad("gzip-9", 9)}${pad("brotli", 9)}`);
let over = false;
const totals = [];
for (const [label, files, ceilingKey] of shapes) {
  const ceiling = budget[ceilingKey];
  let raw = 0, gz = 0, br = 0;
  for (const f of files) {
    const bytes = readFileSync(new URL(f, pkg));
    const g = gzipSync(bytes, { level: 9 }).length;
    const b = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    raw += bytes.length; gz += g; br += b;
    console.log(`${f.padEnd(34)}${pad(bytes.length, 9)}${pad(g, 9)}${pad(b, 9)}`);
  }
  console.log(`${`total (${label})`.padEnd(34)}${pad(raw, 9)}${pad(gz, 9)}${pad(br, 9)}`);
  totals.push(`${label} ${gz} B of ceiling ${ceiling} B`);
  if (!(gz <= ceiling)) {
    console.error(`SIZE BUDGET EXCEEDED (${label}): ${gz} > ${ceiling} bytes gzip`);
    over = true;
  }
}
console.log(`budget: gzip ${totals.join(", ")} (whole SDK target ${budget.gzip_target_bytes} B)`);
if (over) process.exit(1);
