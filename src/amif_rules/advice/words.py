"""The words of questions and remedies in Dutch, French and English: one table per sentence,
so that a translation is changed in one place.

Rulesets give the questions and the labels of fields (``inputs:``); these are the sentences
around them, and the question asked of a field a ruleset has no words for.
"""

from __future__ import annotations

import re

_FALLBACK = {
    "nl": "Wat is de waarde van {path}?",
    "fr": "Quelle est la valeur de {path} ?",
    "en": "What is the value of {path}?",
}

#: How one change is said, by direction: down/up (numbers), earlier/later (dates and
#: instants), add/remove (elements of a list), set (anything else). ``{label}``, ``{value}``, ``{current}``.
_CHANGE = {
    "down": {
        "nl": "{label} verlaagt tot {value} (nu {current})",
        "fr": "ramenez {label} à {value} (actuellement {current})",
        "en": "lower {label} to {value} (now {current})",
    },
    "up": {
        "nl": "{label} verhoogt tot {value} (nu {current})",
        "fr": "portez {label} à {value} (actuellement {current})",
        "en": "raise {label} to {value} (now {current})",
    },
    "earlier": {
        "nl": "{label} vervroegt tot {value} (nu {current})",
        "fr": "avancez {label} au {value} (actuellement {current})",
        "en": "move {label} back to {value} (now {current})",
    },
    "later": {
        "nl": "{label} uitstelt tot {value} (nu {current})",
        "fr": "reportez {label} au {value} (actuellement {current})",
        "en": "move {label} forward to {value} (now {current})",
    },
    "add": {
        "nl": "{value} toevoegt aan {label} (nu {current})",
        "fr": "ajoutez {value} à {label} (actuellement {current})",
        "en": "add {value} to {label} (now {current})",
    },
    "remove": {
        "nl": "{value} schrapt uit {label} (nu {current})",
        "fr": "retirez {value} de {label} (actuellement {current})",
        "en": "remove {value} from {label} (now {current})",
    },
    "set": {
        "nl": "{label} op {value} zet (nu {current})",
        "fr": "mettez {label} à {value} (actuellement {current})",
        "en": "set {label} to {value} (now {current})",
    },
}
_AND = {"nl": " en ", "fr": " et ", "en": " and "}
_OR = {"nl": "; of als u ", "fr": " ; ou si vous ", "en": "; or if you "}
_OPTIONS = {
    "nl": "Deze regel slaagt als u {options}.",
    "fr": "Cette règle serait remplie si vous {options}.",
    "en": "This rule would pass if you {options}.",
}
_NOTHING = {
    "nl": "Geen wijziging van gegevens die de aanvrager zelf bepaalt, doet deze regel slagen: hij hangt af van {facts}, en dat bepaalt de aanvrager niet zelf ({source}).",
    "fr": "Aucune modification des données que le demandeur maîtrise ne permet de remplir cette règle : elle dépend de {facts}, que le demandeur ne maîtrise pas ({source}).",
    "en": "No change of the applicant's own inputs makes this rule pass: it depends on {facts}, which the applicant does not control ({source}).",
}
_NOT_FOUND = {
    "nl": "Geen wijziging van {controlled} alleen doet deze regel slagen, zolang {fixed} blijft zoals het is ({source}).",
    "fr": "Aucune modification de {controlled} seul ne permet de remplir cette règle tant que {fixed} reste tel quel ({source}).",
    "en": "No change of {controlled} alone makes this rule pass while {fixed} stays as it is ({source}).",
}
_NOT_FOUND_ALONE = {
    "nl": "Geen wijziging van één of twee waarden van {controlled} doet deze regel slagen ({source}).",
    "fr": "Aucune modification d'une ou deux valeurs parmi {controlled} ne permet de remplir cette règle ({source}).",
    "en": "No change of one or two values of {controlled} makes this rule pass ({source}).",
}
_NOT_SEARCHED = {
    "nl": "Niet onderzocht: de wijzigingen van deze aanvraag zijn al {count} keer nagerekend.",
    "fr": "Non examiné : les modifications de cette demande ont déjà été vérifiées {count} fois.",
    "en": "Not searched: the changes of this application have already been checked {count} times.",
}
_NEW_ENTRY = {
    "nl": "(nieuw element {n}: in te vullen)",
    "fr": "(nouvel élément {n} : à compléter)",
    "en": "(new entry {n}: to be written)",
}
_FAILS_ALWAYS = {
    "nl": "Deze regel leest geen gegevens van de aanvraag: geen wijziging doet hem slagen ({source}).",
    "fr": "Cette règle ne lit aucune donnée de la demande : aucune modification ne permet de la remplir ({source}).",
    "en": "This rule reads nothing of the application: no change makes it pass ({source}).",
}
_LIST_AND = {"nl": " en ", "fr": " et ", "en": " and "}
_VALUE_IN = {"nl": "{label} ({value})", "fr": "{label} ({value})", "en": "{label} ({value})"}


#: French articles after "de" and "à" (a label starts with its article: "le montant").
_FRENCH = (
    (re.compile(r"\bde les "), "des "),
    (re.compile(r"\bde le "), "du "),
    (re.compile(r"\bà les "), "aux "),
    (re.compile(r"\bà le "), "au "),
)


def contracted(text: str, lang: str) -> str:
    """``text`` with French's contractions made: "de le rôle" → "du rôle"."""
    if lang != "fr":
        return text
    for pattern, replacement in _FRENCH:
        text = pattern.sub(replacement, text)
    return text


def fails_always(source: str, lang: str) -> str:
    """A rule that reads no input (its check is a constant, say)."""
    return _FAILS_ALWAYS[lang].format(source=source)


def new_entry(n: int, lang: str) -> str:
    """An element a remedy adds to a list of texts: what the applicant is to write there."""
    return _NEW_ENTRY[lang].format(n=n)


def not_searched(count: int, lang: str) -> str:
    """A remedy met after the budget of proofs is spent."""
    return _NOT_SEARCHED[lang].format(count=count)


def fallback_question(path: str, lang: str) -> str:
    """The question of a field the ruleset gives no question for, in ``lang``."""
    return _FALLBACK[lang].format(path=path)


def change(direction: str, label: str, value: str, current: str, lang: str) -> str:
    return contracted(_CHANGE[direction][lang].format(label=label, value=value, current=current), lang)


def listing(parts: list[str], lang: str) -> str:
    """``a, b and c`` in ``lang``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + _LIST_AND[lang] + parts[-1]


def with_value(label: str, value: str, lang: str) -> str:
    return _VALUE_IN[lang].format(label=label, value=value)


def options_message(options: list[list[str]], lang: str) -> str:
    """The message of a remedy with options: each option's changes joined by "and", the
    options by "or"."""
    said = _OR[lang].join(_AND[lang].join(changes) for changes in options)
    return _OPTIONS[lang].format(options=said)


def nothing_message(facts: list[str], source: str, lang: str) -> str:
    """No input the applicant controls is read by the rule: what it depends on instead."""
    return contracted(_NOTHING[lang].format(facts=listing(facts, lang), source=source), lang)


def not_found_message(controlled: list[str], fixed: list[str], source: str, lang: str) -> str:
    """Inputs the applicant controls are read, but no change of them passes."""
    if fixed:
        said = _NOT_FOUND[lang].format(controlled=listing(controlled, lang), fixed=listing(fixed, lang), source=source)
    else:
        said = _NOT_FOUND_ALONE[lang].format(controlled=listing(controlled, lang), source=source)
    return contracted(said, lang)
