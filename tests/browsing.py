"""What the tests that open a page in a real headless Chromium share: where the browser is,
and the flags that make it quiet, offline-friendly and reproducible (tests/README.md: what a
person sees is tested as a person sees it)."""

from __future__ import annotations

import os
import shutil

import pytest

#: Debian's package installs ``chromium``; Ubuntu's older ones ``chromium-browser``.
BROWSERS = ("chromium", "chromium-browser")
#: Headless, no sandbox (CI runs as root), nothing fetched in the background.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--hide-scrollbars",
)


def find_browser() -> str | None:
    """The path of Chromium's binary, or None."""
    return next((found for found in map(shutil.which, BROWSERS) if found), None)


def require_browser(what: str) -> str:
    """Chromium's binary for a real-browser test of ``what`` ("the workbench"): skipped only on
    request (``AMIF_NO_BROWSER=1``); a missing browser otherwise FAILS the test."""
    if os.environ.get("AMIF_NO_BROWSER") == "1":
        pytest.skip(f"AMIF_NO_BROWSER=1: the real-browser test of {what} is skipped on request")
    found = find_browser()
    if found:
        return found
    pytest.fail(
        f"no headless browser to open {what}: install Chromium (Debian/Ubuntu: apt-get install -y "
        "chromium), or set AMIF_NO_BROWSER=1 to skip this test explicitly",
        pytrace=False,
    )
