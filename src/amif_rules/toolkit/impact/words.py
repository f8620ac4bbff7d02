"""The words of an impact report in Dutch, French and English: headings, labels, sentences."""

from __future__ import annotations

from typing import Any

from ...languages import LANG_INDEX

_T: dict[str, tuple[str, str, str]] = {  # key -> (nl, fr, en)
    "title": ("Impact van een ontwerp", "Impact d'un projet", "Impact of a draft"),
    "base": ("basis", "base", "base"),
    "draft": ("ontwerp", "projet", "draft"),
    "current": ("huidig", "actuel", "current"),
    "portfolio": ("portefeuille", "portefeuille", "portfolio"),
    "version": ("versie", "version", "version"),
    "portfolio_line": (
        "{documents} aanvragen, {errors} met foute invoer",
        "{documents} demandes, {errors} avec des données erronées",
        "{documents} applications, {errors} with bad input",
    ),
    "changes_heading": ("Wat het ontwerp verandert", "Ce que le projet change", "What the draft changes"),
    "parameter": ("parameter", "paramètre", "parameter"),
    "rule_added": ("regel toegevoegd", "règle ajoutée", "rule added"),
    "rule_removed": ("regel weggelaten", "règle retirée", "rule removed"),
    "rule_modified": ("regel gewijzigd", "règle modifiée", "rule changed"),
    "no_changes": (
        "niets: het ontwerp heeft de parameters en regels van de basis",
        "rien : le projet a les paramètres et les règles de la base",
        "nothing: the draft has the base's parameters and rules",
    ),
    "outcomes_heading": ("Uitkomsten", "Résultats", "Outcomes"),
    "outcome": ("uitkomst", "résultat", "outcome"),
    "change": ("verschil", "différence", "change"),
    "changed_line": (
        "{n} aanvragen krijgen een andere uitkomst.",
        "{n} demandes changent de résultat.",
        "{n} applications change outcome.",
    ),
    "changed_one": ("1 aanvraag krijgt een andere uitkomst.", "1 demande change de résultat.", "1 application changes outcome."),
    "quiet_line": (
        "{n} aanvragen houden hun uitkomst, hoewel de uitkomst van een regel verandert.",
        "{n} demandes gardent leur résultat, bien que le résultat d'une règle change.",
        "{n} applications keep their outcome although the outcome of a rule changes.",
    ),
    "quiet_one": (
        "1 aanvraag houdt haar uitkomst, hoewel de uitkomst van een regel verandert.",
        "1 demande garde son résultat, bien que le résultat d'une règle change.",
        "1 application keeps its outcome although the outcome of a rule changes.",
    ),
    "causes_heading": ("Veranderingen per oorzaak", "Changements par cause", "Changes by cause"),
    "cause": ("oorzaak", "cause", "cause"),
    "cause_n": ("Oorzaak {n}", "Cause {n}", "Cause {n}"),
    "applications": ("aanvragen", "demandes", "applications"),
    "application": ("aanvraag", "demande", "application"),
    "flips_heading": (
        "Aanvragen met een andere uitkomst",
        "Demandes dont le résultat change",
        "Applications that change outcome",
    ),
    "applicant": ("aanvrager", "demandeur", "applicant"),
    "municipality": ("gemeente", "commune", "municipality"),
    "document": ("document", "document", "document"),
    "rules_changed": ("regels met een andere uitkomst", "règles dont le résultat change", "rules whose outcome changes"),
    "values": ("gelezen waarden", "valeurs lues", "values read"),
    "values_before": ("onder de basis", "sous la base", "under the base"),
    "parameters": ("parameters", "paramètres", "parameters"),
    "explanation": ("uitleg onder het ontwerp", "explication sous le projet", "explanation under the draft"),
    "no_flips": (
        "Geen enkele aanvraag krijgt een andere uitkomst.",
        "Aucune demande ne change de résultat.",
        "No application changes outcome.",
    ),
    "rules_heading": ("Uitkomsten per regel", "Résultats par règle", "Rule outcomes"),
    "rule": ("regel", "règle", "rule"),
    "results_changed": ("resultaten veranderd", "résultats changés", "results changed"),
    "rules_unchanged": (
        "De andere regels hebben dezelfde uitkomsten.",
        "Les autres règles ont les mêmes résultats.",
        "The other rules have the same outcomes.",
    ),
    "errors_heading": ("Documenten met foute invoer", "Documents aux données erronées", "Documents with bad input"),
    "errors_more": (
        "… en {n} meer (enkel de eerste {shown} staan hier)",
        "… et {n} de plus (seuls les {shown} premiers sont listés)",
        "… and {n} more (only the first {shown} are listed)",
    ),
    "sweep_heading": ("Reeks waarden voor {parameter}", "Balayage de {parameter}", "Sweep of {parameter}"),
    "sweep_intro": (
        "Uitkomsten van de portefeuille onder {ruleset} voor elke waarde van {parameter}.",
        "Résultats du portefeuille sous {ruleset} pour chaque valeur de {parameter}.",
        "Outcomes of the portfolio under {ruleset} for each value of {parameter}.",
    ),
    "value": ("waarde", "valeur", "value"),
    "chart_title": (
        "Ontvankelijke aanvragen per waarde van {parameter}",
        "Demandes recevables selon la valeur de {parameter}",
        "Eligible applications by value of {parameter}",
    ),
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
    """The word or sentence ``key`` in ``lang``, with ``values`` filled in."""
    text = _T[key][LANG_INDEX[lang]]
    return text.format(**values) if values else text


def outcome_word(outcome: str, lang: str) -> str:
    """A verdict outcome in words; a rule outcome as it is."""
    return t(outcome, lang) if outcome in ("eligible", "ineligible", "incomplete", "absent") else outcome
