"""``python -m amif_rules.cli`` is the ``amif-rules`` command."""

from . import run

run()
