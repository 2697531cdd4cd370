"""Exec a shell in a container, or attach to its main process, from the dashboard.

Both talk to the Engine API only (no docker CLI): the session is a hijacked socket, the
app is suspended so the local terminal belongs to the session, and `terminal_bridge.bridge`
pumps bytes both ways. Each function returns one sentence for the app to show
(`app.notify(result, markup=False)`); engine errors become that sentence too, never a
traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import sys
from collections.abc import Iterator
from typing import Any

from textual.app import App, SuspendNotSupported

from dockui.engine.client import DockerClient
from dockui.engine.errors import Conflict, EngineError, NotFound
from dockui.sanitize import clean
from dockui.ui.terminal_bridge import DEFAULT_DETACH_KEYS, bridge, terminal_size

SHELLS: tuple[list[str], ...] = (["bash"], ["sh"])
DETACH_KEYS_SPEC = "ctrl-p,ctrl-q"
# Exit codes of a command that could not start: 126 (not executable), 127 (not found).
_NOT_STARTED = (126, 127)
_EXEC_ENV = ["TERM=xterm-256color"]


def _terminal_fds() -> tuple[int, int]:
    """The real terminal's input and output fds (Textual writes to stderr, not stdout)."""
    stdin = sys.__stdin__.fileno() if sys.__stdin__ is not None else 0
    for stream in (sys.__stdout__, sys.__stderr__):
        if stream is not None:
            with contextlib.suppress(ValueError, OSError):
                if stream.isatty():
                    return stdin, stream.fileno()
    return stdin, 1


def cannot_suspend(app: App[Any]) -> bool:
    """True when the app runs where the terminal cannot be handed over (inline, web, tests)."""
    driver = getattr(app, "_driver", None)
    return driver is None or not getattr(driver, "can_suspend", False)


SUSPEND_SENTENCE = (
    "This terminal cannot be handed over to a shell here (inline mode, web or a test "
    "driver); run dockui full-screen in a terminal to exec or attach."
)


@contextlib.contextmanager
def handed_over(app: App[Any]) -> Iterator[None]:
    """Suspend the app so the terminal belongs to the session; repaint when it is back.

    Textual keeps refreshing widgets while suspended, but its writer thread is stopped:
    after 30 queued writes the next one blocks the event loop, and with it the session
    (measured: the shell stopped receiving keys after a second). A batch update around
    the suspension holds every repaint until the terminal is Textual's again.

    Raises:
        SuspendNotSupported: inline mode, web, or a headless test driver.
    """
    with app.batch_update(), app.suspend():
        yield
    app.refresh(layout=True)


def _short(cid: str) -> str:
    return clean(cid[:12])


def _error_sentence(action: str, cid: str, exc: EngineError) -> str:
    message = clean(str(exc)).rstrip(".")
    if isinstance(exc, NotFound):
        return f"Cannot {action}: container {_short(cid)} no longer exists ({message})."
    if isinstance(exc, Conflict):
        if "paused" in message.lower():
            return f"Cannot {action}: {message}. Unpause it first (p)."
        return f"Cannot {action}: {message}. Start it first (u)."
    return f"Cannot {action} in {_short(cid)}: {message}."


async def _exit_code(client: DockerClient, exec_id: str) -> int | None:
    """The exec's exit code; the engine may report it a moment after the stream ends."""
    for _ in range(20):
        info = await client.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        await asyncio.sleep(0.05)
    return None


async def run_quiet(client: DockerClient, container_id: str, cmd: list[str]) -> int | None:
    """Run `cmd` without a TTY or stdin, discard its output, return its exit code."""
    exec_id = await client.exec_create(container_id, cmd, tty=False, stdin=False)
    async with client.exec_socket(exec_id, tty=False) as sock:
        while await sock.read_frames() is not None:
            pass
    return await _exit_code(client, exec_id)


async def pick_shell(client: DockerClient, container_id: str) -> list[str]:
    """`bash` when the container has it, else `sh` (probed without touching the terminal)."""
    for shell in SHELLS[:-1]:
        code = await run_quiet(client, container_id, [*shell, "-c", "exit 0"])
        if code == 0:
            return shell
    return SHELLS[-1]


