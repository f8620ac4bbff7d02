"""The process-wide side of durable_rules: its C extension, the one lock, sessions and fact ids.

durable_rules' Python layer (``durable.lang``/``durable.engine.Host``) is not used: its hosts
start timer threads that crash under threads, it swallows exceptions raised in actions (#305),
and on a fact that matches no rule it raises ``MessageNotHandledException`` and loses the
session. This module calls the C extension directly: no Python action ever runs.

One evaluation asserts all facts into one session, drains the fired rules with
``start_action_for_state``/``complete_and_start_action`` (each durable rule has a ``cap``, so
one call returns all the facts it matched) and always deletes the session (:func:`run`).
:data:`LOCK` serialises those C calls (they hold the GIL anyway), so at most one session per
ruleset is ever alive: the 1,024-session cap and the 32-bit session-id hash collisions cannot
happen.
"""

from __future__ import annotations

import re
import threading

from ...errors import EngineError, EngineUnavailable
from .limits import fnv1a32

try:  # On Python 3.13 the extension fails with "undefined symbol: PyEval_CallObject".
    import durable_rules_engine as dre  # type: ignore[import-not-found]  # a C extension, no stubs
except Exception as _error:  # pragma: no cover - depends on the interpreter
    raise EngineUnavailable(
        f"durable_rules cannot be imported on this interpreter ({_error}); "
        "use the built-in engine instead (engine='python' or 'auto')"
    ) from _error

# Every string durable sees carries an "s" prefix (see .values), ids included.
#: The one session id (only one session is ever alive per ruleset, see above).
SID = "s0"
#: The id of the root fact.
ROOT_ID = "sr"
#: The fact ids in a fired rule's message.
ID_RE = re.compile(r'"id":"s([0-9]+)"')

#: Serialises every call into durable_rules_engine.
LOCK = threading.RLock()

# Element fact ids ("s" + a decimal number) whose hashes are distinct from one another and
# from the root fact's and durable's own state fact's ("sid-<sid>"): durable keys a session's
# facts by the hash of their id, so two ids with one hash would be one fact.
_ID_HASHES = {fnv1a32(ROOT_ID), fnv1a32("sid-" + SID)}
_ELEMENT_IDS: list[str] = []  # the decimal numbers, without the "s"
#: An element id's decimal number -> its position among all element ids.
ELEMENT_INDEX: dict[str, int] = {}
_NEXT_ID_CANDIDATE = [0]


def element_ids(count: int) -> list[str]:
    """At least ``count`` element fact ids (grown on demand, never shrunk)."""
    if len(_ELEMENT_IDS) < count:
        with LOCK:
            while len(_ELEMENT_IDS) < count:
                candidate = str(_NEXT_ID_CANDIDATE[0])
                _NEXT_ID_CANDIDATE[0] += 1
                digest = fnv1a32("s" + candidate)
                if digest in _ID_HASHES:
                    continue
                _ID_HASHES.add(digest)
                ELEMENT_INDEX[candidate] = len(_ELEMENT_IDS)
                _ELEMENT_IDS.append(candidate)
    return _ELEMENT_IDS


def create_ruleset(name: str, text: str, key: str) -> int:
    """durable's handle of a new ruleset (``text``: its JSON). Callers hold :data:`LOCK`.

    durable can never delete or replace it: compile each ruleset once per process.
    """
    try:
        handle: int = dre.create_ruleset(name, text)
    except Exception as error:
        raise EngineError(f"durable_rules refused ruleset {key!r}: {error}") from error
    return handle


def run(handle: int, key: str, payload: str) -> list[str]:
    """Assert ``payload`` (a JSON array of facts) into a fresh session; the fired rules.

    Always deletes the session, whatever happens. Callers hold :data:`LOCK`.
    """
    messages: list[str] = []
    try:
        result, state = dre.assert_facts(handle, payload)
        # 0: handled; 1: some fact matched no rule (fine: its rules are unknown); 2: a fact
        # id was seen twice in the session (MessageObservedException in durable.engine).
        if result not in (0, 1):
            raise EngineError(f"durable_rules returned {result} when asserting facts")
        started = dre.start_action_for_state(handle, state)
        if started is not None:
            messages.append(started[1])
            while True:
                message = dre.complete_and_start_action(handle, state)
                if message is None:
                    break
                messages.append(message)
    except dre.error as error:
        raise EngineError(f"durable_rules failed on ruleset {key!r}: {error}") from error
    finally:
        try:
            dre.delete_state(handle, SID)
        except dre.error as error:
            if "309" not in str(error):  # 309: no session (nothing was asserted)
                raise EngineError(f"durable_rules could not delete a session: {error}") from error
    return messages
