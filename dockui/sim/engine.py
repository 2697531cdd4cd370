"""SimEngine: one simulated Docker engine, in-process or in a background thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .api_common import Parts
from .clock import SystemClock
from .config import SimConfig
from .faults import Fault, FaultSet
from .logs import LogStore
from .routes import Router
from .seed_data import populate
from .server import Headers, HttpServer
from .state import SimState
from .stats import StatsHub
from .versions import fmt_version

T = TypeVar("T")


class SimEngine:
    """A simulated dockerd speaking the Engine API over a unix socket (and TCP).

    `state` holds the objects (mutate it to act as another client), `faults` the active
    fault injection. Use either `await start()/stop()` on your loop, or
    `start_in_thread()/stop_in_thread()` from synchronous code.
    """

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self.clock = self.config.clock or SystemClock()
        self.state = SimState(self.config, self.clock)
        populate(self.state, self.config.containers)
        self.faults = FaultSet()
        for spec in self.config.faults:
            self.faults.add(spec)
        self.stats = StatsHub(self.state, self.config.stats_interval)
        self.logs = LogStore(self.state, self.config.log_history, self.config.log_interval)
        self.parts = Parts(self.state, self.stats, self.logs, self.faults, self.config)
        self.router = Router(self.parts)
        self.server = HttpServer(self.router, self._common_headers)
        self.socket_path: str | None = None
        self.tcp_port: int | None = None
        self.running = False
        self.restarts = 0
        self._bg: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ---- addresses ---------------------------------------------------------------------

    @property
    def docker_host(self) -> str:
        if self.socket_path:
            return f"unix://{self.socket_path}"
        return f"tcp://127.0.0.1:{self.tcp_port}"

    def _common_headers(self) -> Headers:
        prof = self.state.profile
        return [
            ("Api-Version", fmt_version(prof.api_version)),
            ("Docker-Experimental", "false"),
            ("Ostype", "linux"),
            ("Server", prof.server_header),
        ]

    # ---- lifecycle on the caller's loop ------------------------------------------------

    async def start(self, socket_path: str | None = None, tcp_port: int | None = None) -> None:
        if socket_path is None and tcp_port is None:
            raise ValueError("give a socket_path, a tcp_port (0 = any free port), or both")
        self._loop = asyncio.get_running_loop()
        await self.server.listen(socket_path, tcp_port)
        self.socket_path = socket_path
        self.tcp_port = self.server.tcp_port
        self.stats.start()
        self.logs.start()
        self.running = True
        for f in self.faults.faults:
            if f.kind == "restart":
                self._spawn(self._scheduled_restart(f))

    async def stop(self) -> None:
        for t in list(self._bg):
            t.cancel()
        for t in list(self._bg):
            with contextlib.suppress(BaseException):
                await t
        await self.server.close()
        await self.stats.stop()
        await self.logs.stop()
        self.running = False

    async def __aenter__(self) -> SimEngine:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._bg.add(task)
        task.add_done_callback(self._bg.discard)

    async def _scheduled_restart(self, f: Fault) -> None:
        await asyncio.sleep(f.seconds)
        await self.restart(down=f.down)

    async def restart(self, down: float = 1.0) -> None:
        """Like a daemon restart: every connection is cut, connects fail for `down`
        seconds, then the engine answers again with the same state and event history."""
        self.restarts += 1
        await self.server.close(remove_socket=True)
        # Streams end with the connections; the hubs keep their state.
        await asyncio.sleep(down)
        self.state.events.emit("daemon", "reload", self.state.engine_id, {"name": self.config.name})
        await self.server.listen(self.socket_path, self.tcp_port)

    # ---- background-thread mode --------------------------------------------------------

    def start_in_thread(self, socket_path: str | None = None, tcp_port: int | None = None) -> None:
        """Run the engine on its own loop in a daemon thread; returns once it listens."""
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)

            async def boot() -> None:
                try:
                    await self.start(socket_path, tcp_port)
                except BaseException as exc:
                    ready.set_exception(exc)
                    raise
                ready.set_result(None)

            try:
                loop.run_until_complete(boot())
                loop.run_forever()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="dockui-sim", daemon=True)
        self._thread.start()
        ready.result(timeout=30)

    def stop_in_thread(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        self._thread = None

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(*args) on the engine's loop (thread-safe), e.g.
        `engine.call(engine.state.stop_container, "web")` from a test thread."""
        loop = self._loop
        if loop is None or self._thread is None or threading.current_thread() is self._thread:
            return fn(*args, **kwargs)

        async def run() -> T:
            return fn(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(run(), loop).result(timeout=30)
