"""Schemathesis hooks for scripts/test-schemathesis.sh.

- Idempotency-Key: generated keys are short and repeat ("0", "00", ...), and the same key
  with another body is a 409 by design, so most POSTs would end there. A well-formed key is
  made unique per request; malformed ones are sent as generated (they must be a 400).
- Fixture guard: the stateful phase follows links from lists to DELETE and PATCH, and would
  archive the agent every dispatch uses or empty its numbers. Requests that would change a
  fixture that must stay usable are pointed at one kept for that purpose instead (see
  tests/schemathesis/emulator.mjs, which writes the roles to $CALLINGBOX_ST_DICT/roles.json).
- Stateful findings that are not the API's fault are dropped (see filter_failure, checked by
  tests/schemathesis/test_hooks.py on the failures seen in runs), and so are findings of the
  known emulator bugs listed in $CALLINGBOX_ST_KNOWN_BUGS (the names of
  tests/schemathesis/probes.py, which checks each of them on every run).
- Tally: Schemathesis reports failures, not how deep the generated requests went. A run
  where every operation only answered 404 or 400 would pass and prove little, so this counts
  the status codes each operation answered and, at exit, prints the table and writes it as
  JSON to $CALLINGBOX_ST_TALLY, where the script checks that every operation reached a 2xx.
"""

import atexit
import itertools
import json
import os
import re
import sys
from collections import Counter, defaultdict

import schemathesis

TALLY: dict[str, Counter] = defaultdict(Counter)
# A few distinct 400 messages per operation, to tell a description that is looser than the
# server's validation (the same message over and over) from business rules.
REJECTIONS: dict[str, Counter] = defaultdict(Counter)
# Requests with a method the path does not document (the 405 checks).
OTHER_METHODS: Counter = Counter()
# Failures filter_failure dropped, by reason, so that they stay visible.
DROPPED: Counter = Counter()
# The ids the API has said exist: the fixtures' (the *.dict files of $CALLINGBOX_ST_DICT) and
# the `id` of every 2xx answer to a POST, PUT or PATCH. A 404 that names another id is not
# about an object the run created.
KNOWN: set[str] = set()
NOT_FOUND = re.compile(r"[a-z ]+ (\S+) not found")


def _fixture_ids():
    folder = os.environ.get("CALLINGBOX_ST_DICT", "")
    if not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        if name.endswith(".dict"):
            with open(os.path.join(folder, name), encoding="utf-8") as fd:
                KNOWN.update(json.loads(line) for line in fd if line.strip())


_fixture_ids()


WELL_FORMED_KEY = re.compile(r"[\x21-\x7e]{1,200}")
SERIAL = itertools.count(1)

ROLES_PATH = os.path.join(os.environ.get("CALLINGBOX_ST_DICT", ""), "roles.json")
ROLES = json.load(open(ROLES_PATH, encoding="utf-8")) if os.path.isfile(ROLES_PATH) else None
# (method, path template) → (role of the objects to keep, role of the stand-ins)
GUARDED = {
    ("DELETE", "/v1/agents/{id}"): ("agents", "archivable"),
    ("PATCH", "/v1/agents/{id}"): ("agents", "mutable"),
    ("POST", "/v1/agents/{id}/numbers"): ("agents", "mutable"),
    ("DELETE", "/v1/agents/{id}/numbers/{numberId}"): ("agents", "mutable"),
    ("PUT", "/v1/agents/{id}/primary-number"): ("agents", "mutable"),
    ("DELETE", "/v1/webhook_endpoints/{id}"): ("endpoints", "deletable"),
}


def _guard(case):
    if ROLES is None:
        return
    rule = GUARDED.get((case.operation.method.upper(), case.operation.path))
    params = case.path_parameters or {}
    if rule is None or "id" not in params:
        return
    kind, stand_in = rule
    roles = ROLES[kind]
    keep = roles["keep"] + (roles["mutable"] if case.operation.method.upper() == "DELETE" and kind == "agents" else [])
    if params["id"] in keep:
        pool = roles[stand_in]
        params["id"] = pool[next(SERIAL) % len(pool)]


def _primary_among_numbers(case):
    """A generated primary_number_id is almost never among the generated number_ids, which
    is a documented 400; make it so, so that creates and updates get past that rule."""
    if case.operation.path not in ("/v1/agents", "/v1/agents/{id}"):
        return
    body = case.body
    if not isinstance(body, dict):
        return
    ids, primary = body.get("number_ids"), body.get("primary_number_id")
    if isinstance(primary, str) and isinstance(ids, list) and ids and primary not in ids:
        body["primary_number_id"] = ids[0]




@schemathesis.hook
def before_call(context, case, kwargs):
    _guard(case)
    _primary_among_numbers(case)
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str) and WELL_FORMED_KEY.fullmatch(value):
            headers[name] = f"{value}.{next(SERIAL)}"


KNOWN_BUGS = {name for name in os.environ.get("CALLINGBOX_ST_KNOWN_BUGS", "").split(",") if name}


