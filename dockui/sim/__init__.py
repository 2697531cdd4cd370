"""A simulated Docker Engine: a real HTTP/1.1 server (asyncio + h11) speaking the
Engine API subset dockui uses, for `dockui --demo`, tests and benchmarks.

    from dockui.sim import SimEngine, SimConfig
    engine = SimEngine(SimConfig(containers=50, seed=1, api_version="1.41"))
    await engine.start(socket_path="/tmp/sim.sock")
"""

from __future__ import annotations

from .clock import FrozenClock, SystemClock
from .config import SimConfig
from .engine import SimEngine
from .faults import Fault, FaultSet, parse_spec

__all__ = [
    "Fault",
    "FaultSet",
    "FrozenClock",
    "SimConfig",
    "SimEngine",
    "SystemClock",
    "parse_spec",
]
