"""The log view on the real engine: hostile output shows as text, and no escape sequence
from a container reaches the user's terminal (checked on the bytes a real pty receives).
"""

from __future__ import annotations

import os
import pty
import select
import sys
import time

from rich.color import Color

from dockui.engine import DockerClient
from dockui.ui.widgets.log_view import LogView

# stdout: a red word, OSC 52 (clipboard write), OSC 0 (window title), CSI 2J (clear),
# an alt-screen switch and a UTF-8-encoded C1 CSI; stderr: a plain line. Then it sleeps.
HOSTILE = (
    "printf 'VISIBLE \\033[31mRED\\033[0m clip\\033]52;c;aGVsbG8=\\007 "
    "title\\033]0;EVILTITLE\\007 clear\\033[2J alt\\033[?1049h c1\\302\\2332Jend\\n'; "
    "echo 'STDERR-LINE' >&2; "
    "printf 'bad utf8 \\377\\376 end\\n'; "
    "sleep 3600"
)
EXPECTED = "VISIBLE RED clip title clear alt c1end"

APP = r"""
import asyncio, sys
from textual.app import App
from dockui.engine import DockerClient, parse_host
from dockui.ui.screens.container_detail import ContainerDetailScreen

class DetailApp(App):
    def __init__(self, client, cid):
        super().__init__()
        self.client, self.cid = client, cid
    def on_mount(self):
        self.push_screen(ContainerDetailScreen(self.client, self.cid, "hostile"))

async def main(sock, cid):
    async with DockerClient(parse_host("unix://" + sock)) as client:
        await DetailApp(client, cid).run_async()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def _wait(pilot, check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await pilot.pause(0.05)


async def test_hostile_log_shows_as_text(engine_client: DockerClient, make_container) -> None:
    from textual.app import App

    from dockui.ui.screens.container_detail import ContainerDetailScreen

    cid = await make_container(["sh", "-c", HOSTILE])

    class DetailApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ContainerDetailScreen(engine_client, cid, "hostile"))

    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.screen.query_one(LogView)
        await _wait(pilot, lambda: len(view.lines.records) >= 3)
        records = {r.plain: r for r in view.lines.records}
        assert EXPECTED in records
        assert records["STDERR-LINE"].stream == 2
        assert records[EXPECTED].stream == 1
        assert "bad utf8 \ufffd\ufffd end" in records  # invalid UTF-8 shown as U+FFFD
        # The colour survives as a style, through the safe conversion.
        body = view.lines._body(records[EXPECTED])
        red = [s for s in body.spans if s.style.color == Color.from_ansi(1)]  # type: ignore[union-attr]
        assert [body.plain[s.start : s.end] for s in red] == ["RED"]


async def test_one_megabyte_line_is_joined_and_rendered(
    engine_client: DockerClient, make_container
) -> None:
    from textual.app import App

    from dockui.ui.screens.container_detail import ContainerDetailScreen

    size = 1_000_000
    cid = await make_container(
        ["sh", "-c", f"head -c {size} /dev/zero | tr '\\000' x; echo; echo after; sleep 3600"]
    )

    class DetailApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ContainerDetailScreen(engine_client, cid, "big"))

    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.screen.query_one(LogView)
        await _wait(pilot, lambda: any(r.plain == "after" for r in view.lines.records))
        # The engine split it into 16 KiB pieces, each with its own timestamp: one line again.
        assert [len(r.plain) for r in view.lines.records] == [size, len("after")]
        await pilot.press("W")  # wrap: the line spans many rows, only visible ones render
        await pilot.pause()
        width = view.lines.body_width
        assert view.lines.total_rows() == -(-size // width) + 1
        await pilot.press("g")
        await pilot.pause()
        row = "".join(seg.text for seg in view.lines.render_line(0))
        assert row.strip() == "x" * width


def _run_in_pty(argv: list[str], seconds: float) -> bytes:
    """Run `argv` on a fresh 120x30 pty for `seconds`, quit it, return every byte it wrote."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["COLUMNS"], os.environ["LINES"] = "120", "30"
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    out = bytearray()
    deadline = time.monotonic() + seconds
    quit_sent = False
    while True:
        if not quit_sent and time.monotonic() > deadline:
            os.write(fd, b"\x11")  # ctrl+q quits a Textual app
            quit_sent = True
            deadline = time.monotonic() + 10
        elif quit_sent and time.monotonic() > deadline:
            os.kill(pid, 9)
            break
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    return bytes(out)


async def test_no_container_escape_reaches_the_terminal(engine_socket: str, make_container) -> None:
    cid = await make_container(["sh", "-c", HOSTILE])
    output = _run_in_pty([sys.executable, "-c", APP, engine_socket, cid], seconds=4.0)
    text = output.decode("utf-8", errors="replace")
    assert "VISIBLE" in text and "STDERR-LINE" in text, text[-2000:]  # the app did draw them
    # The container's sequences, whole or in part, are nowhere in what the terminal got.
    for needle in (b"EVILTITLE", b"aGVsbG8", b"\x1b]52", b"\x1b]0;", b"\x1b[2J", b"\xc2\x9b"):
        assert needle not in output, needle
    # Textual itself switches to the alternate screen once and back once at exit; the
    # container's `?1049h` would be a second switch.
    assert output.count(b"\x1b[?1049h") == 1
