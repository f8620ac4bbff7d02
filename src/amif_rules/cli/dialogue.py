"""``amif-rules interview CALL [DOCUMENT]``: ask a person, one question at a time, what an
application still lacks, and write the completed document (contract §5).

Each round checks the document as it stands (``check(..., include=("questions",))``) and
asks the first question of the verdict that was not skipped: decisive questions first. An
answer is read and checked by :mod:`amif_rules.answers` (the question's schema, then the
full reader); a refused one is said and asked again. The interview stops as soon as the
outcome is decided, when every open question was skipped, or at the end of the input
(Ctrl-D), and then writes the document, never over an existing file without ``--force``.
Ctrl-C aborts without writing (exit status 130, as every command).

Exit status as ``check``: 0 eligible, 1 ineligible, 3 still incomplete, 2 input or usage
error. Every word of the dialogue, in Dutch, French and English, is in :data:`WORDS`.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from .. import answers
from ..answers import Refused
from ..api import check
from ..documents import read_application
from ..errors import UsageError
from ..languages import DEFAULT_LANGUAGE, LANG_INDEX, YES_NO
from ..messages import LABELS
from ..verdict import Verdict
from .check import EXIT_CODES, read_document

#: Every sentence and word of the dialogue, by key, in each language.
WORDS: dict[str, dict[str, str]] = {
    "title": {
        "nl": "amif-rules interview: oproep {call} ({ruleset}, versie {version})",
        "fr": "amif-rules interview : appel {call} ({ruleset}, version {version})",
        "en": "amif-rules interview: call {call} ({ruleset}, version {version})",
    },
    "how": {
        "nl": "Beantwoord elke vraag en druk op Enter. Enter zonder antwoord slaat een vraag over, ? geeft uitleg, "
        "Ctrl-D stopt en bewaart wat beantwoord is, Ctrl-C breekt af zonder te bewaren.",
        "fr": "Répondez à chaque question puis appuyez sur Entrée. Entrée sans réponse passe la question, ? donne de "
        "l'aide, Ctrl-D arrête et enregistre les réponses données, Ctrl-C interrompt sans enregistrer.",
        "en": "Answer each question and press Enter. Enter alone skips a question, ? explains it, "
        "Ctrl-D stops and saves what is answered, Ctrl-C aborts without saving.",
    },
    "start": {"nl": "Vertrekt van {file}.", "fr": "À partir de {file}.", "en": "Starting from {file}."},
    "nothing": {
        "nl": "Er valt niets te vragen: de uitkomst staat al vast.",
        "fr": "Il n'y a rien à demander : le résultat est déjà acquis.",
        "en": "Nothing to ask: the outcome is already decided.",
    },
    "question": {
        "nl": "Vraag {number} · nog {open} open · {path}",
        "fr": "Question {number} · {open} en suspens · {path}",
        "en": "Question {number} · {open} open · {path}",
    },
    "rules": {"nl": "Regels: {rules}", "fr": "Règles : {rules}", "en": "Rules: {rules}"},
    "decisive": {"nl": "beslissend", "fr": "décisive", "en": "decisive"},
    "refused": {"nl": "✘ Niet aanvaard: {reason}.", "fr": "✘ Refusé : {reason}.", "en": "✘ Not accepted: {reason}."},
    # What the prompt asks for, by kind of answer (see amif_rules.answers).
    "hint.choice": {"nl": "nummer 1-{count} of code", "fr": "numéro 1-{count} ou code", "en": "number 1-{count} or code"},
    "hint.choices": {
        "nl": "nummers of codes, met komma's",
        "fr": "numéros ou codes, séparés par des virgules",
        "en": "numbers or codes, separated by commas",
    },
    "hint.boolean": {"nl": "{yes}/{no}", "fr": "{yes}/{no}", "en": "{yes}/{no}"},
    "hint.integer": {"nl": "geheel getal", "fr": "nombre entier", "en": "whole number"},
    "hint.population": {
        "nl": "aantal inwoners, of NIS 11002 voor het registercijfer",
        "fr": "nombre d'habitants, ou INS 21004 pour le chiffre du registre",
        "en": "number of inhabitants, or NIS 11002 for the register's figure",
    },
    "hint.money": {
        "nl": "bedrag in euro, zoals 1234.56",
        "fr": "montant en euros, comme 1234.56",
        "en": "amount in euro, such as 1234.56",
    },
    "hint.date": {"nl": "datum JJJJ-MM-DD", "fr": "date AAAA-MM-JJ", "en": "date YYYY-MM-DD"},
    "hint.datetime": {
        "nl": "datum en uur JJJJ-MM-DD UU:MM",
        "fr": "date et heure AAAA-MM-JJ HH:MM",
        "en": "date and time YYYY-MM-DD HH:MM",
    },
    "hint.text": {"nl": "tekst", "fr": "texte", "en": "text"},
    "hint.codes": {"nl": "codes, met komma's", "fr": "codes, séparés par des virgules", "en": "codes, separated by commas"},
    "hint.texts": {
        "nl": "één per regel, lege regel om af te sluiten",
        "fr": "une par ligne, ligne vide pour terminer",
        "en": "one per line, an empty line to end",
    },
    "hint.json": {"nl": "JSON", "fr": "JSON", "en": "JSON"},
    # What ? says, by kind of answer.
    "help.choice": {
        "nl": "Geef het nummer van een keuze, haar code of haar woorden.",
        "fr": "Donnez le numéro d'un choix, son code ou son libellé.",
        "en": "Give a choice's number, its code or its words.",
    },
    "help.choices": {
        "nl": "Geef een of meer keuzes (nummer, code of woorden), gescheiden door komma's, bijvoorbeeld 1, 3.",
        "fr": "Donnez un ou plusieurs choix (numéro, code ou libellé), séparés par des virgules, par exemple 1, 3.",
        "en": "Give one or more choices (number, code or words), separated by commas, for example 1, 3.",
    },
    "help.boolean": {
        "nl": "Antwoord met ja of nee (ook j/n, yes/no, oui/non, true/false).",
        "fr": "Répondez par oui ou non (aussi o/n, ja/nee, yes/no, true/false).",
        "en": "Answer yes or no (also y/n, ja/nee, oui/non, true/false).",
    },
    "help.integer": {
        "nl": "Een geheel getal; duizendtallen mogen gescheiden zijn (523.248).",
        "fr": "Un nombre entier ; les milliers peuvent être séparés (523 248).",
        "en": "A whole number; thousands may be separated (523,248).",
    },
    "help.population": {
        "nl": "Het aantal inwoners (523248), of NIS gevolgd door de NIS-code van de gemeente (NIS 11002): "
        "dan komt het inwonertal uit het register.",
        "fr": "Le nombre d'habitants (523248), ou INS suivi du code INS de la commune (INS 21004) : "
        "le nombre d'habitants est alors repris du registre.",
        "en": "The number of inhabitants (523248), or NIS followed by the municipality's NIS code (NIS 11002): "
        "the population is then taken from the register.",
    },
    "help.money": {
        "nl": "Een bedrag in euro met hoogstens twee decimalen: 1234.56 of 1234,56; duizendtallen mogen gescheiden zijn (1.234,56).",
        "fr": "Un montant en euros avec au plus deux décimales : 1234.56 ou 1234,56 ; les milliers peuvent être séparés (1 234,56).",
        "en": "An amount in euro with at most two decimals: 1234.56 or 1234,56; thousands may be separated (1,234.56).",
    },
    "help.date": {
        "nl": "Een datum: 2019-08-30 of 30/08/2019.",
        "fr": "Une date : 2019-08-30 ou 30/08/2019.",
        "en": "A date: 2019-08-30 or 30/08/2019.",
    },
    "help.datetime": {
        "nl": "Een datum en een uur, Belgische tijd: 2019-08-30 14:00 of 30/08/2019 14u00; "
        "met een verschil tegenover UTC: 2019-08-30T14:00+02:00.",
        "fr": "Une date et une heure, heure belge : 2019-08-30 14:00 ou 30/08/2019 14h00 ; "
        "avec un décalage par rapport à UTC : 2019-08-30T14:00+02:00.",
        "en": "A date and a time, Belgian time: 2019-08-30 14:00 or 30/08/2019 14:00; "
        "with an offset from UTC: 2019-08-30T14:00+02:00.",
    },
    "help.text": {"nl": "Een tekst op één regel.", "fr": "Un texte sur une ligne.", "en": "A text on one line."},
    "help.codes": {
        "nl": "Codes gescheiden door komma's of spaties, bijvoorbeeld SY, IQ (kleine letters mogen).",
        "fr": "Des codes séparés par des virgules ou des espaces, par exemple SY, IQ (les minuscules sont acceptées).",
        "en": "Codes separated by commas or spaces, for example SY, IQ (lower case is fine).",
    },
    "help.texts": {
        "nl": "Eén per regel (een regel mag komma's bevatten); sluit af met een lege regel.",
        "fr": "Un par ligne (une ligne peut contenir des virgules) ; terminez par une ligne vide.",
        "en": "One per line (a line may hold commas); end with an empty line.",
    },
    "help.json": {
        "nl": "Een JSON-waarde op één regel, bijvoorbeeld [].",
        "fr": "Une valeur JSON sur une ligne, par exemple [].",
        "en": "A JSON value on one line, for example [].",
    },
    "help.bounds": {"nl": "Toegelaten: {bounds}.", "fr": "Admis : {bounds}.", "en": "Allowed: {bounds}."},
    "help.source": {"nl": "Bron: {source}", "fr": "Source : {source}", "en": "Source: {source}"},
    "help.rules": {
        "nl": "Regels die op dit antwoord wachten: {rules}.",
        "fr": "Règles qui attendent cette réponse : {rules}.",
        "en": "Rules waiting for this answer: {rules}.",
    },
    "help.decisive": {
        "nl": "Beslissend: een antwoord op deze vraag alleen kan de aanvraag niet ontvankelijk maken.",
        "fr": "Décisive : une réponse à cette seule question peut rendre la demande irrecevable.",
        "en": "Decisive: an answer to this question alone can make the application ineligible.",
    },
    "help.keys": {
        "nl": "Enter zonder antwoord: overslaan · Ctrl-D: stoppen en bewaren · Ctrl-C: afbreken zonder bewaren",
        "fr": "Entrée sans réponse : passer · Ctrl-D : arrêter et enregistrer · Ctrl-C : interrompre sans enregistrer",
        "en": "Enter alone: skip · Ctrl-D: stop and save · Ctrl-C: abort without saving",
    },
    # Why an answer is refused, by reason (amif_rules.answers.REASONS).
    "reason.choice": {
        "nl": "geen van de {count} keuzes; geef een nummer of een code",
        "fr": "aucun des {count} choix ; donnez un numéro ou un code",
        "en": "not one of the {count} choices; give a number or a code",
    },
    "reason.boolean": {"nl": "antwoord met {yes} of {no}", "fr": "répondez par {yes} ou {no}", "en": "answer {yes} or {no}"},
    "reason.integer": {"nl": "geen geheel getal", "fr": "pas un nombre entier", "en": "not a whole number"},
    "reason.money": {
        "nl": "geen bedrag; schrijf bijvoorbeeld 1234.56",
        "fr": "pas un montant ; écrivez par exemple 1234.56",
        "en": "not an amount; write for example 1234.56",
    },
    "reason.decimals": {
        "nl": "hoogstens 2 decimalen (centen)",
        "fr": "au plus 2 décimales (centimes)",
        "en": "at most 2 decimals (cents)",
    },
    "reason.date": {
        "nl": "geen datum; schrijf bijvoorbeeld 2019-08-30",
        "fr": "pas une date ; écrivez par exemple 2019-08-30",
        "en": "not a date; write for example 2019-08-30",
    },
    "reason.calendar": {
        "nl": "{text} bestaat niet in de kalender",
        "fr": "{text} n'existe pas dans le calendrier",
        "en": "{text} is not on the calendar",
    },
    "reason.datetime": {
        "nl": "geen datum en uur; schrijf bijvoorbeeld 2019-08-30 14:00",
        "fr": "pas une date et une heure ; écrivez par exemple 2019-08-30 14:00",
        "en": "not a date and time; write for example 2019-08-30 14:00",
    },
    "reason.time_missing": {
        "nl": "geef ook het uur, bijvoorbeeld {text} 14:00",
        "fr": "donnez aussi l'heure, par exemple {text} 14:00",
        "en": "give the time too, for example {text} 14:00",
    },
    "reason.minimum": {"nl": "minstens {bound}", "fr": "au moins {bound}", "en": "at least {bound}"},
    "reason.maximum": {"nl": "hoogstens {bound}", "fr": "au plus {bound}", "en": "at most {bound}"},
    "reason.exclusiveMinimum": {"nl": "meer dan {bound}", "fr": "plus de {bound}", "en": "more than {bound}"},
    "reason.exclusiveMaximum": {"nl": "minder dan {bound}", "fr": "moins de {bound}", "en": "less than {bound}"},
    "reason.minLength": {
        "nl": "minstens {bound} tekens",
        "fr": "au moins {bound} caractères",
        "en": "at least {bound} characters",
    },
    "reason.maxLength": {
        "nl": "hoogstens {bound} tekens",
        "fr": "au plus {bound} caractères",
        "en": "at most {bound} characters",
    },
    "reason.minItems": {"nl": "geef er minstens {bound}", "fr": "donnez-en au moins {bound}", "en": "give at least {bound}"},
    "reason.maxItems": {"nl": "geef er hoogstens {bound}", "fr": "donnez-en au plus {bound}", "en": "give at most {bound}"},
    "reason.uniqueItems": {"nl": "{text} staat er twee keer in", "fr": "{text} figure deux fois", "en": "{text} is given twice"},
    "reason.pattern": {
        "nl": "{text} heeft niet de verwachte vorm",
        "fr": "{text} n'a pas la forme attendue",
        "en": "{text} does not have the expected form",
    },
    "reason.type": {"nl": "verwacht: {expected}", "fr": "attendu : {expected}", "en": "expected {expected}"},
    "reason.enum": {
        "nl": "{text} is geen toegelaten waarde",
        "fr": "{text} n'est pas une valeur admise",
        "en": "{text} is not an allowed value",
    },
    "reason.const": {
        "nl": "{text} is geen toegelaten waarde",
        "fr": "{text} n'est pas une valeur admise",
        "en": "{text} is not an allowed value",
    },
    "reason.conditional": {
        "nl": "deze combinatie is niet toegelaten ({inner})",
        "fr": "cette combinaison n'est pas admise ({inner})",
        "en": "this combination is not allowed ({inner})",
    },
    "reason.json": {"nl": "geen geldige JSON ({detail})", "fr": "JSON non valide ({detail})", "en": "not valid JSON ({detail})"},
    "reason.reader": {"nl": "{message}", "fr": "{message}", "en": "{message}"},
    "entry": {"nl": "waarde {entry}: {reason}", "fr": "valeur {entry} : {reason}", "en": "entry {entry}: {reason}"},
    "or": {"nl": " of ", "fr": " ou ", "en": " or "},
    "type.string": {"nl": "een tekst", "fr": "un texte", "en": "a text"},
    "type.integer": {"nl": "een geheel getal", "fr": "un nombre entier", "en": "a whole number"},
    "type.number": {"nl": "een getal", "fr": "un nombre", "en": "a number"},
    "type.boolean": {"nl": "ja of nee", "fr": "oui ou non", "en": "yes or no"},
    "type.array": {"nl": "een lijst", "fr": "une liste", "en": "a list"},
    "type.object": {"nl": "een object", "fr": "un objet", "en": "an object"},
    "type.null": {"nl": "null", "fr": "null", "en": "null"},
    # The end of the interview.
    "stop.eof": {
        "nl": "Einde van de invoer: het interview stopt hier.",
        "fr": "Fin de la saisie : l'entretien s'arrête ici.",
        "en": "End of input: the interview stops here.",
    },
    "stop.skipped": {
        "nl": "Elke open vraag is overgeslagen.",
        "fr": "Toutes les questions en suspens ont été passées.",
        "en": "Every open question was skipped.",
    },
    "why": {"nl": "Waarom:", "fr": "Pourquoi :", "en": "Why:"},
    "remedies": {"nl": "Wat zou helpen:", "fr": "Ce qui aiderait :", "en": "What would help:"},
    "warning": {"nl": "waarschuwing", "fr": "avertissement", "en": "warning"},
    "still_open": {
        "nl": "Nog open ({count}): {paths}",
        "fr": "Encore en suspens ({count}) : {paths}",
        "en": "Still open ({count}): {paths}",
    },
    "written": {"nl": "Geschreven naar {file}.", "fr": "Écrit dans {file}.", "en": "Written to {file}."},
    "renamed": {
        "nl": "Geschreven naar {file} ({wanted} bestaat al; --force overschrijft het).",
        "fr": "Écrit dans {file} ({wanted} existe déjà ; --force l'écrase).",
        "en": "Written to {file} ({wanted} already exists; --force overwrites it).",
    },
    "resume": {"nl": "Later verder: {command}", "fr": "Pour continuer plus tard : {command}", "en": "To go on later: {command}"},
    "explain": {
        "nl": "De volledige uitleg: {command}",
        "fr": "L'explication complète : {command}",
        "en": "The full explanation: {command}",
    },
    "interrupted": {
        "nl": "Afgebroken: niets bewaard.",
        "fr": "Interrompu : rien n'a été enregistré.",
        "en": "Aborted: nothing saved.",
    },
    "nis_unknown": {
        "nl": "Het register kent geen inwonertal voor NIS-code {code} op de datum van deze oproep: geef het aantal inwoners.",
        "fr": "Le registre ne connaît pas le nombre d'habitants du code INS {code} à la date de cet appel : "
        "donnez le nombre d'habitants.",
        "en": "The register has no population for NIS code {code} on this call's date: give the number of inhabitants.",
    },
}

#: The prompt of the next line of a list of texts.
_MORE = "  ...> "
#: An answer to a population question that gives the municipality's NIS code instead.
_NIS = re.compile(r"(?:nis|ins)(?:[- ]?code)?\s*[:=]?\s*([0-9]{5})", re.IGNORECASE)
_POPULATION = "municipality.population"
#: The bounds ? shows, from the schema of an answer (an amount's from its number branch).
_BOUNDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems")


def say(key: str, lang: str, **values: Any) -> str:
    """The sentence ``key`` of :data:`WORDS` in ``lang``, filled in."""
    return WORDS[key][lang].format(**values)


# -- the command ----------------------------------------------------------------------------------


def execute(args: argparse.Namespace) -> int:
    """The dialogue of ``interview`` (:mod:`.interview` parses its arguments): its exit status,
    or an error for :mod:`~amif_rules.cli.exits` to tell."""
    call, lang = args.call, args.lang
    document = _start(args.document, call)
    wanted = _target(args.output, call)
    terminal = Terminal(sys.stdin, sys.stdout)
    verdict = _check(document, call, lang)
    terminal.say(say("title", lang, call=call, ruleset=verdict.ruleset_id, version=verdict.ruleset_version))
    terminal.say(say("how", lang))
    if args.document is not None:
        terminal.say(say("start", lang, file=args.document))
    try:
        document, verdict, stop = _converse(document, call, lang, terminal, verdict)
    except KeyboardInterrupt:
        terminal.say()
        terminal.say(say("interrupted", lang))
        raise
    if verdict.outcome == "ineligible":
        verdict = check(document, call=call, lang=lang, include=("questions", "remedies"))
    _conclude(verdict, stop, lang, terminal)
    written = _write(document, wanted, args.force)
    terminal.say(say("written", lang, file=written) if written == wanted else say("renamed", lang, file=written, wanted=wanted))
    again = (
        ["amif-rules", "interview", call, str(written)]
        if verdict.outcome == "incomplete"
        else ["amif-rules", "check", str(written)]
    )
    if lang != DEFAULT_LANGUAGE:
        again += ["--lang", lang]
    terminal.say(say("resume" if verdict.outcome == "incomplete" else "explain", lang, command=shlex.join(again)))
    return EXIT_CODES[verdict.outcome]


# -- the person at the other end ------------------------------------------------------------------


class Terminal:
    """Standard input and output as the dialogue uses them: one line a prompt, an answer
    read as a line. A piped answer is written after its prompt, so that the dialogue reads
    as on a terminal; the end of the input (Ctrl-D) stays the end."""

    def __init__(self, stdin: IO[str] | None, stdout: IO[str]):
        self.stdin = stdin
        self.stdout = stdout
        self.ended = stdin is None
        self.echo = stdin is not None and not stdin.isatty()
        try:  # bytes that are not UTF-8 are read as U+FFFD, not a crash
            stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str | None:
        """One line of answer (without its end), or None at the end of the input."""
        if self.ended or self.stdin is None:
            return None
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.ended = True
            self.say()
            return None
        answer = line.rstrip("\r\n")
        if self.echo:
            self.say(answer)
        elif not line.endswith("\n"):  # Ctrl-D after some text: the terminal showed it, not the line's end
            self.say()
        return answer


# -- the dialogue ---------------------------------------------------------------------------------

_SKIP = object()
_END = object()


def _check(document: dict[str, Any], call: str, lang: str) -> Verdict:
    return check(document, call=call, lang=lang, include=("questions",))


def _converse(
    document: dict[str, Any], call: str, lang: str, terminal: Terminal, verdict: Verdict
) -> tuple[dict[str, Any], Verdict, str]:
    """Ask until the outcome is decided; the document, its verdict and why it stopped
    (``decided``, ``skipped``: every open question was, ``end``: of the input)."""
    if verdict.outcome != "incomplete":
        terminal.say(say("nothing", lang))
        return document, verdict, "decided"
    skipped: set[str] = set()
    number = 0
    unknown_nis: tuple[str, str] | None = None  # (path, code) of a NIS code the register has no figure for
    while verdict.outcome == "incomplete":
        open_questions = [q for q in verdict.questions or () if q["path"] not in skipped]
        if not open_questions:
            return document, verdict, "skipped"
        question = open_questions[0]
        number += 1
        _show(question, number, len(open_questions), lang, terminal)
        if unknown_nis is not None and unknown_nis[0] == question["path"]:
            terminal.say("  " + say("nis_unknown", lang, code=unknown_nis[1]))
        got = _ask(question, document, lang, terminal)
        if got is _END:
            return document, verdict, "end"
        if got is _SKIP:
            skipped.add(question["path"])
            continue
        document, nis = got  # type: ignore[misc]
        unknown_nis = (question["path"], nis) if nis else None
        verdict = _check(document, call, lang)
    return document, verdict, "decided"


def _show(question: Mapping[str, Any], number: int, open_count: int, lang: str, terminal: Terminal) -> None:
    terminal.say()
    terminal.say(say("question", lang, number=number, open=open_count, path=question["path"]))
    terminal.say(question["question"])
    decisive = f" ({say('decisive', lang)})" if question["decisive"] else ""
    terminal.say("  " + say("rules", lang, rules=", ".join(question["rules"])) + decisive)
    for line in _choice_lines(question, lang):
        terminal.say(line)


def _ask(question: Mapping[str, Any], document: dict[str, Any], lang: str, terminal: Terminal) -> Any:
    """The document with the accepted answer and the NIS code it gave (or None), or
    ``_SKIP``, or ``_END``; a refused answer is said and asked again."""
    kind = answers.kind_of(question["schema"])
    prompt = _hint(question, lang) + "> "
    while True:
        text = terminal.ask(prompt)
        if text is None:
            return _END
        if kind == answers.TEXTS and text.strip() not in ("", "?"):
            lines = [text]
            while (more := terminal.ask(_MORE)) is not None and more.strip():
                lines.append(more)
            text = "\n".join(lines)
        if not text.strip():
            return _SKIP
        if text.strip() == "?":
            for line in _help(question, lang):
                terminal.say("  " + line)
            continue
        try:
            return _accept(question, document, text, lang)
        except Refused as refused:
            terminal.say("  " + say("refused", lang, reason=_reason(refused, lang)))


def _accept(question: Mapping[str, Any], document: dict[str, Any], text: str, lang: str) -> tuple[dict[str, Any], str | None]:
    path = question["path"]
    nis = _NIS.fullmatch(text.strip()) if path.endswith(_POPULATION) else None
    if nis is not None:
        sibling = path.removesuffix("population") + "nis_code"
        changed, _ = answers.answer(document, sibling, nis.group(1))
        return changed, nis.group(1)
    changed, _ = answers.answer(document, path, text, question["schema"], _labels(question, lang))
    return changed, None


def _field(question: Mapping[str, Any]) -> str:
    """The field's own name (``participants[1].residence`` → ``residence``)."""
    return re.sub(r"\[[0-9]*\]", "", question["path"]).rsplit(".", 1)[-1]


