"""Message templates and the formatting of values in Dutch, French and English (Babel).

A template is text with placeholders: ``{applicant.municipality.population}`` (any
expression of the rule language, optionally ``{expression:format}``), ``{item}`` (the path
of the list element, such as ``partners[1]``) and ``{missing}`` (the missing fields). The
placeholders are parsed and type-checked when the ruleset is loaded, so a misspelt field
is a loading error, not a broken message at run time.

Formats: ``number``, ``money``, ``percent``, ``date``, ``datetime``, ``text``,
``countries``. Without one, a value is formatted by its type: whole numbers with the
language's thousands separator (``102.275`` / ``102 275`` / ``102,275``), amounts in euro,
dates and times in Brussels local time, choices by their translated label.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any, Callable, Optional, Union

import attrs
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent

from . import expr
from .schema import BOOL, CODES, DATE, DECIMAL, ENUM, INSTANT, INT, LIST, MONEY, TEXT, TEXTS

LOCALES = {"nl": Locale.parse("nl_BE"), "fr": Locale.parse("fr_BE"), "en": Locale.parse("en_GB")}
FORMATS = ("number", "money", "percent", "date", "datetime", "text", "countries")

MISSING = {"nl": "(ontbreekt)", "fr": "(manquant)", "en": "(missing)"}
YES_NO = {"nl": ("ja", "nee"), "fr": ("oui", "non"), "en": ("yes", "no")}
NOTHING = {"nl": "geen", "fr": "aucun", "en": "none"}

#: Labels of the contract's enumerations, per language.
LABELS: dict[str, dict[str, tuple[str, str, str]]] = {
    "kind": {
        "ocmw": ("OCMW", "CPAS", "public social welfare centre (OCMW/CPAS)"),
        "municipality": ("gemeente", "commune", "municipality"),
        "intermunicipal": ("intergemeentelijk samenwerkingsverband", "intercommunale", "intermunicipal association"),
        "community_commission": ("gemeenschapscommissie", "commission communautaire", "community commission"),
        "province": ("provincie", "province", "province"),
        "nonprofit": ("vzw", "asbl", "non-profit association"),
        "company": ("bedrijf", "entreprise", "company"),
        "other": ("andere", "autre", "other"),
    },
    "role": {
        "coaching": ("coachingpartner", "partenaire de coaching", "coaching partner"),
        "co_applicant": ("mede-aanvrager", "codemandeur", "co-applicant"),
        "other": ("andere partner", "autre partenaire", "other partner"),
    },
    "gender": {
        "female": ("vrouw", "femme", "woman"),
        "male": ("man", "homme", "man"),
        "other": ("ander geslacht", "autre genre", "other gender"),
    },
    "education_level": {
        "low": ("laagopgeleid", "peu qualifié", "low-educated"),
        "medium": ("middengeschoold", "moyennement qualifié", "medium-educated"),
        "high": ("hoogopgeleid", "hautement qualifié", "highly educated"),
    },
    "theme": {
        "asylum": ("asiel", "asile", "asylum"),
        "reception": ("opvang", "accueil", "reception"),
        "return": ("terugkeer", "retour", "return"),
        "legal_migration": ("legale migratie", "migration légale", "legal migration"),
        "integration": ("integratie", "intégration", "integration"),
        "social_activation": ("sociale activering", "activation sociale", "social activation"),
        "union_action": ("Union Action (Europese Commissie)", "Union Action (Commission européenne)", "Union Action (European Commission)"),
        "other": ("ander thema", "autre thème", "other theme"),
    },
    "region": {
        "flanders": ("Vlaanderen", "Flandre", "Flanders"),
        "wallonia": ("Wallonië", "Wallonie", "Wallonia"),
        "brussels": ("Brussel", "Bruxelles", "Brussels"),
    },
    "community": {
        "flemish": ("Vlaamse Gemeenschap", "Communauté flamande", "Flemish Community"),
        "french": ("Franse Gemeenschap", "Communauté française", "French Community"),
        "german": ("Duitstalige Gemeenschap", "Communauté germanophone", "German-speaking Community"),
    },
    "commission": {
        "vgc": ("Vlaamse Gemeenschapscommissie", "Commission communautaire flamande", "Flemish Community Commission"),
        "cocof": ("Franse Gemeenschapscommissie", "Commission communautaire française", "French Community Commission"),
        "ggc": ("Gemeenschappelijke Gemeenschapscommissie", "Commission communautaire commune", "Common Community Commission"),
    },
    "residence": {
        "legal": ("legaal verblijf", "séjour légal", "legal residence"),
        "international_protection": ("internationale bescherming", "protection internationale", "international protection"),
        "resettled": ("hervestigd", "réinstallé", "resettled"),
        "relocated": ("herplaatst", "relocalisé", "relocated"),
        "applicant": ("in procedure voor legaal verblijf", "en procédure de séjour légal", "applying for legal residence"),
        "irregular": ("geen legaal verblijf", "sans séjour légal", "no legal residence"),
    },
}
#: The position of each language in the (nl, fr, en) tuples of labels and words.
LANG_INDEX = {"nl": 0, "fr": 1, "en": 2}


@attrs.frozen
class Placeholder:
    text: str
    node: Optional[expr.Node]  # None for the special names {item} and {missing}
    format: Optional[str]


@attrs.frozen
class Template:
    parts: tuple[Union[str, Placeholder], ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.parts if isinstance(p, Placeholder))


def parse_template(text: str, scope: expr.Scope) -> Template:
    """Split ``text`` into literal parts and checked placeholders; ``{{``/``}}`` are braces."""
    parts: list[Union[str, Placeholder]] = []
    literal: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "{" and text.startswith("{{", index):
            literal.append("{")
            index += 2
            continue
        if char == "}" and text.startswith("}}", index):
            literal.append("}")
            index += 2
            continue
        if char == "}":
            raise expr.ExpressionError(f"a '}}' without its '{{' at character {index + 1}", hint="write }} for a literal brace")
        if char == "{":
            end = text.find("}", index)
            if end < 0:
                raise expr.ExpressionError(f"the placeholder at character {index + 1} is not closed", hint="close it with }")
            inner = text[index + 1:end].strip()
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_placeholder(inner, scope))
            index = end + 1
            continue
        literal.append(char)
        index += 1
    if literal:
        parts.append("".join(literal))
    return Template(tuple(parts))


def _placeholder(inner: str, scope: expr.Scope) -> Placeholder:
    body, _, fmt = inner.partition(":")
    body, fmt = body.strip(), fmt.strip() or None
    if fmt is not None and fmt not in FORMATS:
        raise expr.ExpressionError(f"unknown format {fmt!r} in {{{inner}}}", hint="formats: " + ", ".join(FORMATS))
    if body == "missing" or (body == "item" and scope.item_scope is not None):
        return Placeholder(body, None, fmt)
    display = expr.Scope(scope.parameters, scope.item_scope, for_display=True, definitions=scope.definitions)
    return Placeholder(body, expr.parse(body, display, want=None), fmt)


# -- rendering ---------------------------------------------------------------------------------


def renderer(template: Template, lang: str) -> Callable[[dict, dict, Optional[str], tuple], str]:
    """A function filling ``template`` in ``lang`` from a document's values:
    ``(root values, element values, item path, missing paths) -> text``. How each
    placeholder is read and formatted is decided here, once."""
    missing_word, nothing = MISSING[lang], NOTHING[lang]
    parts: list[tuple[int, Any]] = []
    for part in template.parts:
        if isinstance(part, str):
            parts.append((0, part))
        elif part.node is None:
            parts.append((1, None) if part.text == "item" else (2, None))
        elif isinstance(part.node, expr.Path) and part.format is None and part.node.type.kind == TEXT:
            parts.append((5, (part.node.scope is not None, part.node.path)))  # text is written as it is
        elif isinstance(part.node, expr.Path):
            node = part.node
            field = node.path.rsplit(".", 1)[-1]
            parts.append((3, (node.scope is not None, node.path, node.type.kind, field, part.format, node)))
        else:
            parts.append((4, (part.node, part.format)))
    frozen = tuple(parts)

    def render(root: dict, element: dict, item: Optional[str], missing: tuple[str, ...]) -> str:
        out = []
        append = out.append
        for kind, data in frozen:
            if kind == 0:
                append(data)
            elif kind == 3:
                in_item, path, value_kind, field, fmt, node = data
                value = element.get(path) if in_item else root.get(path)
                if value is None:
                    append(missing_word)
                else:
                    try:
                        append(format_cached(value, value_kind, field, lang, fmt))
                    except TypeError:  # an unhashable value
                        append(format_value(value, node, lang, fmt))
            elif kind == 5:
                in_item, path = data
                value = element.get(path) if in_item else root.get(path)
                append(missing_word if value is None else value)
            elif kind == 1:
                append(item or "")
            elif kind == 2:
                append(", ".join(missing) if missing else nothing)
            else:
                node, fmt = data

                def lookup(scope: Optional[str], path: str) -> Any:
                    return element.get(path) if scope is not None else root.get(path)

                append(format_value(expr.evaluate(node, lookup), node, lang, fmt))
        return "".join(out)

    return render


def format_value(value: Any, node: expr.Node, lang: str, fmt: str | None = None) -> str:
    """One value as a person reads it in ``lang``."""
    if value is None:
        return MISSING[lang]
    field = node.path.rsplit(".", 1)[-1] if isinstance(node, expr.Path) else None
    try:
        return format_cached(value, node.type.kind, field, lang, fmt)
    except TypeError:  # an unhashable value: format it without the cache
        return _format(value, node.type.kind, field, lang, fmt)


@lru_cache(maxsize=16_384)
def format_cached(value: Any, kind: str, field: Optional[str], lang: str, fmt: Optional[str]) -> str:
    """Values repeat across verdicts (thresholds, dates, amounts): format each once."""
    return _format(value, kind, field, lang, fmt)


def _format(value: Any, kind: str, field: Optional[str], lang: str, fmt: Optional[str]) -> str:
    locale = LOCALES[lang]
    if fmt == "percent":
        return _percent(value, locale)
    if fmt == "money" or (fmt is None and kind == MONEY):
        return _money(Decimal(value), lang)
    if fmt == "countries":
        return _countries(value, lang)
    if fmt == "date" or (fmt is None and kind == DATE):
        day = value.astimezone(_brussels()).date() if isinstance(value, dt.datetime) else value
        return format_date(day, format="long", locale=locale)
    if fmt == "datetime" or (fmt is None and kind == INSTANT):
        return _datetime(value, lang)
    if fmt == "text":
        return str(value)
    if kind == BOOL or isinstance(value, bool):
        return YES_NO[lang][0 if value else 1]
    if kind == ENUM and field in LABELS and value in LABELS[field]:
        return LABELS[field][value][LANG_INDEX[lang]]
    if kind in (TEXTS, CODES, LIST) or isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if fmt == "number" or kind in (INT, DECIMAL) or isinstance(value, (int, Decimal)):
        if type(value) is int and value >= 0:
            return _group(value, lang)
        return format_decimal(value, locale=locale, decimal_quantization=False)
    return str(value)


@lru_cache(maxsize=None)
def _symbols(lang: str) -> tuple[str, str, str, str]:
    """(group, decimal, currency prefix, currency suffix) of a language, read from Babel once."""
    locale = LOCALES[lang]
    group = locale.number_symbols["latn"]["group"] if "latn" in locale.number_symbols else locale.number_symbols["group"]
    decimal = locale.number_symbols["latn"]["decimal"] if "latn" in locale.number_symbols else locale.number_symbols["decimal"]
    sample = format_currency(Decimal("1234567.89"), "EUR", locale=locale)
    number = f"1{group}234{group}567{decimal}89"
    prefix, _, suffix = sample.partition(number)
    return group, decimal, prefix, suffix


def _group(number: int, lang: str) -> str:
    """A whole number with the language's grouping, as Babel writes it (non-negative only)."""
    return f"{number:,}".replace(",", _symbols(lang)[0])


