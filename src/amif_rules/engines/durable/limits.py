"""What durable_rules 2.0.28 fixes for us: its hard limits, its hash and the names it reserves.

Read in its C source (``src/rules/*.h``) and measured (``durable-rules-notes.md``); each limit
has a little margin. The rest of the package checks a ruleset or a fact against these before
durable sees it, because past them durable fails badly (an error, a corrupt ruleset, a loop).
"""

from __future__ import annotations

from ...errors import EngineError

#: Alpha nodes pushed on durable's per-fact stack at once (MAX_STACK_SIZE 64, error 303).
MAX_ALPHA_STACK = 62
#: Conditions under one alpha node (a 512-slot table; full, ``create_ruleset`` never returns).
MAX_CHILDREN = 480
#: ``$nex``/``$or`` links under one alpha node (NEXT_LIST_LENGTH 128, error 107).
MAX_NEXT_LINKS = 120
#: Rules ending on one identical condition (BETA_LIST_LENGTH 256, error 108).
MAX_RULES_PER_NODE = 250
#: ``$and``/``$or`` per pattern: each costs two of MAX_SEQUENCE_EXPRESSIONS 32 (error 113).
MAX_CONNECTIVES = 15
#: Rules per durable ruleset (MAX_ACTIONS 4096).
MAX_RULES = 4000
#: Properties per fact (MAX_OBJECT_PROPERTIES 255, error 302).
MAX_FIELDS = 250
#: Strings whose escaped JSON text is longer than this are replaced by a digest (durable
#: compares at most 65,535 bytes of a string).
MAX_STRING_BYTES = 40000
#: Fan-out of the group levels that keep a wide ruleset within MAX_ALPHA_STACK.
GROUP_FANOUT = 8
#: "cap" of every durable rule: how many matched facts one action call returns (ushort).
ACTION_CAP = 65535

#: durable's integers are int64, and saturate silently beyond.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def fnv1a32(text: str) -> int:
    """durable's property/session/message hash (FNV-1a over C ``char``, which is signed)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        if byte >= 128:
            byte -= 256
        value = ((value ^ (byte & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    return value


#: Names durable gives a meaning to; no field of ours may hash like them.
RESERVED_NAMES = (
    "id",
    "sid",
    "$s",
    "$i",
    "$forward",
    "m",
    "all",
    "any",
    "pri",
    "count",
    "cap",
    "dist",
    "$lt",
    "$lte",
    "$gt",
    "$gte",
    "$eq",
    "$neq",
    "$mt",
    "$imt",
    "$iall",
    "$iany",
    "$ex",
    "$nex",
    "$or",
    "$and",
    "$m",
    "name",
    "$add",
    "$sub",
    "$mul",
    "$div",
    "$l",
    "$r",
)
#: The fields every fact of ours may carry: its scope's tag, a constant 0 that linear
#: expressions are compared with, and the group field (always 0) that spreads wide rulesets.
TAG, ZERO, GROUP = "t", "z", "g"
FIXED_FIELDS = (TAG, ZERO, GROUP)
RESERVED_HASHES = frozenset(fnv1a32(name) for name in RESERVED_NAMES)
if len({fnv1a32(name) for name in FIXED_FIELDS} | RESERVED_HASHES) != len(RESERVED_HASHES) + 3:
    raise EngineError("durable engine: its field names collide with durable's")  # pragma: no cover