def _choices(question: Mapping[str, Any]) -> list[Any]:
    schema = question["schema"]
    kind = answers.kind_of(schema)
    if kind == answers.CHOICE:
        return list(schema["enum"])
    if kind == answers.CHOICES:
        return list(schema["items"]["enum"])
    return []


def _labels(question: Mapping[str, Any], lang: str) -> dict[str, str]:
    """code → the words of a choice in ``lang`` (the verdict's own labels)."""
    table = LABELS.get(_field(question), {})
    return {code: words[LANG_INDEX[lang]] for code, words in table.items()}


def _choice_lines(question: Mapping[str, Any], lang: str) -> list[str]:
    labels = _labels(question, lang)
    lines = []
    for number, code in enumerate(_choices(question), 1):
        label = labels.get(code)
        lines.append(f"  {number:>2}. {label} ({code})" if label and label != code else f"  {number:>2}. {code}")
    return lines


def _hint(question: Mapping[str, Any], lang: str) -> str:
    kind = answers.kind_of(question["schema"])
    if question["path"].endswith(_POPULATION):
        return say("hint.population", lang)
    yes, no = YES_NO[lang]
    return say(f"hint.{kind}", lang, count=len(_choices(question)), yes=yes, no=no)


def _help(question: Mapping[str, Any], lang: str) -> list[str]:
    schema = question["schema"]
    kind = answers.kind_of(schema)
    lines = [f"{question['path']}: " + say("help.population" if question["path"].endswith(_POPULATION) else f"help.{kind}", lang)]
    bounds = _bounds(schema, lang)
    if bounds:
        lines.append(say("help.bounds", lang, bounds=", ".join(bounds)))
    lines.extend(_choice_lines(question, lang))
    lines.append(say("help.rules", lang, rules=", ".join(question["rules"])))
    if question["decisive"]:
        lines.append(say("help.decisive", lang))
    if question["source"]:
        lines.append(say("help.source", lang, source=question["source"]))
    lines.append(say("help.keys", lang))
    return lines


