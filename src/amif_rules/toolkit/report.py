"""Impact reports as text, as one self-contained HTML page, and sweep charts as SVG and PNG.

The HTML page holds everything it shows: its CSS inline, the sweep chart as inline SVG, no
script, no font, no image or style loaded from anywhere (a Content-Security-Policy says so
to the browser too). Every text that comes from a ruleset or a document is escaped.

The PNG is drawn here, without a graphics library: a small raster (lines, rectangles,
discs), a 5×9 bitmap font made for this module (ASCII, the accented letters of Dutch and
French, € and →), and a PNG writer (``zlib`` + ``struct``). The same input gives the same
bytes.
"""

from __future__ import annotations

import html
import math
import struct
import zlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional, Sequence

import attrs
from babel.numbers import format_currency, format_decimal, format_percent

from ..messages import LANG_INDEX, LOCALES, YES_NO

if TYPE_CHECKING:  # pragma: no cover
    from .impact import ImpactReport, ParameterValues, Sweep

# -- words ------------------------------------------------------------------------------------------

_T: dict[str, tuple[str, str, str]] = {  # key -> (nl, fr, en)
    "title": ("Impact van een ontwerp", "Impact d'un projet", "Impact of a draft"),
    "base": ("basis", "base", "base"),
    "draft": ("ontwerp", "projet", "draft"),
    "current": ("huidig", "actuel", "current"),
    "portfolio": ("portefeuille", "portefeuille", "portfolio"),
    "version": ("versie", "version", "version"),
    "portfolio_line": ("{documents} aanvragen, {errors} met foute invoer",
                       "{documents} demandes, {errors} avec des données erronées",
                       "{documents} applications, {errors} with bad input"),
    "changes_heading": ("Wat het ontwerp verandert", "Ce que le projet change", "What the draft changes"),
    "parameter": ("parameter", "paramètre", "parameter"),
    "rule_added": ("regel toegevoegd", "règle ajoutée", "rule added"),
    "rule_removed": ("regel weggelaten", "règle retirée", "rule removed"),
    "rule_modified": ("regel gewijzigd", "règle modifiée", "rule changed"),
    "no_changes": ("niets: het ontwerp heeft de parameters en regels van de basis",
                   "rien : le projet a les paramètres et les règles de la base",
                   "nothing: the draft has the base's parameters and rules"),
    "outcomes_heading": ("Uitkomsten", "Résultats", "Outcomes"),
    "outcome": ("uitkomst", "résultat", "outcome"),
    "change": ("verschil", "différence", "change"),
    "changed_line": ("{n} aanvragen krijgen een andere uitkomst.", "{n} demandes changent de résultat.",
                     "{n} applications change outcome."),
    "changed_one": ("1 aanvraag krijgt een andere uitkomst.", "1 demande change de résultat.",
                    "1 application changes outcome."),
    "quiet_line": ("{n} aanvragen houden hun uitkomst, hoewel de uitkomst van een regel verandert.",
                   "{n} demandes gardent leur résultat, bien que le résultat d'une règle change.",
                   "{n} applications keep their outcome although the outcome of a rule changes."),
    "quiet_one": ("1 aanvraag houdt haar uitkomst, hoewel de uitkomst van een regel verandert.",
                  "1 demande garde son résultat, bien que le résultat d'une règle change.",
                  "1 application keeps its outcome although the outcome of a rule changes."),
    "causes_heading": ("Veranderingen per oorzaak", "Changements par cause", "Changes by cause"),
    "cause": ("oorzaak", "cause", "cause"),
    "cause_n": ("Oorzaak {n}", "Cause {n}", "Cause {n}"),
    "applications": ("aanvragen", "demandes", "applications"),
    "application": ("aanvraag", "demande", "application"),
    "flips_heading": ("Aanvragen met een andere uitkomst", "Demandes dont le résultat change",
                      "Applications that change outcome"),
    "applicant": ("aanvrager", "demandeur", "applicant"),
    "municipality": ("gemeente", "commune", "municipality"),
    "document": ("document", "document", "document"),
    "rules_changed": ("regels met een andere uitkomst", "règles dont le résultat change", "rules whose outcome changes"),
    "values": ("gelezen waarden", "valeurs lues", "values read"),
    "values_before": ("onder de basis", "sous la base", "under the base"),
    "parameters": ("parameters", "paramètres", "parameters"),
    "explanation": ("uitleg onder het ontwerp", "explication sous le projet", "explanation under the draft"),
    "no_flips": ("Geen enkele aanvraag krijgt een andere uitkomst.", "Aucune demande ne change de résultat.",
                 "No application changes outcome."),
    "rules_heading": ("Uitkomsten per regel", "Résultats par règle", "Rule outcomes"),
    "rule": ("regel", "règle", "rule"),
    "results_changed": ("resultaten veranderd", "résultats changés", "results changed"),
    "rules_unchanged": ("De andere regels hebben dezelfde uitkomsten.", "Les autres règles ont les mêmes résultats.",
                        "The other rules have the same outcomes."),
    "errors_heading": ("Documenten met foute invoer", "Documents aux données erronées", "Documents with bad input"),
    "errors_more": ("… en {n} meer (enkel de eerste {shown} staan hier)", "… et {n} de plus (seuls les {shown} premiers sont listés)",
                    "… and {n} more (only the first {shown} are listed)"),
    "sweep_heading": ("Reeks waarden voor {parameter}", "Balayage de {parameter}", "Sweep of {parameter}"),
    "sweep_intro": ("Uitkomsten van de portefeuille onder {ruleset} voor elke waarde van {parameter}.",
                    "Résultats du portefeuille sous {ruleset} pour chaque valeur de {parameter}.",
                    "Outcomes of the portfolio under {ruleset} for each value of {parameter}."),
    "value": ("waarde", "valeur", "value"),
    "chart_title": ("Ontvankelijke aanvragen per waarde van {parameter}",
                    "Demandes recevables selon la valeur de {parameter}",
                    "Eligible applications by value of {parameter}"),
    "chart_y": ("ontvankelijke aanvragen", "demandes recevables", "eligible applications"),
    "chart_caption": ("Stippellijnen: {markers}.", "Lignes pointillées : {markers}.", "Dashed lines: {markers}."),
    "chart_point": ("{value}: {count} ontvankelijk", "{value} : {count} recevable(s)", "{value}: {count} eligible"),
    "eligible": ("ontvankelijk", "recevable", "eligible"),
    "ineligible": ("niet ontvankelijk", "irrecevable", "ineligible"),
    "incomplete": ("onvolledig", "incomplet", "incomplete"),
    "absent": ("(geen regel)", "(pas de règle)", "(no rule)"),
    "generated": ("Gemaakt door amif-rules impact.", "Produit par amif-rules impact.", "Made by amif-rules impact."),
    "engine": ("engine", "moteur", "engine"),
}


