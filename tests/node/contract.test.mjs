// The installed package against the API description (api/openapi.yaml), operation by
// operation and status by status: nothing here lists an endpoint by hand, so an operation
// added to the description is tested here as soon as it is generated.
//
// For every operation: the client has the method and sends the described HTTP method and
// path (ids in their segments); the in-process emulator routes it to a handler (not "route
// not found", not 405); the published declarations declare the method. For every status the
// description maps to an error class: the client throws that class with that status and code.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { client, fakeFetch, json, pkg } from "./helpers.mjs";

const emu = await import(new URL("../../target/consumer/emulator.mjs", import.meta.url).href);
const spec = parse(readFileSync(new URL("../../api/openapi.yaml", import.meta.url), "utf8"));
const dts = ["index.d.ts", "api.d.ts"].map((f) => readFileSync(new URL(f, pkg.resolvedFrom), "utf8")).join("\n");

/** Follows local `$ref`s. */
function resolve(s) {
  while (s && s.$ref) {
    const [, , kind, name] = s.$ref.split("/");
    s = { ...spec.components[kind][name], ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$ref")) };
  }
  return s;
}

/** A value the schema accepts (the first alternative, the first enum value, ...). */
function example(schema) {
  const s = resolve(schema);
  if (s.anyOf || s.oneOf) return example((s.anyOf || s.oneOf).find((a) => resolve(a).type !== "null"));
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.examples) return s.examples[0];
  const type = [].concat(s.type).find((t) => t !== "null");
  if (s["x-format"] === "e164") return "+14155550123";
  if (s.format === "uuid") return "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74";
  if (s.format === "uri" || /https\?/.test(s.pattern ?? "")) return "https://example.com/hook";
  return { string: "x", integer: 1, number: 1, boolean: true, object: {}, array: [] }[type];
}

const OPS = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const http of ["get", "post", "put", "patch", "delete"]) {
    const o = item[http];
    if (!o) continue;
    const [resource, method] = o.operationId.split(".");
    const body = resolve(o.requestBody?.content?.["application/json"]?.schema);
    const query = [...(item.parameters || []), ...(o.parameters || [])].map(resolve).filter((p) => p.in === "query");
    const required = {};
    for (const name of body?.required || []) required[name] = example(body.properties[name]);
    for (const p of query.filter((q) => q.required)) required[p.name] = example(p.schema);
    // Lists always take a params object; other methods when the description gives them fields.
    const takesParams = query.length > 0 || body !== undefined || method === "list";
    OPS.push({ name: o.operationId, resource, method, http: http.toUpperCase(), path, ids: [...path.matchAll(/\{[^}]+\}/g)].length, required, takesParams, idempotent: o["x-idempotent"] === true });
  }
}

/** Calls the operation on a client: ids, then the required params (when it takes params). */
function invoke(c, op, ids) {
  const fn = c[op.resource][op.method];
  return op.takesParams ? fn(...ids, op.required) : fn(...ids);
}

test("the client has exactly the operations of the description", () => {
  const c = client(fakeFetch());
  const resources = [...new Set(OPS.map((o) => o.resource))];
  const onClient = resources.flatMap((r) => Object.keys(c[r] ?? {}).map((m) => `${r}.${m}`));
  assert.deepEqual(onClient.sort(), OPS.map((o) => o.name).sort());
  assert.deepEqual(Object.keys(c).sort(), resources.sort(), "no other resource on the client");
});

test("each resource's hand-written helpers (x-client-helpers) are on the client as declared", () => {
  const c = client(fakeFetch());
  const dts = readFileSync(new URL("../../js/index.d.ts", import.meta.url), "utf8");
  const tags = spec.tags.filter((t) => t["x-client-helpers"]);
  assert.ok(tags.length > 0);
  for (const tag of tags) {
    const name = tag["x-client-helpers"];
    const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(dts);
    assert.ok(body, `${name} is declared in index.d.ts`);
    const methods = [...body[1].matchAll(/^  (\w+)\(/gm)].map((m) => m[1]);
    assert.ok(methods.length > 0, `${name} declares methods`);
    for (const m of methods) assert.equal(typeof c[tag.name][m], "function", `${tag.name}.${m}`);
  }
});

describe("every operation of the description", () => {
  for (const op of OPS) {
    test(op.name, async () => {
      // The request the client sends.
      const fetch = fakeFetch(() => json(500, { error: "stop here" }));
      const ids = Array.from({ length: op.ids }, (_, i) => `id/${i}`);
      await invoke(client(fetch, { maxRetries: 0 }), op, ids).catch(() => {});
      assert.equal(fetch.calls.length, 1, "one request");
      const sent = new URL(fetch.calls[0].url);
      assert.equal(fetch.calls[0].init.method, op.http);
      let i = 0;
      assert.equal(sent.pathname, op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(ids[i++])));
      // Named parameters: in the query string for GET and DELETE, in the JSON body otherwise.
      const body = fetch.calls[0].init.body;
      const sentParams = op.http === "GET" || op.http === "DELETE"
        ? Object.fromEntries(sent.searchParams)
        : body === undefined || body === null ? {} : JSON.parse(String(body));
      for (const [name, value] of Object.entries(op.required)) {
        assert.equal(String(sentParams[name]), String(value), `${name} sent where the core puts it`);
      }
      // An idempotent POST carries an Idempotency-Key, anything else none.
      assert.equal(fetch.calls[0].headers.has("idempotency-key"), op.idempotent, "Idempotency-Key");

      // The emulator has a handler for it: an unknown id is a 404 "not found" of that
      // resource, never the router's "route ... not found" nor a 405.
      const e = emu.createEmulator({ seed: 1 });
      const real = client(async (url, init) => {
        const res = await e.fetch(url, init);
        routed.push({ status: res.status, body: await res.clone().text() });
        return res;
      }, { apiKey: e.apiKey, maxRetries: 0 });
      const routed = [];
      await invoke(real, op, Array.from({ length: op.ids }, () => "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74")).catch(() => {});
      assert.equal(routed.length, 1);
      assert.notEqual(routed[0].status, 405, routed[0].body);
      assert.doesNotMatch(routed[0].body, /route .* not found/);

      // The declarations.
      const start = dts.search(new RegExp(`export interface ${op.resource[0].toUpperCase()}${op.resource.slice(1)}Resource( extends \\w+)? \\{`));
      assert.ok(start >= 0, "the resource interface is declared");
      const iface = dts.slice(start, dts.indexOf("\n}\n", start));
      assert.ok(iface.includes(`\n  ${op.method}(`), "the method is declared");
    });
  }
});

describe("every status the description maps to an error class", () => {
  for (const [status, e] of Object.entries(spec["x-error-statuses"])) {
    test(`${status} → ${e.class}`, async () => {
      const c = client(fakeFetch(() => json(Number(status), { error: "no" })), { maxRetries: 0 });
      const err = await c.calls.retrieve("c1").then(() => assert.fail("resolved"), (x) => x);
      assert.ok(err instanceof pkg[e.class], `${err.name} is not a ${e.class}`);
      assert.ok(err instanceof pkg[e.extends ?? "APIError"]);
      assert.equal(err.name, e.class);
      assert.equal(err.status, Number(status));
      assert.equal(err.code, e.code);
      assert.match(dts, new RegExp(`export declare class ${e.class} extends ${e.extends ?? "APIError"} \\{\\s*readonly status: ${status};`));
    });
  }
});
