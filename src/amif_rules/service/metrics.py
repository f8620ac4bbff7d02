"""The service's metrics in Prometheus' text format, made by the Prometheus client library.

Requests by route and status, decisions by ruleset and outcome, errors by code, and request
latencies. With several workers (processes), each writes its figures to a shared folder
(``PROMETHEUS_MULTIPROC_DIR``, set by ``amif-rules serve``) and ``/metrics`` adds them up.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter("amif_requests_total", "HTTP requests answered", ["route", "status"])
DECISIONS = Counter("amif_decisions_total", "Verdicts given", ["ruleset", "outcome"])
ERRORS = Counter("amif_errors_total", "Errors answered, by their code", ["code"])
LATENCY = Histogram(
    "amif_request_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)


def exposition() -> tuple[bytes, str]:
    """The metrics of every worker, and their content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
