#!/usr/bin/env bash
# Validates api/openapi.yaml (OpenAPI 3.1) with openapi-spec-validator from PyPI, installed
# once into target/venv, then checks that its operations agree with the hand table in
# crates/callingbox-core/src/ops.rs (name = operationId, method, path with the path argument names, and each
# parameter's name, type and required-ness), so the two cannot drift apart silently, and
# that tests/fixtures/*.json and the schemas' own `examples` validate against the schemas.
# Idempotent; a warm run does no install. Usage: bash scripts/test-openapi.sh (run by npm test)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.9.0
VENV=target/venv
STAMP="$VENV/.openapi-spec-validator-$VERSION"

if [ ! -f "$STAMP" ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "openapi-spec-validator==$VERSION"
  touch "$STAMP"
fi

"$VENV/bin/openapi-spec-validator" api/openapi.yaml

"$VENV/bin/python" - api/openapi.yaml crates/callingbox-core/src/ops.rs <<'PY'
import re
import sys

import yaml

spec_path, ops_path = sys.argv[1], sys.argv[2]
spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
src = open(ops_path, encoding="utf-8").read()
problems = []

# --- ops.rs: resolve the packed parameter tables -------------------------------------
macros = {
    m.group(1): m.group(2)
    for m in re.finditer(r'macro_rules!\s+(\w+)\s*\{\s*\(\)\s*=>\s*\{\s*"([^"]*)"', src)
}

def text_of(expr):
    """The readable text of a packed!(...) argument: a literal or concat!(...)."""
    expr = expr.strip()
    m = re.fullmatch(r'"([^"]*)"', expr)
    if m:
        return m.group(1)
    m = re.fullmatch(r'concat!\((.*)\)', expr, re.S)
    if m:
        out = ""
        for part in re.findall(r'"[^"]*"|\w+!\(\)', m.group(1)):
            out += part[1:-1] if part.startswith('"') else macros[part[:-3]]
        return out
    raise SystemExit(f"ops.rs: cannot read parameter expression {expr!r}")

def table(expr):
    expr = expr.strip()
    if expr == '""':
        return ""
    m = re.fullmatch(r'packed!\((.*)\)', expr, re.S)
    if m:
        return text_of(m.group(1))
    if re.fullmatch(r'[A-Z_]+', expr):
        return consts[expr]
    raise SystemExit(f"ops.rs: cannot read params {expr!r}")

consts = {}
for m in re.finditer(r'const\s+([A-Z_]+)\s*:\s*&str\s*=\s*packed!\((.*?)\);', src, re.S):
    consts[m.group(1)] = text_of(m.group(2))

ops_block = re.search(r'pub const OPS: &\[Op\] = &\[(.*?)\n\];', src, re.S)
if not ops_block:
    raise SystemExit("ops.rs: OPS table not found")
ops = []
for body in re.findall(r'Op \{(.*?)\n    \}', ops_block.group(1), re.S):
    get = lambda key, pat: re.search(rf'\b{key}:\s*{pat},', body, re.S)
    name = get("name", r'"([^"]+)"').group(1)
    method = get("method", r'Method::(\w+)').group(1).upper()
    path = get("path", r'"([^"]+)"').group(1)
    args = re.findall(r'"([^"]+)"', get("path_args", r'&\[(.*?)\]').group(1))
    params = table(get("params", r'(.*?)').group(1))
    for arg in args:
        path = path.replace("{}", "{" + arg + "}", 1)
    ops.append((name, method, path, args, params))
if len(ops) != 24:
    problems.append(f"ops.rs: expected 24 operations, read {len(ops)}")

# --- the spec ------------------------------------------------------------------------
def deref(node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise SystemExit(f"external $ref not supported: {ref}")
        target = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node

def types(schema):
    """The JSON types a schema allows (following $ref, oneOf/anyOf)."""
    schema = deref(schema)
    found = set()
    t = schema.get("type")
    if isinstance(t, str):
        found.add(t)
    elif isinstance(t, list):
        found.update(t)
    for key in ("oneOf", "anyOf"):
        for sub in schema.get(key, []):
            found |= types(sub)
    return found

def item_types(schema):
    schema = deref(schema)
    return types(schema.get("items", {}))

def check_param(op, name, tag, required, schema, is_required):
    where = f"{op}: parameter {name!r}"
    if required != is_required:
        problems.append(f"{where}: ops.rs required={required}, spec required={is_required}")
    kind = tag.lower()
    t = types(schema) - {"null"}
    nullable = "null" in types(schema)
    want = {
        "s": {"string"}, "n": {"string"}, "p": {"string"}, "i": {"integer"},
        "b": {"boolean"}, "o": {"object"}, "a": {"array"}, "l": {"array"},
    }[kind]
    if t != want:
        problems.append(f"{where}: ops.rs tag {tag!r} wants {sorted(want)}, spec has {sorted(t)}")
    if kind == "n" and not nullable:
        problems.append(f"{where}: ops.rs says nullable, spec does not allow null")
    if kind == "p" and "pattern" not in deref(schema):
        problems.append(f"{where}: a phone number without an E.164 pattern")
    if kind == "i" and deref(schema).get("minimum") != 1:
        problems.append(f"{where}: ops.rs wants a whole number >= 1 (minimum: 1)")
    if kind == "a" and not item_types(schema) <= {"string"}:
        problems.append(f"{where}: ops.rs wants an array of strings")
    if kind == "l" and item_types(schema) != {"object"}:
        problems.append(f"{where}: ops.rs wants an array of objects")

METHODS = {"get", "post", "put", "patch", "delete"}
spec_ops = {}
for path, item in spec.get("paths", {}).items():
    for method, op in item.items():
        if method in METHODS:
            spec_ops[op.get("operationId")] = (method.upper(), path, item, op)

names = {o[0] for o in ops}
for extra in sorted(set(spec_ops) - names, key=str):
    problems.append(f"spec: operationId {extra!r} is not in ops.rs")

for name, method, path, args, params in ops:
    if name not in spec_ops:
        problems.append(f"{name}: missing from the spec")
        continue
    s_method, s_path, item, op = spec_ops[name]
    if (s_method, s_path) != (method, path):
        problems.append(f"{name}: ops.rs {method} {path}, spec {s_method} {s_path}")
    declared = [deref(p) for p in item.get("parameters", []) + op.get("parameters", [])]
    s_args = [p["name"] for p in declared if p["in"] == "path"]
    if s_args != args:
        problems.append(f"{name}: path parameters ops.rs {args}, spec {s_args}")
    if method == "POST":
        if op.get("x-idempotent") is not True:
            problems.append(f"{name}: POST without x-idempotent: true")
        if not any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in declared):
            problems.append(f"{name}: POST without the Idempotency-Key header")
    # ops.rs params are query parameters for GET, body fields otherwise.
    if method == "GET":
        spec_params = {
            p["name"]: (p.get("schema", {}), bool(p.get("required")))
            for p in declared if p["in"] == "query"
        }
    else:
        body = op.get("requestBody")
        schema = {}
        if body:
            schema = deref(deref(body)["content"]["application/json"]["schema"])
        req = set(schema.get("required", []))
        spec_params = {k: (v, k in req) for k, v in schema.get("properties", {}).items()}
    table_names = []
    for entry in filter(None, params.split(" ")):
        tag, pname = entry[0], entry[1:]
        table_names.append(pname)
        if pname not in spec_params:
            problems.append(f"{name}: ops.rs parameter {pname!r} missing from the spec")
            continue
        s_schema, s_req = spec_params[pname]
        check_param(name, pname, tag, tag.isupper(), s_schema, s_req)
    for pname in sorted(set(spec_params) - set(table_names)):
        problems.append(f"{name}: spec parameter {pname!r} is not in ops.rs")

if problems:
    print("openapi vs ops.rs: %d problem(s)" % len(problems), file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    sys.exit(1)
print(f"openapi vs ops.rs: {len(ops)} operations agree (method, path, path and request parameters)")
PY

"$VENV/bin/python" - api/openapi.yaml tests/fixtures <<'PY'
import json
import os
import sys

import jsonschema
import yaml

spec_path, fixtures = sys.argv[1], sys.argv[2]
spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
schemas = spec["components"]["schemas"]
# Fixture file -> schema. list_envelope.json holds a placeholder item ("...": "Call"), so
# only its envelope is checked.
FIXTURES = {
    "phone_number.json": "PhoneNumber",
    "available_number.json": "AvailableNumber",
    "agent.json": "Agent",
    "call.json": "Call",
    "transcript.json": "Transcript",
    "webhook_endpoint.json": "WebhookEndpointWithSecret",
    "webhook_delivery.json": "WebhookDelivery",
    "error.json": "Error",
}

def validator(name):
    # The whole document as the root, so "#/components/schemas/..." references resolve.
    root = dict(spec)
    root["$ref"] = "#/components/schemas/" + name
    cls = jsonschema.Draft202012Validator
    return cls(root, format_checker=cls.FORMAT_CHECKER)

problems = []
def check(what, name, instance):
    for err in validator(name).iter_errors(instance):
        at = "/".join(str(p) for p in err.absolute_path) or "(root)"
        problems.append(f"{what} vs {name} at {at}: {err.message}")

for fname in sorted(os.listdir(fixtures)):
    if not fname.endswith(".json"):
        continue
    data = json.load(open(os.path.join(fixtures, fname), encoding="utf-8"))
    if fname == "list_envelope.json":
        ok = isinstance(data.get("data"), list) and isinstance(data.get("has_more"), bool)
        if not ok:
            problems.append(f"{fname}: not a {{data: [...], has_more: bool}} envelope")
        continue
    if fname not in FIXTURES:
        problems.append(f"{fname}: no schema mapped for this fixture (add it to FIXTURES)")
        continue
    check(fname, FIXTURES[fname], data)

count = 0
for name, schema in schemas.items():
    for i, example in enumerate(schema.get("examples", [])):
        count += 1
        check(f"components.schemas.{name}.examples[{i}]", name, example)

if problems:
    print("fixtures/examples vs schemas: %d problem(s)" % len(problems), file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    sys.exit(1)
print(f"fixtures/examples vs schemas: {len(FIXTURES)} fixtures and {count} examples valid")
PY
