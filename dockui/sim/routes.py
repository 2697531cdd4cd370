"""The API router: version prefix handling, fault injection, route table, error mapping."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

from . import handlers_containers, handlers_images, handlers_networks_volumes, handlers_system
from .api_common import Call, Handler, Parts, error_response, no_content
from .errors import NotModified, SimError
from .faults import Fault
from .server import AnyResponse, DropConnection, Request, Response, StreamResponse
from .versions import fmt_version, parse_version

_PREFIX = re.compile(r"^/v([0-9]+\.[0-9]+)(/.*)$")
GARBAGE = b'{"Type":"container","Action":"sta\x00\xff not json }}\n'


class Router:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.table: list[tuple[str, re.Pattern[str], Handler]] = []
        for module in (
            handlers_system,
            handlers_containers,
            handlers_images,
            handlers_networks_volumes,
        ):
            for method, pattern, handler in module.ROUTES:
                self.table.append((method, re.compile(f"^{pattern}$"), handler))

    async def __call__(self, req: Request) -> AnyResponse:
        prof = self.parts.state.profile
        path = req.path
        m = _PREFIX.match(path)
        if m:
            try:
                api = parse_version(m.group(1))
            except ValueError:
                return error_response(400, f"invalid API version {m.group(1)}")
            path = m.group(2)
            if api < prof.min_api_version:
                # Real engines answer this one in plain text, not JSON (measured).
                msg = (
                    f"client version {fmt_version(api)} is too old. Minimum supported API version "
                    f"is {fmt_version(prof.min_api_version)}, please upgrade your client to a "
                    "newer version"
                )
                return Response(400, msg.encode() + b"\n", content_type="text/plain; charset=utf-8")
            if api > prof.api_version:
                return error_response(
                    400,
                    f"client version {fmt_version(api)} is too new. Maximum supported API "
                    f"version is {fmt_version(prof.api_version)}",
                )
        else:
            api = prof.api_version

        faults = self.parts.faults.take(path)
        for f in faults:
            if f.kind == "status":
                return error_response(f.status, f"simulated fault: {f.status} on {path}")
            if f.kind == "drop" and f.after == 0:
                return DropConnection()
            if f.kind == "stall" and f.after == 0:
                await asyncio.sleep(f.seconds)

        for method, pattern, handler in self.table:
            if method != req.method:
                continue
            pm = pattern.match(path)
            if pm is None:
                continue
            call = Call(req=req, api=api, params=pm.groupdict(), parts=self.parts)
            try:
                resp = await handler(call)
            except NotModified:
                return no_content(304)
            except SimError as exc:
                if exc.plain:
                    return Response(exc.status, exc.message.encode(), content_type="text/plain")
                return error_response(exc.status, exc.message)
            return _apply_after_faults(resp, [f for f in faults if f.kind != "status"])
        return error_response(404, "page not found")


def _apply_after_faults(resp: AnyResponse, faults: list[Fault]) -> AnyResponse:
    late = [f for f in faults if f.after > 0 or f.kind == "garbage"]
    if not late:
        return resp
    if isinstance(resp, StreamResponse):
        resp.chunks = _faulty(resp.chunks, late)
        return resp
    if isinstance(resp, Response):
        for f in late:
            if f.kind == "garbage":
                resp.body = resp.body[: max(1, len(resp.body) // 2)] + b"\x00garbage"
            elif f.kind == "drop":
                return DropConnection()
    return resp


async def _faulty(chunks: AsyncIterator[bytes], faults: list[Fault]) -> AsyncIterator[bytes]:
    """Count stream messages and misbehave after the K-th one."""
    sent = 0
    try:
        for f in faults:
            if f.after == 0 and f.kind == "garbage":
                yield GARBAGE
        async for chunk in chunks:
            yield chunk
            sent += 1
            for f in faults:
                if f.after and sent == f.after:
                    if f.kind == "drop":
                        raise DropConnection()
                    if f.kind == "stall":
                        await asyncio.sleep(f.seconds)
                    if f.kind == "garbage":
                        yield GARBAGE
    finally:
        aclose = getattr(chunks, "aclose", None)
        if aclose is not None:
            await aclose()
