"""Where the package's bundled files live: rulesets, examples, JSON Schemas, sources.

Installed, they sit inside the package (``pyproject.toml`` force-includes ``rulesets/`` and
``examples/``); in a source checkout they sit at the repository's root. Every module that
needs one asks here. Imports nothing from the package.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

_PACKAGE = "amif_rules"
_CHECKOUT = Path(__file__).resolve().parents[2]


def _folder(name: str) -> Path:
    bundled = Path(str(resources.files(_PACKAGE))) / name
    if bundled.is_dir():
        return bundled
    return _CHECKOUT / name


def rulesets_dir() -> Path:
    """The folder of the bundled rulesets (and their ``.tests.yaml`` files)."""
    return _folder("rulesets")


def examples_dir() -> Path:
    """The folder of the bundled example applications."""
    return _folder("examples")


def package_text(*parts: str) -> str:
    """The text of a file shipped inside the package (``"service", "static", "docs.html"``)."""
    return resources.files(_PACKAGE).joinpath(*parts).read_text(encoding="utf-8")


def schema_text(name: str) -> str:
    """The text of a published JSON Schema, ``name`` as in ``"verdict.schema.json"``."""
    return resources.files(_PACKAGE).joinpath("schemas", name).read_text(encoding="utf-8")


@functools.cache
def _schema(name: str) -> str:
    return schema_text(name)


def schema(name: str) -> Any:
    """A published JSON Schema as a fresh dict (read once per process)."""
    return json.loads(_schema(name))
