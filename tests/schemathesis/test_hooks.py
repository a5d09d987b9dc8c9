"""Checks of hooks.py's failure filter on failures seen in runs, so that a false positive
dropped once stays dropped and a real finding is still kept. Run by
scripts/test-schemathesis.sh before Schemathesis (python tests/schemathesis/test_hooks.py)."""

import os
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(__file__))
import hooks  # noqa: E402


class Response:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self._body = body

    def json(self):
        return self._body


def case(method, path, path_parameters, body):
    operation = SimpleNamespace(method=method, path=path)
    return SimpleNamespace(operation=operation, path_parameters=path_parameters, body=body)


AGENT = "7da3c3b2-ced9-4008-ac19-f8271f595226"
NUMBER = "23853bc5-521a-451a-985d-d6978dadcd9e"
CREATED_NUMBER = "5b0c9a1e-6f0d-4c43-9a55-0b5e8f1d2c3a"
FIXTURE_AGENT = "b99fd21d-a39c-4e9f-bc2e-57e8739e284b"
hooks.KNOWN.update({AGENT, CREATED_NUMBER, FIXTURE_AGENT})

CHECKS = [
    # A PATCH whose number_ids name a number that does not exist: the agent was found.
    ("dropped", "ST302", case("PATCH", "/v1/agents/{id}", {"id": AGENT}, {"number_ids": [NUMBER], "primary_number_id": None}),
     Response(404, {"error": f"number {NUMBER} not found"})),
    # The same for a plain string field.
    ("dropped", "ST302", case("PUT", "/v1/agents/{id}/primary-number", {"id": AGENT}, {"number_id": NUMBER}),
     Response(404, {"error": f"number {NUMBER} not found"})),
    # The created agent itself is missing: a real finding.
    ("kept", "ST302", case("PATCH", "/v1/agents/{id}", {"id": AGENT}, {"number_ids": [NUMBER]}),
     Response(404, {"error": f"agent {AGENT} not found"})),
    # A generated {numberId} next to the created agent's id: the agent was found.
    ("dropped", "ST302", case("DELETE", "/v1/agents/{id}/numbers/{numberId}", {"id": AGENT, "numberId": NUMBER}, None),
     Response(404, {"error": f"number {NUMBER} not found"})),
    # ... but a created number that went missing is a real finding.
    ("kept", "ST302", case("DELETE", "/v1/agents/{id}/numbers/{numberId}", {"id": AGENT, "numberId": CREATED_NUMBER}, None),
     Response(404, {"error": f"number {CREATED_NUMBER} not found"})),
    # A fixture agent that went missing after an attach (answered 200) is a real finding.
    ("kept", "ST302", case("DELETE", "/v1/agents/{id}/numbers/{numberId}", {"id": FIXTURE_AGENT, "numberId": NUMBER}, None),
     Response(404, {"error": f"agent {FIXTURE_AGENT} not found"})),
    # A short body string that happens to be in the message does not make it the body's id.
    ("kept", "ST302", case("PATCH", "/v1/agents/{id}", {"id": AGENT}, {"name": "o"}),
     Response(404, {"error": f"agent {AGENT} not found"})),
    # A 404 that names no id at all is kept too.
    ("kept", "ST302", case("PATCH", "/v1/agents/{id}", {"id": AGENT}, {"number_ids": [NUMBER]}),
     Response(404, {"error": "not found"})),
    # An archived agent stays readable.
    ("dropped", "ST301", case("GET", "/v1/agents/{id}", {"id": AGENT}, None),
     Response(200, {"id": AGENT, "archived_at": "2026-12-03T00:00:00Z"})),
    ("kept", "ST301", case("GET", "/v1/agents/{id}", {"id": AGENT}, None),
     Response(200, {"id": AGENT, "archived_at": None})),
    # Link inference put the agent id in numberId.
    ("dropped", "ST302", case("DELETE", "/v1/agents/{id}/numbers/{numberId}", {"id": AGENT, "numberId": AGENT}, None),
     Response(404, {"error": "not attached"})),
]

failed = 0
for expected, code, c, response in CHECKS:
    reason = hooks._dropped(code, c, response)
    got = "kept" if reason is None else "dropped"
    label = f"{code} {c.operation.method} {c.operation.path} {response.status_code} {response._body}"
    if got != expected:
        failed += 1
        print(f"FAIL {label}: {got}, expected {expected}", file=sys.stderr)
    else:
        print(f"ok   {label}: {got}")
if failed:
    sys.exit(1)
hooks.TALLY.clear()  # nothing to report at exit
