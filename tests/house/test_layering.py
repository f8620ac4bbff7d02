"""The layering of docs/architecture.md, checked against the code.

Every module of the package is in the table of layers; a module imports only modules in its
own layer or below it (module level and inside functions alike); and no modules import each
other in a cycle. The table is the house's plan: a new module must be placed in it.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "amif_rules"
PLAN = ROOT / "docs" / "architecture.md"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (``amif_rules.toolkit.lint``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[tuple[str, int]]:
    """The package's modules that ``name`` imports, anywhere in its text, with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                candidate = f"{origin}.{alias.name}"
                targets.append(candidate if candidate in known else origin)
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target.startswith("amif_rules") and target != name:
                found.add((target, node.lineno))
    return found


def plan() -> dict[int, list[str]]:
    """The table of floors: floor number → its module patterns (``cli.*``, ``api``)."""
    text = PLAN.read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].isdigit():
            rows[int(cells[0])] = re.findall(r"`([\w.*]+)`", cells[1])
    return rows


def full_name(pattern: str) -> str:
    return "amif_rules" if pattern == "amif_rules" else f"amif_rules.{pattern}"


def layer_of(name: str, rows: dict[int, list[str]]) -> int | None:
    """The floor of ``name``: the one whose pattern matches it most exactly
    (``amif_rules.toolkit.lint`` before ``amif_rules.toolkit.*``)."""
    best = None
    for floor, patterns in rows.items():
        for pattern in patterns:
            full = full_name(pattern)
            if fnmatch.fnmatchcase(name, full):
                score = len(full.replace("*", ""))
                if best is None or score > best[0]:
                    best = (score, floor)
    return None if best is None else best[1]


def graph() -> dict[str, set[tuple[str, int]]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_module_has_a_place_in_the_plan():
    rows = plan()
    assert len(rows) >= 5, "docs/architecture.md has no '## Layers' table"
    unplaced = [name for name in modules() if layer_of(name, rows) is None]
    assert not unplaced, f"modules missing from the layers table of docs/architecture.md: {unplaced}"


def test_every_entry_of_the_plan_names_modules_that_exist():
    names = list(modules())
    stale = [
        pattern
        for row in plan().values()
        for pattern in row
        if not any(fnmatch.fnmatchcase(name, full_name(pattern)) for name in names)
    ]
    assert not stale, f"the layers table names modules that do not exist: {stale}"


def test_no_module_imports_one_above_it():
    rows = plan()
    wrong = []
    for name, targets in graph().items():
        mine = layer_of(name, rows)
        for target, line in sorted(targets):
            theirs = layer_of(target, rows)
            if mine is not None and theirs is not None and theirs > mine:
                wrong.append(f"{name}:{line} imports {target} (floor {theirs} is above {mine})")
    assert not wrong, "imports against the layering of docs/architecture.md:\n" + "\n".join(wrong)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def package_parents(name: str) -> set[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first: not an import cycle
    of the code's own making, so a package's ``__init__`` re-exporting its rooms is allowed."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_cycles():
    edges = {}
    for name, targets in graph().items():
        edges[name] = {target for target, _ in targets if target not in package_parents(name)}
    found = cycles(edges)
    assert not found, "modules that import each other (directly or through others): " + "; ".join(" ↔ ".join(c) for c in found)


def test_the_checks_catch_a_back_import_and_a_cycle():
    """The checks themselves can fail: a leaf importing the command line is caught twice."""
    rows = plan()
    assert layer_of("amif_rules.cli", rows) > layer_of("amif_rules.units", rows)
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_no_private_name_is_imported_from_another_module():
    """A name that starts with ``_`` is its module's own business: another module that needs it
    asks for it to be made public (a private module of a package, ``testing._search``, may be
    imported within its package)."""
    known = modules()
    wrong = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
                continue
            if node.level:
                base = package.split(".")
                origin = ".".join(base[: len(base) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            if not origin.startswith("amif_rules"):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__") and f"{origin}.{alias.name}" not in known:
                    wrong.append(f"{name}:{node.lineno} imports {alias.name} from {origin}")
    assert not wrong, "private names imported from another module:\n" + "\n".join(wrong)


def test_every_test_file_has_a_name_of_its_own():
    """pytest imports test files by their base name: two of the same name in two folders
    break the collection of the second."""
    names = [path.name for path in (ROOT / "tests").rglob("test_*.py")]
    assert len(names) == len(set(names)), sorted(name for name in names if names.count(name) > 1)
