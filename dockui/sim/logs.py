"""Container logs: seeded history, live lines for followers, and dockerd's framing.

Non-TTY output uses the 8-byte multiplexed header ([stream][0 0 0][len BE]); TTY
output is raw with \\r\\n line ends and stdout/stderr merged. Like the json-file driver,
lines over 16 KiB are stored as 16384-byte fragments, each with its own timestamp,
and `tail` counts fragments.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import struct
from dataclasses import dataclass

from .clock import rfc3339_fixed
from .events import Event
from .objects import Container
from .state import SimState

MAX_FRAGMENT = 16384


@dataclass(frozen=True)
class LogLine:
    t: float
    stream: int  # 1 stdout, 2 stderr
    text: str
    partial: bool = False  # a 16 KiB fragment of a longer line: no newline


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


_PATHS = ["/", "/api/items", "/api/users/42", "/healthz", "/static/app.js", "/login", "/metrics"]
_AGENTS = ["curl/8.5.0", "Mozilla/5.0", "kube-probe/1.29", "Go-http-client/1.1"]


def _line_text(rng: random.Random, c: Container, i: int) -> tuple[int, str]:
    kind = rng.random()
    if kind < 0.55:
        code = rng.choice([200, 200, 200, 201, 204, 301, 404, 500])
        return 1, (
            f'172.17.0.1 - - "{rng.choice(["GET", "POST"])} {rng.choice(_PATHS)} HTTP/1.1" '
            f'{code} {rng.randint(0, 9000)} "-" "{rng.choice(_AGENTS)}"'
        )
    if kind < 0.75:
        return 1, f'level=info msg="processed batch" n={rng.randint(1, 500)} seq={i}'
    if kind < 0.85:
        # Colour (SGR) arrives byte for byte in real logs.
        return 1, f"\x1b[32mINFO\x1b[0m worker {rng.randint(1, 8)} ready"
    if kind < 0.95:
        return 2, f'level=warning msg="slow query" duration={rng.randint(100, 5000)}ms'
    return 2, f"ERROR: connection to {c.name}-db refused (attempt {rng.randint(1, 5)})"


def _split(t: float, stream: int, text: str) -> list[LogLine]:
    data = text
    if len(data) + 1 <= MAX_FRAGMENT:
        return [LogLine(t, stream, data)]
    out = []
    while len(data) + 1 > MAX_FRAGMENT:
        out.append(LogLine(t, stream, data[:MAX_FRAGMENT], partial=True))
        data = data[MAX_FRAGMENT:]
    out.append(LogLine(t, stream, data))
    return out


class LogStore:
    def __init__(self, state: SimState, history: int, interval: float) -> None:
        self.state = state
        self.history_len = history
        self.interval = interval
        self.lines: dict[str, list[LogLine]] = {}
        self.rngs: dict[str, random.Random] = {}
        self.followers: dict[str, set[asyncio.Queue[LogLine | None]]] = {}
        self._task: asyncio.Task[None] | None = None
        state.events.history_hooks.append(self._on_event)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for qs in self.followers.values():
            for q in qs:
                q.put_nowait(None)
        self.followers.clear()

    def _on_event(self, ev: Event) -> None:
        # Following ends when the container stops or goes away, as with dockerd.
        if ev.type == "container" and ev.action in ("die", "destroy"):
            for q in self.followers.pop(ev.actor_id, set()):
                q.put_nowait(None)

    def lines_for(self, c: Container) -> list[LogLine]:
        lines = self.lines.get(c.id)
        if lines is None:
            lines = []
            rng = random.Random(c.log_seed)
            self.rngs[c.id] = rng
            if c.started_at is not None:
                start = c.started_at
                end = c.finished_at if c.finished_at and c.status == "exited" else self.state.now()
                n = self.history_len
                span = max(end - start, 1.0)
                for i in range(n):
                    t = start + span * (i + 1) / (n + 1)
                    stream, text = _line_text(rng, c, i)
                    if i == 5 and c.log_seed % 10 == 0:
                        text = "long:" + "x" * 20_000  # exercises the 16 KiB fragment path
                    lines.extend(_split(t, stream, text))
            self.lines[c.id] = lines
        return lines

    def append(self, c: Container, stream: int, text: str) -> None:
        """Add a line now; followers receive it."""
        lines = self.lines_for(c)
        for line in _split(self.state.now(), stream, text):
            lines.append(line)
            for q in self.followers.get(c.id, ()):
                q.put_nowait(line)

    def follow(self, c: Container) -> asyncio.Queue[LogLine | None]:
        q: asyncio.Queue[LogLine | None] = asyncio.Queue()
        self.followers.setdefault(c.id, set()).add(q)
        return q

    def unfollow(self, c: Container, q: asyncio.Queue[LogLine | None]) -> None:
        qs = self.followers.get(c.id)
        if qs is not None:
            qs.discard(q)
            if not qs:
                del self.followers[c.id]

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            for cid in list(self.followers):
                c = self.state.containers.get(cid)
                if c is None or c.status != "running":
                    continue
                lines = self.lines_for(c)
                stream, text = _line_text(self.rngs[cid], c, len(lines))
                self.append(c, stream, text)


def render(line: LogLine, tty: bool, timestamps: bool) -> bytes:
    text = line.text
    if timestamps:
        text = rfc3339_fixed(line.t) + " " + text
    if line.partial:
        end = ""
    else:
        end = "\r\n" if tty else "\n"
    payload = (text + end).encode("utf-8", errors="replace")
    return payload if tty else frame(line.stream, payload)


def select(
    lines: list[LogLine],
    *,
    stdout: bool,
    stderr: bool,
    since: float | None,
    until: float | None,
    tail: int | None,
) -> list[LogLine]:
    if tail is not None:
        lines = lines[-tail:] if tail > 0 else []
    out = []
    for ln in lines:
        if (ln.stream == 1 and not stdout) or (ln.stream == 2 and not stderr):
            continue
        if since is not None and ln.t < since:
            continue
        if until is not None and ln.t > until:
            continue
        out.append(ln)
    return out
