// The conformance scenario: one walk through every resource and the error paths, written
// once and run unchanged in every runtime (Node, Deno, workerd, Chromium, Bun) against the
// emulator server on 127.0.0.1. It uses only web-standard globals (fetch, AbortController,
// URL) and the package's public API, which the caller passes in: `sdk` (the module "callingbox")
// `webhooks` (the module "callingbox/webhooks", its own entry point and wasm) and `phone` (the
// module "callingbox/phone", likewise).
//
//   const results = await runScenario({ sdk, webhooks, phone, baseUrl, apiKey });
//   // [{ name, ok, error?, note? }, ...] — one entry per step; every step runs even if one
//   // fails; `note` is what a step observed that differs between runtimes.

class CheckFailed extends Error {}

function check(cond, message) {
  if (!cond) throw new CheckFailed(message);
}

async function rejects(promise, Cls, code, message) {
  try {
    await promise;
  } catch (e) {
    check(e instanceof Cls, `${message}: expected ${Cls.name}, got ${e && e.name}: ${e && e.message}`);
    check(e.code === code, `${message}: expected code ${code}, got ${e.code}`);
    check(e instanceof Error && typeof e.message === "string", `${message}: not an Error`);
    return e;
  }
  throw new CheckFailed(`${message}: expected a ${Cls.name}, but the call succeeded`);
}

