"""The finding code of each problem the ruleset loader reports, read from its message.

Transitional: once every :class:`~amif_rules.errors.RulesetProblem` carries its code where it
is raised, these patterns go.
"""

from __future__ import annotations

import re

_PROBLEM_KINDS: tuple[tuple[str, str], ...] = (
    (
        "AR001",
        r"^not valid YAML|^not valid UTF-8|^the ruleset file is empty|^a ruleset file is a mapping|"
        r"^YAML tag|^keys must be plain names|appears twice|^nested too deeply|aliases",
    ),
    ("AR114", r"larger than [\d,]+ bytes|^more than \d+ rules|64-bit|longer than [\d,]+ characters|nested deeper than"),
    (
        "AR112",
        r"^extends |extends itself|rulesets in one extends chain|^no ruleset .* to extend|^this file is .* but its id is|"
        r"^no rule .* to remove|^remove_rules",
    ),
    ("AR113", r"^definition names|^definition .* must be an expression|^definitions: must be|uses itself"),
    ("AR107", r"^duplicate rule id"),
    ("AR106", r"has no source$"),
    ("AR105", r"has no (nl|fr|en) text|must give a text in each of nl, fr and en"),
    ("AR101", r"^unknown key"),
    (
        "AR108",
        r"parameter cannot have the value|^an amount has at most 2 decimals|^unknown parameter type|has no value and no type|"
        r"has both value: and values:|dated value|^values: is a list|^until is before from|^parameter names are|"
        r"is already a name of the rule language|needs a value: and a source:|^parameters: must be",
    ),
    (
        "AR103",
        r"^unknown (parameter or )?field|has no field|is an object, not a value|'item' is only defined|^cannot iterate over",
    ),
    (
        "AR104",
        r"^cannot compare|^arithmetic needs|is never a value of|but a condition must be true or false|^and/or/not need|"
        r"does not apply to|^lists cannot be compared|^'in' needs|^'in' tests|^argument \d+ of|takes \d+ argument|"
        r"^one side of \*|^division|^cannot add or subtract|^cannot negate|^an expression must be text",
    ),
    (
        "AR110",
        r"^not a valid expression|is not part of the rule language|^only the named functions|^unknown function|"
        r"^empty expression|^a list literal|^a field path is names|^not a decimal number|is not a literal|is not a comparison",
    ),
    (
        "AR102",
        r"^missing required key|needs at least one rule|^no (pass|fail) message|^a rule needs messages|"
        r"^a rule is a mapping|^rules: must be a list",
    ),
    (
        "AR109",
        r"^id must be|^a rule id is|^severity must be|^status must be|must be a date|^valid_until is before|"
        r"^abstract is|abstract ruleset|must be text$|register has no figures|^cannot read the ruleset file|^rule [\w-]+: ",
    ),
)


def problem_code(message: str) -> str:
    """The finding code of a loader problem (its message, as ``RulesetProblem.message``)."""
    if re.search(
        r"unknown format|placeholder at character|without its '\{'|shows only the day of an instant|"
        r"^in the \w+ \w+ message: the format '\w+' does not fit",
        message,
    ):
        return "AR111"
    inner = re.sub(r"^in the (nl|fr|en) \w+ message: ", "", message)
    inner = re.sub(r"^in definition '[^']*': ", "", inner)
    for code, pattern in _PROBLEM_KINDS:
        if re.search(pattern, inner):
            return code
    return "AR199"
