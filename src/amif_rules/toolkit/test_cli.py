"""``amif-rules test`` at its old address: the command lives in :mod:`amif_rules.cli.test`;
``python -m amif_rules.toolkit.test_cli [PATH...]`` still runs it."""

import sys

from ..cli.test import EXIT_FAILED, EXIT_PASSED, EXIT_USAGE, add_parser, default_paths, main, run
from ..engines import TEST_ENGINE_CHOICES as ENGINE_CHOICES

__all__ = ["ENGINE_CHOICES", "EXIT_FAILED", "EXIT_PASSED", "EXIT_USAGE", "add_parser", "default_paths", "main", "run"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
