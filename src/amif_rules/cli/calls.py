"""``amif-rules calls``: the bundled rulesets with their titles, validity and status; with
``--on``, only the calls open on a date."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .. import catalog
from ..errors import RulesetError
from ..languages import LANGUAGES
from . import exits
from .parser import add_format, add_lang, add_on

_NO_DATES = {"nl": "geen data in de bronnen", "fr": "dates absentes des sources", "en": "no dates in the sources"}
_OPEN_ON = {
    "nl": "{count} oproep(en) open op {on}; {undated} ruleset(s) zonder geldigheidsdata in de bronnen niet meegeteld.",
    "fr": "{count} appel(s) ouvert(s) le {on} ; {undated} ensemble(s) de règles sans dates de validité dans les sources non compté(s).",
    "en": "{count} call(s) open on {on}; {undated} ruleset(s) without validity dates in the sources not counted.",
}


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``calls`` to the ``amif-rules`` sub-commands."""
    parser = commands.add_parser("calls", help="list the bundled rulesets with their titles, validity and status")
    add_on(parser, help="only the calls open on this date")
    parser.add_argument("--all", action="store_true", help="also the base rulesets that calls extend")
    add_lang(parser)
    add_format(parser)
    return parser


def execute(args: argparse.Namespace) -> int:
    """Run ``calls``: its exit status, or an error for :mod:`~amif_rules.cli.exits` to tell."""
    try:
        rows, undated = catalog.listing(args.on, bases=args.all)
    except RulesetError as error:  # every ruleset listed is a bundled one
        raise exits.bundled_ruleset_error(error) from None
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return exits.OK
    for row in rows:
        validity = (
            f"{row['valid_from'] or '…'} – {row['valid_until'] or '…'}"
            if row["valid_from"] or row["valid_until"]
            else _NO_DATES[args.lang]
        )
        titles = [args.lang] + [lang for lang in LANGUAGES if lang != args.lang]
        sys.stdout.write(
            f"{row['call'] or '-':>16}  {row['id']}  v{row['version']}  {row['status']}  {validity}  ({row['rules']} rules)\n"
        )
        for lang in titles:
            sys.stdout.write(f"{'':>18}{lang}: {row['title'][lang]}\n")
    if args.on is not None:
        sys.stdout.write(_OPEN_ON[args.lang].format(count=len(rows), on=args.on.isoformat(), undated=undated) + "\n")
    return exits.OK


COMMAND = exits.Command("calls", add_parser, execute, report_with="the document that caused it")


def run(args: argparse.Namespace) -> int:
    """``calls`` with parsed arguments; its exit status (never raises)."""
    return exits.run(COMMAND, args)
