// Type tests: correct usage compiles; every `@ts-expect-error` line must be an error (tsc
// fails if one is not). Imports the package as a user does, by name, through the consumer
// install (target/consumer/callingbox.d.mts is `export * from "callingbox"`).
import {
  CallingBox, parseE164, checkE164,
  CallingBoxError, ValidationError, InvalidPhoneNumberError, APIError, NotFoundError,
  TelephonyProviderError, InternalServerError, TimeoutError, AbortError, InvalidResponseError,
  APIConnectionError, RateLimitError, OutcomeUnknownError,
} from "../../target/consumer/callingbox.mjs";
import type {
  Agent, Call, ClientOptions, Page, PhoneNumber, AvailableNumber, RequestOptions, Transcript,
  WebhookEndpoint, WebhookDelivery, DeletedWebhookEndpoint, WithResponse, ResponseInfo, E164,
  PhoneNumberReason,
  RetryInfo,
} from "../../target/consumer/callingbox.mjs";
import * as main from "../../target/consumer/callingbox.mjs";
import {
  Webhooks, WebhookSignatureError, ValidationError as WebhooksValidationError,
  CallingBoxError as WebhooksCallingBoxError, type WebhookEvent,
} from "../../target/consumer/webhooks.mjs";
import {
  parsePhoneNumber, checkPhoneNumber, checkPhoneNumbers, InvalidPhoneNumberError as PhoneInvalidPhoneNumberError,
  ValidationError as PhoneValidationError, CallingBoxError as PhoneCallingBoxError,
  type ParsedPhoneNumber, type PhoneNumberOptions, type PhoneNumberCheck,
} from "../../target/consumer/phone.mjs";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T>(_value: T): void {}
function assertTrue<T extends true>(): void {}

