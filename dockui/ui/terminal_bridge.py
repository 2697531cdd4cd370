"""Bridge the local terminal to a hijacked exec/attach socket (what `docker exec -it` does).

The local terminal is put in raw mode, every byte typed goes to the socket and every byte
the process writes goes to the terminal, until the process ends, the socket closes or the
user types the detach keys. Window size changes (SIGWINCH) are sent as resizes. The
terminal's modes are restored in `finally`, whatever happens.

This module has no Textual import: the dashboard runs `bridge` inside `App.suspend()`, and
the end-to-end tests run it in a bare pty.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import termios
import tty
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dockui.engine.errors import EngineError
from dockui.engine.hijack import HijackedSocket

ResizeFn = Callable[[int, int], Awaitable[None]]

# Docker's default detach sequence: ctrl-p ctrl-q.
DEFAULT_DETACH_KEYS = b"\x10\x11"
_READ_SIZE = 65536


@dataclass(frozen=True, slots=True)
class BridgeResult:
    """How a bridged session ended."""

    detached: bool
    """The user typed the detach keys (the process keeps running)."""
    bytes_in: int
    """Bytes sent from the terminal to the process."""
    bytes_out: int
    """Bytes written from the process to the terminal."""


def terminal_size(*fds: int) -> tuple[int, int]:
    """(rows, cols) of the first fd that is a terminal; 24x80 when none is."""
    for fd in fds:
        with contextlib.suppress(OSError):
            size = os.get_terminal_size(fd)
            if size.lines > 0 and size.columns > 0:
                return size.lines, size.columns
    return 24, 80


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            # A non-blocking terminal that is momentarily full: wait for room.
            select.select([], [fd], [], 1.0)
            continue
        view = view[written:]


class _DetachMatcher:
    """Finds the detach sequence in typed input, holding back a partial match.

    Bytes that turn out not to be part of the sequence are released unchanged, so a lone
    ctrl-p still reaches the process (as with the docker CLI).
    """

    def __init__(self, keys: bytes | None) -> None:
        self.keys = keys or b""
        self._held = b""

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        """Bytes to forward, and whether the detach sequence was completed."""
        if not self.keys:
            return data, False
        out = bytearray()
        for byte in data:
            candidate = self._held + bytes([byte])
            if self.keys.startswith(candidate):
                if candidate == self.keys:
                    self._held = b""
                    return bytes(out), True
                self._held = candidate
                continue
            out += self._held
            self._held = b""
            if self.keys.startswith(bytes([byte])):
                self._held = bytes([byte])
            else:
                out.append(byte)
        return bytes(out), False


async def bridge(
    sock: HijackedSocket,
    *,
    stdin_fd: int,
    stdout_fd: int,
    detach_keys: bytes | None = None,
    on_resize: ResizeFn | None = None,
) -> BridgeResult:
    """Pump the terminal on `stdin_fd`/`stdout_fd` to and from `sock` until it ends.

    Args:
        sock: an open exec or attach session (TTY or multiplexed).
        stdin_fd: the terminal to read keys from; put in raw mode while bridged.
        stdout_fd: where the process output goes.
        detach_keys: a byte sequence that ends the session without ending the process
            (attach uses ctrl-p ctrl-q); None for exec.
        on_resize: called with (rows, cols) at start and on every SIGWINCH; defaults to
            `sock.resize`. Failures are ignored (the process may have just exited).

    Returns:
        How the session ended.
    """
    loop = asyncio.get_running_loop()
    resize = on_resize or sock.resize
    typed: asyncio.Queue[bytes | None] = asyncio.Queue()
    detached = asyncio.Event()
    matcher = _DetachMatcher(detach_keys)
    counts = {"in": 0, "out": 0}
    saved_mode: list[int | list[bytes | int]] | None = None
    old_winch = signal.getsignal(signal.SIGWINCH)
    reader_added = winch_added = False
    pending_resizes: set[asyncio.Task[None]] = set()

    async def send_size() -> None:
        rows, cols = terminal_size(stdout_fd, stdin_fd)
        with contextlib.suppress(EngineError, OSError):
            await resize(rows, cols)

    def on_winch() -> None:
        task = loop.create_task(send_size())
        pending_resizes.add(task)
        task.add_done_callback(pending_resizes.discard)

    def on_stdin() -> None:
        try:
            data = os.read(stdin_fd, _READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(stdin_fd)
            typed.put_nowait(None)
            return
        forward, done = matcher.feed(data)
        if forward:
            typed.put_nowait(forward)
        if done:
            detached.set()

    async def pump_in() -> None:
        while True:
            data = await typed.get()
            if data is None:  # stdin closed (a pipe, not a terminal): EOF for the process
                sock.close_write()
                return
            await sock.write(data)
            counts["in"] += len(data)

    async def pump_out() -> None:
        # In raw mode the terminal no longer turns \n into \r\n; a TTY session sends
        # \r\n itself, a multiplexed one (non-TTY attach) does not.
        while True:
            if sock.tty:
                data = await sock.read(_READ_SIZE)
                if not data:
                    return
            else:
                frames = await sock.read_frames(_READ_SIZE)
                if frames is None:
                    return
                data = b"".join(f.data for f in frames).replace(b"\n", b"\r\n")
            _write_all(stdout_fd, data)
            counts["out"] += len(data)

    try:
        if os.isatty(stdin_fd):
            saved_mode = termios.tcgetattr(stdin_fd)
            tty.setraw(stdin_fd, termios.TCSANOW)
        loop.add_reader(stdin_fd, on_stdin)
        reader_added = True
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(signal.SIGWINCH, on_winch)
            winch_added = True
        await send_size()
        out_task = loop.create_task(pump_out())
        in_task = loop.create_task(pump_in())
        detach_task = loop.create_task(detached.wait())
        try:
            # The session is over when the process's output ends or the user detaches;
            # stdin ending (pump_in returning) only half-closes the socket.
            await asyncio.wait({out_task, detach_task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (out_task, in_task, detach_task, *pending_resizes):
                task.cancel()
            await asyncio.gather(out_task, in_task, detach_task, return_exceptions=True)
        if out_task.done() and not out_task.cancelled() and out_task.exception() is not None:
            raise out_task.exception()  # type: ignore[misc]
    finally:
        if reader_added:
            loop.remove_reader(stdin_fd)
        if winch_added:
            loop.remove_signal_handler(signal.SIGWINCH)
            # Give back whatever handler was there before (asyncio resets to SIG_DFL).
            with contextlib.suppress(TypeError, ValueError, OSError):
                signal.signal(signal.SIGWINCH, old_winch)
        if saved_mode is not None:
            with contextlib.suppress(termios.error):
                termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved_mode)
    return BridgeResult(detached=detached.is_set(), bytes_in=counts["in"], bytes_out=counts["out"])
