"""The installed package: rulesets and reference data bundled, the command works anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import amif_rules
from amif_rules import catalog

PACKAGE = Path(amif_rules.__file__).resolve().parent


def test_rulesets_are_found():
    names = [path.name for path in catalog.ruleset_files()]
    assert "call-42.yaml" in names


def test_an_installed_package_carries_its_rulesets_and_examples():
    """A wheel install (what the README's commands and CI do) bundles rulesets and examples."""
    if "site-packages" not in PACKAGE.parts:
        # A source checkout on sys.path: the rulesets come from the repository.
        assert catalog.rulesets_dir() == PACKAGE.parents[1] / "rulesets"
        return
    assert catalog.rulesets_dir() == PACKAGE / "rulesets"
    assert (PACKAGE / "rulesets" / "call-42.yaml").is_file()
    assert (PACKAGE / "examples" / "call-42-eligible-antwerpen.json").is_file()
    assert (PACKAGE / "reference" / "data" / "municipalities.csv").is_file()
    assert (PACKAGE / "reference" / "data" / "SOURCES.md").is_file()


def test_the_command_runs_from_another_directory(tmp_path):
    example = Path(__file__).resolve().parents[2] / "examples" / "call-42-ineligible-leuven.json"
    result = subprocess.run(
        [sys.executable, "-m", "amif_rules", "check", str(example), "--lang", "en"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Leuven has 101,624 inhabitants" in result.stdout


def test_reference_data_keeps_its_source_lines():
    sources = (PACKAGE / "reference" / "data" / "SOURCES.md").read_text(encoding="utf-8")
    assert "Statbel" in sources and "vandenbroucke/belgian_municipalities" in sources
    assert "31 January 2020" in sources


def test_the_quick_header_agrees_with_the_full_load():
    """The catalogue picks rulesets from their top lines; that must say what loading says."""
    for path in catalog.ruleset_files():
        head = catalog.header(path)
        ruleset = amif_rules.load_ruleset(path)
        assert (head.call, head.status, head.valid_from, head.valid_until, head.abstract) == (
            ruleset.call,
            ruleset.status,
            ruleset.valid_from,
            ruleset.valid_until,
            ruleset.abstract,
        ), path.name


def test_the_version_is_the_one_pyproject_gives():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert amif_rules.__version__ == project["project"]["version"]
