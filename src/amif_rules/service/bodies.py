"""A request's body, read in chunks and refused with ``413`` as soon as it passes the
service's limit: every route that reads a body reads it here."""

from __future__ import annotations

from starlette.requests import Request

from .errors import HttpError


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes (never read whole first)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HttpError(413, "too_large", f"the body is larger than {limit:,} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HttpError(413, "too_large", f"the body is larger than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