def _money(amount: Decimal, lang: str) -> str:
    """An amount in euro as Babel's format_currency writes it, without its per-call cost."""
    if amount < 0 or not amount.is_finite():
        return format_currency(amount, "EUR", locale=LOCALES[lang])
    group, decimal, prefix, suffix = _symbols(lang)
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{cents:,.2f}".partition(".")
    return f"{prefix}{whole.replace(',', group)}{decimal}{fraction}{suffix}"


_AT = {"nl": "om", "fr": "à", "en": "at"}


def _datetime(moment: dt.datetime, lang: str) -> str:
    """Brussels local time, to the second or microsecond only when it matters."""
    local = moment.astimezone(_brussels())
    pattern = "HH:mm" if not (local.second or local.microsecond) else "HH:mm:ss" if not local.microsecond else "HH:mm:ss.SSSSSS"
    day = format_date(local.date(), format="long", locale=LOCALES[lang])
    time = format_time(local.time(), pattern, locale=LOCALES[lang])
    return f"{day} {_AT[lang]} {time} ({local.strftime('%Z')})"


def _percent(value: Any, locale: str) -> str:
    number = Decimal(value)
    return format_percent(number, format="#,##0.##%", locale=locale)


@lru_cache(maxsize=None)
def _territories(lang: str) -> dict[str, str]:
    return dict(LOCALES[lang].territories)


