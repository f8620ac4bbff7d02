"""``python -m amif_rules`` is the ``amif-rules`` command."""

from .cli import run

run()
