// node scripts/wasm-features.mjs in.wasm out.wasm feature...
// Copies a wasm file, removing the named features from its `target_features` custom section
// (the code is untouched). wasm-bindgen reads that section to choose its ABI: "multivalue"
// makes every export that returns a string or a Result return several values, and
// "reference-types" keeps JS values in an externref table. Rust's std is built with both,
// so the section lists them even when our crate is built with `-C target-feature=-...`.
// Why we drop them (measured, bench/results.md "Cold start"): V8 before 12 (Node 20) can
// only use its generic JS-to-wasm wrapper for exports with at most one result; each other
// export signature gets a TurboFan-compiled wrapper at `new WebAssembly.Module`, and that was
// most of our cold start. Without the two features wasm-bindgen returns through a pointer
// into linear memory and keeps JS values in a JS array (its classic ABI, every runtime).
import { readFileSync, writeFileSync } from "node:fs";

const [input, output, ...drop] = process.argv.slice(2);
if (!output) throw new Error("usage: node scripts/wasm-features.mjs in.wasm out.wasm feature...");
const bytes = readFileSync(input);

function leb(buf, at) {
  let n = 0, shift = 0, b;
  do {
    b = buf[at++];
    n += (b & 127) * 2 ** shift;
    shift += 7;
  } while (b & 128);
  return [n, at];
}
function uleb(n) {
  const out = [];
  do {
    let b = n & 127;
    n = Math.floor(n / 128);
    if (n) b |= 128;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
const name = (s) => Buffer.concat([uleb(Buffer.byteLength(s)), Buffer.from(s)]);

const parts = [bytes.subarray(0, 8)];
let found = false;
for (let at = 8; at < bytes.length; ) {
  const start = at;
  const id = bytes[at++];
  let size;
  [size, at] = leb(bytes, at);
  const end = at + size;
  if (id === 0) {
    let [len, p] = leb(bytes, at);
    if (bytes.subarray(p, p + len).toString() === "target_features") {
      found = true;
      p += len;
      let count;
      [count, p] = leb(bytes, p);
      const kept = [];
      for (let i = 0; i < count; i++) {
        const prefix = bytes[p++]; // '+' used, '-' disallowed, '=' required
        [len, p] = leb(bytes, p);
        const feature = bytes.subarray(p, p + len).toString();
        p += len;
        if (!drop.includes(feature)) kept.push(Buffer.concat([Buffer.from([prefix]), name(feature)]));
      }
      const body = Buffer.concat([name("target_features"), uleb(kept.length), ...kept]);
      parts.push(Buffer.from([0]), uleb(body.length), body);
      at = end;
      continue;
    }
  }
  parts.push(bytes.subarray(start, end));
  at = end;
}
if (!found) throw new Error(`${input}: no target_features section (wasm-bindgen would guess the features)`);
writeFileSync(output, Buffer.concat(parts));
