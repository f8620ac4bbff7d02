"""Checking many documents: a stream in, a stream of JSONL verdicts out, in constant memory.

Documents come from files (paths, folders, glob patterns) or from JSON Lines (one document
per line, from a file or standard input). Each output line is
``{"document": NAME, "verdict": {...}}`` or, for a document with bad input,
``{"document": NAME, "error": {"problems": [{"path": ..., "message": ...}]}}``. The order
of the output is the order of the input, also with several processes (``jobs``), which
work on bounded windows of documents so that memory stays flat however long the stream.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

import attrs

from .api import check
from .documents import parse_json, parse_text, parse_yaml
from .errors import AmifRulesError, InputError, Problem, excerpt

#: Documents handed to the worker processes at a time, per process.
WINDOW_PER_JOB = 256
#: Documents one worker checks at a time (one file of lines).
CHUNK = 32
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")


@attrs.frozen
class Options:
    call: str | None = None
    lang: str = "nl"
    engine: str = "auto"
    on: dt.date | None = None
    ruleset_path: str | None = None
    #: What each verdict includes beyond contract §2 (§5: questions, remedies).
    include: tuple[str, ...] = ()


def is_batch(names: list[str], jsonl: bool) -> bool:
    """More than one document, a folder, a glob pattern, or JSON Lines."""
    if jsonl or len(names) > 1:
        return True
    name = names[0]
    return name != "-" and (Path(name).is_dir() or (not Path(name).exists() and glob.has_magic(name)))


def sources(names: list[str], jsonl: bool, stdin: IO[bytes]) -> Iterator[tuple[str, bytes | Unreadable]]:
    """(name, raw text) of every document, lazily, in a stable order."""
    for name in names:
        if jsonl:
            try:
                stream = stdin if name == "-" else open(name, "rb")  # noqa: SIM115 - closed below
            except OSError as error:  # that file's error line, not the batch's end
                yield name, Unreadable(f"cannot read {name}: {error.strerror}")
                continue
            try:
                for number, line in enumerate(stream, start=1):
                    if line.strip():
                        yield f"{'stdin' if name == '-' else name}:{number}", line
            finally:
                if stream is not stdin:
                    stream.close()
            continue
        if name == "-":
            yield "stdin", stdin.read()
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES):
                yield str(child), _read_bytes(child)
        elif path.exists() or not glob.has_magic(name):
            yield name, _read_bytes(path)
        else:
            for match in sorted(glob.iglob(name, recursive=True)):
                if Path(match).is_file():
                    yield match, _read_bytes(Path(match))


def _read_bytes(path: Path) -> bytes | Unreadable:
    """The file's bytes; a file that cannot be read is that document's error, not the batch's end."""
    try:
        return path.read_bytes()
    except OSError as error:
        return Unreadable(f"cannot read {path}: {error.strerror}")


class Unreadable(str):
    """Why a document's file could not be read (a ``str``, so that it crosses to a worker process)."""


_ruleset_cache: dict = {}


def check_one(item: tuple[str, bytes | Unreadable], options: Options) -> tuple[str, bool]:
    """One document → (one JSON line, whether it got a verdict); never an exception, so
    that every document of a batch is checked whatever happens to one of them."""
    name, data = item
    try:
        if isinstance(data, Unreadable):
            raise InputError([Problem("", str(data))])
        suffix = Path(name.rsplit(":", 1)[0]).suffix.lower()
        document = (
            parse_json(data)
            if suffix in (".json", ".jsonl") or name.startswith("stdin:")
            else (parse_yaml(data) if suffix in (".yaml", ".yml") else parse_text(data))
        )
        ruleset = None
        if options.ruleset_path is not None:
            ruleset = _ruleset_cache.get(options.ruleset_path)
            if ruleset is None:
                from .ruleset import load_ruleset

                ruleset = _ruleset_cache[options.ruleset_path] = load_ruleset(options.ruleset_path)
        verdict = check(
            document,
            call=options.call,
            lang=options.lang,
            engine=options.engine,
            on=options.on,
            ruleset=ruleset,
            include=options.include,
        )
        return json.dumps({"document": name, "verdict": verdict.to_dict()}, ensure_ascii=False), True
    except InputError as error:
        return json.dumps({"document": name, "error": error.to_dict()}, ensure_ascii=False), False
    except AmifRulesError as error:
        return json.dumps(
            {"document": name, "error": {"error": type(error).__name__, "message": str(error)}}, ensure_ascii=False
        ), False
    except Exception as error:  # noqa: BLE001 - a bug must not cost the documents after this one
        return json.dumps(
            {
                "document": name,
                "error": {"error": "internal", "message": (f"{type(error).__name__}: {excerpt(str(error))}; please report it")},
            },
            ensure_ascii=False,
        ), False


