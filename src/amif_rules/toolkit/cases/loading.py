"""Finding and loading tests files: the whole file is read, every problem reported at once
as ``file:line:column: what is wrong`` with a hint, like a ruleset."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...errors import Location, RulesetProblem, TestsFileError
from .model import SUFFIX, TestsFile
from .reader import Reader
from .yamlread import Places, compose

_MAX_TESTS_BYTES = 2_000_000


def find_tests(paths: Iterable[str | Path]) -> list[Path]:
    """The tests files named by ``paths``: files as given, folders searched (recursively) for
    ``*.tests.yaml``; sorted by name within a folder. Raises ``FileNotFoundError`` for a path
    that does not exist."""
    found: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            found.extend(sorted(path.rglob("*" + SUFFIX)))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {entry}")
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)


def load_tests(path: str | Path, display: str | None = None) -> TestsFile:
    """Load and check one tests file; raises :class:`TestsFileError` listing every problem."""
    file = Path(path)
    shown = display if display is not None else str(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise TestsFileError([RulesetProblem(Location(shown), f"cannot read the tests file: {error.strerror}")]) from None
    return parse_tests(data, file, shown)


def parse_tests(data: str | bytes, path: str | Path, display: str | None = None) -> TestsFile:
    """Load a tests file from its text; ``path`` locates the ruleset and example files
    (relative to its folder), ``display`` names it in messages (default: ``path``)."""
    file = Path(path)
    shown = display if display is not None else str(path)
    if len(data) > _MAX_TESTS_BYTES:
        raise TestsFileError(
            [RulesetProblem(Location(shown), f"tests file larger than {_MAX_TESTS_BYTES:,} bytes", "split it into several files")]
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TestsFileError(
                [RulesetProblem(Location(shown), f"not valid UTF-8 (byte {error.start})", "save the file as UTF-8")]
            ) from None
    else:
        text = data
    node = compose(text, shown)
    if node is None:
        raise TestsFileError(
            [
                RulesetProblem(
                    Location(shown),
                    "the tests file is empty",
                    "start with cases: a list of cases, each with name:, an application and outcome:",
                )
            ]
        )
    places = Places(shown)
    try:
        raw = places.build(node)
    except RecursionError:
        raise TestsFileError([RulesetProblem(Location(shown), "nested too deeply")]) from None
    result = Reader(places, file).tests_file(raw)
    if places.problems:
        raise TestsFileError(places.problems)
    assert result is not None
    return result
