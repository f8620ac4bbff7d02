"""An impact report and a sweep as plain text: aligned tables, one line per flip, a bar per
swept value."""

from __future__ import annotations

from collections.abc import Sequence

from .model import ImpactResult, SweepResult
from .values import (
    applications,
    changed_sentence,
    draft_changes,
    fields_text,
    marker_labels,
    number,
    parameter_value,
    parameters_text,
    quiet_sentence,
    signed,
    transition_pairs,
)
from .words import outcome_word, t


def _table(rows: list[list[str]], right: Sequence[int] = (), indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _ruleset_line(info, lang: str) -> str:
    return f"{info.id} ({t('version', lang)} {info.version}, {info.status})  {info.file}"


def impact_text(report: ImpactResult, lang: str = "en") -> str:
    """The readable summary: rulesets, counts, flips by cause with applicants and values."""
    lines = [f"{t('title', lang)}: {report.draft.id} / {report.base.id}"]
    label_width = max(len(t(k, lang)) for k in ("base", "draft", "portfolio")) + 1
    lines.append(f"  {(t('base', lang) + ':').ljust(label_width)} {_ruleset_line(report.base, lang)}")
    lines.append(f"  {(t('draft', lang) + ':').ljust(label_width)} {_ruleset_line(report.draft, lang)}")
    lines.append(
        f"  {(t('portfolio', lang) + ':').ljust(label_width)} {report.portfolio}: "
        + t("portfolio_line", lang, documents=number(report.documents, lang), errors=number(report.errors, lang))
    )
    lines.append("")
    lines.append(t("changes_heading", lang) + ":")
    changes = draft_changes(report, lang)
    lines += [f"  {change}" for change in changes] or [f"  {t('no_changes', lang)}"]
    lines.append("")
    rows = [[t("outcome", lang), t("base", lang), t("draft", lang), t("change", lang)]]
    for outcome in ("eligible", "ineligible", "incomplete"):
        before, after = report.before[outcome], report.after[outcome]
        rows.append([outcome_word(outcome, lang), number(before, lang), number(after, lang), signed(after - before, lang)])
    lines.append(t("outcomes_heading", lang) + ":")
    lines += _table(rows, right=(1, 2, 3))
    lines.append("")
    lines.append(changed_sentence(report, lang))
    if report.unchanged_with_rule_changes:
        lines.append(quiet_sentence(report, lang))
    for index, cause in enumerate(report.causes, start=1):
        lines.append("")
        transitions = ", ".join(
            f"{outcome_word(a, lang)} → {outcome_word(b, lang)}: {number(n, lang)}"
            for (a, b), n in transition_pairs(cause.transitions)
        )
        lines.append(f"{t('cause_n', lang, n=index)}: {cause.label} ({applications(len(cause.flips), lang)}; {transitions})")
        if cause.parameters:
            lines.append(f"  {t('parameters', lang)}: {parameters_text(cause.parameters, lang)}")
        rows = [[t("applicant", lang), t("document", lang), t("base", lang), t("draft", lang), t("values", lang)]]
        for flip in cause.flips:
            fields: dict = {}
            for change in flip.changes:
                fields.update(change.fields)
            rows.append(
                [
                    flip.applicant or "—",
                    flip.document,
                    outcome_word(flip.before, lang),
                    outcome_word(flip.after, lang),
                    fields_text(fields, lang),
                ]
            )
        lines += _table(rows)
    changed_rules = [delta for delta in report.rules if delta.changed]
    if changed_rules:
        lines.append("")
        lines.append(t("rules_heading", lang) + ":")
        rows = [[t("rule", lang), "pass", "fail", "unknown", "not_applicable", t("results_changed", lang)]]
        for delta in changed_rules:
            row = [delta.rule]
            for outcome in ("pass", "fail", "unknown", "not_applicable"):
                a, b = delta.before[outcome], delta.after[outcome]
                row.append(number(a, lang) if a == b else f"{number(a, lang)} → {number(b, lang)}")
            row.append(", ".join(f"{k}: {number(v, lang)}" for k, v in delta.transitions.items()))
            rows.append(row)
        lines += _table(rows, right=(1, 2, 3, 4))
        lines.append("  " + t("rules_unchanged", lang))
    if report.errors:
        lines.append("")
        lines.append(f"{t('errors_heading', lang)} ({number(report.errors, lang)}):")
        for bad in report.bad_documents:
            for path, message in bad.problems:
                lines.append(f"  {bad.document}: {path + ': ' if path else ''}{message}")
        hidden = report.errors - len(report.bad_documents)
        if hidden > 0:
            lines.append("  " + t("errors_more", lang, n=number(hidden, lang), shown=len(report.bad_documents)))
    if report.sweep is not None:
        lines.append("")
        lines.append(sweep_text(report.sweep, lang))
    return "\n".join(lines)


def sweep_text(sweep: SweepResult, lang: str = "en") -> str:
    """A table of the sweep with a bar per value; the current (and base) value marked."""
    lines = [
        t("sweep_heading", lang, parameter=sweep.parameter) + ":",
        "  " + t("sweep_intro", lang, ruleset=sweep.ruleset.id, parameter=sweep.parameter),
    ]
    most = max((point.counts["eligible"] for point in sweep.points), default=0)
    rows = [[t("value", lang), t("eligible", lang), t("ineligible", lang), t("incomplete", lang), "", ""]]
    markers = marker_labels(sweep, lang)
    for point in sweep.points:
        bar = "█" * (round(40 * point.counts["eligible"] / most) if most else 0)
        marks = ", ".join(label for value, label in markers if value == point.value)
        rows.append(
            [
                parameter_value(point.value, sweep.type, lang),
                number(point.counts["eligible"], lang),
                number(point.counts["ineligible"], lang),
                number(point.counts["incomplete"], lang),
                bar,
                f"◀ {marks}" if marks else "",
            ]
        )
    lines += _table(rows, right=(0, 1, 2, 3))
    return "\n".join(lines)
