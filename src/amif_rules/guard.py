"""The last line of defence of every command: no traceback ever reaches the terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable


def guarded(run: Callable[[], int], internal_status: int = 70, where: str = "", report_with: str = "") -> int:
    """``run()``'s exit status; Ctrl-C is 130, a closed pipe 0, anything unexpected one line
    on standard error and ``internal_status``."""
    try:
        return run()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback
        place = f" in {where}" if where else ""
        extra = f" with {report_with}" if report_with else ""
        print(f"amif-rules: internal error{place} ({type(error).__name__}: {error}); please report it{extra}", file=sys.stderr)
        return internal_status
