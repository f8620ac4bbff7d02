"""amif_rules.dask is an optional extra: ``import amif_rules`` never loads Dask, and without
Dask the import of ``amif_rules.dask`` says how to install it. Arguments that cannot work
are refused when the graph is built, not once per document."""

from __future__ import annotations

import os
import subprocess
import sys

import dask.bag as db
import pytest

import amif_rules
from amif_rules import dask as amif_dask
from conftest import ROOT


def _python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_import_amif_rules_never_imports_dask():
    result = _python(
        "import sys, amif_rules\n"
        "amif_rules.check({'call': '42'}, engine='python')\n"
        "import amif_rules.toolkit.impact, amif_rules.batch\n"
        "loaded = sorted(n for n in sys.modules if n.split('.')[0] in ('dask', 'distributed', 'pandas'))\n"
        "print(loaded)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_without_dask_the_import_names_the_extra():
    result = _python(
        "import sys\n"
        "sys.modules['dask'] = None  # as if Dask were not installed\n"
        "try:\n"
        "    import amif_rules.dask\n"
        "except ImportError as error:\n"
        "    print(error)\n"
        "else:\n"
        "    print('imported')\n"
    )
    assert result.returncode == 0, result.stderr
    assert 'pip install "amif-rules[dask]"' in result.stdout
    assert result.stdout.startswith("amif_rules.dask needs Dask")


def test_the_module_says_the_same_in_its_constant():
    assert amif_dask.INSTALL == 'pip install "amif-rules[dask]"'


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"lang": "de"}, ValueError, "unknown language 'de'"),
        ({"engine": "rete"}, ValueError, "rete"),
        ({"on": "2019-09-01"}, TypeError, "datetime.date"),
        ({"ruleset": "no-such-ruleset"}, Exception, "no-such-ruleset"),
    ],
)
def test_arguments_are_refused_when_the_graph_is_built(arguments, error, message):
    bag = db.from_sequence([{"call": "42"}], npartitions=1)
    with pytest.raises(error, match=message):
        amif_dask.check_bag(bag, **arguments)


TINY = (
    'id: tiny\nversion: "1"\ntitle: {nl: t, fr: t, en: t}\nsource: s.txt\n'
    "rules:\n  - id: signed\n    check: form.signed\n    source: 's.txt, Info: \"ondertekend\"'\n"
    '    messages: {pass: {nl: ja, fr: oui, en: "yes"}, fail: {nl: nee, fr: non, en: "no"}}\n'
)


def test_the_base_is_the_ruleset_the_draft_extends_unless_given():
    bag = db.from_sequence([{"call": "42"}], npartitions=1)
    report = amif_dask.impact_bag(bag, "call-42-threshold-100000", engine="python", scheduler="synchronous")
    assert (report.base.id, report.draft.id, report.documents, report.portfolio) == (
        "call-42",
        "call-42-threshold-100000",
        1,
        "<dask bag>",
    )
    with pytest.raises(ValueError, match="tiny extends no ruleset: give the base"):
        amif_dask.impact_bag(bag, amif_rules.parse_ruleset(TINY), scheduler="synchronous")
