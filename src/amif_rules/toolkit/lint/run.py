"""The entry points, :func:`lint` and :func:`lint_paths`, and the order of the steps: the file
(:mod:`.linter`), beyond the loader (:mod:`.static`), the semantics (:mod:`.semantics`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ...errors import RulesetError
from ...ruleset import Ruleset
from . import semantics
from .findings import Finding, order
from .linter import Linter
from .static import beyond_loader


def lint(
    path_or_ruleset: str | os.PathLike | Ruleset,
    *,
    verbose: bool = False,
    sources: str | os.PathLike | None = None,
    examples: str | os.PathLike | None = None,
) -> list[Finding]:
    """Lint one ruleset file (or a loaded ruleset); findings sorted by place.

    ``verbose`` adds an eligible application (``AR311``) when there is one. ``sources``: the
    folder of source texts (default: ``$AMIF_SOURCES``, else ``shared/sources`` in a folder
    above the file). ``examples``: a folder of example applications to start counterexamples
    from (default: the ``examples/`` folder above the file, and the bundled one).
    Raises ``FileNotFoundError`` when the file does not exist.
    """
    if isinstance(path_or_ruleset, Ruleset):
        ruleset = path_or_ruleset
        name = ruleset.origin if ruleset.origin != "<ruleset>" else ruleset.file
        path = Path(ruleset.origin) if ruleset.origin != "<ruleset>" else None
        text: str | None = ruleset.text or None
    else:
        path = Path(path_or_ruleset)
        if not path.is_file():
            raise FileNotFoundError(f"no such ruleset file: {path}")
        name = str(path_or_ruleset)
        ruleset = None
        text = None
    return run(Linter(name, path, ruleset, text, verbose, sources, examples))


def lint_paths(
    paths: Iterable[str | os.PathLike], *, verbose: bool = False, sources: str | os.PathLike | None = None
) -> list[tuple[str, list[Finding]]]:
    """Lint files and folders (every ``*.yaml`` of a folder except ``*.tests.yaml``; not its
    subfolders: ``rulesets/drafts/`` is linted by naming it); ``(file, findings)`` per file. Raises ``FileNotFoundError`` for a
    path that does not exist or a folder without ruleset files."""
    files: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if not p.name.endswith(".tests.yaml"))
            if not found:
                raise FileNotFoundError(f"no ruleset files (*.yaml) in {path}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    seen: set[Path] = set()
    results = []
    for file in files:
        key = file.resolve()
        if key in seen:
            continue
        seen.add(key)
        results.append((str(file), lint(file, verbose=verbose, sources=sources)))
    return results


def run(linter: Linter) -> list[Finding]:
    """Every finding of one file, sorted by place."""
    raw = linter.read()
    linter.schema_findings(raw)
    if linter.ruleset is None:
        linter.load()
    if linter.ruleset is None:
        linter.add(
            "AR390", "the checks beyond loading (AR2xx) and the semantic checks (AR3xx) run once the ruleset loads", linter.name
        )
    else:
        beyond_loader(linter, linter.chain)
        try:
            semantics.check(linter)
        except RulesetError as error:  # the compiler refuses what no engine can run
            for problem in error.problems:
                linter.add(problem.code, problem.message, linter.locate(problem), hint=problem.hint)
        except Exception as error:  # noqa: BLE001 - a bug here must not hide the findings above
            linter.add(
                "AR390",
                f"the semantic analysis stopped ({type(error).__name__}: {error}); please report it with this ruleset",
                linter.name,
            )
    return sorted(linter.findings, key=order)
