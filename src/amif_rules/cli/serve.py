"""``amif-rules serve``: the HTTP service of contract §6 (see ``amif_rules.service``).

Binds to the loopback address unless told otherwise. With ``--workers N``, uvicorn runs N
processes; each reads its settings from the environment (``AMIF_SERVE_SETTINGS``) and, for
the metrics, writes to one shared folder. The service's modules are imported only when this
command runs, so that the other commands start without them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import UsageError
from . import exits

COMMAND_NAME = "serve"
SETTINGS_VARIABLE = "AMIF_SERVE_SETTINGS"


def _positive(kind: type) -> Any:
    def read(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    return read


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``serve`` to the ``amif-rules`` sub-commands."""
    parser = commands.add_parser(
        "serve",
        help="serve the HTTP API of contract §6 (checks, batches, calls, rulesets, metrics)",
        description="Serve the HTTP API: POST /v1/check, POST /v1/check/batch, GET /v1/calls, GET /v1/rulesets/{id}, "
        "/healthz, /readyz, /version, /metrics, /openapi.json and /docs; the workbench at / and /v1/workbench/. Binds to 127.0.0.1 unless --host says otherwise.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    parser.add_argument("--workers", type=_positive(int), default=1, help="worker processes (default 1)")
    parser.add_argument("--token-file", type=Path, metavar="PATH", help="a file holding the bearer token every request must send")
    parser.add_argument("--decision-log", type=Path, metavar="PATH", help="append every decision to this JSON Lines file")
    parser.add_argument(
        "--log-inputs", action="store_true", help="also keep each document in the decision log (personal data: off by default)"
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_positive(int),
        default=limits.SERVICE_MAX_BODY_BYTES,
        metavar="N",
        help="the largest request body",
    )
    parser.add_argument(
        "--max-batch-documents",
        type=_positive(int),
        default=limits.SERVICE_MAX_BATCH_DOCUMENTS,
        metavar="N",
        help="the most documents per batch",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=limits.SERVICE_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="the most time per decision",
    )
    parser.add_argument(
        "--advice-threads",
        type=_positive(int),
        default=limits.SERVICE_ADVICE_THREADS,
        metavar="N",
        help="threads per worker for decisions with ?include= (questions, remedies)",
    )
    add_workbench_options(parser)
    return parser


def add_workbench_options(parser: argparse.ArgumentParser) -> None:
    """``--workspace`` and ``--sources``: the workbench's folders (``serve`` and ``workbench``)."""
    parser.add_argument(
        "--workspace",
        type=Path,
        metavar="DIR",
        help="the workbench's folder of drafts (default: $XDG_DATA_HOME/amif-rules/workspace, "
        "else ~/.local/share/amif-rules/workspace); made when missing",
    )
    parser.add_argument(
        "--sources",
        type=Path,
        metavar="DIR",
        help="the folder of the source texts the rulesets cite (default: $AMIF_SOURCES, else shared/sources "
        "above the current folder)",
    )


def settings_from(args: argparse.Namespace) -> dict[str, Any]:
    """The settings as plain values (what each worker reads back)."""
    token = None
    if args.token_file is not None:
        try:
            token = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise UsageError(f"cannot read the token file: {error.strerror}: {args.token_file}") from None
        if not token:
            raise UsageError(f"the token file is empty: {args.token_file}")
    return {
        "host": args.host,
        "port": args.port,
        "workers": args.workers,
        "max_body_bytes": args.max_body_bytes,
        "max_batch_documents": args.max_batch_documents,
        "timeout_seconds": args.timeout,
        "advice_threads": args.advice_threads,
        "token": token,
        "decision_log": str(args.decision_log) if args.decision_log else None,
        "log_inputs": args.log_inputs,
        "workspace": str(args.workspace) if args.workspace is not None else None,
        "sources": str(args.sources) if args.sources is not None else None,
    }


def execute(args: argparse.Namespace) -> int:
    """Run the service until it is stopped (SIGINT or SIGTERM: requests in flight finish)."""
    import uvicorn

    values = settings_from(args)
    if args.decision_log is not None and not args.decision_log.parent.is_dir():
        raise UsageError(f"the decision log's folder does not exist: {args.decision_log.parent}")
    os.environ[SETTINGS_VARIABLE] = json.dumps(values)
    # uvicorn stops gracefully on SIGTERM, then raises it again with the handler it found: a
    # handler that does nothing makes that stop a clean exit (0), not a death by the signal.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        with tempfile.TemporaryDirectory(prefix="amif-metrics-") as folder:
            if args.workers > 1:
                os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
            uvicorn.run(
                "amif_rules.service.app:from_environment",
                factory=True,
                host=args.host,
                port=args.port,
                workers=args.workers,
                timeout_graceful_shutdown=int(max(1, args.timeout)),
                log_level="info",
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    return exits.OK


COMMAND = exits.Command(COMMAND_NAME, add_parser, execute)
