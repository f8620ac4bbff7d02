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

Bounds (see :func:`bind_bounds`): a placeholder whose expression is a side of a comparison
of its rule's check shows a bound, and is rounded, when the ruleset is loaded, toward the
side that passes (``money`` to the cent, ``percent`` to the hundredth of a per cent): in
``a <= b`` the message shows ``b`` rounded down and ``a`` rounded up, so that the value it
shows passes. Parameters and literals are shown exactly, with every decimal they have.
A value that is present but cannot be computed (a division by zero) shows as
:data:`UNDEFINED`; only a value that reads an absent input shows as :data:`MISSING`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from functools import cache, lru_cache
from typing import Any

import attrs
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent

from . import expr
from .dates import BRUSSELS, local_date
from .exprfunctions import Gathered
from .languages import LANG_INDEX, LOCALES, YES_NO
from .problemcodes import BAD_PLACEHOLDER
from .schema import BOOL, CODES, DATE, DECIMAL, ENUM, INSTANT, INT, LIST, MONEY, TEXT, TEXTS, FieldType

FORMATS = ("number", "money", "percent", "date", "datetime", "text", "countries")

#: A value that reads an input the document does not give (or a dated parameter without a date).
MISSING = {"nl": "(ontbreekt)", "fr": "(manquant)", "en": "(missing)"}
#: A value whose inputs are all present but that cannot be computed. In the rule language the
#: only such value is a quotient by zero (``budget.amif / budget.total_eligible_cost`` with a
#: total of 0.00): every other expression of present values has a value.
UNDEFINED = {"nl": "(onbepaald: deling door nul)", "fr": "(indéfini : division par zéro)", "en": "(undefined: division by zero)"}
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
        "union_action": (
            "Union Action (Europese Commissie)",
            "Union Action (Commission européenne)",
            "Union Action (European Commission)",
        ),
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
    # Lists of choices (shown element by element): an organisation's declared experience,
    # and the documents attached to a request (call 579).
    "experience": {
        "anti_discrimination": (
            "methodes tegen discriminatie en racisme en voor gedragsverandering",
            "méthodes contre la discrimination et le racisme et pour un changement de comportement",
            "methods against discrimination and racism and for behaviour change",
        ),
        "amif_target_group": (
            "werken met de AMIF-doelgroep",
            "travail avec le public cible de l'AMIF",
            "working with the AMIF target group",
        ),
        "policy_participation": (
            "beleidsparticipatie van moeilijk bereikbare groepen en burgerzin",
            "participation politique des groupes difficiles à atteindre et sens civique",
            "policy participation of hard-to-reach groups and civic sense",
        ),
        "monitoring_evaluation": (
            "monitoring- en evaluatie-instrumenten",
            "instruments de suivi et d'évaluation",
            "monitoring and evaluation instruments",
        ),
        "social_networking": (
            "sociale netwerking en participatietrajecten",
            "réseautage social et parcours de participation",
            "social networking and participation trajectories",
        ),
        "social_activation": (
            "sociale activering van nieuwkomers",
            "activation sociale des primo-arrivants",
            "social activation of newcomers",
        ),
    },
    "documents": {
        "partnership_agreement": (
            "ondertekende partnerschapsovereenkomst",
            "convention de partenariat signée",
            "signed partnership agreement",
        ),
        "employment_contract_addendum": (
            "ingevuld en ondertekend addendum bij de arbeidsovereenkomst",
            "avenant au contrat de travail complété et signé",
            "completed and signed addendum to the employment contract",
        ),
        "cost_template": ("ingevuld kostensjabloon", "modèle de coûts complété", "completed cost template"),
        "payment_confirmation": (
            "bevestigingsbrief dat de coördinator uit reguliere middelen betaald werd",
            "lettre confirmant que le coordinateur a été rémunéré sur des moyens réguliers",
            "letter confirming that the coordinator was paid from regular funds",
        ),
        "pay_slips": ("loonfiches van de coördinator", "fiches de paie du coordinateur", "pay slips of the coordinator"),
    },
}


