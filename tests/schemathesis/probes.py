"""Targeted requests for disagreements between the emulator and api/openapi.yaml that random
generation reaches too rarely to catch reliably. Run by scripts/test-schemathesis.sh against
the same emulator: python3 probes.py <base url> <api key>

Each probe names the request, the status the description requires, and why. A probe listed
in $CALLINGBOX_ST_KNOWN_BUGS (comma-separated names) is a known emulator bug: its failure is
reported but does not fail the run, and once it passes the script says to take it off the
list. Any other failing probe fails the run.
"""

import json
import os
import sys
import urllib.error
import urllib.request

BASE, KEY = sys.argv[1], sys.argv[2]
KNOWN = {name for name in os.environ.get("CALLINGBOX_ST_KNOWN_BUGS", "").split(",") if name}

HTTP_TOOL = {"type": "http", "name": "lookup", "description": "Look it up.", "policy": "read", "url": "https://example.com/tool"}


def agent(**fields):
    return {"name": "Probe", "type": "outbound", **fields}


def without(d, key):
    return {k: v for k, v in d.items() if k != key}


# name, method, path, body, statuses the description allows, why
PROBES = [
    (
        "tool-policy-required",
        "POST", "/v1/agents", agent(tools=[without(HTTP_TOOL, "policy")]), {400},
        "HttpTool/BuiltinTool require `policy` (it is part of the tool wire format); the answer would "
        "otherwise hold a tool without it, which the Agent schema does not allow",
    ),
    (
        "tool-headers-strings",
        "POST", "/v1/agents", agent(tools=[{**HTTP_TOOL, "headers": {"X-Retry": 1}}]), {400},
        "HttpTool.headers values are strings",
    ),
    (
        "length-in-characters",
        "POST", "/v1/agents", agent(name="é" * 6000), {201},
        "maxLength counts characters (JSON Schema), so 6,000 characters are within 10,000 "
        "although they are 12,000 bytes of UTF-8",
    ),
    (
        "returns-name-in-characters",
        "POST", "/v1/agents", agent(returns={"é" * 40: "string"}), {201},
        "ReturnsSchema field names may have 64 characters (these 40 are 80 bytes)",
    ),
    (
        "url-needs-a-host",
        "POST", "/v1/webhook_endpoints", {"url": "http://["}, {400},
        "`http://[` has no host a client could connect to; stored, it breaks tools that "
        "parse the URL (Schemathesis' own link inference crashed on it)",
    ),
    (
        "endpoint-url-https",
        "POST", "/v1/webhook_endpoints", {"url": "http://example.com/hook"}, {400},
        "a webhook endpoint's url is public HTTPS: the pattern next to its HttpUrl allows "
        "http:// to a loopback host only",
    ),
    (
        "endpoint-url-loopback-http",
        "POST", "/v1/webhook_endpoints", {"url": "http://localhost:9/hook"}, {201},
        "http:// to a loopback host is allowed, for a local receiver",
    ),
    (
        "endpoint-url-userinfo-is-not-the-host",
        "POST", "/v1/webhook_endpoints", {"url": "http://127.0.0.1@example.com/hook"}, {400},
        "the host is what follows the userinfo (example.com here), not 127.0.0.1",
    ),
]


def send(method, path, body):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {KEY}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


passed = failed = known = 0
for name, method, path, body, allowed, why in PROBES:
    status, text = send(method, path, body)
    if status in allowed:
        passed += 1
        note = "; take it off CALLINGBOX_ST_KNOWN_BUGS" if name in KNOWN else ""
        print(f"probe {name}: ok ({status}){note}")
        continue
    line = f"probe {name}: {method} {path} answered {status}, the description wants {sorted(allowed)}: {why}\n    {text[:200]}"
    if name in KNOWN:
        known += 1
        print("known emulator bug, " + line)
    else:
        failed += 1
        print("FAILED " + line, file=sys.stderr)
# Known bugs count as skipped.
print(f"probes: {passed} passed, {failed} failed, {known} skipped")
sys.exit(1 if failed else 0)
