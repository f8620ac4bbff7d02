"""What :func:`~amif_rules.toolkit.lint.lint` returns: :class:`Finding` objects with stable
codes (:data:`CODES`, listed in docs/lint.md), the exit status they give, and their order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import attrs

SEVERITIES = ("error", "warning", "info")

#: Every finding code: (usual severity, what it means). Codes are stable: a code is never
#: reused for another kind of finding. docs/lint.md lists them.
CODES: dict[str, tuple[str, str]] = {
    "AR001": (
        "error",
        "not valid YAML, not UTF-8, empty, or not a mapping; or a YAML feature rulesets refuse (tags, aliases, a key written twice)",
    ),
    "AR002": ("error", "the data does not match the JSON Schema of ruleset files"),
    "AR003": ("info", "the JSON Schema check was skipped (jsonschema is not installed)"),
    "AR101": ("error", "unknown key"),
    "AR102": ("error", "missing required key (id, version, title, source, check, rules, a pass or fail message)"),
    "AR103": ("error", "unknown field path, or a path that names an object; item outside for_each; unknown list"),
    "AR104": ("error", "type error in an expression (a population compared with a text, an amount with a count...)"),
    "AR105": ("error", "missing translation: a title, description or message without its nl, fr or en text"),
    "AR106": ("error", "a rule or parameter without a source"),
    "AR107": ("error", "duplicate rule id"),
    "AR108": (
        "error",
        "bad parameter: its value does not fit its type, unknown type, no value and no type, bad dated values, bad name",
    ),
    "AR109": ("error", "bad value of a top-level or rule key (id, status, severity, dates, register_date, abstract...)"),
    "AR110": ("error", "expression syntax: not valid, or not part of the rule language"),
    "AR111": (
        "error",
        "bad message placeholder (unknown format, a format that does not fit the value, a date format on an instant the check compares...)",
    ),
    "AR112": ("error", "extends / remove_rules: no such ruleset or rule, a cycle, a file whose id does not match"),
    "AR113": ("error", "bad definition (name, not an expression, uses itself)"),
    "AR114": ("error", "beyond a limit (file size, number of rules, 64-bit arithmetic)"),
    "AR199": ("error", "another loading problem"),
    "AR201": ("info", "a rule left out: it reads a parameter without a value"),
    "AR202": ("warning", "a parameter no rule, message or definition reads"),
    "AR203": ("warning", "a definition no rule or other definition uses"),
    "AR204": ("warning", "a citation names a source text that is not in shared/sources"),
    "AR205": ("warning", "a citation quotes words, or names a heading, that its source text does not have"),
    "AR206": ("warning", "an input a rule reads has no question in nl, fr or en (inputs:)"),
    "AR207": (
        "warning",
        "a citation of the digest names a fact id it does not have, or a page it does not list under that fact's call",
    ),
    "AR301": (
        "warning",
        "thresholds leave a value on neither side: no rule accepts it, though values on both sides are accepted",
    ),
    "AR302": (
        "warning",
        "a rule that can never fail (info when its check is the constant true, or when found by a bounded search)",
    ),
    "AR303": ("error", "a rule that can never pass (warning for a warning rule, or when found by a bounded search)"),
    "AR304": ("warning", "a rule that can never apply (its when: is never true)"),
    "AR305": ("info", "a rule that is always unknown"),
    "AR310": (
        "error",
        "no application can be eligible: the rules contradict each other (warning when found by a bounded search)",
    ),
    "AR311": ("info", "an application that is eligible (with --verbose)"),
    "AR312": ("warning", "no list element can pass every rule: only applications without such elements can be eligible"),
    "AR390": ("info", "the semantic analysis was not run or not completed"),
}


@attrs.frozen
class Finding:
    """One finding of :func:`lint`.

    ``code``: stable (``AR301``), see :data:`CODES`; ``severity``: ``error``, ``warning`` or
    ``info``; ``location``: ``file:line:column`` (or less, when not known); ``hint``: what to
    write instead. Semantic findings also carry ``certain`` (proven by an exhaustive search,
    or found by a bounded one), ``candidates`` (how many cases were searched),
    ``counterexample`` (a complete application document), ``based_on`` (the example it was
    built from, or ``constructed``), ``changes`` (the fields set on it, by input path) and
    ``shows`` (what checking it gives: ``{"outcome": ..., "rules": [{"id", "item",
    "outcome", "message"}, ...]}``).
    """

    code: str
    severity: str
    message: str
    location: str | None = None
    hint: str | None = None
    rule: str | None = None
    details: tuple[str, ...] = ()
    certain: bool | None = None
    candidates: int | None = None
    counterexample: dict | None = attrs.field(default=None, eq=False, hash=False)
    based_on: str | None = None
    changes: dict | None = attrs.field(default=None, eq=False, hash=False)
    shows: dict | None = attrs.field(default=None, eq=False, hash=False)

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message, "location": self.location}
        for name in ("hint", "rule", "certain", "candidates", "based_on", "changes", "shows", "counterexample"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.details:
            data["details"] = list(self.details)
        return data

    def to_text(self, verbose: bool = False) -> str:
        head = f"{self.location}: " if self.location else ""
        lines = [f"{head}{self.severity} {self.code}: {self.message}"]
        lines.extend(f"    {line}" for line in self.details)
        if self.changes is not None:
            changed = ", ".join(f"{path} = {json.dumps(value, ensure_ascii=False)}" for path, value in self.changes.items())
            label = {"AR311": "eligible application", "AR302": "example"}.get(self.code, "counterexample")
            if self.based_on and self.based_on != "constructed":
                lines.append(f"    {label}: {self.based_on}" + (f", with {changed}" if changed else ""))
            else:
                lines.append(f"    {label}: a constructed application: {changed or '{}'}")
        if self.shows is not None:
            lines.append(f"    checked: {self.shows['outcome'].upper()}")
            marks = {"pass": "✔", "fail": "✘", "unknown": "?", "not_applicable": "–"}
            for result in self.shows.get("rules", ()):
                where = f" [{result['item']}]" if result.get("item") else ""
                lines.append(f"      {marks.get(result['outcome'], '?')} {result['id']}{where}: {result['message']}")
        if self.hint:
            lines.append(f"    hint: {self.hint}")
        if verbose and self.counterexample is not None:
            lines.append("    application:")
            text = json.dumps(self.counterexample, ensure_ascii=False, indent=2)
            lines.extend(f"      {line}" for line in text.split("\n"))
        return "\n".join(lines)


def exit_status(findings: Iterable[Finding]) -> int:
    """0 when no finding is an error, 1 otherwise (the ``lint`` command's exit status)."""
    return 1 if any(f.severity == "error" for f in findings) else 0


def order(finding: Finding) -> tuple:
    """The sort key of a finding: its file, line and column (as numbers), then its code."""
    location = finding.location or ""
    parts = location.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return (parts[0], int(parts[1]), int(parts[2]), finding.code)
    if len(parts) >= 2 and parts[-1].isdigit():
        return (":".join(parts[:-1]), int(parts[-1]), 0, finding.code)
    return (location, 0, 0, finding.code)