def t(key: str, lang: str, **values: Any) -> str:
    text = _T[key][LANG_INDEX[lang]]
    return text.format(**values) if values else text


def outcome_word(outcome: str, lang: str) -> str:
    return t(outcome, lang) if outcome in ("eligible", "ineligible", "incomplete", "absent") else outcome


# -- values -----------------------------------------------------------------------------------------


def number(value: Any, lang: str) -> str:
    return format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)


def parameter_value(value: Any, type_name: str, lang: str) -> str:
    """A parameter's (JSON) value as a person reads it."""
    if value is None:
        return "—"
    locale = LOCALES[lang]
    if type_name == "integer" and isinstance(value, int):
        return number(value, lang)
    if type_name in ("decimal", "share", "money"):
        amount = Decimal(str(value))
        if type_name == "share":
            return format_percent(amount, format="#,##0.##%", locale=locale)
        if type_name == "money":
            return format_currency(amount, "EUR", locale=locale)
        return format_decimal(amount, locale=locale, decimal_quantization=False)
    return field_value(value, lang)


def field_value(value: Any, lang: str) -> str:
    """A value of a verdict's ``fields`` (JSON) as a person reads it."""
    if value is None:
        return {"nl": "(ontbreekt)", "fr": "(manquant)", "en": "(missing)"}[lang]
    if isinstance(value, bool):
        return YES_NO[lang][0 if value else 1]
    if isinstance(value, int):
        return number(value, lang)
    if isinstance(value, list):
        return ", ".join(field_value(v, lang) for v in value)
    return str(value)


def fields_text(fields: dict, lang: str) -> str:
    return "; ".join(f"{path} = {field_value(value, lang)}" for path, value in fields.items())


def parameters_text(parameters: Sequence["ParameterValues"], lang: str) -> str:
    parts = []
    for p in parameters:
        if p.changed:
            parts.append(f"{p.name} {parameter_value(p.base, p.type, lang)} → {parameter_value(p.draft, p.type, lang)}")
        else:
            parts.append(f"{p.name} = {parameter_value(p.draft, p.type, lang)}")
    return "; ".join(parts)


def _applications(n: int, lang: str) -> str:
    return f"1 {t('application', lang)}" if n == 1 else f"{number(n, lang)} {t('applications', lang)}"


def _changed(report: "ImpactReport", lang: str) -> str:
    if report.changed == 0:
        return t("no_flips", lang)
    return t("changed_one", lang) if report.changed == 1 else t("changed_line", lang, n=number(report.changed, lang))


def _quiet(report: "ImpactReport", lang: str) -> str:
    n = report.unchanged_with_rule_changes
    return t("quiet_one", lang) if n == 1 else t("quiet_line", lang, n=number(n, lang))


def _signed(n: int, lang: str) -> str:
    return ("+" if n > 0 else "") + number(n, lang) if n else "0"


def _change_label(change, lang: str) -> str:
    where = f" [{change.item}]" if change.item else ""
    _, before, after = change.key
    return f"{change.rule}{where}: {before} → {after}"


# -- text -------------------------------------------------------------------------------------------


