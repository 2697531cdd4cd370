"""Benchmark: the fleet view on three simulated engines of 300 containers: first paint,
and the client CPU of live stats against the single-engine dashboard's.

Three simulated engines (`python -m dockui.sim`, 300 containers each, different seeds,
one stats sample a second like dockerd) run in their own processes, so neither the
app's figures nor its CPU include its engines'. Then:

* first paint: for each run, a fresh Python process starts the fleet screen headless
  (200x50) on the three sockets, with its per-engine stats hubs, and reports when all
  900 container rows exist and a repaint has put container names on screen: process
  start -> names on screen (budget 1.0 s), and app start -> names (imports excluded);
* client CPU: a fresh process runs the real app (`DockuiApp`, 200x50 headless) on the
  three engines, which opens on the fleet view, and measures its own CPU time (user +
  system, every thread) over `--window` seconds after the first paint, with live stats
  for the rows on screen and slow refreshes of the rest. The same is measured for the
  app on one engine (the dashboard). Both figures are % of one core, with their ratio,
  the samples the hubs took in and the stats streams open at the end.

Run: `python -m bench.fleet_paint [--runs 5] [--containers 300] [--window 20]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 1.0
ENGINES = 3
# Client CPU with live stats: three engines may cost at most this many times one
# engine's dashboard (a ratio: absolute figures move with the load of a shared machine).
BUDGET_CPU_RATIO = 1.5


def _ping(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            s.connect(path)
            s.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
            return b" 200 " in s.recv(4096)
    except OSError:
        return False


async def _child(sockets: list[str], containers: int) -> dict[str, float]:
    """Runs in the measured process: open the fleet screen, wait for names on screen."""
    from textual.app import App
    from textual.widgets import DataTable

    from dockui.engine import DockerClient, parse_host
    from dockui.state.fleet import Fleet
    from dockui.state.fleet_stats import FleetStats
    from dockui.state.model import EngineModel
    from dockui.ui.screens.fleet import FleetScreen

    imported = time.time()
    fleet = Fleet(
        [
            EngineModel(DockerClient(parse_host(f"unix://{s}")), name=f"sim{i}")
            for i, s in enumerate(sockets)
        ]
    )

    class FleetApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(FleetScreen(fleet, stats=FleetStats(fleet)))

    app = FleetApp()
    started = time.time()
    total = containers * len(sockets)
    async with app.run_test(size=(200, 50)) as pilot:
        while True:
            screen = app.screen
            if isinstance(screen, FleetScreen):
                table = screen.query_one("#fleet-containers", DataTable)
                if table.row_count >= total:
                    break
            await asyncio.sleep(0.005)
        await pilot.pause()  # the repaint that puts the rows on screen
        first = table.get_row_at(0)[1].plain
        lines = "".join(seg.text for y in range(6) for seg in table.render_line(y))
        if table.scroll_y != 0 or first not in lines:
            raise SystemExit(f"container {first!r} is not on screen: {lines!r}")
        painted = time.time()
    for m in fleet.models:
        await m.client.aclose()
    return {"imported": imported, "started": started, "painted": painted}


async def _cpu_child(sockets: list[str], containers: int, window: float) -> dict[str, float]:
    """Runs in the measured process: the real app on `sockets`, CPU over `window` s."""
    from textual.widgets import DataTable

    from dockui.engine import parse_host
    from dockui.state.stats_hub import StatsHub
    from dockui.ui.app import DockuiApp
    from dockui.ui.screens.fleet import FleetScreen

    app = DockuiApp([parse_host(f"unix://{s}") for s in sockets])
    total = containers * len(sockets)

    def painted() -> bool:
        screen = app.screen
        if len(sockets) > 1:
            if not isinstance(screen, FleetScreen):
                return False
            return screen.query_one("#fleet-containers", DataTable).row_count >= total
        return len(app.model.containers) >= total and app.containers_pane.table.row_count > 0

    def hubs() -> list[StatsHub]:
        found: list[StatsHub] = [app.stats_hub] if app.stats_hub is not None else []
        if app.fleet_stats is not None:
            found += list(app.fleet_stats.hubs.values())
        return found

    async with app.run_test(size=(200, 50)) as pilot:
        while True:
            if painted():
                break
            await asyncio.sleep(0.01)
        await pilot.pause()
        samples0 = sum(h.samples for h in hubs())
        refreshes0 = sum(h.refreshes for h in hubs())
        cpu0, wall0 = time.process_time(), time.monotonic()
        await asyncio.sleep(window)
        cpu1, wall1 = time.process_time(), time.monotonic()
        live = hubs()
        out = {
            "cpu": cpu1 - cpu0,
            "wall": wall1 - wall0,
            "samples": sum(h.samples for h in live) - samples0,
            "refreshes": sum(h.refreshes for h in live) - refreshes0,
            "streams": sum(h.streams_opened - h.streams_closed for h in live),
            "hubs": len(live),
        }
    return out


def _measure_cpu(sockets: list[str], containers: int, window: float) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.fleet_paint", "--cpu-child", str(containers)]
    out = subprocess.run(
        [*cmd, str(window), *sockets],
        capture_output=True,
        text=True,
        timeout=window + 60,
        check=True,
    ).stdout
    marks: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return marks


def _measure(sockets: list[str], containers: int) -> tuple[float, float]:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "bench.fleet_paint", "--child", str(containers), *sockets],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    marks = json.loads(out.strip().splitlines()[-1])
    return marks["painted"] - t0, marks["painted"] - marks["started"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--containers", type=int, default=300)
    p.add_argument("--window", type=float, default=20.0, help="seconds of CPU measurement")
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    p.add_argument("--cpu-child", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        marks = asyncio.run(_child(args.child[1:], int(args.child[0])))
        print(json.dumps(marks))
        return 0
    if args.cpu_child:
        n, window, *socks = args.cpu_child
        print(json.dumps(asyncio.run(_cpu_child(socks, int(n), float(window)))))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="dsim-fleet-", dir="/tmp"))
    sockets = [str(tmp / f"e{i}.sock") for i in range(ENGINES)]
    procs = []
    for i, s in enumerate(sockets):
        cmd = [sys.executable, "-m", "dockui.sim", "--socket", s]
        cmd += ["--containers", str(args.containers), "--seed", str(i + 1)]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        deadline = time.monotonic() + 30
        while not all(_ping(s) for s in sockets):
            if time.monotonic() > deadline or any(pr.poll() is not None for pr in procs):
                print("the simulated engines did not start", file=sys.stderr)
                return 1
            time.sleep(0.05)
        _measure(sockets, args.containers)  # warm the OS file cache; not counted
        runs = [_measure(sockets, args.containers) for _ in range(args.runs)]
        fleet_cpu = _measure_cpu(sockets, args.containers, args.window)
        single_cpu = _measure_cpu(sockets[:1], args.containers, args.window)
    finally:
        for pr in procs:
            pr.terminate()
        for pr in procs:
            pr.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)

    process = [r[0] for r in runs]
    app = [r[1] for r in runs]
    total = ENGINES * args.containers
    print(
        f"fleet first paint: {ENGINES} simulated engines x {args.containers} containers "
        f"({total} rows), 200x50 headless, {args.runs} runs, {os.cpu_count()} CPUs"
    )
    ok = max(process) <= BUDGET_S
    print(
        f"  process start -> names on screen  median {statistics.median(process):.3f} s"
        f"  max {max(process):.3f} s   budget {BUDGET_S:.1f} s  {'OK' if ok else 'OVER'}"
    )
    print(
        f"  app start     -> names on screen  median {statistics.median(app):.3f} s"
        f"  max {max(app):.3f} s"
    )
    print(
        f"client CPU with live stats, {args.window:.0f} s after first paint "
        "(the app's process only; sims stream one sample/s each):"
    )
    fleet_pct = _cpu_line(f"fleet view, {ENGINES} x {args.containers}", fleet_cpu)
    single_pct = _cpu_line(f"dashboard,  1 x {args.containers}", single_cpu)
    ratio = fleet_pct / single_pct if single_pct else float("inf")
    cpu_ok = ratio <= BUDGET_CPU_RATIO
    print(
        f"  fleet / single engine  {ratio:.2f}x"
        f"   budget {BUDGET_CPU_RATIO:.1f}x  {'OK' if cpu_ok else 'OVER'}"
    )
    return 0 if ok and cpu_ok else 1


def _cpu_line(label: str, m: dict[str, float]) -> float:
    pct = m["cpu"] / m["wall"] * 100.0
    print(
        f"  {label:<24} {pct:5.1f}% of a core  ({m['cpu']:.2f} s CPU in {m['wall']:.1f} s;"
        f" {int(m['hubs'])} hub(s), {int(m['streams'])} streams open,"
        f" {m['samples'] / m['wall']:.0f} samples/s of which"
        f" {m['refreshes'] / m['wall']:.1f}/s slow refreshes)"
    )
    return pct


if __name__ == "__main__":
    raise SystemExit(main())