def _countries(value: Any, lang: str) -> str:
    codes = value if isinstance(value, tuple) else (value,)
    names = {"nl": "staatloos", "fr": "apatride", "en": "stateless"}
    return ", ".join(names[lang] if c == "stateless" else _territories(lang).get(c, c) for c in codes)


@lru_cache(maxsize=1)
def _brussels():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Brussels")


#: Messages used when a rule gives none for an outcome.
DEFAULT_MESSAGES: dict[str, dict[str, str]] = {
    "unknown": {
        "nl": "Kan niet beoordeeld worden: ontbrekende gegevens ({missing}).",
        "fr": "Impossible à évaluer : données manquantes ({missing}).",
        "en": "Cannot be decided: missing data ({missing}).",
    },
    "not_applicable": {
        "nl": "Niet van toepassing.",
        "fr": "Sans objet.",
        "en": "Not applicable.",
    },
    "empty_list": {
        "nl": "Niet van toepassing: de aanvraag vermeldt geen {list}.",
        "fr": "Sans objet : la demande ne mentionne aucun {list}.",
        "en": "Not applicable: the application lists no {list}.",
    },
}

LIST_NAMES = {
    "partners": {"nl": "partners", "fr": "partenaire", "en": "partners"},
    "participants": {"nl": "deelnemers", "fr": "participant", "en": "participants"},
}


_NO_REGISTER_YEAR = {
    "nl": "Het gemeenteregister heeft geen bevolkingscijfers op {day}: geef het inwonertal zelf op.",
    "fr": "Le registre des communes n'a pas de chiffres de population au {day} : indiquez vous-même le nombre d'habitants.",
    "en": "The municipality register has no population figures for {day}: give the population yourself.",
}


def no_register_year(day: dt.date, lang: str) -> str:
    """Said when a population was asked of the register for a date it does not hold."""
    return _NO_REGISTER_YEAR[lang].format(day=format_date(day, format="long", locale=LOCALES[lang]))


def default_message(kind: str, lang: str, missing: tuple[str, ...] = (), scope: str | None = None) -> str:
    text = DEFAULT_MESSAGES[kind][lang]
    if kind == "unknown":
        return text.replace("{missing}", ", ".join(missing) if missing else NOTHING[lang])
    if kind == "empty_list":
        return text.replace("{list}", LIST_NAMES.get(scope or "", {}).get(lang, scope or ""))
    return text

