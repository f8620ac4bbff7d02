"""One home for each domain rule, and rooms small enough to hold in mind.

``duplicates`` finds copies of lines; these checks find copies of *ideas* the house has
given a home: a second Brussels zone, a second way to turn an instant into microseconds or a
date into a day number, a second list of locales, a second "did you mean", a second way to
find the package's bundled files. Each names the home to call instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "amif_rules"
MAX_LINES = 800

#: (what, a pattern that writes the idea out, the modules allowed to, the home to call instead)
HOMES = [
    ("the Brussels zone", r"ZoneInfo\(", {"dates.py"}, "dates.BRUSSELS"),
    ("the Brussels date of an instant", r"astimezone\([^)]*\)\.date\(\)", {"dates.py"}, "dates.local_date"),
    ("1 January of the reference year", r"\.year, 1, 1\)", {"dates.py"}, "dates.register_date"),
    ("an age in whole years", r"\.year - \w+\.year", {"dates.py"}, "dates.age_on"),
    ("cents", r"scaleb\(", {"units.py"}, "units.cents / units.euros"),
    ("day numbers", r"\.toordinal\(|fromordinal\(", {"units.py"}, "units.day_number / units.day"),
    ("the epoch of microseconds", r"datetime\(1970, 1, 1", {"units.py"}, "units.micros / units.instant"),
    ("locales", r"Locale\.parse\(", {"languages.py"}, "languages.LOCALES"),
    ("the list of languages", r"\(\s*\"nl\",\s*\"fr\",\s*\"en\"\s*\)", {"languages.py"}, "languages.LANGUAGES"),
    ("did you mean", r"\bdifflib\b", {"suggestions.py"}, "suggestions.closest"),
    ("bundled files", r"resources\.files\(", {"resources.py", "reference/_files.py"}, "resources"),
]


def sources() -> dict[str, str]:
    return {path.relative_to(PACKAGE).as_posix(): path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize(("what", "pattern", "homes", "call"), HOMES, ids=[h[0] for h in HOMES])
def test_each_domain_rule_is_written_in_its_home_only(what, pattern, homes, call):
    found = [
        f"{name}:{number}"
        for name, text in sources().items()
        if name not in homes
        for number, line in enumerate(text.splitlines(), start=1)
        if re.search(pattern, line) and not line.lstrip().startswith("#")
    ]
    assert not found, f"{what} is written out again at {found}: call {call}"
    assert any(re.search(pattern, sources()[home]) for home in homes if home in sources()), f"{what} has no home"


def test_no_module_is_larger_than_a_room():
    large = {name: text.count("\n") for name, text in sources().items() if text.count("\n") > MAX_LINES}
    assert not large, f"modules over {MAX_LINES} lines (split them by idea): {large}"


def test_the_checks_see_a_copy():
    """The patterns match what they are meant to catch (so a passing test means something)."""
    samples = {
        "the Brussels zone": 'ZoneInfo("Europe/Brussels")',
        "the Brussels date of an instant": "moment.astimezone(BRUSSELS).date()",
        "cents": "int(value.scaleb(2))",
        "day numbers": "day.toordinal()",
        "the list of languages": 'LANGS = ("nl", "fr", "en")',
    }
    for what, pattern, _, _ in HOMES:
        if what in samples:
            assert re.search(pattern, samples[what]), what
