"""AR301: thresholds that leave a value on neither side. When error rules compare values of
the same kind (a lead partner's population > 150,000, a coaching one's < 150,000), the values
each accepts are cut into pieces at every threshold; a run of pieces none accepts, with
accepted pieces on both sides, is a gap: call 42's municipality of exactly 150,000.
"""

from __future__ import annotations

from ... import schema
from ...ir import Linear, condition_keys
from ...search import Key, VarId
from .analysis import Analysis
from .text import intervals, value_text


def check(analysis: Analysis) -> None:
    """AR301 for each value of a kind (a population, an age...) that the error rules comparing
    it all refuse, though each accepts values on one side of it."""
    model = analysis.model
    groups: dict[tuple, list[tuple[int, VarId]]] = {}
    for index, rule in enumerate(analysis.ruleset.rules):
        if rule.severity != "error":
            continue
        check_keys = condition_keys(model.compiled[index].check)
        for scope, atom in model.rule_atoms[index]:
            if isinstance(atom, Linear) and len(atom.terms) == 1 and atom.terms[0][1] in check_keys:
                var_id = model.var_of(scope, atom.terms[0][1])
                var = model.vars[var_id]
                entry = (index, var_id)
                group = groups.setdefault((var.kind, kind_of_value(var)), [])
                if entry not in group:
                    group.append(entry)
    for (_, value_kind), entries in groups.items():
        if len({var_id for _, var_id in entries}) < 2 or len({index for index, _ in entries}) < 2:
            continue
        var_ids = [var_id for _, var_id in entries]
        first = model.vars[var_ids[0]]
        pieces = analysis.pieces([index for index, _ in entries], var_ids[0], var_ids[1:])
        accepted_by: dict[int, list] = {}
        for index, var_id in entries:
            accepted = analysis.accepted_pieces(index, var_id, pieces)
            if accepted is None:
                break
            accepted_by[index] = accepted
        else:
            union = {piece for accepted in accepted_by.values() for piece in accepted}
            for gap in runs_refused(pieces, union):
                report_gap(analysis, value_kind, first, gap, entries, accepted_by, len(pieces))


def report_gap(
    analysis: Analysis, value_kind: str, var: Key, gap: tuple[int, int], entries, accepted_by, pieces_count: int
) -> None:
    """One AR301: the values of the gap, what each rule accepts, and a document that fails them all."""
    low, high = gap
    value = low
    shown = value_text(var, low) if low == high else f"from {value_text(var, low)} to {value_text(var, high)}"
    article = "=" if low == high else ""
    subject = f"{value_kind} {article} {shown}".replace("  ", " ")
    lines = []
    for index, var_id in entries:
        lines.append(
            f"{analysis.ruleset.rules[index].id} accepts {analysis.model.vars[var_id].document_path()} "
            f"{intervals(accepted_by[index], analysis.model.vars[var_id])}"
        )
    document, based_on, changes, shows = analysis.examples.gap_case(entries, value)
    rule_ids = [analysis.ruleset.rules[index].id for index, _ in entries]
    own = analysis.semantics.linter.name
    # Point at a rule of the file being linted when one of the group is there.
    anchor = next(
        (rule_id for rule_id in rule_ids if (analysis.semantics.places.get((rule_id, "check")) or "").startswith(own + ":")),
        rule_ids[0],
    )
    names = ", ".join(rule_ids[:-1]) + " nor " + rule_ids[-1] if len(rule_ids) > 1 else rule_ids[0]
    failing = {r["id"] for r in shows["rules"] if r["outcome"] == "fail"} if shows is not None else set()
    if failing != set(rule_ids):
        # Only an application that really fails every rule of the group is shown.
        document = based_on = changes = shows = None
        lines.append("no application showing it could be built from an eligible one")
    analysis.add(
        "AR301",
        f"{subject} is accepted by no rule: neither {names} accepts it, though values on both sides are accepted",
        rule=anchor,
        key="check",
        details=tuple(lines),
        certain=True,
        candidates=len(accepted_by) * pieces_count,
        counterexample=document,
        based_on=based_on,
        changes=changes,
        shows=shows,
        hint="say which side the boundary value belongs to: write >= or <= in one of the rules, as the call text means",
    )


def runs_refused(pieces: list[tuple[int, int]], accepted: set) -> list[tuple[int, int]]:
    """Runs of pieces no rule accepts with accepted pieces on both sides."""
    flags = [piece in accepted for piece in pieces]
    result = []
    index = 0
    while index < len(pieces):
        if flags[index]:
            index += 1
            continue
        start = index
        while index < len(pieces) and not flags[index]:
            index += 1
        if start > 0 and index < len(pieces):
            result.append((pieces[start][0], pieces[index - 1][1]))
    return result


def kind_of_value(var: Key) -> str:
    """What kind of value a key holds, the same under ``applicant`` and a partner
    (``municipality.population``): the keys whose thresholds are compared together."""
    if var.call is not None or not var.path:
        return var.key
    if var.scope is not None:
        return var.path
    head, _, rest = var.path.partition(".")
    if rest and any(rest in fields for fields in schema.SCOPE_FIELDS.values()):
        return rest
    return var.path