def _bounds(schema: Mapping[str, Any], lang: str) -> list[str]:
    """The bounds of an answer, said as its refusals say them ("at least 0")."""
    shown = []
    for node in [schema, schema.get("items", {}), *schema.get("anyOf", [])]:
        if not isinstance(node, Mapping) or (node is not schema and node.get("type") not in ("number", "integer", None)):
            continue
        for keyword in _BOUNDS:
            if keyword in node:
                said = _reason(Refused(keyword, bound=_bound(node[keyword])), lang)
                if said not in shown:
                    shown.append(said)
    return shown


def _bound(value: Any) -> str:
    return format(Decimal(str(value)).normalize(), "f") if isinstance(value, (int, float)) else str(value)


def _reason(refused: Refused, lang: str) -> str:
    """Why an answer is refused, in ``lang``."""
    values = dict(refused.values)
    if refused.reason == "type":
        values["expected"] = WORDS["or"][lang].join(say(f"type.{kind}", lang) for kind in values.get("expected", ()))
    yes, no = YES_NO[lang]
    inner = _reason(refused.inner, lang) if refused.inner is not None else ""
    said = say(f"reason.{refused.reason}", lang, yes=yes, no=no, inner=inner, **{k: v for k, v in values.items() if k != "inner"})
    return say("entry", lang, entry=refused.entry, reason=said) if refused.entry is not None else said


