"""An expression node written back as ruleset text (definitions appear expanded).

What coverage reports and the service's description of a ruleset show of a condition; the
expression language itself (``expr``) only reads text.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from . import exprfunctions
from .expr import Arith, Call, Cmp, In, Lit, Logic, Neg, Node, NotOp, Param
from .expr import Path as FieldPath


def render(node: Node) -> str:
    """An expression node as ruleset text (definitions appear expanded)."""
    if type(node) is Lit:
        for name, (value, _) in exprfunctions.CONSTANTS.items():
            if node.value == value and isinstance(value, tuple):
                return name
        return _literal(node.value)
    if type(node) is Param:
        return node.name
    if type(node) is FieldPath:
        return node.text
    if type(node) is Call:
        return f"{node.name}({', '.join(render(arg) for arg in node.args)})"
    if type(node) is Neg:
        return f"-{_wrapped(node.operand, (Arith,))}"
    if type(node) is Arith:
        return f"{_wrapped(node.left, (Arith,))} {node.op} {_wrapped(node.right, (Arith,))}"
    if type(node) is Cmp:
        return f"{render(node.left)} {node.op} {render(node.right)}"
    if type(node) is In:
        return f"{render(node.needle)} {'not in' if node.negated else 'in'} {render(node.haystack)}"
    if type(node) is Logic:
        return f" {node.op} ".join(_wrapped(operand, (Logic,)) for operand in node.operands)
    if type(node) is NotOp:
        return f"not {_wrapped(node.operand, (Logic,))}"
    return repr(node)


def _wrapped(node: Node, kinds: tuple) -> str:
    text = render(node)
    return f"({text})" if isinstance(node, kinds) else text


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