async function correctUsage(): Promise<void> {
  const fakeFetch = async (_input: string, _init: RequestInit): Promise<Response> => new Response("{}");
  const options: ClientOptions = {
    apiKey: "sk_test_12345678",
    baseUrl: "http://localhost:8787",
    fetch: fakeFetch,
    timeout: 10_000,
    defaultHeaders: { "X-Trace": "1" },
  };
  const client = new CallingBox(options);
  new CallingBox({ apiKey: "sk_test_12345678" });
  new CallingBox({ apiKey: "sk_test_12345678", fetch: globalThis.fetch });

  // retries
  const seen: RetryInfo[] = [];
  new CallingBox({
    apiKey: "sk_test_12345678", maxRetries: 0, maxRetryDelay: 5_000, deadline: 30_000,
    initialRetryDelay: 100, maxBackoff: 2_000,
    onRetry: (info) => {
      expectType<string>(info.operation);
      expectType<number>(info.attempt);
      expectType<number>(info.delayMs);
      expectType<number | undefined>(info.status);
      expectType<string | undefined>(info.idempotencyKey);
      const reason: "connection_failed" | "connection_lost" | "timeout" | "request_timeout" | "rate_limited" | "server_error" = info.reason;
      void reason;
      seen.push(info);
    },
  });

  // numbers
  const numbers = await client.numbers.list({ limit: 10, starting_after: "n1" });
  expectType<Page<PhoneNumber>>(numbers);
  assertTrue<Equal<typeof numbers.has_more, boolean>>();
  expectType<string>(numbers.data[0]!.e164);
  expectType<ResponseInfo>(numbers.lastResponse);
  expectType<number>(numbers.lastResponse.status);
  expectType<string | undefined>(numbers.lastResponse.requestId);
  await client.numbers.list();
  const available = await client.numbers.searchAvailable({ country_code: "US", area_code: "415", number_type: "toll_free", limit: 5 });
  expectType<AvailableNumber[]>(available);
  expectType<string>(available[0]!.phone_number);
  const bought: PhoneNumber = await client.numbers.purchase({ phone_number: "+14155550123" });
  expectType<string | null>(bought.inbound_agent_id);

  // agents
  const agents = await client.agents.list({ type: "inbound" });
  expectType<Agent[]>(agents.data);
  const agent = await client.agents.create({
    name: "Reminders", type: "outbound", instructions: "Confirm.", returns: { confirmed: "boolean" },
    tools: [{ type: "builtin", name: "end_call", description: "Hang up", policy: "read", builtin: "end_call" }],
    voicemail_action: "leave_message", persona: null,
  });
  expectType<WithResponse<Agent>>(agent);
  await client.agents.retrieve(agent.id);
  await client.agents.update(agent.id, { name: "New" });
  const archived = await client.agents.archive(agent.id);
  if ("archived" in archived) expectType<true>(archived.archived);
  await client.agents.attachNumber(agent.id, { number_id: bought.id, set_as_primary: true });
  await client.agents.detachNumber(agent.id, bought.id);
  await client.agents.setPrimaryNumber(agent.id, { number_id: bought.id });

  // calls
  const controller = new AbortController();
  const req: RequestOptions = { timeout: 5_000, signal: controller.signal, idempotencyKey: "order-42" };
  const call = await client.calls.create(
    { agent_id: agent.id, to: "+1 (415) 555-0123", from_number: "+14155550188", instructions: "Hi", context: { a: 1 }, webhook_url: "https://x", metadata: { crm: "1" } },
    req,
  );
  expectType<Call>(call);
  expectType<string | undefined>(call.lastResponse.idempotencyKey);
  expectType<number>(call.lastResponse.attempts);
  expectType<string | undefined>(call.lastResponse.headers["x-request-id"]);
  await client.calls.create({ agent_id: agent.id, to: "+14155550123" }, { maxRetries: 5, deadline: 10_000, maxRetryDelay: 1_000, idempotencyKey: "k" });
  const status: string = call.status; // open enums are still strings
  if (call.status === "completed") expectType<Record<string, unknown> | null>(call.result);
  void status;
  await client.calls.list({ limit: 1 }, { signal: AbortSignal.timeout(100) });
  await client.calls.retrieve(call.id, { timeout: 1 });
  const transcript = await client.calls.getTranscript(call.id);
  expectType<Transcript>(transcript);
  expectType<number>(transcript.segments[0]!.sequence_no);

  // webhooks
  const endpoint = await client.webhookEndpoints.create({ url: "https://x", enabled_events: ["call.completed", "*"], description: null });
  expectType<WebhookEndpoint>(endpoint);
  expectType<string | undefined>(endpoint.signing_secret);
  await client.webhookEndpoints.list();
  await client.webhookEndpoints.list(undefined, { timeout: 1 });
  await client.webhookEndpoints.list({}, { timeout: 1, maxRetries: 0 });
  await client.webhookEndpoints.retrieve(endpoint.id);
  await client.webhookEndpoints.update(endpoint.id, { status: "enabled", description: null });
  const deleted = await client.webhookEndpoints.delete(endpoint.id);
  expectType<DeletedWebhookEndpoint>(deleted);
  await client.webhookEndpoints.rotateSecret(endpoint.id);
  const deliveries = await client.webhookDeliveries.list({ endpoint_id: endpoint.id, status: "exhausted", limit: 200 });
  expectType<WebhookDelivery[]>(deliveries.data);
  await client.webhookDeliveries.retrieve(deliveries.data[0]!.id);
  await client.webhookDeliveries.redeliver(deliveries.data[0]!.id);

  // parseE164, checkE164 and errors (parsePhoneNumber: callingbox/phone, below)
  const e164: E164 = parseE164("+1 (415) 555-0123");
  expectType<string>(e164);
  const dialable = checkE164(e164);
  if (dialable.ok) expectType<E164>(dialable.value);
  else expectType<PhoneNumberReason | "not_a_string">(dialable.reason);
  const national = new CallingBox({ apiKey: "sk_test_x", defaultCountry: "US" });
  void national;
  try {
    await client.calls.retrieve("c1");
  } catch (err) {
    if (err instanceof InvalidPhoneNumberError) {
      expectType<string>(err.field);
      const reason: "missing_plus" | "too_long" | string = err.reason;
      void reason;
    } else if (err instanceof ValidationError) {
      expectType<string>(err.field);
    } else if (err instanceof TelephonyProviderError) {
      const base: InternalServerError = err;
      const api: APIError = base;
      expectType<number>(api.status);
    } else if (err instanceof NotFoundError || err instanceof RateLimitError) {
      expectType<number>(err.status);
      expectType<string | undefined>(err.requestId);
      expectType<string | undefined>(err.apiCode);
      expectType<unknown>(err.body);
    } else if (err instanceof OutcomeUnknownError) {
      expectType<string | undefined>(err.idempotencyKey);
      expectType<number>(err.attempts);
      expectType<string>(err.cause);
    } else if (err instanceof TimeoutError) {
      expectType<number>(err.timeout);
    } else if (err instanceof InvalidResponseError) {
      expectType<number | undefined>(err.status);
    } else if (err instanceof AbortError || err instanceof APIConnectionError) {
      expectType<string>(err.code);
    } else if (err instanceof CallingBoxError) {
      const e: Error = err;
      expectType<string>(e.message);
      expectType<string>(err.code);
    }
  }
}

