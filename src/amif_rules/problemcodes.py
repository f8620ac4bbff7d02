"""The stable code of each kind of problem a ruleset file can have (docs/lint.md, "Codes").

A problem gets its code where it is raised (``RulesetProblem.code``), never from the words of
its message: messages are reworded, documented codes are not. One name per kind; the values
are what ``amif-rules lint`` shows. Imports nothing from the package.
"""

#: Not valid YAML, not UTF-8, empty, or not a mapping; or a YAML feature rulesets refuse.
YAML = "AR001"
UNKNOWN_KEY = "AR101"
#: A required key is missing (id, version, title, source, rules, a rule's check or messages).
MISSING_KEY = "AR102"
#: An unknown field path, or a path that names an object; ``item`` outside ``for_each``; an unknown list.
UNKNOWN_FIELD = "AR103"
#: A type error in an expression.
TYPE_ERROR = "AR104"
MISSING_TRANSLATION = "AR105"
NO_SOURCE = "AR106"
DUPLICATE_ID = "AR107"
#: A parameter's value does not fit its type; unknown type, no value and no type, bad dated values, bad name.
BAD_PARAMETER = "AR108"
#: A bad value of a top-level or rule key (id, status, severity, dates, register_date, abstract...).
BAD_VALUE = "AR109"
#: Expression syntax: not valid, or not part of the rule language.
SYNTAX = "AR110"
#: A bad message placeholder (unknown format, a format that does not fit the value...).
BAD_PLACEHOLDER = "AR111"
#: ``extends`` / ``remove_rules``: no such ruleset or rule, a cycle, a file whose id does not match.
EXTENDS = "AR112"
#: A bad definition (name, not an expression, uses itself).
BAD_DEFINITION = "AR113"
#: Beyond a limit (file size, number of rules, expression length and depth, 64-bit arithmetic).
LIMIT = "AR114"
#: Another loading problem (and the code of a problem made without one).
OTHER = "AR199"
