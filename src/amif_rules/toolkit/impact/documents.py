"""A portfolio's documents: a folder, a JSON Lines file, standard input, or any iterable of
documents, read lazily as a stream so that a report costs constant memory."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ...batch import sources
from ...documents import parse_json, parse_text, parse_yaml, read_application
from ...model import Application

#: One document of a portfolio, not yet parsed: (name, raw bytes) or (name, mapping/Application).
Item = tuple[str, Any]
DocumentsLike = str | Path | Iterable[Any]


def portfolio_items(documents: DocumentsLike, stdin: IO[bytes] | None = None) -> tuple[str, Iterator[Item]]:
    """(a name for the portfolio, its documents as (name, raw or parsed document), lazily).

    ``documents``: a folder (its ``*.json``, ``*.yaml``, ``*.yml`` files, by name), a JSON
    Lines file (``*.jsonl``, ``*.ndjson``: one document per line), one JSON or YAML document,
    ``"-"`` for JSON Lines on standard input; or an iterable of documents (mappings,
    :class:`Application` objects, JSON/YAML texts, or ``(name, document)`` pairs).
    """
    if isinstance(documents, (str, Path)):
        name = str(documents)
        if name == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            return "stdin", sources(["-"], True, stream)
        path = Path(name)
        if not path.exists():
            raise FileNotFoundError(f"no portfolio {name!r}: give a folder of documents, a JSON Lines file, or -")
        jsonl = path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson")
        return name, sources([name], jsonl, stdin or sys.stdin.buffer)
    if isinstance(documents, (bytes, dict)):
        raise TypeError("documents: give a path, '-', or an iterable of documents")

    def items() -> Iterator[Item]:
        for number, document in enumerate(documents, start=1):
            if isinstance(document, tuple) and len(document) == 2 and isinstance(document[0], str):
                yield document
            else:
                yield f"#{number}", document

    return "<documents>", items()


def parse_document(name: str, data: Any) -> Application:
    """Raises InputError (bad document) like ``amif-rules check`` does."""
    if isinstance(data, Application):
        return data
    if isinstance(data, bytes):
        source = name.rsplit(":", 1)[0] if ":" in name else name
        suffix = Path(source).suffix.lower()
        if suffix in (".json", ".jsonl", ".ndjson") or name.startswith("stdin:"):
            data = parse_json(data)
        elif suffix in (".yaml", ".yml"):
            data = parse_yaml(data)
        else:
            data = parse_text(data)
    return read_application(data)