#: How a placeholder's value is brought to the precision its format shows (``money``: the
#: cent; ``percent``: the hundredth of a per cent; every other format shows values exactly):
#: NEAREST (half to even: a plain value), DOWN and UP (a bound: toward the side that passes),
#: EXACT (every decimal: parameters, literals, and sides of == and !=).
NEAREST, DOWN, UP, EXACT = "nearest", "down", "up", "exact"


@attrs.frozen
class Bound:
    """One comparison of a rule's check that a placeholder shows a side of.

    ``op`` is the comparison as the check needs it to hold (under a ``not`` it is turned
    around: ``not (a <= b)`` needs ``a > b``); ``side`` says which side of ``op`` the
    placeholder shows; ``other`` is the other side. ``ratio``: the comparison is read from
    ``a op k * x`` (``k`` a parameter or number, ``x`` an amount or a count, never negative)
    as ``a / x op k``, so that a message may show the share ``a / x``.
    """

    op: str
    side: str  # "left" or "right"
    other: expr.Node
    ratio: bool = False

    @property
    def rounding(self) -> str:
        """Toward the side that passes: the largest value of an upper bound, the smallest of a lower one."""
        if self.op in ("==", "!="):
            return EXACT
        upper = (self.side == "right") == (self.op in ("<", "<="))
        return DOWN if upper else UP

    def passes(self, shown: Any, exact: Any) -> bool:
        """Whether ``shown``, put in the place of the other side, passes this comparison
        against the exact value of the side the placeholder shows."""
        left, right = (exact, shown) if self.side == "left" else (shown, exact)
        return expr.COMPARISONS[self.op](left, right)


@attrs.frozen
class Placeholder:
    text: str
    node: expr.Node | None  # None for the special names {item} and {missing}
    format: str | None
    #: How the value is rounded to what the format shows (NEAREST, DOWN, UP or EXACT).
    rounding: str = NEAREST
    #: The comparisons of the rule's check this placeholder shows a side of (see :func:`bind_bounds`).
    bounds: tuple[Bound, ...] = ()


@attrs.frozen
class Template:
    parts: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    @property
    def text(self) -> str:
        """The template as a ruleset writes it (braces of the text doubled)."""
        return "".join(
            part.replace("{", "{{").replace("}", "}}")
            if isinstance(part, str)
            else "{" + part.text + (f":{part.format}" if part.format else "") + "}"
            for part in self.parts
        )


def parse_template(text: str, scope: expr.Scope) -> Template:
    """Split ``text`` into literal parts and checked placeholders; ``{{``/``}}`` are braces."""
    parts: list[str | Placeholder] = []
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
            raise expr.ExpressionError(
                f"a '}}' without its '{{' at character {index + 1}", hint="write }} for a literal brace", code=BAD_PLACEHOLDER
            )
        if char == "{":
            end = text.find("}", index)
            if end < 0:
                raise expr.ExpressionError(
                    f"the placeholder at character {index + 1} is not closed", hint="close it with }", code=BAD_PLACEHOLDER
                )
            inner = text[index + 1 : end].strip()
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
    body, _, format_text = inner.partition(":")
    body, fmt = body.strip(), format_text.strip() or None
    if fmt is not None and fmt not in FORMATS:
        raise expr.ExpressionError(
            f"unknown format {fmt!r} in {{{inner}}}", hint="formats: " + ", ".join(FORMATS), code=BAD_PLACEHOLDER
        )
    if body == "missing" or (body == "item" and scope.item_scope is not None):
        return Placeholder(body, None, fmt)
    display = expr.Scope(scope.parameters, scope.item_scope, for_display=True, definitions=scope.definitions)
    node = expr.parse(body, display, want=None)
    fits = _FORMAT_KINDS.get(fmt or "")
    if fits is not None and node.type.kind not in fits:
        suited = [name for name, kinds in _FORMAT_KINDS.items() if kinds is None or node.type.kind in kinds]
        raise expr.ExpressionError(
            f"the format {fmt!r} does not fit {{{body}}}, which is {node.type.a}",
            hint="formats for it: " + ", ".join(suited),
            code=BAD_PLACEHOLDER,
        )
    return Placeholder(body, node, fmt, EXACT if _constant(node) else NEAREST)