async function negatives(client: CallingBox): Promise<void> {
  // @ts-expect-error agent_id is required
  await client.calls.create({ to: "+14155550123" });
  // @ts-expect-error to is required
  await client.calls.create({ agent_id: "a1" });
  // @ts-expect-error agent_id must be a string
  await client.calls.create({ agent_id: 42, to: "+14155550123" });
  // @ts-expect-error to must be a string
  await client.calls.create({ agent_id: "a1", to: 14155550123 });
  // @ts-expect-error context must be an object
  await client.calls.create({ agent_id: "a1", to: "+14155550123", context: "hi" });
  // @ts-expect-error limit must be a number
  await client.numbers.list({ limit: "10" });
  // @ts-expect-error phone_number is required
  await client.numbers.purchase({});
  // @ts-expect-error number_type is "local" | "toll_free"
  await client.numbers.searchAvailable({ number_type: "mobile" });
  // @ts-expect-error agents.create needs a type
  await client.agents.create({ name: "x" });
  // @ts-expect-error type is "inbound" | "outbound"
  await client.agents.create({ name: "x", type: "sideways" });
  // @ts-expect-error ids are strings
  await client.agents.retrieve(42);
  // @ts-expect-error set_as_primary is a boolean
  await client.agents.attachNumber("a1", { number_id: "n1", set_as_primary: "yes" });
  // @ts-expect-error detachNumber takes two ids
  await client.agents.detachNumber("a1");
  // @ts-expect-error enabled_events is an array
  await client.webhookEndpoints.create({ url: "https://x", enabled_events: "call.completed" });
  // @ts-expect-error webhookEndpoints.list takes no params, only request options
  await client.webhookEndpoints.list({ limit: 5 });
  // @ts-expect-error request options go after the (empty) params: list(params?, options?)
  await client.webhookEndpoints.list({ timeout: 1 });
  // @ts-expect-error maxRetries is a number
  await client.calls.retrieve("c1", { maxRetries: "2" });
  // @ts-expect-error unknown request option (the client rejects it at runtime too)
  await client.calls.retrieve("c1", { retries: 2 });
  // @ts-expect-error unknown method
  await client.calls.dial({ agent_id: "a1", to: "+14155550123" });
  // @ts-expect-error unknown resource
  await client.phoneNumbers.list();
  // @ts-expect-error request timeout must be a number
  await client.calls.retrieve("c1", { timeout: "5s" });
  // @ts-expect-error signal must be an AbortSignal
  await client.calls.retrieve("c1", { signal: "abort" });
  // @ts-expect-error parseE164 takes a string
  parseE164(14155550123);
  // @ts-expect-error defaultCountry is a string
  new CallingBox({ apiKey: "sk_test_x", defaultCountry: 1 });
  const call = await client.calls.retrieve("c1");
  // @ts-expect-error lastResponse is read-only
  call.lastResponse = { status: 200 };
  // @ts-expect-error id is a string
  const n: number = call.id;
  void n;
}

