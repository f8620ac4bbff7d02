"""``amif-rules impact`` and ``amif-rules portfolio`` at their old address: the commands live
in :mod:`amif_rules.cli.impact`; ``python -m amif_rules.toolkit.impact_cli`` still runs them."""

import sys

from ..cli.impact import (
    COMMANDS,
    EXIT_INTERNAL,
    EXIT_USAGE,
    SAMPLE_DATE,
    add_parser,
    build_parser,
    main,
    run,
)

__all__ = ["COMMANDS", "EXIT_INTERNAL", "EXIT_USAGE", "SAMPLE_DATE", "add_parser", "build_parser", "main", "run"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