#: The kinds of value each format can write (None: any), checked when a ruleset loads, so
#: that a format that does not fit is a loading error, never a failure while rendering.
_FORMAT_KINDS: dict[str, frozenset[str] | None] = {
    "number": frozenset({INT, MONEY, DECIMAL}),
    "money": frozenset({INT, MONEY, DECIMAL}),
    "percent": frozenset({INT, MONEY, DECIMAL}),
    "date": frozenset({DATE, INSTANT}),
    "datetime": frozenset({INSTANT}),
    "countries": frozenset({CODES, TEXT}),
    "text": None,
}


def _constant(node: expr.Node) -> bool:
    """A parameter or a literal (the figures of the call text): shown with every decimal."""
    while isinstance(node, expr.Neg):
        node = node.operand
    return isinstance(node, (expr.Param, expr.Lit))


# -- bounds --------------------------------------------------------------------------------------

_TURNED = {"<=": ">", "<": ">=", ">=": "<", ">": "<=", "==": "!=", "!=": "=="}


def comparisons(check: expr.Node) -> Iterator[tuple[str, expr.Node, expr.Node, bool]]:
    """``(op, left, right, ratio)`` for every comparison of ``check`` as it must hold for the
    check to pass (``not`` turns ``op`` around), with the shares read from ``a op k * x``."""

    def walk(node: expr.Node, negated: bool) -> Iterator[tuple[str, expr.Node, expr.Node, bool]]:
        if isinstance(node, expr.Cmp):
            op = _TURNED[node.op] if negated else node.op
            yield op, node.left, node.right, False
            right = _share(node.right)
            if right is not None:  # a op k * x  ->  a / x op k
                factor, whole = right
                yield op, expr.Arith("/", node.left, whole, FieldType(DECIMAL)), factor, True
            left = _share(node.left)
            if left is not None:  # k * x op b  ->  k op b / x
                factor, whole = left
                yield op, factor, expr.Arith("/", node.right, whole, FieldType(DECIMAL)), True
        elif isinstance(node, expr.NotOp):
            yield from walk(node.operand, not negated)
        elif isinstance(node, expr.Logic):
            for operand in node.operands:
                yield from walk(operand, negated)

    yield from walk(check, False)


def _share(node: expr.Node) -> tuple[expr.Node, expr.Node] | None:
    """``(k, x)`` when ``node`` is ``k * x`` (either order) with ``k`` a parameter or number
    and ``x`` never negative (an amount or count of the document, or a length)."""
    if not (isinstance(node, expr.Arith) and node.op == "*"):
        return None
    for factor, whole in ((node.left, node.right), (node.right, node.left)):
        if _constant(factor) and _never_negative(whole):
            return factor, whole
    return None


def _never_negative(node: expr.Node) -> bool:
    """Amounts and whole numbers of a document are never negative (the reader refuses them)."""
    if isinstance(node, expr.Path):
        return node.type.kind in (MONEY, INT)
    return isinstance(node, expr.Call) and node.name == "len"


def _key(node: expr.Node) -> Any:
    """A node's structure, the same for ``a * b`` and ``b * a`` (and ``+``)."""
    if isinstance(node, expr.Arith):
        sides = (_key(node.left), _key(node.right))
        if node.op in "+*":
            sides = tuple(sorted(sides, key=repr))
        return ("arith", node.op) + sides
    if isinstance(node, expr.Path):
        return ("path", node.scope, node.path)
    if isinstance(node, expr.Param):
        return ("param", node.name)
    if isinstance(node, expr.Lit):
        return ("lit", node.type.kind, node.value)
    if isinstance(node, expr.Call):
        return ("call", node.name) + tuple(_key(arg) for arg in node.args)
    if isinstance(node, expr.Neg):
        return ("neg", _key(node.operand))
    return ("node", repr(node))


def check_sides(check: expr.Node) -> dict[Any, tuple[Bound, ...]]:
    """Every side of a comparison of ``check``, by structure (see :func:`bind_bounds`)."""
    sides: dict[Any, list[Bound]] = {}
    for op, left, right, ratio in comparisons(check):
        sides.setdefault(_key(left), []).append(Bound(op, "left", right, ratio))
        sides.setdefault(_key(right), []).append(Bound(op, "right", left, ratio))
    return {key: tuple(dict.fromkeys(bounds)) for key, bounds in sides.items()}


