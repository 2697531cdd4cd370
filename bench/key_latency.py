"""Benchmark: key press to request sent, on a 1000-container simulated engine.

The app runs headless (160x45, stats hub on) on an engine in its own process. The
cursor is put on a stopped container and `u` is pressed; the clock stops when the
client's `start` call begins (the HTTP request is built and sent from there). Repeated
over different containers. Budget: 50 ms.

    python -m bench.key_latency [--presses 100] [--containers 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from typing import Any

from dockui.engine import DockerClient, parse_host
from dockui.state.model import EngineModel
from dockui.ui.app import DockuiApp

BUDGET = 0.050


async def run(containers: int, presses: int) -> list[float]:
    tmp = tempfile.mkdtemp(prefix="dbench-", dir="/tmp")
    sock = f"{tmp}/s.sock"
    engine = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "dockui.sim", "--socket", sock, "--containers", str(containers)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    for _ in range(300):
        if await asyncio.to_thread(os.path.exists, sock):
            break
        await asyncio.sleep(0.05)
    out: list[float] = []
    try:
        client = DockerClient(parse_host(f"unix://{sock}"))
        model = EngineModel(client)
        pressed = 0.0
        real_start = client.start

        async def timed_start(cid: str) -> Any:
            out.append(time.perf_counter() - pressed)
            return await real_start(cid)

        client.start = timed_start  # type: ignore[method-assign]
        app = DockuiApp(model=model, stats=True)
        async with app.run_test(size=(160, 45)) as pilot:
            await asyncio.wait_for(model.synced.wait(), 30)
            await pilot.pause(0.5)
            stopped = [c.id for c in model.containers.values() if c.state == "exited"]
            for cid in stopped[:presses]:
                app.containers_pane.table.move_to_key(cid)
                await pilot.pause(0.05)
                pressed = time.perf_counter()
                await pilot.press("u")
                await pilot.pause(0.1)
    finally:
        engine.terminate()
        await engine.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.key_latency", description=__doc__)
    p.add_argument("--containers", type=int, default=1000)
    p.add_argument("--presses", type=int, default=100)
    a = p.parse_args(argv)
    lat = sorted(asyncio.run(run(a.containers, a.presses)))
    if not lat:
        print("key latency: no request was sent")
        return 1
    p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    ok = p95 <= BUDGET
    print(
        f"key 'u' -> start request at {a.containers} containers, {len(lat)} presses: "
        f"p50 {statistics.median(lat) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {lat[-1] * 1000:.1f} ms (budget {BUDGET * 1000:.0f} ms) {'OK' if ok else 'OVER'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
