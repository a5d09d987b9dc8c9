// The code blocks of README.md, as the tests see them. Shared by tests/node/readme.test.mjs
// (type-checks every JavaScript/TypeScript block with tsc, runs the ones Node can run against
// the emulator) and tests/runtimes/matrix.mjs (writes the per-runtime quickstarts into its
// consumer app and runs them in Deno, Bun, workerd and Chromium). Nothing is copied: both read
// README.md itself, so a snippet cannot drift from what is tested.
//
// Conventions (README.md keeps them):
// - ```ts / ```typescript blocks are TypeScript; ```js / ```javascript blocks are JavaScript
//   that is also valid TypeScript (checked both ways). Other code languages must be in
//   OTHER_LANGS (sh, html, ...); a JS-like language the tests would not check (jsx, mjs, ...)
//   fails the test, so no snippet escapes by its fence.
// - A block without an `import` line is a fragment: it uses `client`, a `CallingBox` made as
//   in the quickstart (FRAGMENT_PRELUDE is prepended for type-checking and running).
// - `<!-- not-run: <reason> -->` on the line right before a fence: the block is type-checked
//   but not run. The reason is required.
import { readFileSync } from "node:fs";

export const README = new URL("../../README.md", import.meta.url);

export const CHECKED_LANGS = { ts: "ts", typescript: "ts", js: "js", javascript: "js" };
/** Fence languages that are not JavaScript or TypeScript (not type-checked, not run). */
// (`rust`: the "From Rust" example is compiled by crates/callingbox/tests/readme.rs.)
export const OTHER_LANGS = ["sh", "bash", "shell", "console", "html", "json", "toml", "text", "rust", ""];

/** Prepended to a fragment (a block without an `import`): valid JavaScript and TypeScript. */
export const FRAGMENT_PRELUDE = `import { CallingBox } from "callingbox";
const client = new CallingBox({ apiKey: process.env["CALLINGBOX_API_KEY"] ?? "" });
`;

/**
 * The per-runtime quickstarts (README "Quickstart" subsections), which the runtime matrix runs
 * in their own runtimes: `file` is the name matrix.mjs writes the block under in its consumer
 * app (tests/runtimes/app/* import them), `cells` the matrix cells that run it.
 */
export const RUNTIME_QUICKSTARTS = [
  { heading: "### Node", lang: "js", file: "readme-node.mjs", cells: ["node"] },
  { heading: "### Deno", lang: "js", file: "readme-deno.mjs", cells: ["deno"] },
  { heading: "### Bun", lang: "js", file: "readme-bun.mjs", cells: ["bun"] },
  { heading: "### Browsers", lang: "html", file: "browser.html", cells: ["chromium"] },
  { heading: "### Browsers", lang: "js", file: "readme-browser.mjs", cells: ["chromium", "chromium-bundle"] },
  { heading: "### Cloudflare Workers", lang: "ts", file: "readme-worker.ts", cells: ["workerd"] },
];

/**
 * Every fenced block of `text`: { lang (as written), kind ("ts" | "js" | null), code,
 * line (README line of the block's first code line), heading (the nearest heading line above),
 * notRun (the reason, or null), fragment (no import line), index (0-based, all blocks) }.
 */
export function readmeBlocks(text = readFileSync(README, "utf8")) {
  const lines = text.split("\n");
  const blocks = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = /^```\s*([\w-]*)\s*$/.exec(line);
    if (!open) {
      if (/^#{1,6} /.test(line)) heading = line.trim();
      continue;
    }
    const lang = open[1].toLowerCase();
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (end >= lines.length) throw new Error(`README.md:${i + 1}: unclosed code fence`);
    const marker = /^<!--\s*not-run\b:?\s*(.*?)\s*-->\s*$/.exec(lines[i - 1] ?? "");
    if (marker && !marker[1]) throw new Error(`README.md:${i}: <!-- not-run --> needs a reason: <!-- not-run: why -->`);
    const code = lines.slice(start, end).join("\n") + "\n";
    blocks.push({
      lang,
      kind: CHECKED_LANGS[lang] ?? null,
      code,
      line: start + 1,
      heading,
      notRun: marker ? marker[1] : null,
      fragment: !/^import\s/m.test(code),
      index: blocks.length,
    });
    i = end;
  }
  return blocks;
}

/** The README block of a runtime quickstart (throws unless exactly one matches). */
export function runtimeQuickstart(blocks, { heading, lang }) {
  const found = blocks.filter((b) => b.heading === heading && b.lang === lang);
  if (found.length !== 1) throw new Error(`README.md: expected one \`\`\`${lang} block under "${heading}", found ${found.length}`);
  return found[0];
}

/** A short name for messages: "README.md:42 (### Webhooks, ts)". */
export const where = (b) => `README.md:${b.line} (${b.heading || "top"}, ${b.lang})`;