def bind_bounds(template: Template, sides: dict[Any, tuple[Bound, ...]]) -> Template:
    """``template`` with each placeholder that shows a side of the check (``sides``, from
    :func:`check_sides`) marked as a bound and rounded toward the side that passes.

    A placeholder is a side when its expression, once definitions are expanded and the
    operands of ``+`` and ``*`` put in order, is the same as one side of a comparison of the
    check (or the share ``a / x`` of ``a op k * x``). When the sides it shows disagree on the
    direction, or the comparison is ``==`` or ``!=``, it is shown exactly. Parameters and
    literals are always shown exactly. Decided once, when the ruleset is loaded.
    """
    parts: list[str | Placeholder] = []
    for part in template.parts:
        if isinstance(part, Placeholder) and part.node is not None:
            bounds = sides.get(_key(part.node), ())
            if bounds:
                roundings = {bound.rounding for bound in bounds}
                rounding = EXACT if part.rounding == EXACT or len(roundings) > 1 else roundings.pop()
                part = attrs.evolve(part, rounding=rounding, bounds=bounds)
        parts.append(part)
    return Template(tuple(parts))


def day_of_a_compared_instant(placeholder: Placeholder) -> bool:
    """``{deadline:date}`` where the check compares the instant: the day alone does not tell
    which instants pass (an upper bound at 23:59 refuses 23:59:30 of the day it shows)."""
    return (
        bool(placeholder.bounds)
        and placeholder.format == "date"
        and placeholder.node is not None
        and placeholder.node.type.kind == INSTANT
    )


# -- rendering ---------------------------------------------------------------------------------


#: The kinds of a template's parts in :func:`render_plan`, with what each carries:
#: literal text (the text); ``{item}`` (None); ``{missing}`` (None); a field formatted by its
#: kind or format (in the element?, path, kind, field name, format, node); any other
#: expression (its writer, ``lookup -> (value, value shown, text)``); a text field written
#: as it is (in the element?, path).
PART_TEXT, PART_ITEM, PART_MISSING, PART_FIELD, PART_WRITER, PART_TEXT_FIELD = range(6)


def render_plan(template: Template, lang: str) -> tuple[tuple[int, Any], ...]:
    """How each part of ``template`` is written in ``lang``: ``(kind, data)`` per part (the
    kinds above), decided once. :func:`renderer` runs it; ``explaingen`` writes code from it."""
    parts: list[tuple[int, Any]] = []
    for part in template.parts:
        if isinstance(part, str):
            parts.append((PART_TEXT, part))
        elif part.node is None:
            parts.append((PART_ITEM, None) if part.text == "item" else (PART_MISSING, None))
        elif isinstance(part.node, expr.Path) and part.node.gather:
            parts.append((PART_WRITER, _writer(part, lang)))  # gathered over a list's elements
        elif isinstance(part.node, expr.Path) and part.format is None and part.node.type.kind == TEXT:
            parts.append((PART_TEXT_FIELD, (part.node.scope is not None, part.node.path)))  # text is written as it is
        elif isinstance(part.node, expr.Path) and not _rounds(part):
            node = part.node
            field = node.path.rsplit(".", 1)[-1]
            parts.append((PART_FIELD, (node.scope is not None, node.path, node.type.kind, field, part.format, node)))
        else:
            parts.append((PART_WRITER, _writer(part, lang)))
    return tuple(parts)


def renderer(template: Template, lang: str) -> Callable[[dict, dict, str | None, tuple], str]:
    """A function filling ``template`` in ``lang`` from a document's values:
    ``(root values, element values, item path, missing paths) -> text``. How each
    placeholder is read, rounded and formatted is decided here, once (:func:`render_plan`)."""
    missing_word, nothing = MISSING[lang], NOTHING[lang]
    frozen = render_plan(template, lang)

    def render(root: dict, element: dict, item: str | None, missing: tuple[str, ...]) -> str:
        out: list[str] = []
        append = out.append
        lookup = None
        for kind, data in frozen:  # the PART_ kinds, as literals: this loop runs per part
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
                if lookup is None:

                    def lookup(scope: str | None, path: str) -> Any:
                        return element.get(path) if scope is not None else root.get(path)

                append(data(lookup)[2])
        return "".join(out)

    return render


