"""Ruleset files broken at random, for fuzzing the loader: the ruleset half of ``malformed``.

A mutation may leave a file valid; then it loads. Nothing else is promised but this:
``amif_rules.parse_ruleset`` returns a ruleset or raises ``RulesetError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st

from ..resources import rulesets_dir

# -- ruleset files --------------------------------------------------------------------------------

#: Fragments that break YAML, the ruleset format or the expression language in many ways.
_RULESET_JUNK = (
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    "#",
    "&a ",
    "*a",
    "\t",
    "\x00",
    "\x7f",
    "\ufeff",
    "\ud800",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "!!python/object/apply:os.system ['echo pwned']",
    "!!binary aGk=",
    "? ",
    "|\n",
    ">-\n",
    "~",
    "1e309",
    "-1",
    "9" * 40,
    "0x1F",
    "__import__('os')",
    "open('/etc/passwd')",
    "().__class__",
    "{item.__class__}",
    "{{",
    "}}",
    "{missing",
    "applicant.kind ==",
    " and ",
    " or not ",
    "item.",
    "lambda: 0",
    "[x for x in y]",
    "f'{1}'",
    "(",
    ")",
    "**",
    "//",
    " in ",
    "<=",
    "len(",
    "age_on(",
    "union_citizen(",
    "\n  - id: x\n",
    "\n\n\n",
)


#: Values of another shape for any key of a ruleset file.
_RESHAPED = ("[x]", "{a: b}", "[]", "{}", "null", "'" + "9" * 31 + "'", "1e400", "-1", "true", "[[x]]", "{a: [b]}")


def malformed_rulesets(
    files: Iterable[str] = ("call-42.yaml", "amif-2014-2020-base.yaml", "buurtstewards.yaml", "flanders-321.yaml"),
) -> st.SearchStrategy[Any]:
    """Ruleset files (YAML text, sometimes bytes) broken at random: lines deleted,
    duplicated, swapped, re-indented or truncated, junk inserted (YAML syntax, tags,
    aliases, control characters, code), words replaced, numbers made huge, values given
    another shape (a list or a mapping where text goes).

    A mutation may leave the file valid; then it loads. Nothing else is promised but this:
    ``amif_rules.parse_ruleset`` returns a ruleset or raises ``RulesetError``.
    """
    texts = [(rulesets_dir() / name).read_text(encoding="utf-8") for name in files]

    @st.composite
    def build(draw) -> Any:
        text = draw(st.sampled_from(texts))
        for _ in range(draw(st.integers(1, 4))):
            lines = text.split("\n")
            operation = draw(
                st.sampled_from(["delete", "duplicate", "swap", "indent", "truncate", "insert", "replace", "number", "reshape"])
            )
            index = draw(st.integers(0, max(len(lines) - 1, 0)))
            if operation == "delete" and len(lines) > 1:
                del lines[index]
            elif operation == "duplicate":
                lines.insert(index, lines[index])
            elif operation == "swap":
                other = draw(st.integers(0, len(lines) - 1))
                lines[index], lines[other] = lines[other], lines[index]
            elif operation == "indent":
                lines[index] = draw(st.sampled_from(["", " ", "   ", "\t", "        "])) + lines[index].lstrip()
            elif operation == "truncate":
                cut = draw(st.integers(0, len(text)))
                lines = text[:cut].split("\n")
            elif operation == "insert":
                line = lines[index]
                at = draw(st.integers(0, len(line)))
                lines[index] = line[:at] + draw(st.sampled_from(_RULESET_JUNK)) + line[at:]
            elif operation == "replace":
                words = lines[index].split(" ")
                position = draw(st.integers(0, len(words) - 1))
                words[position] = draw(
                    st.sampled_from(
                        _RULESET_JUNK + ("id:", "check:", "value:", "extends:", "null", "[]", "{}", "true", "for_each:", "when:")
                    )
                )
                lines[index] = " ".join(words)
            elif operation == "reshape":
                # A value of another shape: a list or a mapping where text goes, a huge number.
                lines[index] = re.sub(
                    r"^(\s*(?:- )?[a-z_]+:)\s+\S.*$", lambda m: m.group(1) + " " + draw(st.sampled_from(_RESHAPED)), lines[index]
                )
            elif operation == "number":
                lines[index] = re.sub(
                    r"[0-9]+", lambda m: draw(st.sampled_from(["0", "-1", "1e400", "9" * 30, "1.5"])), lines[index], count=1
                )
            text = "\n".join(lines)
        if draw(st.integers(0, 9)) == 0:
            data = text.encode("utf-8", "surrogatepass")
            at = draw(st.integers(0, len(data)))
            return data[:at] + b"\xff\xfe" + data[at:]
        return text

    return build()
