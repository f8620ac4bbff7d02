"""Checking applications, and measuring a draft's impact, over Dask collections.

Why: a portfolio too large for one process, or one that already lives in a data lake, is
checked where it lies, on as many workers as a Dask cluster has; each partition runs the
library unchanged (:func:`amif_rules.check`, :func:`amif_rules.toolkit.impact.impact`), so a
record says exactly what a check in process says. An optional extra:
``pip install "amif-rules[dask]"``; ``import amif_rules`` never imports Dask.

- :func:`check_bag`: a bag of documents → a bag of records, one per document, in order.
- :func:`check_dataframe`: a column of documents → outcome, ruleset id and version, error.
- :func:`impact_bag`, :func:`impact_dataframe`: a draft against its base → the
  :class:`~amif_rules.toolkit.impact.ImpactReport` that ``impact`` returns in process.

A ruleset given as an object is one ``dask.delayed`` key of the graph: each worker receives
it once, and the catalogue compiles it once per process (it caches compiled rulesets by
digest), however many partitions the worker runs. See docs/dask.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .api import check
from .catalog import resolve_ruleset
from .engines import get_engine
from .errors import AmifRulesError, InputError, excerpt
from .languages import check_language
from .ruleset import Ruleset, find_parent, load_ruleset
from .toolkit.impact import MAX_LISTED_ERRORS, VERDICT_OUTCOMES, BadDocument, Flip, ImpactReport, RuleDelta, RulesetLike, impact

#: How to install what this module needs (said by the ImportError when Dask is missing).
INSTALL = 'pip install "amif-rules[dask]"'

try:
    import dask.bag as db
    from dask.delayed import delayed
except ImportError as error:  # tests/dask/test_dask_extra.py holds the message
    raise ImportError(f"amif_rules.dask needs Dask, an optional extra of amif-rules: {INSTALL} ({error})") from error

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from dask.delayed import Delayed

__all__ = [
    "COLUMNS",
    "INSTALL",
    "CheckOptions",
    "PartitionImpact",
    "check_bag",
    "check_dataframe",
    "check_record",
    "impact_bag",
    "impact_dataframe",
    "merge",
]

#: The columns of :func:`check_dataframe`'s result, in order; each of pandas' ``string`` dtype.
COLUMNS = ("outcome", "ruleset_id", "ruleset_version", "error")


# -- checking --------------------------------------------------------------------------------------


@attrs.frozen
class CheckOptions:
    """What every document of a collection is checked with (``check``'s arguments but the
    ruleset, which travels as a key of its own)."""

    call: str | None = None
    lang: str = "nl"
    engine: str = "auto"
    on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        # Said once, when the graph is built, rather than as an error record per document.
        check_language(self.lang)
        get_engine(self.engine)
        if self.on is not None and (not isinstance(self.on, dt.date) or isinstance(self.on, dt.datetime)):
            raise TypeError("on must be a datetime.date")


def check_record(document: Any, options: CheckOptions | None = None, ruleset: Ruleset | None = None) -> dict[str, Any]:
    """One document's record: ``Verdict.to_dict()`` as it is, or ``{"error": {...}}`` when it
    cannot be checked (``InputError.to_dict()``, else the error's ``code`` and message).
    Never raises, so that one document cannot fail the others' job."""
    options = options if options is not None else CheckOptions()
    try:
        verdict = check(document, call=options.call, lang=options.lang, engine=options.engine, on=options.on, ruleset=ruleset)
    except InputError as error:
        return {"error": error.to_dict()}
    except AmifRulesError as error:
        return {"error": {"error": error.code, "message": str(error)}}
    except Exception as error:  # noqa: BLE001 - a bug must not cost the documents after this one
        return {"error": {"error": "internal", "message": f"{type(error).__name__}: {excerpt(str(error))}; please report it"}}
    return verdict.to_dict()


def check_bag(
    bag: db.Bag,
    call: str | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    ruleset: RulesetLike | None = None,
) -> db.Bag:
    """A bag of documents (mappings, JSON or YAML text, ``Application`` objects) → a bag of
    :func:`check_record` records, one per document, in the same order and partitions.

    The arguments are :func:`amif_rules.check`'s; ``ruleset`` may also be a ruleset file or a
    bundled id. A bad language, engine or ruleset raises here, before anything is computed.
    """
    options = CheckOptions(call, lang, engine, on)
    return bag.map_partitions(_check_partition, options, _ship(ruleset))


def _check_partition(documents: Iterable[Any], options: CheckOptions, ruleset: Ruleset | None) -> list[dict[str, Any]]:
    return [check_record(document, options, ruleset) for document in documents]


def _ship(ruleset: RulesetLike | None) -> Delayed | None:
    """The ruleset as one key of the graph (sent to each worker once), or None for the catalogue's."""
    if ruleset is None:
        return None
    return delayed(resolve_ruleset(ruleset), pure=True, traverse=False)


def check_dataframe(
    df: dd.DataFrame,
    column: str = "document",
    call: str | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    ruleset: RulesetLike | None = None,
) -> dd.DataFrame:
    """The documents of ``df[column]`` (JSON or YAML text) checked: a dataframe with ``df``'s
    index and partitions and the :data:`COLUMNS` ``outcome``, ``ruleset_id``,
    ``ruleset_version`` (missing when the document could not be checked) and ``error`` (the
    JSON text of the record's ``"error"``; missing when the document was checked). A missing
    document is an error ("the document is empty")."""
    options = CheckOptions(call, lang, engine, on)
    pandas = _pandas()
    meta = pandas.DataFrame({name: pandas.Series([], dtype="string") for name in COLUMNS})
    return df[column].map_partitions(_check_series, options, _ship(ruleset), meta=meta)


def _check_series(series: pd.Series, options: CheckOptions, ruleset: Ruleset | None) -> pd.DataFrame:
    pandas = _pandas()
    rows: list[tuple[str | None, str | None, str | None, str | None]] = []
    for document in series:
        record = check_record(_present(document), options, ruleset)
        error = record.get("error")
        if error is not None:
            rows.append((None, None, None, json.dumps(error, ensure_ascii=False)))
        else:
            rows.append((record["outcome"], record["ruleset"]["id"], record["ruleset"]["version"], None))
    return pandas.DataFrame(rows, index=series.index, columns=list(COLUMNS), dtype="string")


def _present(value: Any) -> Any:
    """A column's missing value (None, NaN, pandas' NA) as None: "the document is empty"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return None if value is _pandas().NA else value


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as error:
        raise ImportError(f"amif_rules.dask's dataframes need pandas: {INSTALL} ({error})") from error
    return pandas


# -- impact ----------------------------------------------------------------------------------------


@attrs.frozen
class ImpactOptions:
    """What every partition's ``impact`` is run with."""

    lang: str = "nl"
    engine: str = "auto"
    on: dt.date | None = None


@attrs.frozen
class PartitionImpact:
    """One partition's impact report, and the names ``#k`` it gave its unnamed documents (``k``
    counted within the partition), so that the merge numbers them over the whole collection."""

    report: ImpactReport
    numbered: frozenset[str]


def impact_bag(
    bag: db.Bag,
    draft: RulesetLike,
    base: RulesetLike | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    portfolio: str = "<dask bag>",
    scheduler: str | None = None,
) -> ImpactReport:
    """The impact of ``draft`` over a bag of documents: the report that
    :func:`amif_rules.toolkit.impact.impact` gives for the same documents in the same order.

    ``base``: the published ruleset (default: the one the draft ``extends``, found as
    ``extends`` finds it). Elements are documents, or ``(name, document)`` pairs; an unnamed
    document is named ``#n`` by its place in the bag (from 1), as ``impact`` names the
    documents of an iterable. Each partition runs ``impact``; their reports are added up here
    (:func:`merge`). ``portfolio`` is the report's name for the documents; ``scheduler``
    goes to Dask's ``compute`` (default: the current one, a ``distributed.Client`` if made).
    """
    draft_ruleset = resolve_ruleset(draft)
    base_ruleset = resolve_ruleset(base) if base is not None else _parent(draft_ruleset)
    options = ImpactOptions(lang, engine, on)
    empty = impact(base_ruleset, draft_ruleset, [], lang=lang, engine=engine, on=on)  # checks the arguments here
    shipped_base = delayed(base_ruleset, pure=True, traverse=False)
    shipped_draft = delayed(draft_ruleset, pure=True, traverse=False)
    parts = bag.map_partitions(_impact_partition, shipped_base, shipped_draft, options)
    return merge(empty, parts.compute(scheduler=scheduler), portfolio)


def impact_dataframe(
    df: dd.DataFrame,
    draft: RulesetLike,
    column: str = "document",
    base: RulesetLike | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    portfolio: str = "<dask dataframe>",
    scheduler: str | None = None,
) -> ImpactReport:
    """:func:`impact_bag` over the documents of ``df[column]`` (JSON or YAML text), each named
    ``#n`` by its row's place in the column (from 1); a missing document is a bad document."""
    documents = df[column].to_bag().map(_present)
    return impact_bag(documents, draft, base, lang, engine, on, portfolio, scheduler)


def _parent(draft: Ruleset) -> Ruleset:
    """The ruleset ``draft`` extends directly: beside its file, else bundled (as ``extends`` reads)."""
    if not draft.extends:
        raise ValueError(f"ruleset {draft.id} extends no ruleset: give the base to compare it with (base=...)")
    folder = Path(draft.origin).resolve().parent if draft.origin != "<ruleset>" else None
    path = find_parent(draft.extends[-1], folder)
    return load_ruleset(path) if path is not None else resolve_ruleset(draft.extends[-1])


def _impact_partition(documents: Iterable[Any], base: Ruleset, draft: Ruleset, options: ImpactOptions) -> list[PartitionImpact]:
    items: list[tuple[str, Any]] = []
    numbered: set[str] = set()
    for number, document in enumerate(documents, start=1):
        if isinstance(document, tuple) and len(document) == 2 and isinstance(document[0], str):
            items.append(document)
        else:
            items.append((f"#{number}", document))
            numbered.add(f"#{number}")
    report = impact(base, draft, items, lang=options.lang, engine=options.engine, on=options.on)
    return [PartitionImpact(report, frozenset(numbered))]


def merge(empty: ImpactReport, parts: Sequence[PartitionImpact], portfolio: str) -> ImpactReport:
    """The partitions' reports as one, as if ``impact`` had read their documents in order.

    ``empty`` is the report over no document (the rulesets compared, the rule order). Counts
    are added; flips and bad documents are concatenated in partition order (the first
    :data:`MAX_LISTED_ERRORS` bad documents kept), each ``#k`` renumbered by the documents of
    the partitions before it; rule deltas are added rule by rule.
    """
    documents = errors = quiet = 0
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    flips: list[Flip] = []
    bad: list[BadDocument] = []
    rules = {delta.rule: _Delta() for delta in empty.rules}
    for part in parts:
        report = part.report
        renamed = {name: f"#{int(name[1:]) + documents}" for name in part.numbered}
        flips += [attrs.evolve(flip, document=renamed.get(flip.document, flip.document)) for flip in report.flips]
        if len(bad) < MAX_LISTED_ERRORS:
            bad += [attrs.evolve(b, document=renamed.get(b.document, b.document)) for b in report.bad_documents]
        documents += report.documents
        errors += report.errors
        quiet += report.unchanged_with_rule_changes
        before.update(report.before)
        after.update(report.after)
        for delta in report.rules:
            rules[delta.rule].add(delta)
    return attrs.evolve(
        empty,
        portfolio=portfolio,
        documents=documents,
        errors=errors,
        bad_documents=tuple(bad[:MAX_LISTED_ERRORS]),
        before={outcome: before[outcome] for outcome in VERDICT_OUTCOMES},
        after={outcome: after[outcome] for outcome in VERDICT_OUTCOMES},
        flips=tuple(flips),
        rules=tuple(rules[delta.rule].delta(delta) for delta in empty.rules),
        unchanged_with_rule_changes=quiet,
    )


class _Delta:
    """One rule's counts, added up over the partitions."""

    def __init__(self) -> None:
        self.before: Counter[str] = Counter()
        self.after: Counter[str] = Counter()
        self.changed = 0
        self.transitions: Counter[str] = Counter()

    def add(self, delta: RuleDelta) -> None:
        self.before.update(delta.before)
        self.after.update(delta.after)
        self.changed += delta.changed
        self.transitions.update(delta.transitions)

    def delta(self, empty: RuleDelta) -> RuleDelta:
        """``empty`` (every outcome at 0, in order) with the counts added."""
        return attrs.evolve(
            empty,
            before={outcome: self.before[outcome] for outcome in empty.before},
            after={outcome: self.after[outcome] for outcome in empty.after},
            changed=self.changed,
            transitions=dict(sorted(self.transitions.items())),
        )
