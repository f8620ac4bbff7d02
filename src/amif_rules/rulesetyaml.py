"""A ruleset file as its reader sees it: the values it holds, the place (file, line, column) of
each, and the problems found in it, each said where it is and with its code.

The YAML walk is :class:`amif_rules.yamlpos.Builder`'s (the rules every reader of YAML with
places keeps); this module says its problems in a ruleset's words, maps a position inside an
expression back to the file (quotes, block scalars, values folded over several lines), and
reads the plain values every part of a ruleset has (text, dates, texts in nl, fr and en,
known keys), saying where one is wrong.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Any

import attrs
import yaml

from . import limits
from .errors import Location, RulesetError, RulesetProblem, excerpt
from .languages import LANGUAGES
from .problemcodes import BAD_VALUE, LIMIT, MISSING_KEY, MISSING_TRANSLATION, UNKNOWN_KEY, YAML
from .rulesetmodel import Localized, YamlPath
from .suggestions import closest
from .yamlpos import KEY, Builder
from .yamlsafe import ALIAS_MESSAGE, fast_composer, strict_loader

_RulesetLoader = strict_loader("a ruleset")
_FastLoader = fast_composer()


class Places:
    """One ruleset file's values by path, where each is, and the problems found in it."""

    def __init__(self, file: str, text: str = "", problems: list[RulesetProblem] | None = None):
        self.file = file
        self.lines = text.splitlines()
        self.problems: list[RulesetProblem] = problems if problems is not None else []
        self.builder = Builder(_RulesetLoader, self._yaml_problem, keys="construct", strict=True)

    def build(self, node: yaml.Node) -> Any:
        """The values of a composed file (its places remembered)."""
        return self.builder.build(node)

    def _yaml_problem(self, kind: str, path: YamlPath, mark: Any, detail: Any) -> None:
        if kind == "alias":
            message = ALIAS_MESSAGE.format(what="a ruleset")
        elif kind == "tag":
            message = f"YAML tag {detail} is not allowed in a ruleset"
        elif kind == "key":
            message = "keys must be plain names"
        elif kind == "value":
            message = f"not valid YAML: {detail}"
        else:
            message = f"the key {detail!r} appears twice"
        self.problems.append(RulesetProblem(Location(self.file, mark.line + 1, mark.column + 1), message, code=YAML))

    def location(self, path: YamlPath, line_offset: int = 0, column_offset: int = 0, text: str | None = None) -> Location:
        """Where ``path`` is; with offsets, where a position inside its scalar value is.

        ``line_offset``/``column_offset`` are 0-based within the stripped value ``text``
        (as an expression parser sees it); block scalars (``|``, ``>``) and values folded
        over several lines are mapped back to the line and column of the file.
        """
        mark = self.builder.mark(path)
        if mark is None:
            return Location(self.file)
        quote = 1 if mark.style in ("'", '"') else 0
        if text is None or (line_offset == 0 and mark.style not in ("|", ">") and mark.end_line <= mark.line):
            return Location(self.file, mark.line, mark.column + quote + column_offset)
        # The character offset inside the value, then the raw line that holds it.
        value_lines = text.split("\n")
        offset = sum(len(line) + 1 for line in value_lines[:line_offset]) + column_offset
        if mark.style in ("|", ">"):
            first = mark.line  # 0-based index of the line after the indicator
            raw = self.lines[first : max(mark.end_line, first + 1)]
            indents = [len(line) - len(line.lstrip(" ")) for line in raw if line.strip()]
            indent = min(indents) if indents else 0
            content = [(first + i, indent, line[indent:]) for i, line in enumerate(raw)]
        else:
            first = mark.line - 1
            raw = self.lines[first : mark.end_line] or [""]
            content = [(first, mark.column - 1 + quote, raw[0][mark.column - 1 + quote :])]
            for i, line in enumerate(raw[1:], start=1):
                stripped = len(line) - len(line.lstrip(" "))
                content.append((first + i, stripped, line[stripped:]))
        while content and not content[0][2].strip():
            content.pop(0)
        for index, indent, line in content:
            lead = len(line) - len(line.lstrip(" ")) if index == content[0][0] else 0
            if offset <= len(line) - lead:
                return Location(self.file, index + 1, indent + lead + offset + 1)
            offset -= len(line) - lead + 1
        return Location(self.file, mark.line, mark.column + quote)

    def problem(self, path: YamlPath, code: str, message: str, hint: str | None = None) -> None:
        """A problem of kind ``code`` (:mod:`amif_rules.problemcodes`) at ``path``."""
        self.problems.append(RulesetProblem(self.location(path), message, hint, code))

    # -- the plain values of a ruleset -----------------------------------------------------------

    def unknown_keys(self, data: dict[str, Any], allowed: tuple[str, ...], path: YamlPath) -> None:
        for key in data:
            if key not in allowed:
                close = closest(key, allowed)
                self.problem(
                    path + (key, KEY),
                    UNKNOWN_KEY,
                    f"unknown key {key!r}",
                    f"did you mean {close!r}?" if close is not None else "allowed keys: " + ", ".join(allowed),
                )

    def required(self, data: dict[str, Any], key: str, path: YamlPath, hint: str) -> Any:
        if key not in data or data[key] is None:
            self.problem(path, MISSING_KEY, f"missing required key {key!r}", hint)
            return None
        return data[key]

    def string(self, value: Any, path: YamlPath, what: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            self.problem(path, BAD_VALUE, f"{what} must be text")
            return None
        return str(value)

    def localized(self, value: Any, path: YamlPath, what: str) -> Localized | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(
                path,
                MISSING_TRANSLATION,
                f"{what} must give a text in each of nl, fr and en",
                f'write {what}: {{nl: "...", fr: "...", en: "..."}}',
            )
            return None
        self.unknown_keys(value, LANGUAGES, path)
        texts = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem(
                    path,
                    MISSING_TRANSLATION,
                    f"{what} has no {lang} text",
                    f'add {lang}: "..." under {path[-1] if path else what}',
                )
                continue
            texts[lang] = text
        return Localized(**texts) if len(texts) == 3 else None

    def date(self, value: Any, path: YamlPath, what: str) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(path, BAD_VALUE, f"{what} must be a date such as 2019-09-02, got {excerpt(value)}")
            return None


@attrs.frozen
class Raw:
    """One ruleset file, composed: its values, where they came from, and its folder."""

    places: Places
    data: dict[str, Any]
    folder: FilePath | None
    text: str
    origin: str


def compose(data: str | bytes, file: str, problems: list[RulesetProblem]) -> Raw:
    """One ruleset file's text, read; raises :class:`RulesetError` when it is not a ruleset
    mapping at all, and adds the problems of its YAML (aliases, tags, keys) to ``problems``."""
    name = FilePath(file).name if file != "<ruleset>" else file
    folder = FilePath(file).resolve().parent if file != "<ruleset>" else None
    if len(data) > limits.MAX_RULESET_BYTES:
        raise _refused(Location(name), LIMIT, f"ruleset file larger than {limits.MAX_RULESET_BYTES:,} bytes")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _refused(Location(name), YAML, f"not valid UTF-8 (byte {error.start})", "save the file as UTF-8") from None
    else:
        text = data
    try:
        node = yaml.compose(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise _refused(
            location, YAML, f"not valid YAML: {error.problem or error}", "check the indentation and quoting around this place"
        ) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise _refused(Location(name), YAML, f"not valid YAML: {error}") from None
    except (UnicodeError, ValueError) as error:  # e.g. a lone surrogate, which libyaml cannot encode
        raise _refused(
            Location(name), YAML, f"the text is not valid Unicode ({error.__class__.__name__})", "save the file as UTF-8"
        ) from None
    if node is None:
        raise _refused(
            Location(name), YAML, "the ruleset file is empty", "start with id:, title:, source:, parameters: and rules:"
        )
    places = Places(name, text, problems)
    try:
        document = places.build(node)
    except RecursionError:
        raise _refused(Location(name), YAML, "nested too deeply") from None
    if not isinstance(document, dict):
        raise _refused(
            Location(name, 1, 1), YAML, "a ruleset file is a mapping with id:, title:, source:, parameters: and rules:"
        )
    return Raw(places, document, folder, text, file)


def _refused(location: Location, code: str, message: str, hint: str | None = None) -> RulesetError:
    """The error of a file that cannot be read any further."""
    return RulesetError([RulesetProblem(location, message, hint, code)])
