"""What questions and remedies share: one verdict's rule results with the compiled rule and
the engine fact of each, the search model of the ruleset (made once per compiled plan), and
which document fields each fact key is read from.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .. import expr, messages
from ..compiler import Plan
from ..facts import Facts
from ..ir import EncodedFacts
from ..ruleset import Input, Ruleset, input_path
from ..search import Key, Model
from ..verdict import RuleResult, Verdict

#: ``participants[3]`` → ("participants", 3).
_ITEM = re.compile(r"^([a-z_]+)\[(\d+)\]$")

_MODELS: dict[int, tuple[Plan, Model]] = {}
_LOCK = threading.Lock()


def model_of(plan: Plan) -> Model:
    """The search model of a compiled plan, made once (bounded: drafts come and go)."""
    known = _MODELS.get(id(plan))
    if known is not None and known[0] is plan:
        return known[1]
    model = Model(plan)
    with _LOCK:
        if len(_MODELS) > 64:
            _MODELS.clear()
        _MODELS[id(plan)] = (plan, model)
    return model


@attrs.frozen
class Located:
    """One rule result with what the search needs: the rule's index, the list element's
    index (None on the root), and the fact the engine evaluated."""

    result: RuleResult
    index: int
    item: int | None
    fact: Mapping[str, Any]


@attrs.frozen
class Context:
    """One checked document, as questions and remedies read it."""

    ruleset: Ruleset
    plan: Plan
    facts: Facts
    encoded: EncodedFacts
    verdict: Verdict
    lang: str

    @property
    def model(self) -> Model:
        return model_of(self.plan)

    def located(self, result: RuleResult) -> Located:
        index = next(i for i, rule in enumerate(self.ruleset.rules) if rule.id == result.id)
        scope = self.ruleset.rules[index].for_each
        if scope is None or result.item is None:
            return Located(result, index, None, self.encoded.root)
        match = _ITEM.match(result.item)
        item = int(match.group(2)) if match else 0
        return Located(result, index, item, self.encoded.items[scope][item])

    def element(self, scope: str | None, item: int | None) -> dict[str, Any]:
        """The typed values of list element ``item`` of ``scope`` (empty on the root)."""
        if scope is None or item is None:
            return {}
        return self.facts.items[scope][item]

    def known(self, path: str) -> bool:
        """Whether the document gives the field at document path ``path``."""
        scope, item, field = split(path)
        values = self.facts.root if scope is None else self.element(scope, item)
        return values.get(field) is not None

    def input(self, path: str) -> Input | None:
        return self.ruleset.inputs.get(input_path(path))

    def text(self, path: str, what: str) -> str | None:
        """The question or label (``what``) of the field at ``path``, in the verdict's
        language, filled in from the document; None when the ruleset has none."""
        described = self.input(path)
        template = None if described is None else getattr(described, what).get(self.lang)
        if template is None:
            return None
        scope, item, _ = split(path)
        label = None if scope is None else f"{scope}[{item}]"
        render = messages.renderer(template, self.lang)
        return render(self.facts.root, self.element(scope, item), label, ())


def split(path: str) -> tuple[str | None, int | None, str]:
    """(list, element index, field in the element) of a document path; (None, None, path) at the root."""
    head, dot, rest = path.partition(".")
    match = _ITEM.match(head)
    if match and dot:
        return match.group(1), int(match.group(2)), rest
    return None, None, path


def fields_of_key(key: Key, item: int | None, root: Mapping[str, Any]) -> list[str]:
    """The document paths a fact key is read from (``reference_date``: ``submitted_at``).

    A gathering path (``partners.experience``) is read from that field of every element the
    document's typed ``root`` holds, or from the list itself when there is none."""
    paths = [expr.Path(key.scope, key.path, key.type)] if key.call is None else list(expr.paths(key.call))
    out: list[str] = []
    for path in paths:
        if path.gather is not None:
            elements = root.get(path.gather) or ()
            out.extend([f"{path.gather}[{n}].{path.element_field}" for n in range(len(elements))] or [path.gather])
        elif path.scope is None:
            out.append("submitted_at" if path.path == "reference_date" else path.path)
        else:
            out.append(f"{path.scope}[{item}].{path.path}")
    return list(dict.fromkeys(out))


def rule_keys(model: Model, index: int) -> list[Key]:
    """The fact keys rule ``index`` reads, in reading order."""
    return [model.vars[var_id] for var_id in model.rule_vars[index]]


#: (document, ) -> the verdict of that document, checked as the original was.
Evaluate = Callable[[dict[str, Any]], Verdict]