export async function runScenario({ sdk, webhooks, phone, baseUrl, apiKey }) {
  const { CallingBox } = sdk;
  const admin = async (path, body) => {
    const res = await fetch(`${baseUrl}/__emulator/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
    return res.json();
  };
  // The scenario runs in web pages too (the Chromium cells), where a secret key needs consent.
  const page = typeof window == "object" && typeof document == "object";
  const client = new CallingBox({ apiKey, baseUrl, timeout: 5_000, dangerouslyAllowBrowser: true });
  const s = {}; // state shared between steps
  const steps = [
    ["an sk_ key is refused in a web page (not in a Worker or a server runtime) unless allowed", async () => {
      let refused;
      try {
        new CallingBox({ apiKey, baseUrl });
      } catch (e) {
        refused = e;
      }
      if (page) {
        check(refused instanceof sdk.ValidationError && refused.field === "apiKey", `a page: expected ValidationError on apiKey, got ${refused}`);
        check(!refused.message.includes(apiKey), "the message does not repeat the key");
      } else {
        check(refused === undefined, `not a page: expected the client, got ${refused}`);
      }
      check(new CallingBox({ apiKey: "a-proxy-token-1234", baseUrl }) instanceof CallingBox, "a token that is not sk_ is fine everywhere");
      return page ? "refused (a page)" : "accepted (not a page)";
    }],
    ["E.164 check is exported", async () => {
      check(sdk.parseE164("+1 (415) 555-0123") === "+14155550123", "parseE164 canonicalises");
      const e = await rejects((async () => sdk.parseE164("4155550123"))(), sdk.InvalidPhoneNumberError, "invalid_phone_number", "parseE164 without +");
      check(e.reason === "missing_plus", `reason ${e.reason}`);
    }],
    ["phone numbers as typed (callingbox/phone): national input, a list in one call, typed errors", async () => {
      check(sdk.parsePhoneNumber === undefined, "the main entry does not carry parsePhoneNumber");
      const parsed = phone.parsePhoneNumber("020 7946 0958", { defaultCountry: "GB" });
      check(parsed.e164 === "+442079460958" && parsed.country === "GB" && parsed.nationalNumber === "2079460958", `parsed ${JSON.stringify(parsed)}`);
      const list = phone.checkPhoneNumbers(["(415) 555-0100", "+891 1663 9560", 7, "+1 415 555 0100 x12", "a\nb"], { defaultCountry: "US" });
      const got = list.map((r) => (r.ok ? `${r.value.e164}${r.value.extension ? `;${r.value.extension}` : ""}` : r.reason)).join(" ");
      check(got === "+14155550100 unassigned_country_code not_a_string +14155550100;12 contains_letters", `checkPhoneNumbers answered ${got}`);
      const e = await rejects((async () => phone.parsePhoneNumber("020 7946 0958"))(), sdk.InvalidPhoneNumberError, "invalid_phone_number", "national input, no default country");
      check(e.reason === "missing_plus" && e instanceof phone.InvalidPhoneNumberError && e instanceof sdk.CallingBoxError, `reason ${e.reason}`);
      const bad = await rejects((async () => phone.checkPhoneNumbers([], { defaultCountry: "XX" }))(), phone.ValidationError, "validation_error", "unknown default country");
      check(bad.field === "defaultCountry" && bad instanceof sdk.ValidationError, `field ${bad.field}`);
    }],
    ["webhook signature (callingbox/webhooks): the documented test vector, tampering, tolerance", async () => {
      const { Webhooks } = webhooks;
      check(sdk.Webhooks === undefined, "the main entry does not carry Webhooks");
      const secret = "whsec_test_0123456789abcdef0123456789abcdef";
      const body = '{"id":"9c1d9f9e-21a1-4f6d-8fce-bf4a4b8a9e3f","type":"call.completed","created":1713268800,"api_version":"2026-04","data":{"call":{"id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","status":"completed"}}}';
      const header = "t=1713268860,v1=499924f261fc2dc3e6d4d16382f32505cb22de494f046fbba6734b93adb5c910";
      const event = Webhooks.constructEvent(body, header, secret, { tolerance: Infinity });
      check(event.type === "call.completed" && event.data.call.id === "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "vector verifies");
      check(Webhooks.constructEvent(new TextEncoder().encode(body), header, secret, { now: 1713268860 }).id === event.id, "bytes verify too");
      check(Webhooks.generateTestHeader({ payload: body, secret, timestamp: 1713268860 }) === header, "generateTestHeader matches the vector");
      const e = await rejects((async () => Webhooks.constructEvent(body.replace("completed", "failed"), header, secret, { tolerance: Infinity }))(), webhooks.WebhookSignatureError, "webhook_signature_invalid", "tampered body");
      check(e.reason === "no_matching_signature", `reason ${e.reason}`);
      // The entries bundle their own copies of the error classes: instanceof works across them.
      check(e instanceof sdk.WebhookSignatureError && e instanceof sdk.CallingBoxError && e instanceof webhooks.CallingBoxError, "instanceof the main entry's classes");
      check(!(e instanceof sdk.ValidationError) && !(e instanceof sdk.APIError), "not instanceof unrelated classes");
      const stale = await rejects((async () => Webhooks.constructEvent(body, header, secret))(), sdk.WebhookSignatureError, "webhook_signature_invalid", "stale timestamp");
      check(stale.reason === "timestamp_outside_tolerance", `reason ${stale.reason}`);
      const bad = await rejects((async () => Webhooks.constructEvent(body, header, "", { tolerance: Infinity }))(), sdk.ValidationError, "validation_error", "empty secret");
      check(bad instanceof webhooks.ValidationError && bad.field === "secret", `field ${bad.field}`);
    }],
    ["numbers.searchAvailable", async () => {
      const found = await client.numbers.searchAvailable({ country_code: "US", area_code: "415", number_type: "local", limit: 2 });
      check(Array.isArray(found) && found.length === 2, "two available numbers");
      check(/^\+1415\d{7}$/.test(found[0].phone_number), `E.164 415 number, got ${found[0].phone_number}`);
      s.available = found;
    }],
    ["numbers.purchase + list (pagination)", async () => {
      s.number = await client.numbers.purchase({ phone_number: s.available[0].phone_number });
      check(s.number.e164 === s.available[0].phone_number && typeof s.number.id === "string", "purchased number");
      check(s.number.lastResponse.status === 201 && typeof s.number.lastResponse.requestId === "string", "lastResponse");
      s.number2 = await client.numbers.purchase({ phone_number: s.available[1].phone_number });
      const page = await client.numbers.list({ limit: 1 });
      check(page.data.length === 1 && page.has_more === true, "limit 1 → has_more");
      check(page.data[0].id === s.number2.id, "newest first");
      const next = await client.numbers.list({ limit: 1, starting_after: page.data[0].id });
      check(next.data[0].id === s.number.id, "starting_after pages");
    }],
    ["answers without a Content-Length: read whole, or refused past maxResponseSize while they stream in", async () => {
      // The emulator answers chunked: the client reads the body as a stream, through a BYOB
      // reader where this runtime's fetch gives byte streams, else a default one.
      const res = await fetch(`${baseUrl}/v1/numbers`, { headers: { authorization: `Bearer ${apiKey}` } });
      let byob = false;
      try {
        byob = res.body.getReader({ mode: "byob" }) instanceof ReadableStreamBYOBReader;
      } catch {}
      await res.body?.cancel().catch(() => {});
      const whole = await client.numbers.list({ limit: 2 });
      check(whole.data.length === 2 && whole.data.every((n) => typeof n.id === "string"), "the page, read whole");
      const small = new CallingBox({ apiKey, baseUrl, maxResponseSize: 200, maxRetries: 0, dangerouslyAllowBrowser: true });
      const e = await rejects(small.numbers.list({ limit: 2 }), sdk.InvalidResponseError, "invalid_response", "an answer over maxResponseSize");
      check(/larger than maxResponseSize \(200 bytes\)/.test(e.message), e.message);
      return byob ? "fetch bodies are byte streams (BYOB reads)" : "fetch bodies are not byte streams (default reads)";
    }],
    ["agents.create / list / retrieve / update", async () => {
      s.agent = await client.agents.create({
        name: "Reminders", type: "outbound", instructions: "Confirm the appointment.", returns: { confirmed: "boolean" },
      });
      check(s.agent.type === "outbound" && s.agent.archived_at === null, "outbound agent");
      s.inbound = await client.agents.create({ name: "Front desk", type: "inbound" });
      const list = await client.agents.list({ type: "outbound" });
      check(list.data.some((a) => a.id === s.agent.id) && !list.data.some((a) => a.id === s.inbound.id), "type filter");
      check(list.has_more === false, "agents list normalised with has_more");
      const got = await client.agents.retrieve(s.agent.id);
      check(got.name === "Reminders", "retrieve");
      const upd = await client.agents.update(s.agent.id, { instructions: "Be brief." });
      check(upd.instructions === "Be brief.", "update");
    }],
    ["agents.attachNumber / setPrimaryNumber / inbound conflict", async () => {
      let a = await client.agents.attachNumber(s.agent.id, { number_id: s.number.id, set_as_primary: true });
      check(a.primary_number_id === s.number.id && a.numbers.length === 1, "attached as primary");
      a = await client.agents.attachNumber(s.agent.id, { number_id: s.number2.id });
      a = await client.agents.setPrimaryNumber(s.agent.id, { number_id: s.number2.id });
      check(a.primary_number_id === s.number2.id, "primary changed");
      await client.agents.attachNumber(s.inbound.id, { number_id: s.number.id });
      const other = await client.agents.create({ name: "Second desk", type: "inbound" });
      await rejects(client.agents.attachNumber(other.id, { number_id: s.number.id }), sdk.ConflictError, "conflict", "second inbound agent on a number");
    }],
    ["webhookEndpoints create / list / retrieve / update / rotateSecret", async () => {
      s.endpoint = await client.webhookEndpoints.create({ url: "http://127.0.0.1:9/hooks", enabled_events: ["call.completed"] });
      check(/^whsec_/.test(s.endpoint.signing_secret), "secret returned once");
      const list = await client.webhookEndpoints.list();
      check(list.data.some((e) => e.id === s.endpoint.id), "listed");
      const got = await client.webhookEndpoints.retrieve(s.endpoint.id);
      check(got.signing_secret === undefined, "secret not shown again");
      const upd = await client.webhookEndpoints.update(s.endpoint.id, { description: "CRM sync" });
      check(upd.description === "CRM sync", "updated");
      const rotated = await client.webhookEndpoints.rotateSecret(s.endpoint.id);
      check(rotated.signing_secret !== s.endpoint.signing_secret, "new secret");
    }],
    ["calls.create → lifecycle → transcript", async () => {
      const call = await client.calls.create({ agent_id: s.agent.id, to: "+1 (555) 123-4567", context: { patient: "Maria" }, metadata: { crm: "1" } });
      check(call.status === "queued" && call.to_number === "+15551234567", "queued with canonical number");
      check(call.from_number === s.number2.e164, "from the primary number");
      check(/^[0-9a-f-]{36}$/.test(call.lastResponse.idempotencyKey), "POST carried an Idempotency-Key");
      s.call = call;
      await admin("advance", { ms: 200_000 });
      const done = await client.calls.retrieve(call.id);
      check(done.status === "completed" && done.result_status === "completed", `completed, got ${done.status}/${done.result_status}`);
      check(done.result && done.result.confirmed !== undefined, "result from the returns schema");
      const t = await client.calls.getTranscript(call.id);
      check(t.call_id === call.id && t.segments.length > 0, "transcript segments");
      const list = await client.calls.list({ limit: 5 });
      check(list.data[0].id === call.id, "calls.list newest first");
    }],
    ["calls.waitUntilDone follows a call on the runtime's timers; WaitTimeoutError carries the last Call", async () => {
      const call = await client.calls.create({ agent_id: s.agent.id, to: "+15551234567" });
      const seen = [];
      const waiting = client.calls.waitUntilDone(call, { pollInterval: 10, onStatus: (c) => seen.push(c.status) });
      await new Promise((resolve) => setTimeout(resolve, 40));
      await admin("advance", { ms: 200_000 });
      const done = await waiting;
      check(done.id === call.id && done.status === "completed", `completed, got ${done.status}`);
      check(seen[0] === "queued" && seen[seen.length - 1] === "completed", `statuses seen: ${seen}`);
      const stuck = await client.calls.create({ agent_id: s.agent.id, to: "+15551234567" });
      const e = await rejects(client.calls.waitUntilDone(stuck.id, { timeout: 40, pollInterval: 10 }), sdk.WaitTimeoutError, "wait_timeout", "no end within the timeout");
      check(e.call && e.call.id === stuck.id && e.call.status === "queued", "the error carries the last Call");
      await admin("advance", { ms: 200_000 }); // it ends: no call left in flight for the next steps
    }],
    ["webhookDeliveries list / retrieve / redeliver; endpoint delete", async () => {
      const list = await client.webhookDeliveries.list({ call_id: s.call.id });
      check(list.data.length >= 1, "a delivery for the completed call");
      const d = await client.webhookDeliveries.retrieve(list.data[0].id);
      check(d.event_type === "call.completed", `event ${d.event_type}`);
      s.delivery = d;
      const del = await client.webhookEndpoints.delete(s.endpoint.id);
      check(del.deleted === true && del.id === s.endpoint.id, "deleted");
      await rejects(client.webhookEndpoints.retrieve(s.endpoint.id), sdk.NotFoundError, "not_found", "deleted endpoint");
    }],
    ["agents.detachNumber / archive; archived agent cannot dispatch", async () => {
      const a = await client.agents.detachNumber(s.agent.id, s.number.id);
      check(a.numbers.every((n) => n.id !== s.number.id), "detached");
      const archived = await client.agents.archive(s.agent.id);
      check(typeof archived.archived_at === "string", "archived_at set");
      await rejects(client.calls.create({ agent_id: s.agent.id, to: "+15551234567" }), sdk.ConflictError, "conflict", "dispatch from archived agent");
    }],
    ["validation happens before any I/O", async () => {
      const before = (await admin("stats")).requests;
      await rejects(client.calls.create({ to: "+15551234567" }), sdk.ValidationError, "validation_error", "missing agent_id");
      const e = await rejects(client.calls.create({ agent_id: "a", to: "+0 555 123" }), sdk.InvalidPhoneNumberError, "invalid_phone_number", "bad to");
      check(e.field === "to" && e.reason === "country_code_leading_zero", `field/reason ${e.field}/${e.reason}`);
      await rejects(client.calls.retrieve(""), sdk.ValidationError, "validation_error", "empty id");
      await rejects(client.numbers.list({ limit: "ten" }), sdk.ValidationError, "validation_error", "wrong type");
      const after = (await admin("stats")).requests;
      check(after === before, `no request reached the emulator (requests ${before} → ${after})`);
    }],
    ["API errors: 400 / 401 / 404", async () => {
      const fresh = await client.agents.create({ name: "No numbers", type: "outbound" });
      const bad = await rejects(client.calls.create({ agent_id: fresh.id, to: "+15551234567" }), sdk.BadRequestError, "bad_request", "no from number");
      check(bad.status === 400 && typeof bad.requestId === "string" && typeof bad.body.error === "string", "400 details");
      const stranger = new CallingBox({ apiKey: "sk_not-a-key", baseUrl, dangerouslyAllowBrowser: true });
      const auth = await rejects(stranger.calls.list(), sdk.AuthenticationError, "authentication_error", "bad key");
      check(auth.status === 401, "401");
      const nf = await rejects(client.calls.retrieve("00000000-0000-4000-8000-000000000000"), sdk.NotFoundError, "not_found", "unknown id");
      check(nf.status === 404, "404");
      const other = new CallingBox({ apiKey: "sk_test_other_org_1", baseUrl, dangerouslyAllowBrowser: true });
      await rejects(other.calls.retrieve(s.call.id), sdk.NotFoundError, "not_found", "another org's id");
    }],
    ["timeout and abort are distinct", async () => {
      await admin("fault", { kind: "delay" });
      const t = await rejects(client.calls.list({}, { timeout: 300, maxRetries: 0 }), sdk.TimeoutError, "timeout", "delayed answer");
      check(t.timeout === 300, "timeout ms on the error");
      await admin("fault", { kind: "delay" });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await rejects(client.calls.list({}, { signal: controller.signal, maxRetries: 0 }), sdk.AbortError, "aborted", "user abort");
      const pre = new AbortController();
      pre.abort();
      await rejects(client.calls.list({}, { signal: pre.signal }), sdk.AbortError, "aborted", "already aborted");
    }],
    ["retries under injected faults: dropped create → one call; 503 → GET retried", async () => {
      // Its own number and agent, so this step does not depend on the ones before.
      const [n] = await client.numbers.searchAvailable({ limit: 1 });
      const number = await client.numbers.purchase({ phone_number: n.phone_number });
      const agent = await client.agents.create({ name: "Retries", type: "outbound", number_ids: [number.id], primary_number_id: number.id });
      const retries = [];
      const retrying = new CallingBox({ apiKey, baseUrl, timeout: 5_000, initialRetryDelay: 5, maxRetryDelay: 50, onRetry: (r) => retries.push(r), dangerouslyAllowBrowser: true });

      // The emulator places the call, then destroys the connection before answering.
      const before = await admin("stats");
      await admin("fault", { kind: "drop" });
      const call = await retrying.calls.create({ agent_id: agent.id, to: "+15551234567" });
      const after = await admin("stats");
      check(call.status === "queued" && typeof call.id === "string", "the create succeeded");
      check(after.faults_dropped === before.faults_dropped + 1, "the connection was dropped once");
      check(after.calls_placed === before.calls_placed + 1, `exactly one more call placed (${before.calls_placed} → ${after.calls_placed})`);
      check(after.requests === before.requests + 2, `two requests reached the emulator (${after.requests - before.requests})`);
      check(after.idempotent_replays === before.idempotent_replays + 1, "the second was a replay of the first (same Idempotency-Key)");
      // The client's retry (attempts 2, onRetry "connection_lost"), unless the runtime itself
      // resent the POST on a fresh connection (Chromium does, for a reused keep-alive socket
      // closed without an answer: then the client saw one attempt). Either way: one call.
      const attempts = call.lastResponse.attempts;
      check(attempts === 2 || (attempts === 1 && retries.length === 0), `attempts ${attempts}, retries ${retries.length}`);
      if (attempts === 2) {
        check(retries.length === 1 && retries[0].reason === "connection_lost", `onRetry reason ${retries[0] && retries[0].reason}`);
        check(retries[0].idempotencyKey === call.lastResponse.idempotencyKey, "the retry reused the key");
      }
      const note = attempts === 2 ? "drop: retried by the client (attempts 2)" : "drop: resent by the runtime itself (attempts 1)";

      // A 503 on a GET is retried and the retrieve succeeds.
      const before503 = await admin("stats");
      await admin("fault", { kind: "unavailable" });
      const got = await retrying.calls.retrieve(call.id);
      const after503 = await admin("stats");
      check(got.id === call.id, "retrieved the call");
      check(got.lastResponse.attempts === 2, `GET attempts ${got.lastResponse.attempts}`);
      check(after503.faults_503 === before503.faults_503 + 1, "one 503 served");
      check(after503.calls_placed === before503.calls_placed, "a GET places nothing");
      return note;
    }],
  ];
  const results = [];
  for (const [name, fn] of steps) {
    try {
      const note = await fn();
      results.push(typeof note === "string" ? { name, ok: true, note } : { name, ok: true });
    } catch (e) {
      results.push({ name, ok: false, error: `${e && e.name}: ${e && e.message}` });
    }
  }
  return results;
}
