// Type tests of callingbox/tools (imported by name through the consumer install, as usage.ts
// imports the main entry): what the builders return is assignable to the generated wire types
// and to agents.create's params; policy and builtin are literal unions; `Infer` types the JSON
// an HTTP tool's endpoint receives. Every `@ts-expect-error` line must be an error.
import type { AgentCreateParams, Tool as MainTool } from "../../target/consumer/callingbox.mjs";
import { ValidationError as MainValidationError } from "../../target/consumer/callingbox.mjs";
import {
  tool, tools, ValidationError, CallingBoxError,
  type BuiltinTool, type HttpTool, type Infer, type KnownBuiltin, type Tool, type ToolArguments, type ToolPolicy,
} from "../../target/consumer/tools.mjs";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertTrue<T extends true>(): void {}
function expectType<T>(_value: T): void {}

const lookup = tool.http({
  name: "check_availability",
  description: "Look up open appointment slots for a given date.",
  url: "https://api.example.com/callingbox/check-availability",
  parameters: tool.object({
    date: tool.string("Date in YYYY-MM-DD format", { format: "date" }),
    party: tool.integer("People", { minimum: 1, maximum: 12 }),
    notes: tool.string("Anything else", { nullable: true }),
    seating: tool.enum(["indoor", "outdoor"], "Where"),
    tags: tool.array(tool.string(), { maxItems: 5 }),
  }),
  headers: { "X-Api-Key": "k" },
  timeoutMs: 5_000,
});
const book = tool.http({
  name: "book",
  description: "Book a slot.",
  url: "https://api.example.com/book",
  policy: "confirm_first_write",
  timeout_ms: 5_000,
  parameters: tool.object({ slot: tool.string(), note: tool.string(undefined, { nullable: true }) }, { required: ["slot", "note"] }),
});
const endCall = tool.builtin({ name: "end_call", description: "Hang up politely." });
const hangUp = tool.builtin({ name: "hang_up", builtin: "end_call", description: "Hang up.", config: { goodbye: "Bye!" } });

// Assignable to the generated wire types, and to what agents.create takes.
const asTools: Tool[] = [lookup, book, endCall, hangUp];
const asMain: MainTool[] = asTools;
const http: HttpTool = lookup;
const builtin: BuiltinTool = endCall;
const params: AgentCreateParams = { name: "Receptionist", type: "inbound", tools: tools([lookup, book, endCall]) };
void [asMain, http, builtin, params];
expectType<ToolPolicy>(lookup.policy);
assertTrue<Equal<KnownBuiltin, "end_call">>();
assertTrue<Equal<ToolPolicy, "read" | "confirm_first_write">>();

// What the endpoint receives: nullable → `| null` and optional; required lists override.
type LookupArgs = ToolArguments<typeof lookup>;
assertTrue<Equal<LookupArgs, { date: string; party: number; seating: "indoor" | "outdoor"; tags: string[]; notes?: string | null }>>();
assertTrue<Equal<Infer<typeof book.parameters>, { slot: string; note: string | null }>>();
assertTrue<Equal<Infer<typeof endCall.parameters>, {}>>();
expectType<"string">(tool.string().type);
expectType<["string", "null"]>(tool.string("x", { nullable: true }).type);
expectType<["object", "null"]>(tool.object({}, { nullable: true }).type);
const flag = tool.boolean("Confirmed?");
const maybeFlag = tool.boolean("Confirmed?", { nullable: true });
assertTrue<Equal<Infer<typeof flag>, boolean>>();
assertTrue<Equal<Infer<typeof maybeFlag>, boolean | null>>();
assertTrue<Equal<Infer<ReturnType<typeof tool.enum<1 | 2>>>, 1 | 2 | null>>(); // the last overload: nullable

// Hand-written JSON Schema is accepted as parameters.
tool.http({ name: "raw", description: "", url: "https://x.example", parameters: { type: "object", properties: { q: { type: "string" } } } });

// The error classes are the main entry's.
const e: unknown = null;
if (e instanceof ValidationError) expectType<string | undefined>(e.field);
const same: typeof MainValidationError = ValidationError;
const base: typeof CallingBoxError = CallingBoxError;
void [same, base];

// @ts-expect-error policy is a closed union
tool.http({ name: "a", description: "", url: "https://x.example", policy: "write" });
// @ts-expect-error a builtin tool whose name is not an action needs `builtin`
tool.builtin({ name: "hang_up", description: "" });
// @ts-expect-error builtin names an action the types know
tool.builtin({ name: "end_call", builtin: "end-call", description: "" });
// @ts-expect-error timeoutMs and timeout_ms are the same option
tool.http({ name: "a", description: "", url: "https://x.example", timeoutMs: 1, timeout_ms: 1 });
// @ts-expect-error url is required
tool.http({ name: "a", description: "" });
// @ts-expect-error an unknown option
tool.http({ name: "a", description: "", url: "https://x.example", timeout: 5 });
// @ts-expect-error the description comes first; options second
tool.string({ nullable: true });
// @ts-expect-error required names properties
tool.object({ a: tool.string() }, { required: ["b"] });
// @ts-expect-error enum needs at least one value
tool.enum([]);
// @ts-expect-error headers are strings
tool.http({ name: "a", description: "", url: "https://x.example", headers: { "X-Retry": 1 } });
