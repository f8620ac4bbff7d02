"""Errors as the service says them (contract §6): a status and one JSON body,
``{"error": {"code", "message", "problems": [{"path", "message"}]}}``, whatever went wrong.

The library's errors carry their kind (``AmifRulesError.code``); this module only decides the
HTTP status of each kind. Nothing a client sends may end in a ``500``: that status is kept for
a bug of ours, and its body says so without a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.responses import Response

from ..errors import AmifRulesError, InputError, Problem

#: The HTTP status of each kind of library error a request can meet.
STATUS = {
    "input": 422,
    "usage": 422,
    "engine_unavailable": 422,
    "unknown_call": 404,
    "unknown_ruleset": 404,
}


class HttpError(Exception):
    """An error the service answers with ``status`` and the body of contract §6."""

    def __init__(self, status: int, code: str, message: str, problems: Iterable[Problem] = ()):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = tuple(problems)

    def body(self) -> dict[str, object]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "problems": [{"path": p.path, "message": p.message} for p in self.problems],
            }
        }

    def response(self, headers: dict[str, str] | None = None) -> Response:
        return Response(
            json.dumps(self.body(), ensure_ascii=False),
            status_code=self.status,
            media_type="application/json",
            headers=headers,
        )


def from_library(error: AmifRulesError) -> HttpError:
    """The HTTP error of a library error: input errors name every bad field by its path."""
    problems = error.problems if isinstance(error, InputError) else ()
    message = str(error).split("\n", 1)[0] if problems else str(error)
    return HttpError(STATUS.get(error.code, 500), error.code, message, problems)


def malformed(error: InputError) -> HttpError:
    """A body that is not JSON (or YAML): 400, with what the reader said."""
    return HttpError(400, "malformed", "the body is not a JSON or YAML document", error.problems)


def internal() -> HttpError:
    """A bug of ours: 500, one line, no traceback (the server's log has the details)."""
    return HttpError(500, "internal", "internal error; please report it")
