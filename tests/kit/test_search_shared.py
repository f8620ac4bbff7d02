"""One search over compiled conditions, shared by the linter and the testing kit.

The kit no longer runs the linter to learn that a ruleset has no eligible application: it asks
the search the linter's AR310 rests on. The two must agree on every ruleset, bundled, draft
or written here. The keys' values come from one table (``amif_rules.domains``) in two views:
what a proof must consider and what a generator draws, the second inside the first. Values
are decoded one way (``search.values``), negatives included; and the linter's raw view of a
file follows an extends chain exactly as far as the loader does.
"""

from __future__ import annotations

import ast
import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

# Two impossible drafts: the ones the kit's health checks end in Unsatisfiable.
from test_kit_health import CONTRADICTORY, HUGE_THRESHOLD

import amif_rules
from amif_rules import catalog, domains
from amif_rules.compiler import compile_ruleset
from amif_rules.dates import years_before
from amif_rules.ruleset import MAX_EXTENDS_DEPTH
from amif_rules.schema import DATE, INSTANT, MONEY
from amif_rules.search import PlanKeys, around, document_value, no_eligible_application
from amif_rules.toolkit import lint as lint_package
from amif_rules.toolkit.lint import lint
from amif_rules.toolkit.lint.findings import Finding
from amif_rules.toolkit.lint.raw import read_chain, read_raw

ROOT = Path(__file__).resolve().parents[2]


def rulesets() -> list:
    found = [pytest.param(amif_rules.load_ruleset(path), id=path.stem) for path in catalog.ruleset_files()]
    found += [
        pytest.param(amif_rules.load_ruleset(path), id=f"drafts/{path.stem}")
        for path in sorted((ROOT / "rulesets" / "drafts").glob("*.yaml"))
    ]
    found += [
        pytest.param(amif_rules.parse_ruleset(HUGE_THRESHOLD), id="huge-threshold"),
        pytest.param(amif_rules.parse_ruleset(CONTRADICTORY), id="contradiction"),
    ]
    return found


@pytest.mark.parametrize("ruleset", rulesets())
def test_the_kit_and_the_linter_prove_the_same_rulesets_impossible(ruleset):
    proven = any(f.code == "AR310" and f.certain for f in lint(ruleset))
    assert no_eligible_application(ruleset) is proven


def test_the_impossible_drafts_are_proven_so():
    assert no_eligible_application(amif_rules.parse_ruleset(HUGE_THRESHOLD))
    assert no_eligible_application(amif_rules.parse_ruleset(CONTRADICTORY))
    assert not no_eligible_application(amif_rules.load_ruleset(ROOT / "rulesets" / "call-42.yaml"))


@pytest.mark.parametrize("ruleset", rulesets())
def test_what_a_generator_draws_is_within_what_a_proof_considers(ruleset):
    for key in PlanKeys(compile_ruleset(ruleset)).table().values():
        safe, plausible, typical = key.domain, key.plausible, key.typical
        if plausible is not None:
            assert safe is not None, key
            assert safe[0] <= plausible[0] <= plausible[1] <= safe[1], key
        if typical is not None and safe is not None:
            assert safe[0] <= typical <= safe[1], key


def test_the_two_views_differ_where_their_reasons_say():
    assert domains.SAFE_AGE > 120 and domains.PLAUSIBLE_AGES == (0, 120)
    assert domains.SAFE_DAYS[0] < domains.PLAUSIBLE_DAYS[0] and domains.PLAUSIBLE_DAYS[1] < domains.SAFE_DAYS[1]
    assert domains.SAFE_INSTANTS[0] < domains.PLAUSIBLE_INSTANTS[0] < domains.PLAUSIBLE_INSTANTS[1] < domains.SAFE_INSTANTS[1]
    assert domains.typical(DATE, "x", None) == domains.TYPICAL_DAY.toordinal()


def test_values_are_decoded_as_documents_write_them():
    assert document_value(MONEY, 123_450) == "1234.50"
    assert document_value(MONEY, -5) == "-0.05"
    assert document_value(INSTANT, 0) == "1970-01-01T01:00:00+01:00"
    assert document_value(DATE, dt.date(2019, 8, 30).toordinal()) == "2019-08-30"
    assert document_value(MONEY, None) is None
    assert document_value("text", "x") == "x"


def test_the_integers_around_a_threshold():
    assert around(Fraction(3, 2)) == (0, 1, 2, 3)
    assert around(Fraction(2)) == (1, 2, 2, 3)
    assert around(Fraction(-3, 2)) == (-3, -2, -1, 0)


def test_a_birthday_on_29_february():
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)


def test_the_linter_keeps_its_import_path():
    from amif_rules.toolkit.lint import (  # noqa: F401 - importable as before the package
        CODES,
        SEARCH_BUDGET,
        exit_status,
        lint_paths,
        ruleset_schema,
    )

    assert lint_package.Finding is Finding


def test_the_raw_view_places_values_and_keys(tmp_path):
    raw = read_raw("id: x\nrules:\n  - id: a\n    check: true\nid: y\n", "f.yaml", None)
    assert raw.data["id"] == "x"  # the first of a key written twice
    assert raw.where(("rules", 0, "check")) == "f.yaml:4:12"
    assert raw.where(("id",), key=True) == "f.yaml:5:1"  # the place of the key written last
    assert raw.where(("rules", 0, "nothing", "here")) == "f.yaml:3:5"
    assert read_raw("[unclosed", "f.yaml", None) is None


def test_the_raw_extends_chain_goes_as_far_as_the_loader(tmp_path):
    for number in range(MAX_EXTENDS_DEPTH + 3):
        parent = f"\nextends: r{number + 1}" if number < MAX_EXTENDS_DEPTH + 2 else ""
        (tmp_path / f"r{number}.yaml").write_text(f"id: r{number}{parent}\n", encoding="utf-8")
    path = tmp_path / "r0.yaml"
    chain = read_chain(read_raw(path.read_text(encoding="utf-8"), "r0.yaml", path))
    assert len(chain) == MAX_EXTENDS_DEPTH
    assert [raw.data["id"] for raw in chain][-2:] == ["r1", "r0"]


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
            names.update(f"{'.' * node.level}{node.module or ''}.{alias.name}" for alias in node.names)
    return names


def test_the_kits_search_stands_below_its_strategies():
    testing = ROOT / "src" / "amif_rules" / "testing"
    for below in ("_search.py", "parts.py", "_target.py"):
        imported = _imported(testing / below)
        assert not any(name.startswith(".") and "strategies" in name for name in imported), below
    assert not any("toolkit" in name for name in _imported(testing / "strategies.py"))
