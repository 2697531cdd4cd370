"""The hijacked bidirectional socket of exec and attach (HTTP 101 `Upgrade: tcp`).

httpx 0.28 hands the upgraded connection over as the `network_stream` response extension;
this wraps it with read/write/resize/close and, for non-TTY sessions, frame decoding.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from typing import Any

from dockui.engine.streams import Frame, MuxDecoder

ResizeFn = Callable[[int, int], Awaitable[None]]


class HijackedSocket:
    """One exec or attach session. Use it only inside the `async with` that produced it."""

    def __init__(self, network_stream: Any, *, tty: bool, resize: ResizeFn) -> None:
        self._ns = network_stream
        self.tty = tty
        self._resize = resize
        self._mux = MuxDecoder()
        self.closed = False

    async def read(self, max_bytes: int = 65536) -> bytes:
        """Raw bytes from the process (b"" at end of stream). TTY sessions are raw."""
        if self.closed:
            return b""
        try:
            return await self._ns.read(max_bytes, timeout=None)
        except OSError:
            return b""
        except Exception as exc:  # httpcore's ReadError and friends: treat as EOF
            if type(exc).__name__ in ("ReadError", "ReadTimeout", "ClosedResourceError"):
                return b""
            raise

    async def read_frames(self, max_bytes: int = 65536) -> list[Frame] | None:
        """For non-TTY sessions: decoded (stream, bytes) frames; None at end of stream."""
        while True:
            data = await self.read(max_bytes)
            if not data:
                return None
            frames = self._mux.feed(data)
            if frames:
                return frames

    async def write(self, data: bytes) -> None:
        await self._ns.write(data)

    async def resize(self, rows: int, cols: int) -> None:
        await self._resize(rows, cols)

    def close_write(self) -> None:
        """Half-close: the process sees EOF on stdin (plain sockets only, not TLS)."""
        sock = self._ns.get_extra_info("socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    async def aclose(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                await self._ns.aclose()
            except Exception:  # closing an already-dead socket must not mask the real error
                pass