async def _check_running(client: DockerClient, container_id: str, action: str) -> str | None:
    """A sentence saying why `action` cannot happen now, or None when the container runs."""
    info = await client.inspect_container(container_id)
    state = info.get("State") or {}
    if state.get("Paused"):
        return f"Cannot {action}: container {_short(container_id)} is paused. Unpause it first (p)."
    if not state.get("Running"):
        status = clean(str(state.get("Status") or "not running"))
        return f"Cannot {action}: container {_short(container_id)} is {status}. Start it first (u)."
    return None


async def run_exec(
    app: App[Any], client: DockerClient, container_id: str, command: list[str] | None = None
) -> str:
    """Open an interactive TTY session in the container and return how it ended.

    Args:
        app: the running app, suspended while the session owns the terminal.
        client: the engine client of the container.
        container_id: the container to exec in.
        command: what to run; None tries `bash`, then `sh`.

    Returns:
        One sentence for the user.
    """
    if cannot_suspend(app):
        return SUSPEND_SENTENCE
    action = "exec" if command else "open a shell"
    try:
        problem = await _check_running(client, container_id, action)
        if problem:
            return problem
        cmd = list(command) if command else await pick_shell(client, container_id)
        stdin_fd, stdout_fd = _terminal_fds()
        exec_id = await client.exec_create(
            container_id,
            cmd,
            tty=True,
            env=_EXEC_ENV,
            console_size=terminal_size(stdout_fd, stdin_fd),
        )
        label = clean(shlex.join(cmd))
        try:
            with handed_over(app):
                async with client.exec_socket(exec_id, tty=True) as sock:
                    await bridge(sock, stdin_fd=stdin_fd, stdout_fd=stdout_fd)
        except SuspendNotSupported:
            return SUSPEND_SENTENCE
        code = await _exit_code(client, exec_id)
    except EngineError as exc:
        return _error_sentence(action, container_id, exc)
    except OSError as exc:
        return f"The terminal session failed: {clean(str(exc))}."
    if code in _NOT_STARTED:
        return (
            f"`{label}` could not start in the container "
            f"(exit code {code}: not found or not executable)."
        )
    if code is None:
        return f"`{label}` ended (exit code unknown)."
    return f"`{label}` exited with code {code}."


async def run_attach(app: App[Any], client: DockerClient, container_id: str) -> str:
    """Attach the terminal to the container's main process; ctrl-p ctrl-q detaches.

    Returns:
        One sentence for the user.
    """
    if cannot_suspend(app):
        return SUSPEND_SENTENCE
    try:
        problem = await _check_running(client, container_id, "attach")
        if problem:
            return problem
        info = await client.inspect_container(container_id)
        config = info.get("Config") or {}
        tty = bool(config.get("Tty"))
        stdin = bool(config.get("OpenStdin"))
        stdin_fd, stdout_fd = _terminal_fds()
        try:
            with handed_over(app):
                # The Docker CLI prints this hint too; it is the only way out of a shell
                # that would otherwise take every key.
                note = "[attached: ctrl-p ctrl-q detaches]\r\n"
                with contextlib.suppress(OSError):
                    os.write(stdout_fd, note.encode())
                async with client.attach_socket(
                    container_id, tty=tty, stdin=stdin, detach_keys=DETACH_KEYS_SPEC
                ) as sock:
                    result = await bridge(
                        sock,
                        stdin_fd=stdin_fd,
                        stdout_fd=stdout_fd,
                        detach_keys=DEFAULT_DETACH_KEYS,
                        on_resize=(sock.resize if tty else _no_resize),
                    )
        except SuspendNotSupported:
            return SUSPEND_SENTENCE
        if result.detached:
            return f"Detached from {_short(container_id)}; it keeps running."
        after = await client.inspect_container(container_id)
        state = after.get("State") or {}
        if not state.get("Running"):
            return (
                f"The main process of {_short(container_id)} ended "
                f"(exit code {state.get('ExitCode', '?')})."
            )
        return f"The attach session to {_short(container_id)} closed; the container still runs."
    except EngineError as exc:
        return _error_sentence("attach", container_id, exc)
    except OSError as exc:
        return f"The terminal session failed: {clean(str(exc))}."


async def _no_resize(rows: int, cols: int) -> None:
    """Non-TTY containers have no terminal to resize."""
