"""What to ask next (contract §5): one question per ``missing`` path of an incomplete verdict.

Each question carries the field's JSON Schema (:mod:`amif_rules.fieldschema`), its question
in the verdict's language (the ruleset's ``inputs:``), the rules that wait for it, the passage
of the first, and whether it is *decisive*: some answer to it alone makes a rule of severity
``error`` fail. That is asked of the shared search (:func:`amif_rules.search.smallest_changes`)
on the rule's own fact, the fact keys the answer decides set free, every other key as the
document gives it; a key derived from the field and another one that is missing is not
decided by this answer alone.
"""

from __future__ import annotations

from typing import Any

from .. import expr, schema
from ..fieldschema import field_schema
from ..search import smallest_changes
from ..verdict import RuleResult
from .context import Context, Located, fields_of_key, rule_keys, split
from .words import fallback_question

_FIELD_ORDER = {path: n for n, path in enumerate(schema.ROOT_FIELDS)}
_ELEMENT_ORDER = {scope: {path: n for n, path in enumerate(fields)} for scope, fields in schema.SCOPE_FIELDS.items()}


def document_order(path: str) -> tuple:
    """Where ``path`` comes in a document: top-level fields in the contract's order, list
    elements by index, fields in the order the schema lists them."""
    scope, item, field = split(path)
    head = scope or path.split(".")[0]
    rank = schema.TOP_LEVEL.index(head) if head in schema.TOP_LEVEL else len(schema.TOP_LEVEL)
    if scope is None:
        return (rank, 0, _FIELD_ORDER.get(path, len(_FIELD_ORDER)), path)
    order = _ELEMENT_ORDER.get(scope, {})
    return (rank, item or 0, order.get(field, len(order)), path)


def questions(context: Context) -> list[dict[str, Any]]:
    """The questions of ``context``'s verdict: empty unless it is incomplete; decisive
    questions first, then the others, each group in document order."""
    verdict = context.verdict
    if verdict.outcome != "incomplete":
        return []
    waiting: dict[str, list[RuleResult]] = {}
    for result in verdict.rules:
        if result.outcome == "unknown":
            for path in result.missing:
                waiting.setdefault(path, []).append(result)
    entries: list[dict[str, Any]] = []
    for path in verdict.missing:
        results = waiting.get(path, [])
        decisive = any(result.severity == "error" and _refusable(context, context.located(result), path) for result in results)
        question = context.text(path, "question") or fallback_question(path, context.lang)
        entries.append(
            {
                "path": path,
                "schema": field_schema(path),
                "question": question,
                "rules": list(dict.fromkeys(result.id for result in results)),
                "source": results[0].source if results else "",
                "decisive": decisive,
            }
        )
    entries.sort(key=lambda entry: (not entry["decisive"], document_order(entry["path"])))
    return entries


def decided_by(context: Context, located: Located, path: str) -> list[str]:
    """The fact keys of a rule result that an answer to ``path`` alone decides: keys read
    from that field, and derived keys whose other fields the document gives."""
    keys = []
    for key in rule_keys(context.model, located.index):
        if path not in fields_of_key(key, located.item, context.facts.root):
            continue
        arguments = [] if key.call is None else expr.paths(key.call)
        if all(_known(context, argument, located.item, path) for argument in arguments):
            keys.append(key.key)
    return keys


def _known(context: Context, argument: expr.Path, item: int | None, answered: str) -> bool:
    """Whether an argument of a derived key is known once ``answered`` is."""
    if argument.scope is None and argument.path == "reference_date":
        return answered == "submitted_at" or context.facts.root.get("reference_date") is not None
    where = argument.path if argument.scope is None else f"{argument.scope}[{item}].{argument.path}"
    return where == answered or context.known(where)


def _refusable(context: Context, located: Located, path: str) -> bool:
    """Whether some answer to ``path`` alone makes the result fail."""
    keys = decided_by(context, located, path)
    if not keys:
        return False
    found = smallest_changes(context.model, located.index, located.fact, keys, lambda outcome: outcome == "fail", pairs=False)
    return bool(found)
