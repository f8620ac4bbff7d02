"""What an operator sets when starting the service, with sane defaults (contract §6).

Every bound on a request is a setting, so that a deployment can tighten it; the defaults
bind to the loopback address and keep personal data out of the decision log.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from .. import limits

DEFAULT_MAX_BODY_BYTES = limits.SERVICE_MAX_BODY_BYTES
DEFAULT_MAX_BATCH_DOCUMENTS = limits.SERVICE_MAX_BATCH_DOCUMENTS
DEFAULT_TIMEOUT_SECONDS = limits.SERVICE_TIMEOUT_SECONDS
DEFAULT_ADVICE_THREADS = limits.SERVICE_ADVICE_THREADS


@attrs.frozen
class Settings:
    """How one service runs. ``token``: the bearer token every request but the health checks
    must carry (None: no token asked for). ``decision_log``: where each decision is appended
    as a JSON line (None: not kept); ``log_inputs``: also keep each document in it (personal
    data: only when the operator asks). ``advice_threads``: how many decisions with
    ``?include=`` one worker runs at a time (the others wait, within ``timeout_seconds``).
    ``workspace``: the workbench's folder of drafts (None: the user's data folder, see
    :func:`amif_rules.service.workspace.default_folder`); ``sources``: the folder of the source
    texts the rulesets cite (None: found as ``amif-rules lint`` finds it)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_batch_documents: int = DEFAULT_MAX_BATCH_DOCUMENTS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    token: str | None = attrs.field(default=None, repr=False)
    decision_log: Path | None = None
    log_inputs: bool = False
    advice_threads: int = DEFAULT_ADVICE_THREADS
    workspace: Path | None = None
    sources: Path | None = None
