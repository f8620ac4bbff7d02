"""AR206: every input a rule reads has a question in Dutch, French and English.

A portal and ``amif-rules interview`` ask for a missing input with the question the ruleset
gives it (``inputs:``, contract §5); without one, a verdict asks in words made from the
path. The bundled base ``application-inputs`` gives every field's question; a draft that
overrides one, or a ruleset that does not extend the base, can leave one out.
"""

from __future__ import annotations

from ...languages import LANGUAGES
from ...schema import LIST
from .linter import Linter
from .raw import RawFile, rule_places


def input_paths_read(linter: Linter) -> dict[str, list[str]]:
    """input path → the ids of the rules that read it, in rule order (``reference_date`` is
    read from ``submitted_at``)."""
    ruleset = linter.ruleset
    assert ruleset is not None
    read: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        for path in rule.reads:
            name = "submitted_at" if path.path == "reference_date" and path.scope is None else path.input_path
            if path.type.kind == LIST and path.scope is None:
                name = path.path
            ids = read.setdefault(name, [])
            if rule.id not in ids:
                ids.append(rule.id)
    return read


def _input_places(chain: list[RawFile]) -> dict[str, str]:
    """input path -> where its question is, in the last file of the chain that gives one."""
    found: dict[str, str] = {}
    for raw in chain:
        inputs = raw.data.get("inputs") if isinstance(raw.data, dict) else None
        if isinstance(inputs, dict):
            for path, spec in inputs.items():
                if isinstance(spec, dict) and "question" in spec:
                    found[str(path)] = raw.where(("inputs", path, "question"))
    return found


def unasked_inputs(linter: Linter, chain: list[RawFile]) -> None:
    """AR206 for each input a rule reads that has no question in some language."""
    ruleset = linter.ruleset
    assert ruleset is not None
    places = rule_places(chain)
    entries = _input_places(chain)
    for path, rule_ids in input_paths_read(linter).items():
        described = ruleset.inputs.get(path)
        missing = [lang for lang in LANGUAGES if described is None or lang not in described.question]
        if not missing:
            continue
        where = entries.get(path) or places.get((rule_ids[0], None)) or linter.name
        languages = ", ".join(missing)
        linter.add(
            "AR206",
            f"input {path} (read by {', '.join(rule_ids)}) has no question in {languages}",
            where,
            rule=rule_ids[0],
            hint=f"add inputs: {{{path}: {{question: {{{', '.join(f'{lang}: ...' for lang in missing)}}}}}}} "
            "(or extend application-inputs, which asks for every field)",
        )
