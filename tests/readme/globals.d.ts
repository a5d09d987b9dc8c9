// The runtime globals README snippets use, for tsc (the workspace installs no @types/node,
// Deno or Bun types, and the checks stay offline). Each is the real declaration's shape, cut
// to what the snippets touch: an environment lookup is `string | undefined`, and `process.env`
// and `Bun.env` are index signatures (so `noPropertyAccessFromIndexSignature` applies, as
// with @types/node and bun-types). Fetch, Request, Response, location and document come from
// TypeScript's DOM lib.
declare const process: { env: { [name: string]: string | undefined } };
declare const Bun: { env: { [name: string]: string | undefined } };
declare const Deno: { env: { get(name: string): string | undefined } };
