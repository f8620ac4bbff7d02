"""``amif-rules lint`` at its old address: the command lives in :mod:`amif_rules.cli.lint`;
``python -m amif_rules.toolkit.lint_cli PATH...`` still runs it."""

import sys

from ..cli.lint import DESCRIPTION, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, add_parser, main, run

__all__ = ["DESCRIPTION", "EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "add_parser", "main", "run"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