// The key may come from CALLINGBOX_API_KEY: options are optional.
new CallingBox({});
new CallingBox();
CallingBox.fromEnv({ CALLINGBOX_API_KEY: "sk_test_x" }, { timeout: 5000 });
// @ts-expect-error fromEnv takes the key from the record
CallingBox.fromEnv({}, { apiKey: "sk_test_x" });
// @ts-expect-error apiKey must be a string
new CallingBox({ apiKey: 42 });
// @ts-expect-error timeout must be a number
new CallingBox({ apiKey: "sk_x", timeout: "60s" });
// @ts-expect-error fetch must be a function
new CallingBox({ apiKey: "sk_x", fetch: "fetch" });
// @ts-expect-error baseUrl must be a string
new CallingBox({ apiKey: "sk_x", baseUrl: new URL("https://x") });
// @ts-expect-error defaultHeaders values must be strings
new CallingBox({ apiKey: "sk_x", defaultHeaders: { "X-A": 1 } });
// @ts-expect-error maxRetries must be a number
new CallingBox({ apiKey: "sk_x", maxRetries: "2" });
// @ts-expect-error onRetry must be a function
new CallingBox({ apiKey: "sk_x", onRetry: true });
// @ts-expect-error unknown client option (camelCase API)
new CallingBox({ apiKey: "sk_x", base_url: "https://x" });

export { correctUsage, negatives };

// Lists are async-iterable over items (auto-pagination) and still awaitable as one page.
async function pagination(client: CallingBox) {
  for await (const call of client.calls.list({ limit: 100 })) {
    expectType<string>(call.id);
  }
  const page = await client.numbers.list();
  expectType<boolean>(page.has_more);
  // @ts-expect-error items are resources, not pages
  for await (const p of client.calls.list()) p.has_more;
}
void pagination;

// callingbox/webhooks: its own entry; the main entry no longer has Webhooks.
function webhooks(raw: string, header: string | null): void {
  const event = Webhooks.constructEvent(raw, header, "whsec_x", { tolerance: 300, now: 1 });
  expectType<WebhookEvent>(event);
  expectType<main.WebhookEvent>(event);
  expectType<string>(event.data.call.id);
  Webhooks.constructEvent(new Uint8Array(), undefined, "whsec_x");
  expectType<string>(Webhooks.generateTestHeader({ payload: { id: "e1" }, secret: "whsec_x", timestamp: 1 }));
  try {
    Webhooks.constructEvent(raw, header, "whsec_x");
  } catch (e) {
    if (e instanceof WebhookSignatureError) {
      expectType<"malformed_header" | "missing_timestamp" | "missing_signature" | "timestamp_outside_tolerance" | "no_matching_signature" | "invalid_payload">(e.reason);
    }
    if (e instanceof WebhooksValidationError) expectType<string>(e.field);
  }
  // The error classes are the main entry's types (instanceof works with either at run time).
  assertTrue<Equal<typeof WebhookSignatureError, typeof main.WebhookSignatureError>>();
  assertTrue<Equal<typeof WebhooksCallingBoxError, typeof main.CallingBoxError>>();
  // @ts-expect-error Webhooks moved to callingbox/webhooks
  main.Webhooks.constructEvent(raw, header, "whsec_x");
  // @ts-expect-error the body must be raw bytes or text, not a parsed object
  Webhooks.constructEvent({ id: "e1" }, header, "whsec_x");
  // @ts-expect-error the secret is required
  Webhooks.constructEvent(raw, header);
}
void webhooks;