# -- the end ----------------------------------------------------------------------------------------


def _conclude(verdict: Verdict, stop: str, lang: str, terminal: Terminal) -> None:
    """The outcome, why (the failed rules) and what would help (the remedies), or what is still open."""
    terminal.say()
    if stop in ("end", "skipped"):
        terminal.say(say("stop.eof" if stop == "end" else "stop.skipped", lang))
    terminal.say(verdict.to_text().split("\n", 1)[0])
    failed = [result for result in verdict.rules if result.outcome == "fail"]
    if failed and verdict.outcome == "ineligible":
        terminal.say(say("why", lang))
    for result in failed:
        where = f" [{result.item}]" if result.item else ""
        warning = f" ({say('warning', lang)})" if result.severity == "warning" else ""
        terminal.say(f"  ✘ {result.id}{where}{warning}: {result.message}")
    if verdict.outcome == "ineligible" and verdict.remedies:
        terminal.say(say("remedies", lang))
        for remedy in verdict.remedies:
            where = f" [{remedy['item']}]" if remedy["item"] else ""
            terminal.say(f"  → {remedy['rule']}{where}: {remedy['message']}")
    if verdict.outcome == "incomplete":
        paths = [question["path"] for question in verdict.questions or ()]
        terminal.say(say("still_open", lang, count=len(paths), paths=", ".join(paths)))