def _rounds(part: Placeholder) -> bool:
    """Whether a field placeholder needs more than formatting: a field shown as a percentage
    that is a bound (amounts are shown to the cent they have, counts exactly)."""
    return part.rounding != NEAREST and part.format == "percent"


def _step(kind: str, fmt: str | None) -> Decimal | None:
    """The precision a format shows a number to: the cent for amounts, the hundredth of a per
    cent for percentages; None for the formats that show every digit."""
    if fmt == "percent":
        return _PERCENT_STEP
    if fmt == "money" or (fmt is None and kind == MONEY):
        return _CENT
    return None


_CENT, _PERCENT_STEP = Decimal("0.01"), Decimal("0.0001")
_DIRECTION = {DOWN: ROUND_FLOOR, UP: ROUND_CEILING, NEAREST: ROUND_HALF_EVEN}


def shown_value(value: Any, kind: str, fmt: str | None, rounding: str) -> Any:
    """The value a message writes for ``value`` (of type ``kind``, in format ``fmt``): brought
    to the precision the format shows, in the direction ``rounding`` says. Values the format
    shows exactly (and every value under EXACT) are returned unchanged."""
    step = _step(kind, fmt)
    if step is None or rounding == EXACT or isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return value
    number = Decimal(value)
    if not number.is_finite():
        return value
    with localcontext() as context:
        context.prec = 80
        return number.quantize(step, rounding=_DIRECTION[rounding])


def _writer(part: Placeholder, lang: str) -> Callable[[expr.Lookup], tuple[Any, Any, str]]:
    """How one expression placeholder is written: ``lookup -> (value, value shown, text)``.

    A value that is None is missing when the expression reads an absent input (or a dated
    parameter without a date), and undefined otherwise (all inputs present: a division by zero).
    """
    node, fmt, rounding = part.node, part.format, part.rounding
    assert node is not None
    kind = node.type.kind
    field = node.path.rsplit(".", 1)[-1] if isinstance(node, expr.Path) else None
    exact = rounding == EXACT
    directed = rounding != NEAREST and not exact and _step(kind, fmt) is not None
    reads = tuple((path.scope, path.path) for path in expr.paths(node))
    always_missing = expr.unresolved(node)
    missing_word, undefined_word = MISSING[lang], UNDEFINED[lang]

    def write(lookup: expr.Lookup) -> tuple[Any, Any, str]:
        value = expr.evaluate(node, lookup)
        if value is None:
            absent = always_missing or any(lookup(scope, path) is None for scope, path in reads)
            return None, None, missing_word if absent else undefined_word
        written = shown_value(value, kind, fmt, rounding) if directed else value
        try:
            return value, written, format_cached(written, kind, field, lang, fmt, exact)
        except TypeError:  # an unhashable value: format it without the cache
            return value, written, _format(written, kind, field, lang, fmt, exact)

    return write


@attrs.frozen
class Shown:
    """What a message shows for one expression placeholder (see :func:`shown`)."""

    placeholder: Placeholder
    #: The exact value of the expression (None: missing or undefined).
    value: Any
    #: The value the message writes: ``value`` brought to the precision of the format, in the
    #: direction of ``placeholder.rounding`` (for a bound: toward the side that passes).
    shown: Any
    #: The text the message writes.
    text: str


def shown(template: Template, lang: str, root: dict, element: dict | None = None) -> tuple[Shown, ...]:
    """Each expression placeholder of ``template`` with the value it shows, read from the same
    code that writes the message, so that tests and tools can check the bounds a message shows
    (``placeholder.bounds``) without reading the prose back."""
    element = element or {}

    def lookup(scope: str | None, path: str) -> Any:
        return element.get(path) if scope is not None else root.get(path)

    result = []
    for part in template.placeholders:
        if part.node is None:
            continue
        value, written, text = _writer(part, lang)(lookup)
        if part.rounding == NEAREST and written is not None:  # the formatter rounds it, half to even
            written = shown_value(written, part.node.type.kind, part.format, NEAREST)
        result.append(Shown(part, value, written, text))
    return tuple(result)


