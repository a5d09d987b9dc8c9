#!/usr/bin/env bash
# Validates api/openapi.yaml (OpenAPI 3.1) with openapi-spec-validator from PyPI, installed
# once into target/venv; checks that tests/fixtures/*.json and the schemas' own `examples`
# validate against the schemas; and that the files generated from the description are up to
# date (`node scripts/gen.mjs --check`: the client's, the emulator's and the core's tables,
# the declarations and the README's operations table).
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

node scripts/gen.mjs --check
