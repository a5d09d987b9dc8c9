// Writes README.md's JavaScript/TypeScript blocks into a directory of the consumer install
// (so "callingbox", "callingbox/emulator" and "callingbox/webhooks" resolve by name, through the
// installed package's `exports`, for tsc and for Node alike) and type-checks them with the
// workspace's tsc under TSCONFIG's options. Used by tests/node/readme.test.mjs.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FRAGMENT_PRELUDE, readmeBlocks } from "./blocks.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The strictest common settings: `strict` plus every extra check of @tsconfig/strictest
 * (noUncheckedIndexedAccess, exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature,
 * unused locals/parameters, ...), and the package's own declarations checked too
 * (skipLibCheck off). JavaScript blocks are checked with checkJs under the same options.
 */
export const COMPILER_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2022", "DOM", "DOM.Iterable"],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  allowUnusedLabels: false,
  allowUnreachableCode: false,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  forceConsistentCasingInFileNames: true,
  allowJs: true,
  checkJs: true,
  skipLibCheck: false,
  noEmit: true,
};

const preludeLines = FRAGMENT_PRELUDE.split("\n").length - 1;

/**
 * Writes every checked block of README.md into `dir` (inside target/consumer): a TypeScript
 * block as `bNN.ts`, a JavaScript block as `bNN.js` (run as is) and `bNN.as-ts.ts` (the
 * same code checked as TypeScript), a fragment with FRAGMENT_PRELUDE first. Returns the
 * blocks, each with `files` (names in `dir`) and `offset` (lines added before the block).
 */
export function writeSnippets(dir, blocks = readmeBlocks()) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const checked = blocks.filter((b) => b.kind);
  for (const b of checked) {
    const base = `b${String(b.index).padStart(2, "0")}`;
    const text = (b.fragment ? FRAGMENT_PRELUDE : "") + b.code;
    b.offset = b.fragment ? preludeLines : 0;
    b.files = b.kind === "ts" ? [`${base}.ts`] : [`${base}.js`, `${base}.as-ts.ts`];
    for (const f of b.files) writeFileSync(join(dir, f), text);
  }
  copyFileSync(join(root, "tests/readme/globals.d.ts"), join(dir, "globals.d.ts"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: ["globals.d.ts", ...checked.flatMap((b) => b.files)] }, null, 2),
  );
  // The directory is ESM like a user's project ("type": "module"), so .js and .ts are modules.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }) + "\n");
  return checked;
}

/**
 * Runs tsc on `dir`; resolves to { version, errors, raw }: `errors` are tsc's diagnostics with
 * the file position mapped back to README.md ("README.md:42:7 (b05.as-ts.ts) error TS...").
 */
export function typecheck(dir, blocks) {
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const version = spawnSync(process.execPath, [tsc, "--version"], { encoding: "utf8" }).stdout.trim();
  const r = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8", cwd: dir });
  const raw = (r.stdout + r.stderr).trim();
  const byFile = new Map(blocks.flatMap((b) => b.files.map((f) => [f, b])));
  const errors = [];
  for (const line of raw.split("\n").filter(Boolean)) {
    const m = /^(?:.*[\\/])?([^\\/(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
    const b = m && byFile.get(m[1]);
    if (b) {
      const at = Number(m[2]) - b.offset;
      errors.push(at >= 1 ? `README.md:${b.line + at - 1}:${m[3]} (${m[1]}) ${m[4]}` : `(fragment prelude of README.md:${b.line}, ${m[1]}) ${m[4]}`);
    } else if (/error TS\d+/.test(line) || !m) {
      errors.push(line);
    }
  }
  if (r.status !== 0 && errors.length === 0) errors.push(`tsc exited ${r.status}: ${raw || r.error}`);
  return { version, errors, raw };
}