def _tools(body):
    tools = body.get("tools") if isinstance(body, dict) else None
    return [t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []


def _known_bug(code, case, response):
    """The name of the known emulator bug this failure shows, if any."""
    if code == "ST201":  # a schema-violating request was accepted
        tools = _tools(case.body)
        if any("policy" not in t for t in tools):
            return "tool-policy-required"
        if any(isinstance(t.get("headers"), dict) and not all(isinstance(v, str) for v in t["headers"].values()) for t in tools):
            return "tool-headers-strings"
    if code == "ST202":  # a schema-valid request was refused
        try:
            message = str(response.json().get("error", ""))
        except Exception:
            message = ""
        if "bytes" in message:
            return "length-in-characters"
        if "field names must be 1-64 characters" in message:
            return "returns-name-in-characters"
    return None


@schemathesis.hook
def filter_failure(context, failure, case, response):
    code = getattr(failure, "code", "")
    path = case.operation.path
    reason = _dropped(code, case, response)
    if reason:
        DROPPED[f"{code} {case.operation.method.upper()} {path}: {reason}"] += 1
    return reason is None


def _dropped(code, case, response):
    """Why a failure is not the emulator's fault or is a known bug, or None to keep it."""
    path = case.operation.path
    bug = _known_bug(code, case, response)
    if bug in KNOWN_BUGS:
        return f"known emulator bug {bug}"
    # DELETE /v1/agents/{id} archives: the agent stays readable with `archived_at` set.
    if code == "ST301" and path == "/v1/agents/{id}" and response.status_code == 200:
        try:
            if response.json().get("archived_at") is not None:
                return "an archived agent stays readable"
        except Exception:
            pass
    # Link inference fills {numberId} with the agent's own id, which is no number.
    if code == "ST302" and path == "/v1/agents/{id}/numbers/{numberId}":
        params = case.path_parameters or {}
        if params.get("id") == params.get("numberId"):
            return "inferred link put the agent id in numberId"
    # The emulator's 404 names the missing object ("number <id> not found").
    if code == "ST302" and response.status_code == 404:
        try:
            message = str(response.json().get("error", ""))
        except Exception:
            message = ""
        # An id the API never gave out is not the created resource: a generated number_id
        # of PUT /v1/agents/{id}/primary-number, one of PATCH's number_ids, a generated
        # {numberId} next to a linked agent id.
        named = NOT_FOUND.fullmatch(message)
        if named and named.group(1) not in KNOWN:
            return "the 404 names an id the API never returned, not the created resource"
    return None


@schemathesis.hook
def after_call(context, case, response):
    # Some checks send another method than the operation's (e.g. for a 405): count by what
    # was sent.
    sent = getattr(getattr(response, "request", None), "method", None) or case.operation.method
    if sent.upper() != case.operation.method.upper():
        OTHER_METHODS[response.status_code] += 1
        return
    label = f"{sent.upper()} {case.operation.path}"
    TALLY[label][response.status_code] += 1
    if 200 <= response.status_code < 300 and sent.upper() in ("POST", "PUT", "PATCH"):
        try:
            KNOWN.add(str(response.json()["id"]))
        except Exception:
            pass
    if response.status_code == 400:
        try:
            message = response.json().get("error", "")
        except Exception:
            message = response.text
        REJECTIONS[label][str(message)[:120]] += 1


def _report():
    if not TALLY:
        return
    rows = []
    for label in sorted(TALLY, key=lambda s: (s.split(" ", 1)[1], s)):
        counts = TALLY[label]
        total = sum(counts.values())
        ok = sum(n for status, n in counts.items() if 200 <= status < 300)
        spread = " ".join(f"{status}:{n}" for status, n in sorted(counts.items()))
        rows.append((label, total, ok, spread))
    width = max(len(r[0]) for r in rows)
    out = sys.stderr
    print("\nanswers per operation (requests, 2xx share, status:count):", file=out)
    for label, total, ok, spread in rows:
        print(f"  {label:<{width}}  {total:>5}  {100 * ok // total:>3}% 2xx  {spread}", file=out)
    if OTHER_METHODS:
        spread = " ".join(f"{status}:{n}" for status, n in sorted(OTHER_METHODS.items()))
        print(f"  (undocumented methods on documented paths: {spread})", file=out)
    for reason, n in sorted(DROPPED.items()):
        print(f"  dropped {n}x  {reason}", file=out)
    if os.environ.get("CALLINGBOX_ST_VERBOSE"):
        print("\nmost frequent 400 messages:", file=out)
        for label in sorted(REJECTIONS):
            for message, n in REJECTIONS[label].most_common(4):
                print(f"  {label}  {n:>4}x  {message}", file=out)
    path = os.environ.get("CALLINGBOX_ST_TALLY")
    if path:
        with open(path, "w", encoding="utf-8") as fd:
            json.dump({label: dict(counts) for label, counts in TALLY.items()}, fd, indent=1)


atexit.register(_report)
