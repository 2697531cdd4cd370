"""Benchmark: first useful paint, from process start to container names on screen.

A simulated engine with N containers runs in this process's background thread; the
real `dockui -H unix://…` runs in a pseudo-terminal (160x45), and the clock stops when
the terminal output first contains one of the engine's container names. Budget: 0.5 s
at 100 containers, 1.0 s at 1000.

dockui runs from its bytecode cache, as an installed copy does (pip compiles it at
install time; an editable install writes it on first run). Shells that set
PYTHONDONTWRITEBYTECODE (CI, agents) never get that cache for the editable install, so
every run would compile all of dockui's start-up modules from source (~40 ms here);
the bench writes the cache first. `--from-source` measures without it.

    python -m bench.first_paint [--runs 5] [--from-source]
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import pty
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

import dockui
from dockui.sim import SimConfig, SimEngine

BUDGETS = {100: 0.5, 1000: 1.0}
DOCKUI = os.path.join(os.path.dirname(sys.executable), "dockui")


def paint_time(socket: str, names: list[str], timeout: float = 20.0) -> float:
    """Seconds from spawning dockui to a container name in its terminal output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    pattern = re.compile("|".join(re.escape(n) for n in names).encode())
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    env.pop("DOCKER_HOST", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [DOCKUI, "-H", f"unix://{socket}"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError("no container name painted")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                raise RuntimeError("dockui exited before painting") from None
            seen = seen[-4096:] + chunk
            if pattern.search(seen):
                return time.perf_counter() - start
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)


def set_bytecode(compiled: bool) -> None:
    """Write dockui's bytecode cache (compiled) or remove it (from source)."""
    package = os.path.dirname(os.path.abspath(dockui.__file__))
    if compiled:
        compileall.compile_dir(package, quiet=1)
        return
    for root, dirs, _ in os.walk(package):
        if "__pycache__" in dirs:
            dirs.remove("__pycache__")
            shutil.rmtree(os.path.join(root, "__pycache__"), ignore_errors=True)


def measure(n: int, runs: int) -> list[float]:
    tmp = tempfile.mkdtemp(prefix="dbench-", dir="/tmp")
    engine = SimEngine(SimConfig(containers=n, seed=1, stats_interval=3600, log_interval=3600))
    engine.start_in_thread(socket_path=f"{tmp}/s.sock")
    try:
        names = sorted(c.name for c in engine.state.containers.values())
        paint_time(engine.socket_path or "", names)  # warm the page cache: not counted
        return [paint_time(engine.socket_path or "", names) for _ in range(runs)]
    finally:
        engine.stop_in_thread()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.first_paint", description=__doc__)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument(
        "--from-source",
        action="store_true",
        help="remove dockui's bytecode cache first (with PYTHONDONTWRITEBYTECODE set, every "
        "start then compiles dockui from source)",
    )
    a = p.parse_args(argv)
    set_bytecode(not a.from_source)
    if a.from_source and not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is not set; the warm-up run writes the cache")
    failed = False
    print(
        "first useful paint (process start -> container names on screen), pty 160x45, "
        f"dockui {'from source' if a.from_source else 'bytecode cached'}"
    )
    for n, budget in BUDGETS.items():
        times = measure(n, a.runs)
        med, worst = statistics.median(times), max(times)
        ok = med <= budget
        failed |= not ok
        print(
            f"  {n:5d} containers: median {med:.3f} s, max {worst:.3f} s "
            f"(budget {budget:.1f} s) {'OK' if ok else 'OVER'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
