"""The exec terminal bridge on the real engine, driven in a real pty (what sshd and tmux give).

A child process owns the pty slave as its controlling terminal and runs the same code the
dashboard runs inside `App.suspend()`: pick a shell (busybox has no bash, so `sh`), create
a TTY exec, `bridge()` it. The test types on the pty master like a user: arithmetic, a
resize through TIOCSWINSZ (the kernel sends SIGWINCH), `exit 3`; then checks the exit
code and that the terminal modes are back as they were.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time

import pytest

from dockui.engine import DockerClient

CHILD = r"""
import asyncio, sys, termios
from dockui.engine import DockerClient, parse_host
from dockui.ui.exec_session import pick_shell
from dockui.ui.terminal_bridge import bridge, DEFAULT_DETACH_KEYS

async def main(sock_path, cid, mode):
    before = termios.tcgetattr(0)
    async with DockerClient(parse_host("unix://" + sock_path)) as c:
        if mode == "exec":
            shell = await pick_shell(c, cid)
            eid = await c.exec_create(cid, shell, tty=True)
            async with c.exec_socket(eid) as s:
                print("BRIDGE-START", flush=True)
                res = await bridge(s, stdin_fd=0, stdout_fd=1)
            code = (await c.exec_inspect(eid)).get("ExitCode")
        else:
            shell = ["attach"]
            async with c.attach_socket(cid, tty=True, detach_keys="ctrl-p,ctrl-q") as s:
                print("BRIDGE-START", flush=True)
                res = await bridge(s, stdin_fd=0, stdout_fd=1, detach_keys=DEFAULT_DETACH_KEYS)
            code = None
            running = (await c.inspect_container(cid))["State"]["Running"]
            print(f"RUNNING={running}", flush=True)
    after = termios.tcgetattr(0)
    restored = before == after
    print(f"RESULT shell={shell[0]} exit={code} restored={restored} detached={res.detached}")

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
"""


class PtyChild:
    """A process on a fresh pty; the test reads and types on the master side."""

    def __init__(self, argv: list[str], rows: int = 24, cols: int = 80) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # child: the pty slave is its controlling terminal
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.set_size(rows, cols)
        self.seen = b""

    def set_size(self, rows: int, cols: int) -> None:
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def expect(self, pattern: bytes, timeout: float = 20.0) -> re.Match[bytes]:
        """Read until `pattern` (a regex) appears after what was consumed so far."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.seen)
            if match:
                self.seen = self.seen[match.end() :]
                return match
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{pattern!r} not seen; got {self.seen[-2000:]!r}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the child closed the pty
                chunk = b""
            if not chunk:
                raise AssertionError(f"pty closed before {pattern!r}; got {self.seen[-2000:]!r}")
            # busybox ash asks for the cursor position after each prompt; a real
            # terminal answers, so the test does too.
            if b"\x1b[6n" in chunk:
                self.send(b"\x1b[1;1R")
            self.seen += chunk

    def kill(self) -> None:
        """Make sure the child is gone (after a failed expectation)."""
        try:
            if not os.waitpid(self.pid, os.WNOHANG)[0]:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass  # already reaped by wait()

    def wait(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            with_data, _, _ = select.select([self.fd], [], [], 0.1)
            if with_data:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    pass
        os.kill(self.pid, 9)
        raise AssertionError("child did not exit")


def _child(engine_socket: str, cid: str, mode: str) -> PtyChild:
    return PtyChild([sys.executable, "-c", CHILD, engine_socket, cid, mode])


async def test_exec_round_trip_in_a_pty(
    engine_socket: str, engine_client: DockerClient, make_container
) -> None:
    cid = await make_container()
    child = _child(engine_socket, cid, "exec")
    try:
        child.expect(rb"BRIDGE-START")
        child.expect(rb"# ")
        child.send(b"echo $((6*7))\r")
        child.expect(rb"\r\n42\r\n")
        # The kernel sends SIGWINCH on TIOCSWINSZ; the bridge turns it into an exec resize.
        child.set_size(50, 132)
        await asyncio.sleep(0.5)
        child.send(b"stty size\r")
        child.expect(rb"50 132")
        child.send(b"exit 3\r")
        result = child.expect(rb"RESULT shell=(\w+) exit=(\S+) restored=(\w+) detached=(\w+)")
        assert child.wait() == 0
    finally:
        child.kill()
    assert result.group(1) == b"sh"  # busybox has no bash: the fallback was taken
    assert result.group(2) == b"3"
    assert result.group(3) == b"True"  # termios restored exactly
    assert result.group(4) == b"False"


async def test_attach_detaches_with_ctrl_p_ctrl_q(
    engine_socket: str, engine_client: DockerClient, make_container
) -> None:
    cid = await make_container(["sh"], tty=True)
    child = _child(engine_socket, cid, "attach")
    try:
        child.expect(rb"BRIDGE-START")
        child.send(b"echo $((6*7))\r")
        child.expect(rb"42")
        child.send(b"\x10\x11")  # ctrl-p ctrl-q
        child.expect(rb"RUNNING=True")
        result = child.expect(rb"RESULT shell=\w+ exit=\S+ restored=(\w+) detached=(\w+)")
        assert child.wait() == 0
    finally:
        child.kill()
    assert result.group(1) == b"True"
    assert result.group(2) == b"True"
    info = await engine_client.inspect_container(cid)
    assert info["State"]["Running"], "detaching must leave the container running"


pytestmark = pytest.mark.e2e


DASHBOARD = r"""
import asyncio, sys
from textual.app import App
from dockui.engine import DockerClient, parse_host
from dockui.ui.screens.container_detail import ContainerDetailScreen

class DetailApp(App):
    def __init__(self, client, cid):
        super().__init__()
        self.client, self.cid = client, cid
    def on_mount(self):
        self.push_screen(ContainerDetailScreen(self.client, self.cid, "chatty"))

async def main(sock, cid):
    async with DockerClient(parse_host("unix://" + sock)) as client:
        await DetailApp(client, cid).run_async()
    print("APP-EXITED", flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_exec_from_the_detail_screen_while_logs_stream(
    engine_socket: str, make_container
) -> None:
    # The log keeps the app repainting while it is suspended: this once filled Textual's
    # stopped writer queue and froze the session after a second.
    cid = await make_container(["sh", "-c", "while :; do echo tick; usleep 50000; done"])
    child = PtyChild([sys.executable, "-c", DASHBOARD, engine_socket, cid], rows=30, cols=100)
    try:
        child.expect(rb"tick")
        child.send(b"e")
        child.expect(rb"# ")
        await asyncio.sleep(2.0)  # long enough for many repaints to be attempted
        child.send(b"echo $((6*7))\r")
        child.expect(rb"\r\n42\r\n")
        child.send(b"exit\r")
        child.expect(rb"exited with code 0")  # back on the dashboard, with the notification
        child.send(b"\x11")  # ctrl+q
        child.expect(rb"APP-EXITED")
        assert child.wait() == 0
    finally:
        child.kill()
