"""An impact report, or a sweep alone, as one self-contained HTML page.

The page holds everything it shows: its CSS inline, the sweep chart as inline SVG, no
script, no font, no image or style loaded from anywhere (a Content-Security-Policy says so
to the browser too). Every text that comes from a ruleset or a document is escaped.
"""

from __future__ import annotations

from .chart import sweep_svg
from .model import ImpactResult, SweepResult
from .values import (
    applications,
    changed_sentence,
    draft_changes,
    escape,
    field_value,
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


def _outcome_html(outcome: str, lang: str) -> str:
    return f'<span class="{escape(outcome)}">{escape(outcome_word(outcome, lang))}</span>'


def _page(title: str, body: list[str], lang: str) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            'img-src data:">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            f"<footer>{escape(t('generated', lang))}</footer>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def impact_html(report: ImpactResult, lang: str = "en") -> str:
    """The whole report as one self-contained HTML page."""
    title = f"{t('title', lang)}: {report.draft.id} / {report.base.id}"
    body = [f"<h1>{escape(title)}</h1>", '<section id="summary">', '<dl class="meta">']
    for key, info in (("base", report.base), ("draft", report.draft)):
        body.append(
            f"<dt>{escape(t(key, lang))}</dt><dd><code>{escape(info.id)}</code> ({escape(t('version', lang))} "
            f'{escape(info.version)}, {escape(info.status)}) <span class="mono">{escape(info.file)}</span></dd>'
        )
    body.append(
        f'<dt>{escape(t("portfolio", lang))}</dt><dd><span class="mono">{escape(report.portfolio)}</span>: '
        f"{escape(t('portfolio_line', lang, documents=number(report.documents, lang), errors=number(report.errors, lang)))}</dd>"
    )
    body.append(f"<dt>{escape(t('engine', lang))}</dt><dd>{escape(report.engine)}</dd>")
    body.append("</dl>")
    body.append(f"<h2>{escape(t('changes_heading', lang))}</h2>")
    changes = draft_changes(report, lang)
    if changes:
        body.append('<ul class="changes" id="draft-changes">' + "".join(f"<li>{escape(c)}</li>" for c in changes) + "</ul>")
    else:
        body.append(f'<p id="draft-changes">{escape(t("no_changes", lang))}</p>')
    body.append(f"<h2>{escape(t('outcomes_heading', lang))}</h2>")
    body.append(
        '<table id="outcomes"><thead><tr>'
        f"<th>{escape(t('outcome', lang))}</th>"
        f'<th class="num">{escape(t("base", lang))}<br><small>{escape(report.base.id)}</small></th>'
        f'<th class="num">{escape(t("draft", lang))}<br><small>{escape(report.draft.id)}</small></th>'
        f'<th class="num">{escape(t("change", lang))}</th>'
        "</tr></thead><tbody>"
    )
    for outcome in ("eligible", "ineligible", "incomplete"):
        before, after = report.before[outcome], report.after[outcome]
        trend = "up" if after > before else "down" if after < before else ""
        body.append(
            f'<tr data-outcome="{outcome}"><td>{_outcome_html(outcome, lang)}</td>'
            f'<td class="num">{escape(number(before, lang))}</td><td class="num">{escape(number(after, lang))}</td>'
            f'<td class="num {trend}">{escape(signed(after - before, lang))}</td></tr>'
        )
    body.append("</tbody></table>")
    summary = changed_sentence(report, lang)
    body.append(
        f'<p id="changed" data-changed="{report.changed}"><strong>{escape(summary)}</strong>'
        + (f" {escape(quiet_sentence(report, lang))}" if report.unchanged_with_rule_changes else "")
        + "</p>"
    )
    body.append("</section>")

    causes = report.causes
    body.append('<section id="causes-section">')
    body.append(f"<h2>{escape(t('causes_heading', lang))}</h2>")
    if causes:
        body.append(
            '<table id="causes"><thead><tr><th>#</th>'
            f'<th>{escape(t("cause", lang))}</th><th class="num">{escape(t("applications", lang))}</th>'
            f"<th>{escape(t('outcome', lang))}</th><th>{escape(t('parameters', lang))}</th></tr></thead><tbody>"
        )
        for index, cause in enumerate(causes, start=1):
            transitions = "<br>".join(
                f"{_outcome_html(a, lang)} → {_outcome_html(b, lang)}: {escape(number(n, lang))}"
                for (a, b), n in transition_pairs(cause.transitions)
            )
            body.append(
                f'<tr><td class="num">{index}</td><td><code>{escape(cause.label)}</code></td>'
                f'<td class="num">{escape(number(len(cause.flips), lang))}</td><td>{transitions}</td>'
                f"<td>{escape(parameters_text(cause.parameters, lang))}</td></tr>"
            )
        body.append("</tbody></table>")
    else:
        body.append(f"<p>{escape(t('no_flips', lang))}</p>")
    body.append("</section>")

    body.append('<section id="flips-section">')
    body.append(f"<h2>{escape(t('flips_heading', lang))}</h2>")
    if causes:
        columns = [t("applicant", lang), t("outcome", lang), t("rules_changed", lang), t("values", lang), t("explanation", lang)]
        body.append('<table id="flips"><thead><tr>' + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr></thead>")
        for index, cause in enumerate(causes, start=1):
            body.append(f'<tbody class="cause" data-cause="{escape(cause.label)}">')
            parameters = (
                f"<br><small>{escape(t('parameters', lang))}: {escape(parameters_text(cause.parameters, lang))}</small>"
                if cause.parameters
                else ""
            )
            body.append(
                f'<tr class="cause-row"><th colspan="{len(columns)}">{escape(t("cause_n", lang, n=index))}: '
                f"<code>{escape(cause.label)}</code> ({escape(applications(len(cause.flips), lang))}){parameters}</th></tr>"
            )
            for flip in cause.flips:
                rules = "<br>".join(f"<code>{escape(_change_label(c, lang))}</code>" for c in flip.changes)
                values = []
                for change in flip.changes:
                    for path, value in change.fields.items():
                        values.append(f"<code>{escape(path)}</code> = <strong>{escape(field_value(value, lang))}</strong>")
                    if change.fields_before is not None:
                        values.append(f"({escape(t('values_before', lang))}: {escape(fields_text(change.fields_before, lang))})")
                messages = "<br>".join(escape(c.message_after or c.message_before or "") for c in flip.changes)
                where = f"{flip.municipality} · {flip.document}" if flip.municipality else flip.document
                body.append(
                    f'<tr class="flip" data-before="{escape(flip.before)}" data-after="{escape(flip.after)}">'
                    f'<td><span class="applicant">{escape(flip.applicant or "—")}</span><br>'
                    f'<small class="mono">{escape(where)}</small></td>'
                    f"<td>{_outcome_html(flip.before, lang)} → {_outcome_html(flip.after, lang)}</td>"
                    f"<td>{rules}</td><td>{'<br>'.join(values)}</td><td>{messages}</td></tr>"
                )
            body.append("</tbody>")
        body.append("</table>")
    else:
        body.append(f"<p>{escape(t('no_flips', lang))}</p>")
    body.append("</section>")

    if report.sweep is not None:
        body += _sweep_section(report.sweep, lang)

    body.append('<section id="rules-section">')
    body.append(f"<h2>{escape(t('rules_heading', lang))}</h2>")
    body.append(
        '<table id="rule-deltas"><thead><tr>'
        f"<th>{escape(t('rule', lang))}</th>"
        + "".join(f'<th class="num">{o}</th>' for o in ("pass", "fail", "unknown", "not_applicable"))
        + f"<th>{escape(t('results_changed', lang))}</th></tr></thead><tbody>"
    )
    for delta in report.rules:
        cells = []
        for outcome in ("pass", "fail", "unknown", "not_applicable"):
            a, b = delta.before[outcome], delta.after[outcome]
            cells.append(
                f'<td class="num">{escape(number(a, lang))}</td>'
                if a == b
                else f'<td class="num"><strong>{escape(number(a, lang))} → {escape(number(b, lang))}</strong></td>'
            )
        transitions = ", ".join(f"{k}: {number(v, lang)}" for k, v in delta.transitions.items())
        body.append(
            f'<tr data-rule="{escape(delta.rule)}"><td><code>{escape(delta.rule)}</code></td>{"".join(cells)}'
            f"<td>{escape(transitions)}</td></tr>"
        )
    body.append("</tbody></table>")
    body.append("</section>")

    if report.errors:
        body.append('<section id="errors-section">')
        body.append(f"<h2>{escape(t('errors_heading', lang))} ({escape(number(report.errors, lang))})</h2>")
        body.append(
            f'<table id="errors"><thead><tr><th>{escape(t("document", lang))}</th><th>path</th><th>message</th>'
            "</tr></thead><tbody>"
        )
        for bad in report.bad_documents:
            for path, message in bad.problems:
                body.append(
                    f'<tr><td class="mono">{escape(bad.document)}</td><td><code>{escape(path)}</code></td>'
                    f"<td>{escape(message)}</td></tr>"
                )
        body.append("</tbody></table>")
        hidden = report.errors - len(report.bad_documents)
        if hidden > 0:
            body.append(f"<p>{escape(t('errors_more', lang, n=number(hidden, lang), shown=len(report.bad_documents)))}</p>")
        body.append("</section>")
    return _page(title, body, lang)


def _sweep_section(sweep: SweepResult, lang: str) -> list[str]:
    body = [
        '<section id="sweep">',
        f"<h2>{escape(t('sweep_heading', lang, parameter=sweep.parameter))}</h2>",
        f"<p>{escape(t('sweep_intro', lang, ruleset=sweep.ruleset.id, parameter=sweep.parameter))}</p>",
        "<figure>",
        sweep_svg(sweep, lang),
    ]
    markers = ", ".join(f"{label} ({parameter_value(value, sweep.type, lang)})" for value, label in marker_labels(sweep, lang))
    body.append(f"<figcaption>{escape(t('chart_caption', lang, markers=markers))}</figcaption>")
    body.append("</figure>")
    body.append(
        '<table id="sweep-table"><thead><tr>'
        f'<th class="num">{escape(t("value", lang))}</th>'
        + "".join(f'<th class="num">{escape(t(o, lang))}</th>' for o in ("eligible", "ineligible", "incomplete"))
        + "<th></th></tr></thead><tbody>"
    )
    marks = marker_labels(sweep, lang)
    for point in sweep.points:
        label = ", ".join(name for value, name in marks if value == point.value)
        body.append(
            f'<tr><td class="num">{escape(parameter_value(point.value, sweep.type, lang))}</td>'
            + "".join(
                f'<td class="num">{escape(number(point.counts[o], lang))}</td>' for o in ("eligible", "ineligible", "incomplete")
            )
            + f"<td>{escape('◀ ' + label if label else '')}</td></tr>"
        )
    body.append("</tbody></table>")
    body.append("</section>")
    return body


def sweep_html(sweep: SweepResult, lang: str = "en") -> str:
    """A sweep alone as one self-contained HTML page."""
    title = t("sweep_heading", lang, parameter=sweep.parameter)
    return _page(title, [f"<h1>{escape(title)}</h1>", *_sweep_section(sweep, lang)], lang)


def _change_label(change, lang: str) -> str:
    where = f" [{change.item}]" if change.item else ""
    _, before, after = change.key
    return f"{change.rule}{where}: {before} → {after}"