def _table(rows: list[list[str]], right: Sequence[int] = (), indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _ruleset_line(info, lang: str) -> str:
    return f"{info.id} ({t('version', lang)} {info.version}, {info.status})  {info.file}"


def impact_text(report: "ImpactReport", lang: str = "en") -> str:
    """The readable summary: rulesets, counts, flips by cause with applicants and values."""
    lines = [f"{t('title', lang)}: {report.draft.id} / {report.base.id}"]
    label_width = max(len(t(k, lang)) for k in ("base", "draft", "portfolio")) + 1
    lines.append(f"  {(t('base', lang) + ':').ljust(label_width)} {_ruleset_line(report.base, lang)}")
    lines.append(f"  {(t('draft', lang) + ':').ljust(label_width)} {_ruleset_line(report.draft, lang)}")
    lines.append(f"  {(t('portfolio', lang) + ':').ljust(label_width)} {report.portfolio}: "
                 + t("portfolio_line", lang, documents=number(report.documents, lang), errors=number(report.errors, lang)))
    lines.append("")
    lines.append(t("changes_heading", lang) + ":")
    changes = _draft_changes(report, lang)
    lines += [f"  {change}" for change in changes] or [f"  {t('no_changes', lang)}"]
    lines.append("")
    rows = [[t("outcome", lang), t("base", lang), t("draft", lang), t("change", lang)]]
    for outcome in ("eligible", "ineligible", "incomplete"):
        before, after = report.before[outcome], report.after[outcome]
        rows.append([outcome_word(outcome, lang), number(before, lang), number(after, lang), _signed(after - before, lang)])
    lines.append(t("outcomes_heading", lang) + ":")
    lines += _table(rows, right=(1, 2, 3))
    lines.append("")
    lines.append(_changed(report, lang))
    if report.unchanged_with_rule_changes:
        lines.append(_quiet(report, lang))
    for index, cause in enumerate(report.causes, start=1):
        lines.append("")
        transitions = ", ".join(f"{outcome_word(a, lang)} → {outcome_word(b, lang)}: {number(n, lang)}"
                                for (a, b), n in _transition_pairs(cause.transitions))
        lines.append(f"{t('cause_n', lang, n=index)}: {cause.label} ({_applications(len(cause.flips), lang)}; "
                     f"{transitions})")
        if cause.parameters:
            lines.append(f"  {t('parameters', lang)}: {parameters_text(cause.parameters, lang)}")
        rows = [[t("applicant", lang), t("document", lang), t("base", lang), t("draft", lang), t("values", lang)]]
        for flip in cause.flips:
            fields: dict = {}
            for change in flip.changes:
                fields.update(change.fields)
            rows.append([flip.applicant or "—", flip.document, outcome_word(flip.before, lang),
                         outcome_word(flip.after, lang), fields_text(fields, lang)])
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


def _transition_pairs(transitions: dict[str, int]) -> list[tuple[tuple[str, str], int]]:
    return [(tuple(key.split(" → ", 1)), n) for key, n in transitions.items()]  # type: ignore[misc]


def _draft_changes(report: "ImpactReport", lang: str) -> list[str]:
    changes = [f"{t('parameter', lang)} {p.name}: {parameter_value(p.base, p.type, lang)} → "
               f"{parameter_value(p.draft, p.type, lang)}" for p in report.parameters]
    changes += [f"{t('rule_added', lang)}: {rule}" for rule in report.rules_added]
    changes += [f"{t('rule_removed', lang)}: {rule}" for rule in report.rules_removed]
    changes += [f"{t('rule_modified', lang)}: {rule}" for rule in report.rules_modified]
    return changes


def _marker_labels(sweep: "Sweep", lang: str) -> list[tuple[Any, str]]:
    own = t("draft", lang) if sweep.ruleset.status == "draft" else t("current", lang)
    markers = [(sweep.current, own)]
    if sweep.base_value is not None and sweep.base_value != sweep.current:
        markers.append((sweep.base_value, t("base", lang)))
    return markers


def sweep_text(sweep: "Sweep", lang: str = "en") -> str:
    """A table of the sweep with a bar per value; the current (and base) value marked."""
    lines = [t("sweep_heading", lang, parameter=sweep.parameter) + ":",
             "  " + t("sweep_intro", lang, ruleset=sweep.ruleset.id, parameter=sweep.parameter)]
    most = max((point.counts["eligible"] for point in sweep.points), default=0)
    rows = [[t("value", lang), t("eligible", lang), t("ineligible", lang), t("incomplete", lang), "", ""]]
    markers = _marker_labels(sweep, lang)
    for point in sweep.points:
        bar = "█" * (round(40 * point.counts["eligible"] / most) if most else 0)
        marks = ", ".join(label for value, label in markers if value == point.value)
        rows.append([parameter_value(point.value, sweep.type, lang), number(point.counts["eligible"], lang),
                     number(point.counts["ineligible"], lang), number(point.counts["incomplete"], lang), bar,
                     f"◀ {marks}" if marks else ""])
    lines += _table(rows, right=(0, 1, 2, 3))
    return "\n".join(lines)


# -- HTML -------------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1d2430; background: #fff; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h2 { font-size: 1.25em; margin: 1.8em 0 .5em; border-bottom: 2px solid #d9e1ec; padding-bottom: .2em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .92em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #d9e1ec; padding: .3em .6em; text-align: left; vertical-align: top; }
thead th { background: #eef2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.cause-row th { background: #fff7e0; text-align: left; }
.eligible { color: #11703a; font-weight: 600; }
.ineligible { color: #a3261b; font-weight: 600; }
.incomplete { color: #8a5a00; font-weight: 600; }
.up { color: #11703a; }
.down { color: #a3261b; }
ul.changes { margin: .3em 0; padding-left: 1.2em; }
figure { margin: 1em 0; }
figcaption { color: #4a5566; font-size: .92em; }
svg { width: 100%; max-width: 900px; height: auto; background: #fff; }
small { color: #4a5566; }
table#flips { width: 100%; }
footer { margin-top: 3em; color: #6a7586; font-size: .85em; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _outcome_html(outcome: str, lang: str) -> str:
    return f'<span class="{_e(outcome)}">{_e(outcome_word(outcome, lang))}</span>'


def _page(title: str, body: list[str], lang: str) -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        *body,
        f"<footer>{_e(t('generated', lang))}</footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def impact_html(report: "ImpactReport", lang: str = "en") -> str:
    """The whole report as one self-contained HTML page."""
    title = f"{t('title', lang)}: {report.draft.id} / {report.base.id}"
    body = [f"<h1>{_e(title)}</h1>", '<section id="summary">', '<dl class="meta">']
    for key, info in (("base", report.base), ("draft", report.draft)):
        body.append(f"<dt>{_e(t(key, lang))}</dt><dd><code>{_e(info.id)}</code> ({_e(t('version', lang))} "
                    f"{_e(info.version)}, {_e(info.status)}) <span class=\"mono\">{_e(info.file)}</span></dd>")
    body.append(f"<dt>{_e(t('portfolio', lang))}</dt><dd><span class=\"mono\">{_e(report.portfolio)}</span>: "
                f"{_e(t('portfolio_line', lang, documents=number(report.documents, lang), errors=number(report.errors, lang)))}</dd>")
    body.append(f"<dt>{_e(t('engine', lang))}</dt><dd>{_e(report.engine)}</dd>")
    body.append("</dl>")
    body.append(f"<h2>{_e(t('changes_heading', lang))}</h2>")
    changes = _draft_changes(report, lang)
    if changes:
        body.append('<ul class="changes" id="draft-changes">' + "".join(f"<li>{_e(c)}</li>" for c in changes) + "</ul>")
    else:
        body.append(f'<p id="draft-changes">{_e(t("no_changes", lang))}</p>')
    body.append(f"<h2>{_e(t('outcomes_heading', lang))}</h2>")
    body.append('<table id="outcomes"><thead><tr>'
                f"<th>{_e(t('outcome', lang))}</th>"
                f"<th class=\"num\">{_e(t('base', lang))}<br><small>{_e(report.base.id)}</small></th>"
                f"<th class=\"num\">{_e(t('draft', lang))}<br><small>{_e(report.draft.id)}</small></th>"
                f"<th class=\"num\">{_e(t('change', lang))}</th>"
                "</tr></thead><tbody>")
    for outcome in ("eligible", "ineligible", "incomplete"):
        before, after = report.before[outcome], report.after[outcome]
        trend = "up" if after > before else "down" if after < before else ""
        body.append(f'<tr data-outcome="{outcome}"><td>{_outcome_html(outcome, lang)}</td>'
                    f'<td class="num">{_e(number(before, lang))}</td><td class="num">{_e(number(after, lang))}</td>'
                    f'<td class="num {trend}">{_e(_signed(after - before, lang))}</td></tr>')
    body.append("</tbody></table>")
    summary = _changed(report, lang)
    body.append(f'<p id="changed" data-changed="{report.changed}"><strong>{_e(summary)}</strong>'
                + (f" {_e(_quiet(report, lang))}" if report.unchanged_with_rule_changes else "") + "</p>")
    body.append("</section>")

    causes = report.causes
    body.append('<section id="causes-section">')
    body.append(f"<h2>{_e(t('causes_heading', lang))}</h2>")
    if causes:
        body.append('<table id="causes"><thead><tr><th>#</th>'
                    f"<th>{_e(t('cause', lang))}</th><th class=\"num\">{_e(t('applications', lang))}</th>"
                    f"<th>{_e(t('outcome', lang))}</th><th>{_e(t('parameters', lang))}</th></tr></thead><tbody>")
        for index, cause in enumerate(causes, start=1):
            transitions = "<br>".join(f"{_outcome_html(a, lang)} → {_outcome_html(b, lang)}: {_e(number(n, lang))}"
                                      for (a, b), n in _transition_pairs(cause.transitions))
            body.append(f'<tr><td class="num">{index}</td><td><code>{_e(cause.label)}</code></td>'
                        f'<td class="num">{_e(number(len(cause.flips), lang))}</td><td>{transitions}</td>'
                        f"<td>{_e(parameters_text(cause.parameters, lang))}</td></tr>")
        body.append("</tbody></table>")
    else:
        body.append(f"<p>{_e(t('no_flips', lang))}</p>")
    body.append("</section>")

    body.append('<section id="flips-section">')
    body.append(f"<h2>{_e(t('flips_heading', lang))}</h2>")
    if causes:
        columns = [t("applicant", lang), t("outcome", lang), t("rules_changed", lang), t("values", lang),
                   t("explanation", lang)]
        body.append('<table id="flips"><thead><tr>' + "".join(f"<th>{_e(c)}</th>" for c in columns) + "</tr></thead>")
        for index, cause in enumerate(causes, start=1):
            body.append(f'<tbody class="cause" data-cause="{_e(cause.label)}">')
            parameters = (f"<br><small>{_e(t('parameters', lang))}: {_e(parameters_text(cause.parameters, lang))}</small>"
                          if cause.parameters else "")
            body.append(f'<tr class="cause-row"><th colspan="{len(columns)}">{_e(t("cause_n", lang, n=index))}: '
                        f"<code>{_e(cause.label)}</code> ({_e(_applications(len(cause.flips), lang))}){parameters}</th></tr>")
            for flip in cause.flips:
                rules = "<br>".join(f"<code>{_e(_change_label(c, lang))}</code>" for c in flip.changes)
                values = []
                for change in flip.changes:
                    for path, value in change.fields.items():
                        values.append(f"<code>{_e(path)}</code> = <strong>{_e(field_value(value, lang))}</strong>")
                    if change.fields_before is not None:
                        values.append(f"({_e(t('values_before', lang))}: {_e(fields_text(change.fields_before, lang))})")
                messages = "<br>".join(_e(c.message_after or c.message_before or "") for c in flip.changes)
                where = f"{flip.municipality} · {flip.document}" if flip.municipality else flip.document
                body.append(f'<tr class="flip" data-before="{_e(flip.before)}" data-after="{_e(flip.after)}">'
                            f'<td><span class="applicant">{_e(flip.applicant or "—")}</span><br>'
                            f'<small class="mono">{_e(where)}</small></td>'
                            f"<td>{_outcome_html(flip.before, lang)} → {_outcome_html(flip.after, lang)}</td>"
                            f"<td>{rules}</td><td>{'<br>'.join(values)}</td><td>{messages}</td></tr>")
            body.append("</tbody>")
        body.append("</table>")
    else:
        body.append(f"<p>{_e(t('no_flips', lang))}</p>")
    body.append("</section>")

    if report.sweep is not None:
        body += _sweep_section(report.sweep, lang)

    body.append('<section id="rules-section">')
    body.append(f"<h2>{_e(t('rules_heading', lang))}</h2>")
    body.append('<table id="rule-deltas"><thead><tr>'
                f"<th>{_e(t('rule', lang))}</th>"
                + "".join(f'<th class="num">{o}</th>' for o in ("pass", "fail", "unknown", "not_applicable"))
                + f"<th>{_e(t('results_changed', lang))}</th></tr></thead><tbody>")
    for delta in report.rules:
        cells = []
        for outcome in ("pass", "fail", "unknown", "not_applicable"):
            a, b = delta.before[outcome], delta.after[outcome]
            cells.append(f'<td class="num">{_e(number(a, lang))}</td>' if a == b else
                         f'<td class="num"><strong>{_e(number(a, lang))} → {_e(number(b, lang))}</strong></td>')
        transitions = ", ".join(f"{k}: {number(v, lang)}" for k, v in delta.transitions.items())
        body.append(f'<tr data-rule="{_e(delta.rule)}"><td><code>{_e(delta.rule)}</code></td>{"".join(cells)}'
                    f"<td>{_e(transitions)}</td></tr>")
    body.append("</tbody></table>")
    body.append("</section>")

    if report.errors:
        body.append('<section id="errors-section">')
        body.append(f"<h2>{_e(t('errors_heading', lang))} ({_e(number(report.errors, lang))})</h2>")
        body.append(f'<table id="errors"><thead><tr><th>{_e(t("document", lang))}</th><th>path</th><th>message</th>'
                    "</tr></thead><tbody>")
        for bad in report.bad_documents:
            for path, message in bad.problems:
                body.append(f'<tr><td class="mono">{_e(bad.document)}</td><td><code>{_e(path)}</code></td>'
                            f"<td>{_e(message)}</td></tr>")
        body.append("</tbody></table>")
        hidden = report.errors - len(report.bad_documents)
        if hidden > 0:
            body.append(f"<p>{_e(t('errors_more', lang, n=number(hidden, lang), shown=len(report.bad_documents)))}</p>")
        body.append("</section>")
    return _page(title, body, lang)


def _sweep_section(sweep: "Sweep", lang: str) -> list[str]:
    body = ['<section id="sweep">', f"<h2>{_e(t('sweep_heading', lang, parameter=sweep.parameter))}</h2>",
            f"<p>{_e(t('sweep_intro', lang, ruleset=sweep.ruleset.id, parameter=sweep.parameter))}</p>",
            "<figure>", sweep_svg(sweep, lang)]
    markers = ", ".join(f"{label} ({parameter_value(value, sweep.type, lang)})" for value, label in _marker_labels(sweep, lang))
    body.append(f"<figcaption>{_e(t('chart_caption', lang, markers=markers))}</figcaption>")
    body.append("</figure>")
    body.append('<table id="sweep-table"><thead><tr>'
                f"<th class=\"num\">{_e(t('value', lang))}</th>"
                + "".join(f'<th class="num">{_e(t(o, lang))}</th>' for o in ("eligible", "ineligible", "incomplete"))
                + "<th></th></tr></thead><tbody>")
    marks = _marker_labels(sweep, lang)
    for point in sweep.points:
        label = ", ".join(name for value, name in marks if value == point.value)
        body.append(f'<tr><td class="num">{_e(parameter_value(point.value, sweep.type, lang))}</td>'
                    + "".join(f'<td class="num">{_e(number(point.counts[o], lang))}</td>'
                              for o in ("eligible", "ineligible", "incomplete"))
                    + f"<td>{_e('◀ ' + label if label else '')}</td></tr>")
    body.append("</tbody></table>")
    body.append("</section>")
    return body


def sweep_html(sweep: "Sweep", lang: str = "en") -> str:
    """A sweep alone as one self-contained HTML page."""
    title = t("sweep_heading", lang, parameter=sweep.parameter)
    return _page(title, [f"<h1>{_e(title)}</h1>", *_sweep_section(sweep, lang)], lang)


# -- the chart, laid out once for SVG and PNG --------------------------------------------------------


@attrs.frozen
class _Layout:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    title: str
    subtitle: str
    x_label: str
    y_label: str
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    points: tuple[tuple[float, float, str], ...]  # x, y, tooltip
    markers: tuple[tuple[float, str, str, bool], ...]  # x, label, kind ("own" | "base"), inside the axis


def _nice_step(span: Decimal, most: int, integer: bool) -> Decimal:
    raw = span / max(most, 1)
    if raw <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(float(raw)))
    magnitude = Decimal(10) ** exponent
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = Decimal(factor) * magnitude
        if step >= raw and (not integer or step == step.to_integral_value()):
            return step
    return Decimal(10) * magnitude  # pragma: no cover


def _ticks(low: Decimal, high: Decimal, most: int, integer: bool) -> list[Decimal]:
    step = _nice_step(high - low, most, integer)
    first = (low / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks = []
    value = first
    while value <= high and len(ticks) < 50:
        ticks.append(value)
        value += step
    return ticks


def _layout(sweep: "Sweep", lang: str, width: int, height: int, char_width: float, margins: tuple[int, int, int, int]) -> _Layout:
    left, right, top, bottom = margins
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [Decimal(str(point.value)) for point in sweep.points]
    markers = [(Decimal(str(value)), label, "own" if index == 0 else "base")
               for index, (value, label) in enumerate(_marker_labels(sweep, lang))
               if value is not None and not isinstance(value, str) and _is_number(value)]
    # A marked value near the swept range widens the axis to show it; one far away (more than
    # a quarter of the range beyond it) is named at the edge instead, with an arrow.
    reach = (max(values) - min(values)) / 4
    near = [m for m in markers if min(values) - reach <= m[0] <= max(values) + reach]
    low = min(values + [m[0] for m in near])
    high = max(values + [m[0] for m in near])
    if low == high:
        low, high = low - 1, high + 1
    integer = sweep.type == "integer"
    sample = max((len(parameter_value(v, sweep.type, lang)) for v in values + [low, high]), default=6)
    most_x = max(2, int(plot_w // ((sample + 3) * char_width)))
    x_ticks_values = _ticks(low, high, min(most_x, 10), integer)
    counts = [point.counts["eligible"] for point in sweep.points]
    top_count = max(counts + [1])
    y_step = _nice_step(Decimal(top_count), 5, True)
    y_high = (Decimal(top_count) / y_step).to_integral_value(rounding="ROUND_CEILING") * y_step
    if y_high < top_count or y_high == 0:  # pragma: no cover - defensive
        y_high = Decimal(top_count)

    def x_of(value: Decimal) -> float:
        return left + float((value - low) / (high - low)) * plot_w

    def y_of(count: Decimal) -> float:
        return top + plot_h - float(count / y_high) * plot_h

    y_values = []
    value = Decimal(0)
    while value <= y_high:
        y_values.append(value)
        value += y_step
    points = tuple((x_of(v), y_of(Decimal(c)),
                    t("chart_point", lang, value=parameter_value(p.value, sweep.type, lang), count=number(c, lang)))
                   for v, c, p in zip(values, counts, sweep.points))
    return _Layout(
        width=width, height=height, left=left, right=right, top=top, bottom=bottom,
        title=t("chart_title", lang, parameter=sweep.parameter),
        subtitle=f"{sweep.ruleset.id} · "
                 + t("portfolio_line", lang, documents=number(sweep.documents, lang), errors=number(sweep.errors, lang)),
        x_label=sweep.parameter, y_label=t("chart_y", lang),
        x_ticks=tuple((x_of(v), _tick(_plain(v, integer), sweep.type, lang)) for v in x_ticks_values),
        y_ticks=tuple((y_of(v), number(int(v), lang)) for v in y_values),
        points=points,
        markers=tuple(_marker(x_of(v), f"{label}: {parameter_value(_plain(v, integer), sweep.type, lang)}", kind,
                              left, left + plot_w) for v, label, kind in markers),
    )


def _marker(x: float, label: str, kind: str, left: float, right: float) -> tuple[float, str, str, bool]:
    """(x, label, kind, inside): a value beyond the axis is put at its edge, with an arrow."""
    if x > right + 0.5:
        return right, f"{label} →", kind, False
    if x < left - 0.5:
        return left, f"← {label}", kind, False
    return x, label, kind, True


def _tick(value: Any, type_name: str, lang: str) -> str:
    """A tick label: like a parameter value, but whole euros without cents."""
    if type_name == "money" and Decimal(value) == Decimal(value).to_integral_value():
        pattern = LOCALES[lang].currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(Decimal(value), "EUR", format=pattern, locale=LOCALES[lang], currency_digits=False)
    return parameter_value(value, type_name, lang)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _plain(value: Decimal, integer: bool) -> Any:
    return int(value) if integer else value


_BLUE, _ORANGE, _GREY, _INK, _GRID, _AXIS = "#1f5fbf", "#d9480f", "#6b7280", "#1d2430", "#e5e9f0", "#4a5566"


def sweep_svg(sweep: "Sweep", lang: str = "en", standalone: bool = False) -> str:
    """The sweep chart as an SVG element: axes with ticks and labels, one point per value,
    the current (and base) value marked with a dashed line. Inline in HTML by default;
    ``standalone=True`` adds the XML namespace that an ``.svg`` file needs."""
    layout = _layout(sweep, lang, 760, 400, 7.2, (64, 44, 64, 56))
    x0, x1 = layout.left, layout.width - layout.right
    y0, y1 = layout.top, layout.height - layout.bottom
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [f'<svg id="sweep-chart"{namespace} viewBox="0 0 {layout.width} {layout.height}" '
           f'width="{layout.width}" height="{layout.height}" role="img" aria-labelledby="sweep-chart-title" '
           'font-family="system-ui, sans-serif" font-size="12">',
           f'<title id="sweep-chart-title">{_e(layout.title)}</title>',
           f'<rect x="0" y="0" width="{layout.width}" height="{layout.height}" fill="#ffffff"/>',
           f'<text x="{x0}" y="22" font-size="16" font-weight="600" fill="{_INK}">{_e(layout.title)}</text>',
           f'<text x="{x0}" y="40" fill="{_AXIS}">{_e(layout.subtitle)}</text>']
    out.append('<g class="grid">')
    for y, _ in layout.y_ticks:
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{_GRID}" stroke-width="1"/>')
    out.append("</g>")
    out.append('<g class="axes">')
    out.append(f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="{_AXIS}" stroke-width="1.5"/>')
    out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="{_AXIS}" stroke-width="1.5"/>')
    for x, label in layout.x_ticks:
        out.append(f'<line x1="{x:.1f}" y1="{y1}" x2="{x:.1f}" y2="{y1 + 5}" stroke="{_AXIS}"/>')
        out.append(f'<text class="x-tick" x="{x:.1f}" y="{y1 + 19}" text-anchor="middle" fill="{_AXIS}">{_e(label)}</text>')
    for y, label in layout.y_ticks:
        out.append(f'<line x1="{x0 - 5}" y1="{y:.1f}" x2="{x0}" y2="{y:.1f}" stroke="{_AXIS}"/>')
        out.append(f'<text class="y-tick" x="{x0 - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{_AXIS}">{_e(label)}</text>')
    out.append(f'<text class="x-label" x="{(x0 + x1) / 2:.1f}" y="{layout.height - 14}" text-anchor="middle" '
               f'font-weight="600" fill="{_INK}">{_e(layout.x_label)}</text>')
    out.append(f'<text class="y-label" x="{x0}" y="{y0 - 8}" font-weight="600" fill="{_INK}">{_e(layout.y_label)}</text>')
    out.append("</g>")
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in layout.points)
    out.append(f'<polyline class="series" points="{path}" fill="none" stroke="{_BLUE}" stroke-width="2.5" '
               'stroke-linejoin="round"/>')
    out.append('<g class="points">')
    for x, y, tip in layout.points:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{_BLUE}"><title>{_e(tip)}</title></circle>')
    out.append("</g>")
    out.append('<g class="markers">')
    for index, (x, label, kind, inside) in enumerate(layout.markers):
        color = _ORANGE if kind == "own" else _GREY
        anchor = "start" if x < (x0 + x1) / 2 else "end"
        dx = 5 if anchor == "start" else -5
        if inside:
            out.append(f'<line class="marker marker-{kind}" x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}" '
                       f'stroke="{color}" stroke-width="1.5" stroke-dasharray="5 4"/>')
        out.append(f'<text class="marker-label" x="{x + dx:.1f}" y="{y0 + 14 + 16 * index}" text-anchor="{anchor}" '
                   f'fill="{color}" font-weight="600" stroke="#ffffff" stroke-width="4" paint-order="stroke">{_e(label)}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


# -- PNG ------------------------------------------------------------------------------------------------

_FONT_CHARS = (
    ' ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abc'
    'defghijklmnopqrstuvwxyz.,:;-_()[]{}/\\|%+'
    '=<>?!\'"`^~#*&@$€→–’×·àâäéèêëôöùûüîïçÉ'
)
#: One glyph per character of _FONT_CHARS: 9 rows (top to bottom), each a base-32 digit whose
#: 5 bits are the pixels of the row, left to right. Rows 0-6 hold capitals (row 6 is the
#: baseline), rows 7-8 descenders.
_FONT_CODES = (
    "000000000 ehhvhhh00 uhhuhhu00 ehggghe00 sihhhis00 vgguggv00 vgguggg00 ehgnhhf00 hhhvhhh00 "
    "e44444e00 72222ic00 hikokih00 ggggggv00 hrllhhh00 hhpljhh00 ehhhhhe00 uhhuggg00 ehhhlid00 "
    "uhhukih00 fgge11u00 v44444400 hhhhhhe00 hhhhha400 hhhllla00 hha4ahh00 hha444400 v1248gv00 "
    "ehjlphe00 4c4444e00 eh1248v00 v2421he00 26aiv2200 vgu11he00 68guhhe00 v12488800 ehhehhe00 "
    "ehhf12c00 00e1fhf00 ggmphhu00 00egghe00 11djhhf00 00ehvge00 698s88800 00fhhhf1e ggmphhh00 "
    "40c444e00 2062222ic ggikoki00 c44444e00 00qllll00 00mphhh00 00ehhhe00 00uhhhugg 00fhhhf11 "
    "00mpggg00 00fge1u00 88s889600 00hhhjd00 00hhha400 00hhlla00 00ha4ah00 00hhhhf1e 00v248v00 "
    "000000400 000004480 000400400 000404480 000e00000 0000000v0 248884200 842224800 e88888e00 "
    "e22222e00 244844200 844244800 11248gg00 gg8421100 444444400 pp248jj00 044v44000 00v0v0000 "
    "248g84200 842124800 eh1240400 444440400 448000000 aa0000000 840000000 4ah000000 008l20000 "
    "aavavaa00 04lel4000 cik8lid00 ehnlnge00 4fke5u400 78u8u8700 042v24000 000v00000 448000000 "
    "0ha4ah000 000400000 84e1fhf00 4ae1fhf00 0ae1fhf00 24ehvge00 84ehvge00 4aehvge00 0aehvge00 "
    "4aehhhe00 0aehhhe00 84hhhjd00 4ahhhjd00 0ahhhjd00 4ac444e00 0ac444e00 00egghe4c 2vguggv00 "
)
_DIGITS = "0123456789abcdefghijklmnopqrstuv"
_GLYPHS = {char: tuple(_DIGITS.index(c) for c in code) for char, code in zip(_FONT_CHARS, _FONT_CODES.split())}
_SPACES = "\u00a0\u202f\u2009\u2007"
GLYPH_WIDTH, GLYPH_HEIGHT, GLYPH_ADVANCE = 5, 9, 6


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


class Raster:
    """An RGB image in memory, with just what a chart needs."""

    def __init__(self, width: int, height: int, background: str = "#ffffff"):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(_rgb(background)) * (width * height))

    def point(self, x: int, y: int, color: tuple[int, int, int]) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            offset = 3 * (y * self.width + x)
            self.pixels[offset:offset + 3] = bytes(color)

    def rect(self, x: int, y: int, width: int, height: int, color: str) -> None:
        rgb = bytes(_rgb(color))
        for row in range(max(0, y), min(self.height, y + height)):
            start, end = max(0, x), min(self.width, x + width)
            if end > start:
                offset = 3 * (row * self.width + start)
                self.pixels[offset:offset + 3 * (end - start)] = rgb * (end - start)

    def line(self, x0: float, y0: float, x1: float, y1: float, color: str, width: int = 1,
             dash: Optional[tuple[int, int]] = None) -> None:
        rgb = _rgb(color)
        steps = max(abs(round(x1) - round(x0)), abs(round(y1) - round(y0)), 1)
        half = width // 2
        for step in range(steps + 1):
            if dash is not None and step % (dash[0] + dash[1]) >= dash[0]:
                continue
            x = round(x0 + (x1 - x0) * step / steps)
            y = round(y0 + (y1 - y0) * step / steps)
            for dx in range(-half, width - half):
                for dy in range(-half, width - half):
                    self.point(x + dx, y + dy, rgb)

    def disc(self, cx: float, cy: float, radius: float, color: str) -> None:
        rgb = _rgb(color)
        r = math.ceil(radius)
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy <= radius * radius:
                    self.point(round(cx) + dx, round(cy) + dy, rgb)

    @staticmethod
    def text_width(text: str, scale: int = 1) -> int:
        return len(text) * GLYPH_ADVANCE * scale - scale if text else 0

    def text(self, x: float, y: float, text: str, color: str, scale: int = 1, anchor: str = "start") -> None:
        """Draw ``text`` with its baseline at ``y``; ``anchor``: start, middle or end."""
        rgb = _rgb(color)
        width = self.text_width(text, scale)
        left = round(x - (width / 2 if anchor == "middle" else width if anchor == "end" else 0))
        top = round(y) - 6 * scale
        for index, char in enumerate(text):
            if char in _SPACES:
                char = " "
            glyph = _GLYPHS.get(char) or _GLYPHS["?"]
            origin = left + index * GLYPH_ADVANCE * scale
            for row, bits in enumerate(glyph):
                for column in range(GLYPH_WIDTH):
                    if bits & (1 << (GLYPH_WIDTH - 1 - column)):
                        for sy in range(scale):
                            for sx in range(scale):
                                self.point(origin + column * scale + sx, top + row * scale + sy, rgb)

    def png(self) -> bytes:
        """The image as PNG bytes (8-bit RGB, no filter, zlib level 9)."""
        stride = 3 * self.width
        raw = b"".join(b"\x00" + bytes(self.pixels[row * stride:(row + 1) * stride]) for row in range(self.height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def sweep_png(sweep: "Sweep", lang: str = "en") -> bytes:
    """The sweep chart as PNG bytes (900 × 500 pixels)."""
    scale = 2
    layout = _layout(sweep, lang, 900, 500, GLYPH_ADVANCE * scale, (92, 60, 104, 70))
    image = Raster(layout.width, layout.height)
    x0, x1 = layout.left, layout.width - layout.right
    y0, y1 = layout.top, layout.height - layout.bottom
    image.text(x0 - 60, 28, _fit(layout.title, layout.width - 40, scale), _INK, scale)
    subtitle_scale = scale if image.text_width(layout.subtitle, scale) <= layout.width - 40 else 1
    image.text(x0 - 60, 52, _fit(layout.subtitle, layout.width - 40, subtitle_scale), _AXIS, subtitle_scale)
    for y, _ in layout.y_ticks:
        image.line(x0, y, x1, y, _GRID)
    for x, label, kind, inside in layout.markers:
        if inside:
            image.line(x, y0, x, y1, _ORANGE if kind == "own" else _GREY, width=2, dash=(7, 5))
    image.line(x0, y1, x1, y1, _AXIS, width=2)
    image.line(x0, y0, x0, y1, _AXIS, width=2)
    for x, label in layout.x_ticks:
        image.line(x, y1, x, y1 + 6, _AXIS, width=2)
        image.text(x, y1 + 26, label, _AXIS, scale, "middle")
    for y, label in layout.y_ticks:
        image.line(x0 - 6, y, x0, y, _AXIS, width=2)
        image.text(x0 - 10, y + 6, label, _AXIS, scale, "end")
    image.text((x0 + x1) / 2, layout.height - 14, layout.x_label, _INK, scale, "middle")
    image.text(x0, y0 - 12, layout.y_label, _INK, scale)
    for (xa, ya, _), (xb, yb, _) in zip(layout.points, layout.points[1:]):
        image.line(xa, ya, xb, yb, _BLUE, width=3)
    for x, y, _ in layout.points:
        image.disc(x, y, 4.5, _BLUE)
    for index, (x, label, kind, _) in enumerate(layout.markers):
        color = _ORANGE if kind == "own" else _GREY
        anchor = "start" if x < (x0 + x1) / 2 else "end"
        left = round(x + 8) if anchor == "start" else round(x - 8 - image.text_width(label, scale))
        baseline = y0 + 20 + 22 * index
        image.rect(left - 3, baseline - 6 * scale - 3, image.text_width(label, scale) + 6, 9 * scale + 2, "#ffffff")
        image.text(left, baseline, label, color, scale)
    return image.png()


def _fit(text: str, width: int, scale: int) -> str:
    most = max(1, (width + scale) // (GLYPH_ADVANCE * scale))
    return text if len(text) <= most else text[:max(0, most - 3)] + "..."
