"""Fixtures for integration tests on the simulated engine.

`sim` is a running SimEngine (API 1.52, 30 containers, fast stats/logs) on a fresh unix
socket; `sim_socket` is that socket's path; `client` an httpx client bound to it.
`make_sim(**config)` starts further engines with other settings (e.g. api_version="1.41").
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from dockui.sim import SimConfig, SimEngine

FAST: dict[str, Any] = {
    "containers": 30,
    "seed": 1,
    "stats_interval": 0.05,
    "log_interval": 0.05,
    "progress_delay": 0.0,
}


@pytest.fixture
def short_tmp() -> Any:
    # tmp_path can exceed the 108-byte limit of unix socket paths; /tmp stays short.
    d = tempfile.mkdtemp(prefix="dsim-", dir="/tmp")
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


SimFactory = Callable[..., Awaitable[SimEngine]]  # make_sim(**SimConfig overrides)


@pytest.fixture
async def make_sim(short_tmp: Path) -> AsyncIterator[SimFactory]:
    engines: list[SimEngine] = []

    async def make(**overrides: Any) -> SimEngine:
        cfg = SimConfig(**{**FAST, **overrides})
        engine = SimEngine(cfg)
        await engine.start(socket_path=str(short_tmp / f"s{len(engines)}.sock"))
        engines.append(engine)
        return engine

    yield make
    for e in engines:
        await e.stop()


@pytest.fixture
async def sim(make_sim: SimFactory) -> SimEngine:
    return await make_sim()


@pytest.fixture
def sim_socket(sim: SimEngine) -> str:
    assert sim.socket_path is not None
    return sim.socket_path


def _client(engine: SimEngine) -> httpx.AsyncClient:
    assert engine.socket_path is not None
    return httpx.AsyncClient(
        transport=httpx.AsyncHTTPTransport(uds=engine.socket_path),
        base_url="http://docker",
        timeout=httpx.Timeout(10.0),
    )


ClientFactory = Callable[[SimEngine], httpx.AsyncClient]


@pytest.fixture
async def client_for() -> AsyncIterator[ClientFactory]:
    """`client_for(engine)`: an httpx client on that engine's socket, closed at teardown."""
    made: list[httpx.AsyncClient] = []

    def make(engine: SimEngine) -> httpx.AsyncClient:
        c = _client(engine)
        made.append(c)
        return c

    yield make
    for c in made:
        await c.aclose()


@pytest.fixture
async def client(sim: SimEngine) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(sim) as c:
        yield c