def format_value(value: Any, node: expr.Node, lang: str, fmt: str | None = None) -> str:
    """One value as a person reads it in ``lang`` (a plain value: rounded half to even)."""
    if value is None:
        return MISSING[lang]
    field = node.path.rsplit(".", 1)[-1] if isinstance(node, expr.Path) else None
    try:
        return format_cached(value, node.type.kind, field, lang, fmt)
    except TypeError:  # an unhashable value: format it without the cache
        return _format(value, node.type.kind, field, lang, fmt)


@lru_cache(maxsize=16_384)
def format_cached(value: Any, kind: str, field: str | None, lang: str, fmt: str | None, exact: bool = False) -> str:
    """Values repeat across verdicts (thresholds, dates, amounts): format each once."""
    return _format(value, kind, field, lang, fmt, exact)


def _format(value: Any, kind: str, field: str | None, lang: str, fmt: str | None, exact: bool = False) -> str:
    """``exact``: amounts and percentages with every decimal they have (other formats always are)."""
    locale = LOCALES[lang]
    if type(value) in (tuple, Gathered) and not value:
        return NOTHING[lang]  # an empty list: "none", not an empty gap in the sentence
    if fmt == "percent":
        return _percent(value, locale, exact)
    if fmt == "money" or (fmt is None and kind == MONEY):
        return _money_exact(Decimal(value), lang) if exact else _money(Decimal(value), lang)
    if fmt == "countries":
        return _countries(value, lang)
    if fmt == "date" or (fmt is None and kind == DATE):
        day = local_date(value) if isinstance(value, dt.datetime) else value
        return format_date(day, format="long", locale=locale)
    if fmt == "datetime" or (fmt is None and kind == INSTANT):
        return _datetime(value, lang)
    if fmt == "text":
        return str(value)
    if kind == BOOL or isinstance(value, bool):
        return YES_NO[lang][0 if value else 1]
    if kind == ENUM and field in LABELS and value in LABELS[field]:
        return LABELS[field][value][LANG_INDEX[lang]]
    if kind == TEXTS and field in LABELS and isinstance(value, tuple):  # a list of choices with labels
        labels = LABELS[field]
        return ", ".join(labels[v][LANG_INDEX[lang]] if v in labels else str(v) for v in value)
    if kind in (TEXTS, CODES, LIST) or isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if fmt == "number" or kind in (INT, DECIMAL) or isinstance(value, (int, Decimal)):
        if type(value) is int and value >= 0:
            return _group(value, lang)
        return format_decimal(value, locale=locale, decimal_quantization=False)
    return str(value)


@cache
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
    local = moment.astimezone(BRUSSELS)
    pattern = "HH:mm" if not (local.second or local.microsecond) else "HH:mm:ss" if not local.microsecond else "HH:mm:ss.SSSSSS"
    day = format_date(local.date(), format="long", locale=LOCALES[lang])
    time = format_time(local.time(), pattern, locale=LOCALES[lang])
    return f"{day} {_AT[lang]} {time} ({local.strftime('%Z')})"


def _percent(value: Any, locale: Locale, exact: bool = False) -> str:
    """A fraction as a percentage: to the hundredth of a per cent (half to even), or exactly."""
    number = Decimal(value)
    return format_percent(number, format="#,##0.##%", locale=locale, decimal_quantization=not exact)


def _money_exact(amount: Decimal, lang: str) -> str:
    """An amount in euro with every decimal it has (at least the cents)."""
    with localcontext() as context:
        context.prec = 80
        whole_cents = not amount.is_finite() or amount == amount.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    if whole_cents:
        return _money(amount, lang)
    return format_currency(amount, "EUR", locale=LOCALES[lang], decimal_quantization=False)


@cache
def _territories(lang: str) -> dict[str, str]:
    return dict(LOCALES[lang].territories)


def _countries(value: Any, lang: str) -> str:
    codes: tuple[str, ...] = value if isinstance(value, tuple) else (value,)
    names = {"nl": "staatloos", "fr": "apatride", "en": "stateless"}
    return ", ".join(names[lang] if c == "stateless" else _territories(lang).get(c, c) for c in codes)


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
