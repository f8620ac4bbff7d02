"""``amif-rules serve``: the HTTP service of contract §6 for portals in any language.

:func:`create_app` makes the Starlette application (``app``: routes and what every request
goes through; ``openapi``: its description and docs page; ``decisions``: decision ids, the
``X-Ruleset`` header and the decision log; ``metrics``: Prometheus; ``errors``: the error
body of §6; ``describe``: a ruleset as ``GET /v1/rulesets/{id}`` shows it); :class:`Settings`
holds what an operator sets.
"""

from __future__ import annotations

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
