"""What the tests that open a page in a real headless Chromium share: where the browser is,
and the flags that make it quiet, offline-friendly and reproducible (tests/README.md: what a
person sees is tested as a person sees it)."""

from __future__ import annotations

import shutil

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