# -- the document in and out ----------------------------------------------------------------------


def _start(name: str | None, call: str) -> dict[str, Any]:
    """The document to start from: DOCUMENT, read and checked (its call is CALL), or an
    empty application to CALL."""
    if name is None:
        return {"call": call}
    if name == "-":
        raise UsageError("interview reads the answers from standard input: give DOCUMENT as a file, not -")
    document = read_document(name)
    read_application(document)
    assert isinstance(document, dict)  # the reader refuses anything but an object
    given = document.get("call")
    if given is None:
        return {"call": call, **{key: value for key, value in document.items() if key != "call"}}
    if given != call:
        raise UsageError(f"{name} is an application to call {given!r}, not to call {call!r}")
    return document


def _target(output: str | None, call: str) -> Path:
    """Where the document goes (checked before anything is asked: its folder exists)."""
    path = Path(output) if output else Path("application-" + re.sub(r"[^A-Za-z0-9._-]+", "-", call) + ".json")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: there is no folder {folder}")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder; give --output a file name")
    return path


def _write(document: dict[str, Any], wanted: Path, force: bool) -> Path:
    """Write ``document`` as JSON to ``wanted``, or, when it exists and ``force`` is not
    given, to the first free ``NAME-2.json``, ``NAME-3.json``...; where it was written."""
    text = json.dumps(_plain(document), ensure_ascii=False, indent=2) + "\n"
    if force:
        wanted.write_text(text, encoding="utf-8")
        return wanted
    candidate, number = wanted, 1
    while True:
        try:
            with candidate.open("x", encoding="utf-8") as file:
                file.write(text)
            return candidate
        except FileExistsError:
            number += 1
            candidate = wanted.with_name(f"{wanted.stem}-{number}{wanted.suffix}")


def _plain(value: Any) -> Any:
    """A document as JSON writes it: an exact decimal read from the document stays a number
    where a float writes it exactly, and becomes its text where not."""
    if isinstance(value, Mapping):
        return {key: _plain(child) for key, child in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(child) for child in value]
    if isinstance(value, Decimal):
        number = float(value)
        return number if value.is_finite() and Decimal(repr(number)) == value else format(value, "f")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
