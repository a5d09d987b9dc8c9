// Copies the package's phone checker for browsers (callingbox/phone: its module and its wasm)
// into public/vendor/, where the page's import map finds it. Run by wrangler before a deploy
// ([build] in wrangler.toml) and by `npm run console` from the repository.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const here = dirname(new URL(import.meta.url).pathname);
// The package's own directory, wherever it is installed (CALLINGBOX_PKG: another build of it).
const pkg = process.env.CALLINGBOX_PKG ?? dirname(createRequire(join(here, "package.json")).resolve("callingbox/phone"));
mkdirSync(join(here, "public/vendor"), { recursive: true });
for (const file of ["phone-browser.js", "callingbox_phone_bg.wasm"]) copyFileSync(join(pkg, file), join(here, "public/vendor", file));
console.log(`copied callingbox/phone from ${pkg} into public/vendor/`);
