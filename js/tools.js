// callingbox/tools: builders for in-call tools, the `tools` of `agents.create` and
// `agents.update`. Plain JavaScript (no wasm, nothing at import): an app that never defines a
// tool does not load it. Every builder checks its input before any I/O, with the rules of the
// API description (js/tool-schema.js, generated from api/openapi.yaml), throws a
// ValidationError naming the field, and returns the wire object as plain JSON-ready data (a
// copy: later changes to what was passed in do not reach it).
import { ValidationError } from "./errors.js";
import { MAX_TOOLS, TOOL_FIELDS, UNIQUE_BY } from "./tool-schema.js";

// The classes its errors are made from (they are `instanceof` the main entry's too: js/errors.js).
export { CallingBoxError, ValidationError } from "./errors.js";

/** @typedef {import("./tool-schema.js").ToolRule} ToolRule */
/** @typedef {Record<string, unknown>} JsonObject */

/** The policy of a tool built without one, as in the Python SDK's `tool.http` / `tool.builtin`. */
const DEFAULT_POLICY = "read";

/**
 * @param {string} where who is checking: "tool.http", "tool.object", "tools", ...
 * @param {string} field
 * @param {string} problem
 * @returns {never}
 */
function fail(where, field, problem) {
  throw new ValidationError(`${where}: ${field} ${problem}`, { field });
}

/** @param {unknown} v @returns {v is JsonObject} */
const isPlainObject = (v) => {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * A value for messages: short strings quoted, everything else by its kind only, so that a
 * header value or a URL (which may carry a secret) is never repeated.
 * @param {unknown} v
 * @param {boolean} [quote]
 */
function describe(v, quote = false) {
  if (typeof v === "string") return quote && v.length <= 64 ? JSON.stringify(v) : `a string of ${codePoints(v)} characters`;
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") {
    const kind = Object.getPrototypeOf(v)?.constructor?.name;
    return kind && kind !== "Object" ? `a ${kind}` : "an object";
  }
  if (typeof v === "number") return Number.isFinite(v) ? "a number" : String(v);
  return `a ${typeof v}`;
}

