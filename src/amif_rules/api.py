"""The Python entry point (contract §4): ``check(document, call=..., lang=..., engine=...)``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from . import catalog, dates
from .documents import parse_text, read_application, to_document
from .engines import get_engine
from .errors import InputError, Problem
from .facts import Facts, Flat, derive, flatten
from .includes import include_names
from .languages import check_language
from .model import Application
from .quickcheck import quick_check, warmed_up
from .readgen import quick_flat
from .ruleset import Ruleset
from .verdict import Verdict, build_verdict


def check(
    document: Any,
    call: str | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    ruleset: Ruleset | None = None,
    include: str | Iterable[str] | None = None,
) -> Verdict:
    """Check one application and explain the verdict.

    ``document``: a mapping as in contract §1, JSON/YAML text, or an
    :class:`~amif_rules.model.Application`. ``call`` defaults to the document's ``call``.
    ``on`` evaluates as of that date instead of the submission date: it picks the version of
    the call in force, the value of dated parameters, EU membership and ages. ``ruleset``
    evaluates a ruleset you loaded yourself (a draft, say) instead of the bundled one.
    ``include`` asks for more than contract §2 (§5): ``("questions", "remedies")``, either,
    or the same names joined by commas; each adds its key to the verdict.
    Raises :class:`InputError` for bad input, :class:`UnknownCall` for an unknown call,
    ValueError for an unknown ``include`` name.
    """
    check_language(lang)
    names = include_names(include)
    if on is not None and (not isinstance(on, dt.date) or isinstance(on, dt.datetime)):
        raise TypeError("on must be a datetime.date")
    selected_engine = get_engine(engine)
    if isinstance(document, (str, bytes)):
        document = parse_text(document)
    quick = None
    if type(document) is dict and warmed_up():  # the common case: generated code reads and decides
        quick = quick_check(document, call, on, ruleset, decide=selected_engine is get_engine("python"))
    encoded = None
    if quick is None:
        prepared, facts = prepare_flat(flatten(read_application(document)), call=call, on=on, ruleset=ruleset)
        outcomes = None
    else:
        prepared, facts, outcomes = quick
    if outcomes is None:
        encoded = prepared.plan.encode(facts)
        outcomes = selected_engine.evaluate(prepared.plan.compiled, encoded)
    call_code = call if call is not None else facts.root.get("call")
    verdict = build_verdict(prepared.ruleset, facts, outcomes, selected_engine.name, lang, call_code)
    if not names:
        return verdict
    if encoded is None:
        encoded = prepared.plan.encode(facts)
    from .advice import Context, advise  # only when asked: a plain check does not load the search

    def evaluate(changed: dict[str, Any]) -> Verdict:  # a remedy's proof: checked as this one was
        return check(changed, call=call, lang=lang, engine=selected_engine.name, on=on, ruleset=ruleset)

    context = Context(prepared.ruleset, prepared.plan, facts, encoded, verdict, lang)
    return advise(context, names, plain_document(document), evaluate)


def decision_source(call: str | None = None, on: dt.date | None = None, ruleset: Ruleset | None = None) -> str:
    """The Python source the built-in engine runs for a call (or ``ruleset``), as generated
    from its compiled rules (``engines/generated.py``): to read, and to debug with."""
    return generated_source(call=call, on=on, ruleset=ruleset)


#: What :func:`generated_source` can show.
GENERATED_PARTS = ("check", "read", "decide", "encode", "explain")


def generated_source(
    call: str | None = None,
    part: str = "decide",
    on: dt.date | None = None,
    ruleset: Ruleset | None = None,
    rule: str | None = None,
    outcome: str = "fail",
    lang: str = "nl",
) -> str:
    """The Python source generated for a call (or ``ruleset``), as it runs: ``part="check"``
    the function that reads a plain document and decides every rule (``check`` with the
    built-in engine), ``"read"`` the reader alone (the same for every call: the durable
    engine's way in), ``"decide"`` the built-in engine's decision function on encoded facts,
    ``"encode"`` the fact encoder, ``"explain"`` the explanation of rule ``rule`` with
    ``outcome`` in ``lang``. For reading what a rule became, and for debugging."""
    if part not in GENERATED_PARTS:
        raise ValueError(f"part must be one of {', '.join(GENERATED_PARTS)}, not {part!r}")
    if part == "read":
        from .readgen import reader

        return reader()[0]
    if ruleset is not None:
        prepared = catalog.prepare_ruleset(ruleset, on)
    elif call is None:
        raise ValueError("say which call (call=...) or give a ruleset (ruleset=...)")
    else:
        prepared = catalog.for_call(str(call), on)
    if part == "check":
        from .quickcheck import checker

        return checker(prepared.plan)[0]
    if part == "decide":
        from .engines.generated import source

        return source(prepared.plan.compiled)
    if part == "encode":
        return prepared.plan.encoder()[0]
    from .explaingen import explain_source
    from .rulesetmodel import OUTCOMES

    check_language(lang)
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    found = [candidate for candidate in prepared.ruleset.rules if candidate.id == rule]
    if not found:
        known = ", ".join(candidate.id for candidate in prepared.ruleset.rules)
        raise ValueError(f"say which rule to explain (rule=...): one of {known}")
    return explain_source(found[0], outcome, lang)


def plain_document(document: Any) -> dict[str, Any]:
    """The document as a plain mapping of contract §1 (to change and check again)."""
    if isinstance(document, (str, bytes)):
        document = parse_text(document)
    if isinstance(document, Application):
        return to_document(document)
    return dict(document)


def read_flat(document: Any) -> Flat:
    """A document's flat facts: plain valid documents the quick way (``readgen``), the
    rest through the full reader, which names every problem by its path."""
    if isinstance(document, (str, bytes)):
        document = parse_text(document)
    if type(document) is dict:
        flat = quick_flat(document)
        if flat is not None:
            return flat
    return flatten(read_application(document))


def reference_date(application: Application, on: dt.date | None = None) -> dt.date | None:
    """The date rules are evaluated on: ``on``, else the Brussels date of the submission."""
    return dates.reference_date(application.submitted_at, on)


def prepare(
    application: Application, call: str | None = None, on: dt.date | None = None, ruleset: Ruleset | None = None
) -> tuple[catalog.Prepared, Facts]:
    """The compiled ruleset in force for ``application`` and its facts: what ``check``
    evaluates (for tools that evaluate the same way, such as ruleset tests and impact)."""
    return prepare_flat(flatten(application), call=call, on=on, ruleset=ruleset)


def prepare_flat(
    flat: Flat, call: str | None = None, on: dt.date | None = None, ruleset: Ruleset | None = None
) -> tuple[catalog.Prepared, Facts]:
    """:func:`prepare` for flat facts (takes ``flat`` over, see :func:`facts.derive`)."""
    day = dates.reference_date(flat.root.get("submitted_at"), on)
    if ruleset is not None:
        prepared = catalog.prepare_ruleset(ruleset, day)
    else:
        code = call if call is not None else flat.root.get("call")
        if code is None:
            raise InputError([Problem("call", 'missing: say which call the application is for ("call": "42")')])
        prepared = catalog.for_call(str(code), day)
    register_date = dates.register_date(prepared.ruleset.register_date, day)
    return prepared, derive(flat, on=on, register_date=register_date, reference_date=day)
