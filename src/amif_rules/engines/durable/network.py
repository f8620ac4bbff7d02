"""A model of the alpha network durable builds (rete.c: createAlpha, findAlpha, linkAlpha).

It lets :mod:`.build` check a ruleset against durable's hard limits (:mod:`.limits`) before
durable sees it: past them, durable raises, corrupts the ruleset or never returns.
"""

from __future__ import annotations

import json

from .formulas import DurableCondition
from .limits import MAX_ALPHA_STACK, MAX_CHILDREN, MAX_NEXT_LINKS, MAX_RULES_PER_NODE


class Node:
    __slots__ = ("prop", "op", "value", "children", "links", "rules")

    def __init__(self, prop: str, op: str, value: object) -> None:
        #: ``value``: (type name, JSON text) of a constant, which durable shares between
        #: identical siblings; a unique object for a value it never shares.
        self.prop, self.op, self.value = prop, op, value
        self.children: list[Node] = []  # conditions tested on present properties
        self.links: list[Node] = []  # $nex and $or "forward" nodes
        self.rules = 0


_CONDITION_OPS = {"$eq", "$neq", "$lt", "$lte", "$gt", "$gte", "$ex", "$nex"}


class Network:
    def __init__(self) -> None:
        self.root = Node("", "", None)
        self.nodes = [self.root]

    def add_rule(self, pattern: DurableCondition) -> None:
        self._create(pattern, self.root).rules += 1

    def _create(self, condition: DurableCondition, parent: Node) -> Node:
        ((name, body),) = condition.items()
        if name == "$and":
            for item in body:
                parent = self._create(item, parent)
            return parent
        if name == "$or":
            forward = self._new("$forward", "$nex", None)
            for item in body:
                self._create(item, parent).links.append(forward)
            return forward
        if name in _CONDITION_OPS:
            ((prop, value),) = body.items()
            op = name
        else:
            prop, value, op = name, body, "$eq"
        # durable shares a condition with an identical sibling, except when its value is an
        # expression or a field reference (compareValue never matches those).
        shared = None if isinstance(value, dict) else (type(value).__name__, json.dumps(value))
        siblings = parent.links if op == "$nex" else parent.children
        if shared is not None:
            for node in siblings:
                if node.prop == prop and node.op == op and node.value == shared:
                    return node
        node = self._new(prop, op, shared if shared is not None else object())
        siblings.append(node)
        return node

    def _new(self, prop: str, op: str, value: object) -> Node:
        node = Node(prop, op, value)
        self.nodes.append(node)
        return node

    def problems(self) -> list[str]:
        """What durable would fail on (empty when the network fits)."""
        found = []
        for node in self.nodes:
            if len(node.children) > MAX_CHILDREN:
                found.append(f"{len(node.children)} conditions under one (at most {MAX_CHILDREN})")
            if len(node.links) > MAX_NEXT_LINKS:
                found.append(f"{len(node.links)} 'or' links from one condition (at most {MAX_NEXT_LINKS})")
            if node.rules > MAX_RULES_PER_NODE:
                found.append(f"{node.rules} rules ending on one condition (at most {MAX_RULES_PER_NODE})")
        stack = self.stack_bound()
        if stack > MAX_ALPHA_STACK:
            found.append(f"up to {stack} conditions matched at once by a fact (at most {MAX_ALPHA_STACK})")
        return found

    def stack_bound(self) -> int:
        """An upper bound of durable's alpha stack (handleAlpha) over every possible fact.

        A node, once popped, pushes every child that matches; the stack then holds what was
        pending plus those. ``$eq`` children on one property exclude one another (a property
        has one value), so they count once; everything else is assumed to match.
        """
        pushes: dict[int, int] = {}
        for node in self.nodes:
            equal: set[tuple[str, object]] = set()
            constant = 0
            for child in node.children:
                if child.op == "$eq" and isinstance(child.value, tuple):
                    constant += 1
                    equal.add((child.prop, child.value[0]))
            others = len(node.children) - constant
            pushes[id(node)] = len(equal) + others + len(node.links)
        # Longest path in a DAG (forward nodes have several parents): topological order.
        parents: dict[int, int] = {id(node): 0 for node in self.nodes}
        for node in self.nodes:
            for child in node.children + node.links:
                parents[id(child)] += 1
        pending = {id(self.root): 0}
        ready = [self.root]
        bound = 0
        while ready:
            node = ready.pop()
            here = pending[id(node)] + pushes[id(node)]
            bound = max(bound, here)
            for child in node.children + node.links:
                pending[id(child)] = max(pending.get(id(child), 0), here - 1)
                parents[id(child)] -= 1
                if not parents[id(child)]:
                    ready.append(child)
        return bound