// callingbox/phone: its own entry; the main entry no longer has parsePhoneNumber / checkPhoneNumber.
function phone(pasted: string[]): void {
  const options: PhoneNumberOptions = { defaultCountry: "GB" };
  const parsed: ParsedPhoneNumber = parsePhoneNumber("020 7946 0958", options);
  expectType<string>(parsed.e164);
  expectType<string>(parsed.countryCallingCode);
  expectType<string>(parsed.nationalNumber);
  expectType<string | undefined>(parsed.country);
  expectType<string | undefined>(parsed.extension);
  const checked = checkPhoneNumber("+1 415 555 0100");
  expectType<PhoneNumberCheck>(checked);
  if (checked.ok) expectType<string>(checked.value.nationalNumber);
  else {
    const why: PhoneNumberReason | "not_a_string" = checked.reason;
    expectType<string>(checked.message);
    void why;
  }
  checkPhoneNumber(null); // anything may be checked: not_a_string
  const all = checkPhoneNumbers(pasted, { defaultCountry: "US" });
  expectType<PhoneNumberCheck[]>(all);
  for (const r of all) if (r.ok) expectType<E164>(r.value.e164);
  checkPhoneNumbers(new Set<unknown>([1, "+1 415 555 0100"]));
  checkPhoneNumbers((function* () { yield "+44 20 7946 0958"; })());
  try {
    parsePhoneNumber("020 7946 0958");
  } catch (e) {
    if (e instanceof PhoneInvalidPhoneNumberError) expectType<PhoneNumberReason>(e.reason);
    if (e instanceof PhoneValidationError) expectType<string>(e.field);
  }
  // The error classes are the main entry's types (instanceof works with either at run time).
  assertTrue<Equal<typeof PhoneInvalidPhoneNumberError, typeof main.InvalidPhoneNumberError>>();
  assertTrue<Equal<typeof PhoneCallingBoxError, typeof main.CallingBoxError>>();
  // @ts-expect-error parsePhoneNumber moved to callingbox/phone
  main.parsePhoneNumber("020 7946 0958", options);
  // @ts-expect-error checkPhoneNumber moved to callingbox/phone
  main.checkPhoneNumber("020 7946 0958");
  // @ts-expect-error defaultCountry is a region code string
  parsePhoneNumber("020 7946 0958", { defaultCountry: 44 });
  // @ts-expect-error parsePhoneNumber takes a string
  parsePhoneNumber(4155550100);
  // @ts-expect-error a list, not one number
  checkPhoneNumbers("+1 415 555 0100", options);
  // @ts-expect-error the results are checks, not strings
  const wrong: string[] = checkPhoneNumbers(pasted);
  void wrong;
}
void phone;

// ---- callingbox/batch: createMany, and the browser guard's option ----
import { createMany, type BatchResult, type BatchSummary } from "../../target/consumer/batch.mjs";
async function batchUsage(client: CallingBox) {
  const rows = [{ agent_id: "agt_1", to: "+14155550100", metadata: { crm: "42" } }];
  const run = createMany(client, rows, { batchId: "campaign-7", concurrency: 8, ratePerSecond: 5, onProgress: (p) => p.placed + p.failed });
  for await (const r of run) {
    if (r.error) {
      const e: CallingBoxError = r.error;
      void e;
    } else {
      const to: string = r.call.to_number;
      void to;
    }
    const same: typeof rows[number] = r.row;
    void same;
  }
  const s: BatchSummary = await run.done();
  const r: BatchResult | undefined = undefined;
  void s; void r;
  createMany(client, rows, { idempotencyKey: (row, i) => `${row.to}-${i}` });
  // @ts-expect-error idempotencyKey is a function of the row
  createMany(client, rows, { idempotencyKey: "k" });
  // @ts-expect-error rows are calls.create params
  createMany(client, [{ agent: "x" }], { batchId: "b" });
  const checked = client.calls.checkCreate({ agent_id: "agt_1", to: "020 7946 0958" });
  void checked.to;
  new CallingBox({ apiKey: "sk_test_x", dangerouslyAllowBrowser: true });
}
void batchUsage;

// ---- logging and per-request headers ----
async function loggingUsage() {
  const lines: string[] = [];
  const c = new CallingBox({ apiKey: "sk_test_x", logLevel: "debug", logger: { debug: (l) => lines.push(l) } });
  await c.calls.retrieve("call_1", { headers: { "X-Trace": "t-1", "X-Env": null } });
  new CallingBox({ apiKey: "sk_test_x", logger: console, logLevel: "info" });
  // @ts-expect-error not a level
  new CallingBox({ apiKey: "sk_test_x", logLevel: "verbose" });
  // @ts-expect-error header values are strings
  await c.calls.retrieve("call_1", { headers: { "X-N": 1 } });
}
void loggingUsage;
