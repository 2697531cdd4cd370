"""HTTP/1.1 plumbing on asyncio + h11: requests in, responses, streams and hijacks out.

The server knows nothing of Docker: an `app` callable turns a Request into one of
Response (fixed body), StreamResponse (chunked, from an async iterator) or
HijackResponse (101 UPGRADED, then the raw socket). A streaming response is cancelled as
soon as the client hangs up, so abandoned /events or /stats streams cost nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import h11

log = logging.getLogger("dockui.sim")

Headers = list[tuple[str, str]]


@dataclass
class Request:
    method: str
    target: str  # as sent, e.g. /v1.41/containers/json?all=1
    path: str  # decoded path, version prefix still present
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def q(self, name: str, default: str | None = None) -> str | None:
        vals = self.query.get(name)
        return vals[-1] if vals else default

    def q_all(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def q_bool(self, name: str, default: bool = False) -> bool:
        v = self.q(name)
        if v is None:
            return default
        return v.lower() not in ("", "0", "false", "no")

    def q_int(self, name: str, default: int | None = None) -> int | None:
        v = self.q(name)
        if v is None or v == "":
            return default
        return int(v)

    @property
    def wants_upgrade(self) -> bool:
        return "upgrade" in self.headers.get("connection", "").lower() and bool(
            self.headers.get("upgrade")
        )


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: Headers = field(default_factory=list)


@dataclass
class StreamResponse:
    status: int
    chunks: AsyncIterator[bytes]
    content_type: str | None = "application/json"
    headers: Headers = field(default_factory=list)


@dataclass
class HijackResponse:
    run: Callable[[HijackedStream], Awaitable[None]]
    content_type: str = "application/vnd.docker.raw-stream"
    headers: Headers = field(default_factory=list)


class DropConnection(Exception):
    """Raised by a stream (or returned as a response) to cut the connection abruptly."""


AnyResponse = Response | StreamResponse | HijackResponse | DropConnection
App = Callable[[Request], Awaitable[AnyResponse]]


class HijackedStream:
    """The raw socket after 101: bytes h11 read past the request come first."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, initial: bytes
    ) -> None:
        self.reader = reader
        self.writer = writer
        self._initial = initial

    async def read(self, n: int) -> bytes:
        if self._initial:
            data, self._initial = self._initial[:n], self._initial[n:]
            return data
        try:
            return await self.reader.read(n)
        except ConnectionError:
            return b""

    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    def close(self) -> None:
        self.writer.close()


def _reason(status: int) -> bytes:
    if status == 101:
        return b"UPGRADED"
    try:
        return http.HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


