// A secret key in a web page is readable by every visitor: the client refuses one where `window`
// and `document` exist unless told `dangerouslyAllowBrowser: true`. (node --test runs each file
// in its own process: the globals made here stay here. Chromium runs the same check for real in
// scripts/test-browser-proxy.sh.)
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { KEY, fakeFetch, json, pkg } from "./helpers.mjs";

const { CallingBox, ValidationError } = pkg;

/** Makes this process look like a web page (both globals) or a Worker (neither). */
function page(on) {
  for (const name of ["window", "document"]) {
    if (on) globalThis[name] = {};
    else delete globalThis[name];
  }
}
afterEach(() => page(false));

test("an sk_ key is refused in a page, with a message that says what to do and not the key", () => {
  page(true);
  for (const apiKey of [KEY, `  ${KEY}`]) {
    assert.throws(() => new CallingBox({ apiKey }), (e) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.field, "apiKey");
      assert.match(e.message, /web page/);
      assert.match(e.message, /dangerouslyAllowBrowser/);
      assert.ok(!e.message.includes(KEY) && !JSON.stringify(e).includes(KEY));
      return true;
    });
  }
});

test("the guard also holds when the key comes from fromEnv", () => {
  page(true);
  assert.throws(() => CallingBox.fromEnv({ CALLINGBOX_API_KEY: KEY }), ValidationError);
});

test("dangerouslyAllowBrowser: true lets it through, and the client works", async () => {
  page(true);
  const fetch = fakeFetch(() => json(200, { id: "c1", status: "queued" }));
  const client = new CallingBox({ apiKey: KEY, fetch, dangerouslyAllowBrowser: true });
  assert.equal((await client.calls.retrieve("c1")).id, "c1");
  // only `true` opens it: a truthy string is a mistake, not consent
  assert.throws(() => new CallingBox({ apiKey: KEY, dangerouslyAllowBrowser: "yes" }), ValidationError);
});

test("a proxy token (not sk_) is fine in a page; an sk_ key is fine where there is no page", () => {
  page(true);
  assert.ok(new CallingBox({ apiKey: "pt_session_token_123", baseUrl: "http://127.0.0.1:8787/proxy" }));
  page(false);
  assert.ok(new CallingBox({ apiKey: KEY }));
  // a Worker-like global scope: `self` but no `document`
  globalThis.window = {};
  assert.ok(new CallingBox({ apiKey: KEY }));
});
