"""Benchmark: CPU of the simulated engine serving 100 stats streams over 1000 containers.

Starts `python -m dockui.sim` in a subprocess, opens 100 `stream=true` stats
connections with httpx, reads them for 20 s, and measures the sim process's CPU time
from /proc/<pid>/stat. Budget: under 50 % of one core. Exits non-zero over budget.

    python -m bench.sim_load [--containers 1000] [--streams 100] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BUDGET_PCT = 50.0


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


async def consume(
    client: httpx.AsyncClient, cid: str, counter: list[int], stop: asyncio.Event
) -> None:
    async with client.stream(
        "GET", f"/v1.52/containers/{cid}/stats", params={"stream": "true"}
    ) as r:
        async for _line in r.aiter_lines():
            counter[0] += 1
            if stop.is_set():
                return


async def run(containers: int, streams: int, seconds: float) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="dsim-bench-", dir="/tmp"))
    sock = tmp / "sim.sock"
    proc = subprocess.Popen(  # noqa: ASYNC220 - started once, before any streaming
        [
            sys.executable,
            "-m",
            "dockui.sim",
            "--socket",
            str(sock),
            "--containers",
            str(containers),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            if sock.exists():
                break
            await asyncio.sleep(0.05)
        else:
            print("sim did not start", file=sys.stderr)
            return 2
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
        transport = httpx.AsyncHTTPTransport(uds=str(sock), limits=limits)
        timeout = httpx.Timeout(10.0, read=None)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://docker", timeout=timeout
        ) as client:
            listed = (await client.get("/v1.52/containers/json")).json()
            ids = [c["Id"] for c in listed if c["State"] == "running"][:streams]
            counter = [0]
            stop = asyncio.Event()
            tasks = [asyncio.create_task(consume(client, cid, counter, stop)) for cid in ids]
            await asyncio.sleep(2.0)  # let every stream open and deliver its first sample
            cpu0, wall0, n0 = proc_cpu_seconds(proc.pid), time.monotonic(), counter[0]
            await asyncio.sleep(seconds)
            cpu1, wall1, n1 = proc_cpu_seconds(proc.pid), time.monotonic(), counter[0]
            stop.set()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        pct = (cpu1 - cpu0) / (wall1 - wall0) * 100
        rate = (n1 - n0) / (wall1 - wall0)
        print(f"sim: {containers} containers, {len(ids)} stats streams, {wall1 - wall0:.1f} s")
        print(f"samples received: {n1 - n0} ({rate:.1f}/s)")
        print(f"sim CPU {pct:.1f} % of a core, budget < {BUDGET_PCT:.0f}")
        if len(ids) < streams:
            print(f"only {len(ids)} running containers to stream", file=sys.stderr)
            return 1
        if rate < 0.8 * len(ids):
            print("FAIL: streams delivered fewer samples than one per second each", file=sys.stderr)
            return 1
        return 0 if pct < BUDGET_PCT else 1
    finally:
        proc.terminate()
        proc.wait(10)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.sim_load", description=__doc__)
    p.add_argument("--containers", type=int, default=1000)
    p.add_argument("--streams", type=int, default=100)
    p.add_argument("--seconds", type=float, default=20.0)
    a = p.parse_args(argv)
    return asyncio.run(run(a.containers, a.streams, a.seconds))


if __name__ == "__main__":
    raise SystemExit(main())
