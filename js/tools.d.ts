// Types for `callingbox/tools`: builders for in-call tools (the `tools` of `agents.create` and
// `agents.update`). The wire types (`Tool`, `HttpTool`, `BuiltinTool`, `ToolPolicy`,
// `KnownBuiltin`) are generated from the API description (api.d.ts); what the builders return is
// assignable to them. The error classes are the main entry's (index.d.ts); the errors this entry
// throws are `instanceof` the classes of either entry.
import type { BuiltinTool, HttpTool, KnownBuiltin, Tool, ToolPolicy } from "./index.js";

export type { BuiltinTool, HttpTool, KnownBuiltin, Tool, ToolPolicy } from "./index.js";
export { CallingBoxError, ValidationError } from "./index.js";

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

/** `T`, or `[T, "null"]` for a nullable schema. */
export type SchemaType<T extends string, Nullable extends boolean> = Nullable extends true ? [T, "null"] : T;

export type StringSchema<Nullable extends boolean = false> = {
  type: SchemaType<"string", Nullable>;
  description?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
};
export type NumberSchema<Nullable extends boolean = false, T extends "number" | "integer" = "number"> = {
  type: SchemaType<T, Nullable>;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};
export type IntegerSchema<Nullable extends boolean = false> = NumberSchema<Nullable, "integer">;
export type BooleanSchema<Nullable extends boolean = false> = { type: SchemaType<"boolean", Nullable>; description?: string };
export type EnumSchema<V extends string | number = string | number, Nullable extends boolean = false> = {
  type: SchemaType<V extends string ? "string" : "number" | "integer", Nullable>;
  description?: string;
  enum: Nullable extends true ? Array<V | null> : V[];
};
export type ArraySchema<Items extends Schema = Schema, Nullable extends boolean = false> = {
  type: SchemaType<"array", Nullable>;
  description?: string;
  items: Items;
  minItems?: number;
  maxItems?: number;
};
/** An object with exactly `Properties`; `Required` names the ones that must be present. */
export type ObjectSchema<
  Properties extends Record<string, Schema> = Record<string, Schema>,
  Required extends string = string,
  Nullable extends boolean = false,
> = {
  type: SchemaType<"object", Nullable>;
  description?: string;
  properties: Properties;
  required: Required[];
  additionalProperties: false;
};
/** JSON Schema written by hand (any JSON object) is accepted wherever a schema is. */
export type JsonSchema = JsonObject;
/** A schema: a helper's result or JSON Schema written by hand. */
export type Schema =
  | StringSchema<boolean>
  | NumberSchema<boolean, "number" | "integer">
  | BooleanSchema<boolean>
  | EnumSchema<string | number, boolean>
  | ArraySchema<any, boolean>
  | ObjectSchema<any, string, boolean>
  | JsonSchema;

/** The properties of `P` that are not nullable: those `tool.object` requires by default. */
export type NonNullableKeys<P> = {
  [K in keyof P & string]: P[K] extends { type: [string, "null"] } | { type: "null" } ? never : K;
}[keyof P & string];

type Base<S> = S extends { enum: Array<infer V> }
  ? Exclude<V, null>
  : S extends { type: infer T }
    ? (T extends [infer U, "null"] ? U : T) extends infer U
      ? U extends "string"
        ? string
        : U extends "number" | "integer"
          ? number
          : U extends "boolean"
            ? boolean
            : U extends "array"
              ? S extends { items: infer I }
                ? Array<Infer<I>>
                : unknown[]
              : U extends "object"
                ? S extends { properties: infer P; required: Array<infer R> }
                  ? Simplify<{ [K in keyof P & R]: Infer<P[K]> } & { [K in Exclude<keyof P, R>]?: Infer<P[K]> }>
                  : Record<string, unknown>
                : unknown
      : unknown
    : unknown;