def _check_chunk(args: tuple[list[tuple[str, bytes | Unreadable]], Options, tuple[str, str], str]) -> tuple[int, int]:
    """A worker's share: check a chunk of documents and write their lines, encoded as the
    output encodes them (its encoding and error policy), to the file ``path``; returns
    (documents, input errors)."""
    items, options, (encoding, policy), path = args
    errors = 0
    with open(path, "wb") as handle:
        for item in items:
            line, ok = check_one(item, options)
            handle.write((line + "\n").encode(encoding, policy))
            errors += not ok
    return len(items), errors


class Progress:
    """A one-line counter on standard error, only when it is a terminal."""

    def __init__(self, stream: IO[str], enabled: bool | None = None):
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.count = 0
        self.errors = 0
        self.start = time.monotonic()
        self.shown = 0.0

    def step(self, ok: bool) -> None:
        self.add(1, 0 if ok else 1)

    def add(self, count: int, errors: int) -> None:
        """``count`` documents at once, ``errors`` of them with bad input."""
        self.count += count
        self.errors += errors
        now = time.monotonic()
        if self.enabled and now - self.shown >= 0.2:
            self.shown = now
            self._show(now)

    def _show(self, now: float) -> None:
        rate = self.count / max(now - self.start, 1e-9)
        self.stream.write(f"\rchecked {self.count:,} documents ({rate:,.0f}/s, {self.errors:,} with bad input)")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._show(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def run(
    items: Iterable[tuple[str, bytes | Unreadable]],
    options: Options,
    out: IO[str],
    jobs: int = 1,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Check every item, writing one JSON line each; returns (documents, input errors)."""
    progress = progress or Progress(sys.stderr, enabled=False)
    if jobs <= 1:
        for item in items:
            line, ok = check_one(item, options)
            out.write(line + "\n")
            progress.step(ok)
    else:
        _run_in_processes(iter(items), options, out, jobs, progress)
    out.flush()
    progress.close()
    return progress.count, progress.errors


def _run_in_processes(
    items: Iterator[tuple[str, bytes | Unreadable]], options: Options, out: IO[str], jobs: int, progress: Progress
) -> None:
    """``run`` in ``jobs`` worker processes. Each worker checks a chunk of documents and
    writes its lines to a file of its own; this process copies the files to ``out`` in the
    input's order. The lines never travel between processes: on two cores, decoding and
    writing every verdict again here took a core's quarter from the workers. At most
    ``jobs × WINDOW_PER_JOB`` documents are in flight, so memory stays flat."""
    import multiprocessing
    import shutil
    import tempfile
    from collections import deque

    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else None)
    binary = getattr(out, "buffer", None)
    encoding, policy = getattr(out, "encoding", None), getattr(out, "errors", None)
    codec = (encoding, policy) if isinstance(encoding, str) and isinstance(policy, str) else None
    if binary is None or codec is None or os.linesep != "\n":
        # Not a byte stream underneath (or newlines are translated): the text goes through
        # the files unchanged and is written as text.
        binary, codec = None, ("utf-8", "surrogatepass")
    out.flush()
    in_flight = max(2, jobs * WINDOW_PER_JOB // CHUNK)
    with tempfile.TemporaryDirectory(prefix="amif-rules-batch-") as folder, context.Pool(jobs) as pool:
        pending: deque[tuple[str, Any]] = deque()
        number = 0
        while True:
            while len(pending) < in_flight:
                chunk = list(islice(items, CHUNK))
                if not chunk:
                    break
                path = os.path.join(folder, f"{number}.jsonl")
                number += 1
                pending.append((path, pool.apply_async(_check_chunk, ((chunk, options, codec, path),))))
            if not pending:
                break
            path, result = pending.popleft()
            count, errors = result.get()
            with open(path, "rb") as handle:
                if binary is not None:
                    shutil.copyfileobj(handle, binary, 1 << 20)
                else:
                    out.write(handle.read().decode(*codec))
            os.remove(path)
            progress.add(count, errors)


def default_jobs() -> int:
    return max(1, (os.cpu_count() or 1))