/** Length as JSON Schema's maxLength counts it: in code points. @param {string} s */
function codePoints(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * A JSON-ready copy of `v` (plain objects, arrays, strings, finite numbers, booleans, null;
 * object members that are `undefined` are left out, as JSON.stringify does); anything else
 * (a function, a Date, NaN, a cycle, ...) is a ValidationError naming where it is.
 * @param {unknown} v
 * @param {string} where
 * @param {string} field
 * @param {unknown[]} [parents]
 * @returns {unknown}
 */
function jsonCopy(v, where, field, parents = []) {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : fail(where, field, `must be a finite number (JSON has no ${v})`);
  if (parents.includes(v)) fail(where, field, "refers back to itself (JSON cannot hold a cycle)");
  if (Array.isArray(v)) return v.map((item, i) => jsonCopy(item, where, `${field}[${i}]`, [...parents, v]));
  if (!isPlainObject(v)) fail(where, field, `must be JSON data (a plain object, array, string, number, boolean or null), got ${describe(v)}`);
  /** @type {JsonObject} */
  const out = {};
  for (const [k, item] of Object.entries(v)) {
    if (item === undefined) continue;
    // defineProperty: a member named "__proto__" (JSON.parse makes one) stays a member.
    Object.defineProperty(out, k, { value: jsonCopy(item, where, `${field}.${k}`, [...parents, v]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** What a value of a named string schema must be, for messages. */
const STRING_RULES = /** @type {Record<string, string>} */ ({
  Label: "a string that is not blank",
  HttpUrl: "an http:// or https:// URL with a host, without spaces or control characters",
});

/**
 * `v` checked against one rule of js/tool-schema.js; returns the value to send (a copy for
 * objects).
 * @param {ToolRule} rule
 * @param {unknown} v
 * @param {string} where
 * @param {string} field
 * @returns {unknown}
 */
function checkRule(rule, v, where, field) {
  if ("const" in rule) return v === rule.const ? v : fail(where, field, `must be ${JSON.stringify(rule.const)}, got ${describe(v, true)}`);
  if ("enum" in rule) {
    if (typeof v === "string" && rule.enum.includes(v)) return v;
    return fail(where, field, `must be one of ${rule.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${describe(v, true)}`);
  }
  switch (rule.type) {
    case "string": {
      const what = STRING_RULES[rule.schema ?? ""] ?? "a string";
      if (typeof v !== "string") return fail(where, field, `must be ${what}, got ${describe(v)}`);
      if (codePoints(v) > rule.maxLength) return fail(where, field, `must be at most ${rule.maxLength} characters, got ${codePoints(v)}`);
      // Only a blank label is shown back: another string that fails its pattern (a URL) may carry a secret.
      if (rule.pattern && !rule.pattern.test(v)) return fail(where, field, `must be ${what}${rule.schema === "Label" ? `, got ${describe(v, true)}` : ""}`);
      return v;
    }
    case "integer":
      if (typeof v === "number" && Number.isInteger(v) && v >= rule.minimum && v <= rule.maximum) return v;
      return fail(where, field, `must be a whole number from ${rule.minimum} to ${rule.maximum}, got ${typeof v === "number" ? v : describe(v)}`);
    case "object": {
      if (!isPlainObject(v)) return fail(where, field, `must be a plain object, got ${describe(v)}`);
      const values = rule.values;
      if (values) for (const [k, item] of Object.entries(v)) checkRule(values, item, where, `${field}.${k}`);
      return jsonCopy(v, where, field);
    }
  }
}

/**
 * A wire tool checked against the rules of its type: no unknown field, the required ones
 * present, each field's rule. Returns a copy in the description's field order.
 * @param {unknown} tool
 * @param {string} where who is checking, for messages ("tool.http", "tools")
 * @param {string} [at] where the tool is ("tools[2]"), prefixed to field names
 * @param {Record<string, string>} [aliases] the name the caller gave a wire field
 * @returns {JsonObject}
 */
function checkTool(tool, where, at = "", aliases = {}) {
  const fieldName = (/** @type {string} */ f) => (at ? `${at}.` : "") + (aliases[f] ?? f);
  if (!isPlainObject(tool)) return fail(where, at || "tool", `must be a tool object (from tool.http or tool.builtin), got ${describe(tool)}`);
  const fields = Object.hasOwn(TOOL_FIELDS, String(tool.type)) ? TOOL_FIELDS[String(tool.type)] : undefined;
  if (!fields) return fail(where, fieldName("type"), `must be one of ${Object.keys(TOOL_FIELDS).map((t) => JSON.stringify(t)).join(", ")}, got ${describe(tool.type, true)}`);
  for (const key of Object.keys(tool)) {
    if (tool[key] !== undefined && !fields.some(([f]) => f === key)) {
      fail(where, fieldName(key), `is not a field of a ${tool.type} tool (they are: ${fields.map(([f]) => fieldName(f)).join(", ")})`);
    }
  }
  /** @type {JsonObject} */
  const out = {};
  for (const [field, rule, required] of fields) {
    const v = tool[field];
    if (v === undefined) {
      if (required) fail(where, fieldName(field), "is required");
      continue;
    }
    out[field] = checkRule(rule, v, where, fieldName(field));
  }
  return out;
}

/**
 * The builder's argument: a plain object with only the options it knows.
 * @param {string} where
 * @param {unknown} spec
 * @param {string[]} known
 * @returns {JsonObject}
 */
function specOf(where, spec, known) {
  if (!isPlainObject(spec)) fail(where, "options", `must be an object such as { name, description, ... }, got ${describe(spec)}`);
  for (const key of Object.keys(spec)) {
    if (spec[key] !== undefined && !known.includes(key)) fail(where, key, `is not an option of ${where} (they are: ${known.join(", ")})`);
  }
  return spec;
}

/** The parameters of a tool that takes none (a fresh object each time). */
const noParameters = () => ({ type: "object", properties: {}, required: [], additionalProperties: false });

/**
 * A tool the model calls by POSTing JSON matching `parameters` to `url`.
 * @param {unknown} spec `{ name, description, url, parameters?, headers?, timeoutMs? (or timeout_ms), policy? }`
 */
function http(spec) {
  const where = "tool.http";
  const s = specOf(where, spec, ["name", "description", "url", "parameters", "headers", "timeoutMs", "timeout_ms", "policy"]);
  if (s.timeoutMs !== undefined && s.timeout_ms !== undefined) fail(where, "timeoutMs", "and timeout_ms are the same option: give one");
  const timeoutKey = s.timeout_ms !== undefined ? "timeout_ms" : "timeoutMs";
  const wire = {
    type: "http",
    name: s.name,
    description: s.description,
    policy: s.policy === undefined ? DEFAULT_POLICY : s.policy,
    url: s.url,
    parameters: s.parameters === undefined ? noParameters() : s.parameters,
    headers: s.headers,
    timeout_ms: s.timeout_ms === undefined ? s.timeoutMs : s.timeout_ms,
  };
  return checkTool(wire, where, "", { timeout_ms: timeoutKey });
}

/**
 * A platform action such as `end_call` (`builtin` defaults to `name`).
 * @param {unknown} spec `{ name, description, builtin?, parameters?, config?, policy? }`
 */
function builtin(spec) {
  const where = "tool.builtin";
  const s = specOf(where, spec, ["name", "description", "builtin", "parameters", "config", "policy"]);
  const wire = {
    type: "builtin",
    name: s.name,
    description: s.description,
    policy: s.policy === undefined ? DEFAULT_POLICY : s.policy,
    builtin: s.builtin === undefined ? s.name : s.builtin,
    parameters: s.parameters === undefined ? noParameters() : s.parameters,
    config: s.config,
  };
  return checkTool(wire, where);
}

/**
 * Checks a whole list before it is sent: at most MAX_TOOLS, each a valid tool, each `name` used
 * once. Returns a copy of the list.
 * @param {unknown} list
 * @returns {JsonObject[]}
 */
export function tools(list) {
  if (!Array.isArray(list)) return fail("tools", "tools", `must be an array of tools, got ${describe(list)}`);
  if (list.length > MAX_TOOLS) fail("tools", "tools", `has ${list.length} tools; an agent takes at most ${MAX_TOOLS}`);
  /** @type {Map<unknown, number>} */
  const seen = new Map();
  return Array.from(list, (item, i) => {
    const tool = checkTool(item, "tools", `tools[${i}]`);
    const key = tool[UNIQUE_BY];
    const first = seen.get(key);
    if (first !== undefined) fail("tools", `tools[${i}].${UNIQUE_BY}`, `repeats the ${UNIQUE_BY} of tools[${first}] (${describe(key, true)}): each tool needs its own`);
    seen.set(key, i);
    return tool;
  });
}

// ---------------------------------------------------------------------------------------
// JSON Schema for `parameters`. Every schema is a plain object; a nullable one has the type
// `[type, "null"]` and is left out of its object's `required` unless listed there.

/**
 * @param {string} where
 * @param {unknown} description
 */
function descriptionOf(where, description) {
  if (description === undefined || typeof description === "string") return description;
  return fail(where, "description", `must be a string, got ${describe(description)} (options come second: ${where}(description, options))`);
}

/**
 * Options of a schema helper, each checked by its own function.
 * @param {string} where
 * @param {unknown} options
 * @param {Record<string, (v: unknown, field: string) => void>} checks
 * @returns {JsonObject}
 */
function optionsOf(where, options, checks) {
  if (options === undefined) return {};
  if (!isPlainObject(options)) return fail(where, "options", `must be an object, got ${describe(options)}`);
  for (const [key, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!Object.hasOwn(checks, key)) fail(where, key, `is not an option of ${where} (they are: ${Object.keys(checks).join(", ")})`);
    checks[key](v, key);
  }
  return options;
}

/** @param {string} where */
const boolOption = (where) => (/** @type {unknown} */ v, /** @type {string} */ field) => {
  if (typeof v !== "boolean") fail(where, field, `must be true or false, got ${describe(v)}`);
};
/** @param {string} where */
const countOption = (where) => (/** @type {unknown} */ v, /** @type {string} */ field) => {
  if (!(typeof v === "number" && Number.isSafeInteger(v) && v >= 0)) fail(where, field, `must be a whole number >= 0, got ${describe(v, true)}`);
};
/** @param {string} where */
const numberOption = (where) => (/** @type {unknown} */ v, /** @type {string} */ field) => {
  if (!(typeof v === "number" && Number.isFinite(v))) fail(where, field, `must be a finite number, got ${describe(v, true)}`);
};
/** @param {string} where */
const textOption = (where) => (/** @type {unknown} */ v, /** @type {string} */ field) => {
  if (typeof v !== "string") fail(where, field, `must be a string, got ${describe(v)}`);
};

/**
 * `lower <= upper` when both are given.
 * @param {string} where
 * @param {JsonObject} o
 * @param {string} lower
 * @param {string} upper
 */
function ordered(where, o, lower, upper) {
  const [a, b] = [o[lower], o[upper]];
  if (typeof a === "number" && typeof b === "number" && a > b) fail(where, lower, `(${a}) must not be greater than ${upper} (${b})`);
}

/**
 * A schema: `{ type, description?, ...rest }` in that order, the type with "null" when nullable.
 * @param {string} type
 * @param {unknown} description
 * @param {JsonObject} o options (nullable and the constraints, copied in the order of `keys`)
 * @param {string[]} keys
 * @returns {JsonObject}
 */
function schema(type, description, o, keys) {
  /** @type {JsonObject} */
  const out = { type: o.nullable ? [type, "null"] : type };
  if (description !== undefined) out.description = description;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * @param {unknown} description
 * @param {unknown} [options] `{ nullable?, minLength?, maxLength?, pattern?, format? }`
 */
function string(description, options) {
  const where = "tool.string";
  const o = optionsOf(where, options, {
    nullable: boolOption(where),
    minLength: countOption(where),
    maxLength: countOption(where),
    pattern: (v, field) => {
      textOption(where)(v, field);
      try {
        new RegExp(/** @type {string} */ (v), "u");
      } catch (err) {
        fail(where, field, `must be a regular expression (ECMA-262, as JSON Schema reads it): ${/** @type {Error} */ (err).message}`);
      }
    },
    format: textOption(where),
  });
  ordered(where, o, "minLength", "maxLength");
  return schema("string", descriptionOf(where, description), o, ["minLength", "maxLength", "pattern", "format"]);
}

/** @param {"number" | "integer"} type */
const numeric = (type) =>
  /**
   * @param {unknown} description
   * @param {unknown} [options] `{ nullable?, minimum?, maximum?, exclusiveMinimum?, exclusiveMaximum? }`
   */
  function (description, options) {
    const where = `tool.${type}`;
    const o = optionsOf(where, options, {
      nullable: boolOption(where),
      minimum: numberOption(where),
      maximum: numberOption(where),
      exclusiveMinimum: numberOption(where),
      exclusiveMaximum: numberOption(where),
    });
    ordered(where, o, "minimum", "maximum");
    return schema(type, descriptionOf(where, description), o, ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]);
  };

/**
 * @param {unknown} description
 * @param {unknown} [options] `{ nullable? }`
 */
function boolean(description, options) {
  const where = "tool.boolean";
  const o = optionsOf(where, options, { nullable: boolOption(where) });
  return schema("boolean", descriptionOf(where, description), o, []);
}

/**
 * One of a few values: all strings, or all numbers (`integer` when all are whole).
 * @param {unknown} values
 * @param {unknown} [description]
 * @param {unknown} [options] `{ nullable? }`
 */
function enumOf(values, description, options) {
  const where = "tool.enum";
  if (!Array.isArray(values) || values.length === 0) return fail(where, "values", `must be a non-empty array of strings or numbers, got ${describe(values)}`);
  const strings = values.every((v) => typeof v === "string");
  if (!strings && !values.every((v) => typeof v === "number" && Number.isFinite(v))) {
    fail(where, "values", "must be all strings or all numbers");
  }
  values.forEach((v, i) => {
    if (values.indexOf(v) !== i) fail(where, `values[${i}]`, `repeats ${describe(v, true)}`);
  });
  const type = strings ? "string" : values.every(Number.isInteger) ? "integer" : "number";
  const o = optionsOf(where, options, { nullable: boolOption(where) });
  const out = schema(type, descriptionOf(where, description), o, []);
  out.enum = o.nullable ? [...values, null] : [...values];
  return out;
}

/**
 * A property's schema: a plain object (a helper's result, or JSON Schema written by hand).
 * @param {string} where
 * @param {string} field
 * @param {unknown} v
 */
function subschema(where, field, v) {
  if (!isPlainObject(v)) return fail(where, field, `must be a schema (such as tool.string()), got ${describe(v)}`);
  return /** @type {JsonObject} */ (jsonCopy(v, where, field));
}

/** Whether a schema admits null (its type is "null" or lists it). @param {JsonObject} s */
const isNullable = (s) => s.type === "null" || (Array.isArray(s.type) && s.type.includes("null"));

/**
 * @param {unknown} items the schema of every item
 * @param {unknown} [options] `{ description?, nullable?, minItems?, maxItems? }`
 */
function array(items, options) {
  const where = "tool.array";
  const itemSchema = subschema(where, "items", items);
  const o = optionsOf(where, options, {
    description: textOption(where),
    nullable: boolOption(where),
    minItems: countOption(where),
    maxItems: countOption(where),
  });
  ordered(where, o, "minItems", "maxItems");
  const out = schema("array", o.description, o, []);
  out.items = itemSchema;
  for (const k of ["minItems", "maxItems"]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * An object with these properties and no others. `required` defaults to every property that is
 * not nullable.
 * @param {unknown} properties `{ name: schema, ... }`
 * @param {unknown} [options] `{ required?, description?, nullable? }`
 */
function object(properties, options) {
  const where = "tool.object";
  if (!isPlainObject(properties)) return fail(where, "properties", `must be an object of schemas such as { date: tool.string() }, got ${describe(properties)}`);
  /** @type {Record<string, JsonObject>} */
  const props = {};
  for (const [name, s] of Object.entries(properties)) {
    if (name === "") fail(where, "properties", "has a property with an empty name");
    if (s !== undefined) props[name] = subschema(where, `properties.${name}`, s);
  }
  const o = optionsOf(where, options, {
    description: textOption(where),
    nullable: boolOption(where),
    required: (v, field) => {
      if (!Array.isArray(v)) return fail(where, field, `must be an array of property names, got ${describe(v)}`);
      v.forEach((name, i) => {
        if (typeof name !== "string" || !Object.hasOwn(props, name)) {
          fail(where, `${field}[${i}]`, `must name a property (${Object.keys(props).map((p) => JSON.stringify(p)).join(", ") || "there are none"}), got ${describe(name, true)}`);
        }
        if (v.indexOf(name) !== i) fail(where, `${field}[${i}]`, `repeats ${JSON.stringify(name)}`);
      });
    },
  });
  const required = /** @type {string[] | undefined} */ (o.required) ?? Object.keys(props).filter((name) => !isNullable(props[name]));
  const out = schema("object", o.description, o, []);
  out.properties = props;
  out.required = [...required];
  out.additionalProperties = false;
  return out;
}

/**
 * The builders: `tool.http`, `tool.builtin`, and the JSON Schema helpers for their `parameters`.
 * A list of tools is checked with {@link tools}.
 */
export const tool = {
  http,
  builtin,
  object,
  array,
  string,
  number: numeric("number"),
  integer: numeric("integer"),
  boolean,
  enum: enumOf,
};