type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * The JSON a schema describes: what the model sends to an HTTP tool's URL. `Infer<typeof
 * tool.parameters>` types your endpoint's request body.
 */
export type Infer<S> = S extends { type: [string, "null"] } ? Base<S> | null : Base<S>;

/** The arguments an HTTP tool's endpoint receives. */
export type ToolArguments<T extends { parameters: unknown }> = Infer<T["parameters"]>;

/** The parameters of a tool that takes none. */
export type NoParameters = ObjectSchema<{}, never>;

interface ToolOptionsBase<Parameters extends Schema> {
  /** What the model calls it by; not blank; each tool of an agent has its own. */
  name: string;
  /** What it does and when to call it: the model chooses tools by name and description. */
  description: string;
  /** JSON Schema of the arguments (`tool.object(...)`); default: no arguments. */
  parameters?: Parameters;
  /** Default `"read"`. `"confirm_first_write"`: the caller must have said yes on the previous turn. */
  policy?: ToolPolicy;
}

export type HttpToolOptions<Parameters extends Schema = Schema> = ToolOptionsBase<Parameters> & {
  /** The http:// or https:// URL the model POSTs the arguments to (production expects public HTTPS). */
  url: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
} & (
    | { /** Request timeout in milliseconds, 1 to 600000. */ timeoutMs?: number; timeout_ms?: never }
    | { /** Request timeout in milliseconds, 1 to 600000 (the wire name). */ timeout_ms?: number; timeoutMs?: never }
  );

export type BuiltinToolOptions<Parameters extends Schema = Schema> = Omit<ToolOptionsBase<Parameters>, "name"> & {
  /** Action settings. */
  config?: JsonObject;
} & (
    | { /** The action, named by the tool's name. */ name: KnownBuiltin; builtin?: KnownBuiltin }
    | { name: string; /** The platform action this tool runs. */ builtin: KnownBuiltin }
  );

/** What `tool.http` returns: the wire object, assignable to `HttpTool` (and `Tool`). */
export type BuiltHttpTool<Parameters extends Schema = Schema> = Omit<HttpTool, "parameters"> & { parameters: Parameters };
/** What `tool.builtin` returns: the wire object, assignable to `BuiltinTool` (and `Tool`). */
export type BuiltBuiltinTool<Parameters extends Schema = Schema> = Omit<BuiltinTool, "builtin" | "parameters"> & {
  builtin: string;
  parameters: Parameters;
};

type Nullable = { nullable: true };
type NotNullable = { nullable?: false };
export interface StringOptions {
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  /** A regular expression (ECMA-262, Unicode), as JSON Schema reads it. */
  pattern?: string;
  /** A JSON Schema format such as "date" or "email". */
  format?: string;
}
export interface NumberOptions {
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}
export interface ArrayOptions {
  description?: string;
  nullable?: boolean;
  minItems?: number;
  maxItems?: number;
}
export interface ObjectOptions<Required extends string> {
  /** The properties that must be present; default: every property that is not nullable. */
  required?: readonly Required[];
  description?: string;
  nullable?: boolean;
}

/**
 * Builders of in-call tools and of the JSON Schema of their parameters. Each checks its input
 * before any I/O and throws a `ValidationError` (with `field`) for anything the API would refuse.
 * A nullable schema (`{ nullable: true }`) has the type `[type, "null"]` and `tool.object` leaves
 * it out of `required` unless it is listed there.
 */
export interface ToolBuilders {
  /** A tool the model calls by POSTing JSON matching `parameters` to your `url`. */
  http<const P extends Schema = NoParameters>(options: HttpToolOptions<P>): BuiltHttpTool<P>;
  /** A platform action such as `end_call` (`builtin` defaults to `name`). */
  builtin<const P extends Schema = NoParameters>(options: BuiltinToolOptions<P>): BuiltBuiltinTool<P>;

  /** An object with exactly these properties (`additionalProperties: false`). */
  object<const P extends Record<string, Schema>, const R extends keyof P & string = NonNullableKeys<P>>(
    properties: P,
    options?: ObjectOptions<R> & NotNullable,
  ): ObjectSchema<P, R>;
  object<const P extends Record<string, Schema>, const R extends keyof P & string = NonNullableKeys<P>>(
    properties: P,
    options: ObjectOptions<R> & Nullable,
  ): ObjectSchema<P, R, true>;
  /** A list whose every item matches `items`. */
  array<const I extends Schema>(items: I, options?: ArrayOptions & NotNullable): ArraySchema<I>;
  array<const I extends Schema>(items: I, options: ArrayOptions & Nullable): ArraySchema<I, true>;
  /** A string; the description comes first: `tool.string("Date in YYYY-MM-DD format")`. */
  string(description?: string, options?: StringOptions & NotNullable): StringSchema;
  string(description: string | undefined, options: StringOptions & Nullable): StringSchema<true>;
  number(description?: string, options?: NumberOptions & NotNullable): NumberSchema;
  number(description: string | undefined, options: NumberOptions & Nullable): NumberSchema<true>;
  integer(description?: string, options?: NumberOptions & NotNullable): IntegerSchema;
  integer(description: string | undefined, options: NumberOptions & Nullable): IntegerSchema<true>;
  boolean(description?: string, options?: NotNullable): BooleanSchema;
  boolean(description: string | undefined, options: Nullable): BooleanSchema<true>;
  /** One of these values: all strings, or all numbers (`integer` when all are whole). */
  enum<const V extends string | number>(values: readonly [V, ...V[]], description?: string, options?: NotNullable): EnumSchema<V>;
  enum<const V extends string | number>(values: readonly [V, ...V[]], description: string | undefined, options: Nullable): EnumSchema<V, true>;
}

export declare const tool: ToolBuilders;

/**
 * Checks a whole list of tools before it is sent: at most 16, each valid, each `name` used once.
 * Returns a copy of the list.
 */
export declare function tools<T extends Tool>(list: readonly T[]): T[];
