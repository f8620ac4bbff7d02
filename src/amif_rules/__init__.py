"""amif-rules: eligibility rules of AMIF project calls in Belgium, as data, with explained verdicts.

>>> import amif_rules
>>> verdict = amif_rules.check({"call": "42"}, engine="python")
>>> verdict.outcome
'incomplete'
"""

from .api import check, decision_source, generated_source
from .catalog import bundled as bundled_rulesets
from .documents import read_application, to_document
from .engines import durable_available, get_engine
from .errors import AmifRulesError, EngineUnavailable, InputError, Problem, RulesetError, UnknownCall
from .includes import INCLUDES
from .model import Application
from .ruleset import Ruleset, load_ruleset, parse_ruleset
from .verdict import RuleResult, Verdict, verdict_schema
from .version import __version__

__all__ = [
    "INCLUDES",
    "AmifRulesError",
    "Application",
    "EngineUnavailable",
    "InputError",
    "Problem",
    "RuleResult",
    "Ruleset",
    "RulesetError",
    "UnknownCall",
    "Verdict",
    "__version__",
    "bundled_rulesets",
    "check",
    "decision_source",
    "generated_source",
    "durable_available",
    "get_engine",
    "load_ruleset",
    "parse_ruleset",
    "read_application",
    "to_document",
    "verdict_schema",
]
