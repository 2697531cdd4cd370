"""What every route handler shares: the Call it receives and response helpers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import SimError
from .jsonutil import dumps, dumps_line
from .server import AnyResponse, Request, Response, StreamResponse
from .versions import Version

if TYPE_CHECKING:
    from .config import SimConfig
    from .faults import FaultSet
    from .logs import LogStore
    from .state import SimState
    from .stats import StatsHub


@dataclass
class Parts:
    """The engine's pieces a handler may use."""

    state: SimState
    stats: StatsHub
    logs: LogStore
    faults: FaultSet
    config: SimConfig


@dataclass
class Call:
    req: Request
    api: Version  # from the /v1.NN prefix, or the engine's own version if none
    params: dict[str, str]
    parts: Parts

    @property
    def state(self) -> SimState:
        return self.parts.state

    def json_body(self) -> dict[str, Any]:
        if not self.req.body.strip():
            return {}
        try:
            data = json.loads(self.req.body)
        except ValueError as exc:
            # 20.10 answered 500 with Go's decoder error; newer engines say 400.
            status = 500 if self.api < (1, 42) else 400
            raise SimError(status, f"invalid character in JSON body: {exc}") from exc
        if not isinstance(data, dict):
            raise SimError(400, "json: cannot unmarshal body into an object")
        return data


Handler = Callable[[Call], Awaitable[AnyResponse]]


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(status, (dumps(obj) + "\n").encode())


def no_content(status: int = 204) -> Response:
    return Response(status, b"", content_type=None)


def error_response(status: int, message: str) -> Response:
    return json_response({"message": message}, status)


def json_stream(gen: AsyncIterator[Any], status: int = 200) -> StreamResponse:
    async def lines() -> AsyncIterator[bytes]:
        async for obj in gen:
            yield dumps_line(obj)

    return StreamResponse(status, lines())