class HttpServer:
    def __init__(self, app: App, common_headers: Callable[[], Headers]) -> None:
        self.app = app
        self.common_headers = common_headers
        self.servers: list[asyncio.Server] = []
        self.writers: set[asyncio.StreamWriter] = set()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.socket_path: str | None = None
        self.tcp_port: int | None = None

    async def listen(self, socket_path: str | None, tcp_port: int | None) -> None:
        if socket_path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(socket_path)
            srv = await asyncio.start_unix_server(self._serve, path=socket_path, limit=1 << 20)
            self.servers.append(srv)
            self.socket_path = socket_path
        if tcp_port is not None:
            srv = await asyncio.start_server(
                self._serve, host="127.0.0.1", port=tcp_port, limit=1 << 20, reuse_address=True
            )
            self.servers.append(srv)
            self.tcp_port = srv.sockets[0].getsockname()[1]

    async def close(self, *, remove_socket: bool = True) -> None:
        """Stop listening and cut every open connection (a daemon going away)."""
        for srv in self.servers:
            srv.close()
        self.servers.clear()
        for w in list(self.writers):
            with contextlib.suppress(Exception):
                w.transport.abort()
        self.writers.clear()
        for t in list(self.tasks):
            t.cancel()
        for t in list(self.tasks):
            with contextlib.suppress(BaseException):
                await t
        if remove_socket and self.socket_path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.socket_path)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        self.writers.add(writer)
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=1 << 20)
        try:
            while True:
                req = await self._read_request(conn, reader)
                if req is None:
                    break
                resp = await self._call_app(req)
                keep = await self._send(conn, reader, writer, req, resp)
                if not keep or conn.our_state is h11.MUST_CLOSE:
                    break
                try:
                    conn.start_next_cycle()
                except h11.LocalProtocolError:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, h11.ProtocolError, DropConnection):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self.writers.discard(writer)
            self.tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.transport.abort() if writer.transport else None

    async def _call_app(self, req: Request) -> AnyResponse:
        try:
            return await self.app(req)
        except DropConnection as exc:
            return exc
        except Exception as exc:  # a bug in a handler must not kill the server
            log.exception("sim handler failed: %s %s", req.method, req.target)
            from .jsonutil import dumps

            return Response(500, dumps({"message": f"sim internal error: {exc}"}).encode())

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader
    ) -> Request | None:
        req: h11.Request | None = None
        body = bytearray()
        while True:
            ev = conn.next_event()
            if ev is h11.NEED_DATA:
                data = await reader.read(65536)
                conn.receive_data(data)
                continue
            if isinstance(ev, h11.ConnectionClosed) or ev is h11.PAUSED:
                return None
            if isinstance(ev, h11.Request):
                req = ev
            elif isinstance(ev, h11.Data):
                body += ev.data
            elif isinstance(ev, h11.EndOfMessage):
                assert req is not None
                target = req.target.decode("latin-1")
                parts = urlsplit(target)
                return Request(
                    method=req.method.decode(),
                    target=target,
                    path=unquote(parts.path),
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.decode().lower(): v.decode("latin-1") for k, v in req.headers},
                    body=bytes(body),
                )

    def _headers(self, extra: Headers, content_type: str | None) -> list[tuple[str, str]]:
        hs = list(self.common_headers())
        if content_type:
            hs.append(("Content-Type", content_type))
        hs.extend(extra)
        return hs

    async def _send(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        req: Request,
        resp: AnyResponse,
    ) -> bool:
        if isinstance(resp, DropConnection):
            return False
        if isinstance(resp, Response):
            hs = self._headers(
                resp.headers, resp.content_type if resp.status not in (204, 304) else None
            )
            if resp.status not in (204, 304):
                hs.append(("Content-Length", str(len(resp.body))))
            writer.write(
                conn.send(
                    h11.Response(status_code=resp.status, headers=hs, reason=_reason(resp.status))
                )
            )
            if resp.body and req.method != "HEAD" and resp.status not in (204, 304):
                writer.write(conn.send(h11.Data(data=resp.body)))
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            return True
        if isinstance(resp, StreamResponse):
            return await self._send_stream(conn, reader, writer, resp)
        return await self._hijack(conn, reader, writer, req, resp)

    async def _send_stream(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        resp: StreamResponse,
    ) -> bool:
        hs = self._headers(resp.headers, resp.content_type)
        writer.write(
            conn.send(
                h11.Response(status_code=resp.status, headers=hs, reason=_reason(resp.status))
            )
        )
        await writer.drain()

        async def pump() -> bool:
            try:
                async for chunk in resp.chunks:
                    if chunk:
                        writer.write(conn.send(h11.Data(data=chunk)))
                        await writer.drain()
            except DropConnection:
                return False
            finally:
                aclose = getattr(resp.chunks, "aclose", None)
                if aclose is not None:
                    with contextlib.suppress(Exception):
                        await aclose()
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            return True

        pump_task = asyncio.ensure_future(pump())
        try:
            while True:
                watch = asyncio.ensure_future(reader.read(65536))
                done, _ = await asyncio.wait(
                    {pump_task, watch}, return_when=asyncio.FIRST_COMPLETED
                )
                if pump_task in done:
                    watch.cancel()
                    with contextlib.suppress(BaseException):
                        await watch
                    return pump_task.result()
                try:
                    data = watch.result()
                except OSError:
                    # A reset is a hang-up too; the pump must still be reaped below, or
                    # its own reset error is left "never retrieved" for the GC to log.
                    data = b""
                if not data:
                    # The client hung up: stop producing at once.
                    pump_task.cancel()
                    with contextlib.suppress(BaseException):
                        await pump_task
                    return False
                conn.receive_data(data)  # a pipelined next request; h11 keeps it
        except asyncio.CancelledError:
            pump_task.cancel()
            raise

    async def _hijack(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        req: Request,
        resp: HijackResponse,
    ) -> bool:
        if req.wants_upgrade:
            hs = [
                ("Connection", "Upgrade"),
                ("Content-Type", resp.content_type),
                ("Upgrade", "tcp"),
            ]
            hs += resp.headers
            writer.write(
                conn.send(
                    h11.InformationalResponse(status_code=101, headers=hs, reason=b"UPGRADED")
                )
            )
            initial, _closed = conn.trailing_data
        else:
            # Without Upgrade headers dockerd still answers 200 and hijacks; h11 cannot
            # express that, so the status line is written by hand and the body runs
            # until close.
            head = [b"HTTP/1.1 200 OK"]
            for k, v in self._headers(resp.headers, resp.content_type):
                head.append(f"{k}: {v}".encode())
            head.append(b"Connection: close")
            writer.write(b"\r\n".join(head) + b"\r\n\r\n")
            initial = b""
        await writer.drain()
        stream = HijackedStream(reader, writer, bytes(initial))
        try:
            await resp.run(stream)
        finally:
            with contextlib.suppress(Exception):
                if writer.can_write_eof():
                    writer.write_eof()
                await writer.drain()
            writer.close()
        return False
