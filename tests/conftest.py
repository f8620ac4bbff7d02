"""Shared fixtures: the engines to hold to the same verdicts, and a passing call-42 document."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import pytest

import amif_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

#: durable-rules is installed (by an environment marker) exactly on 3.11 and 3.12.
DURABLE_EXPECTED = (3, 11) <= sys.version_info[:2] < (3, 13)

ENGINES = ["python"] + (["durable"] if os.environ.get("AMIF_NO_DURABLE") != "1" and amif_rules.durable_available() else [])

#: The rules of rulesets/call-42.yaml, in their order.
CALL_42_RULES = [
    "lead-is-ocmw",
    "lead-municipality-large",
    "partner-is-ocmw",
    "partner-municipality-small",
    "partner-role-coaching",
    "participant-third-country-national",
    "participant-legal-residence",
    "amif-share-max",
    "pod-mi-share-max",
    "amif-within-call-budget",
    "submitted-before-deadline",
    "form-complete",
    "form-signed",
]

#: Text a hostile ruleset puts where a generator writes literals: quotes, backslashes,
#: newlines, code in strings, dunder names, comments, format strings, bidi marks, emoji.
#: The fuzz tests of each code generator add the generator's own names to these.
HOSTILE_WORDS = (
    "'",
    '"',
    "'''",
    '"""',
    "\\",
    "\n",
    "\r\n",
    "'); __import__('os').system('touch /tmp/pwned'); ('",
    '"+__import__("os").getcwd()+"',
    "__class__",
    "__builtins__",
    "\\x00",
    "{0}",
    "%s",
    "\u202e",
    "\U0001f600",
    "ï",
    "# comment",
    "\tdef f(): pass",
)

ELIGIBLE = {
    "call": "42",
    "submitted_at": "2019-08-30T14:00:00+02:00",
    "form": {"complete": True, "signed": True},
    "applicant": {
        "name": "OCMW Antwerpen",
        "kind": "ocmw",
        "municipality": {"nis_code": "11002", "name": "Antwerpen", "population": 525935},
    },
    "partners": [
        {
            "name": "OCMW Mechelen",
            "kind": "ocmw",
            "role": "coaching",
            "municipality": {"nis_code": "12025", "name": "Mechelen", "population": 86616},
        }
    ],
    "participants": [
        {"id": "P-001", "nationalities": ["SY"], "residence": "international_protection"},
        {"id": "P-002", "nationalities": ["stateless"], "residence": "applicant"},
    ],
    "budget": {"total_eligible_cost": "400000.00", "amif": "300000.00", "cofinancing": {"pod_mi": "60000.00", "own": "40000.00"}},
    "duration_months": 24,
}


def interpreted(compiled, facts) -> list[tuple[int, int | None, str]]:
    """The reference: each rule's outcome on encoded facts by the built-in engine's
    interpreter (``rule_outcome``), in the engines' order."""
    from amif_rules.engines.python import rule_outcome

    out = []
    for rule in compiled.rules:
        if rule.scope is None:
            out.append((rule.index, None, rule_outcome(rule, facts.root)))
        else:
            for item, fact in enumerate(facts.items.get(rule.scope, ())):
                out.append((rule.index, item, rule_outcome(rule, fact)))
    return out


def eligible(**changes) -> dict:
    """A deep copy of a document that passes every call-42 rule, with top-level changes."""
    document = copy.deepcopy(ELIGIBLE)
    document.update(copy.deepcopy(changes))
    return document


def patched(path: str, value, document: dict | None = None) -> dict:
    """A copy of ``document`` (default: the eligible one) with one dotted path set.

    ``value`` of ``...`` removes the field. Path segments that are digits index lists.
    """
    document = copy.deepcopy(document if document is not None else ELIGIBLE)
    parts = path.split(".")
    target = document
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
    last = parts[-1]
    if value is ...:
        if last.isdigit():
            del target[int(last)]
        else:
            target.pop(last, None)
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return document


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


# The service's fixtures (a real server on a loopback port), for the tests in service/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "service"))
from serving import Server, server, start_server  # noqa: E402,F401  (fixtures: registered by being here)
