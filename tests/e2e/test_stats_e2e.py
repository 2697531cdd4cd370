"""The stats hub on a real dockerd: CPU% of a limited burner as `docker stats` shows it,
and a stopped container's stream really closed within a second."""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import time
from collections.abc import Callable

import pytest

from dockui.engine import DockerClient, Target
from dockui.state.model import EngineModel
from dockui.state.stats_hub import StatsHub
from dockui.ui.widgets.gauges import cpu_cell

TOLERANCE = 1.5  # percentage points


def docker_cli() -> str | None:
    return shutil.which("docker") or (
        "/usr/local/bin/docker" if os.access("/usr/local/bin/docker", os.X_OK) else None
    )


async def until(pred: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def open_stream_connections(client: DockerClient) -> int:
    """Connections held by the streams pool (httpcore drops a connection once closed)."""
    pool = client.pools.streams._transport._pool  # type: ignore[attr-defined]
    return len(pool.connections)


async def test_hub_cpu_of_a_half_cpu_burner_matches_docker_stats(
    engine_target: Target, make_container, engine_socket: str
) -> None:
    cli = docker_cli()
    if cli is None:
        if os.environ.get("DOCKUI_E2E") == "required":
            pytest.fail("the docker CLI is needed to compare CPU% and is not installed")
        pytest.skip("the docker CLI is not installed")
    burner = await make_container(
        ["sh", "-c", "yes > /dev/null"], host_config={"NanoCpus": 500_000_000}
    )
    idle = await make_container()
    async with DockerClient(engine_target) as client:
        hub = StatsHub(client, settle=0.0)
        readings: list[tuple[float, float]] = []

        def record(ids: set[str]) -> None:
            s = hub.latest(burner)
            if burner in ids and s is not None and s.cpu_percent is not None:
                readings.append((time.monotonic(), s.cpu_percent))

        hub.add_listener(record)
        hub.set_running([burner, idle])
        hub.set_visible([idle, burner])
        runner = asyncio.create_task(hub.run())
        try:
            await until(lambda: hub.streaming_ids == {burner, idle}, 2.0)
            # First sample at ~1 s has no CPU%; the second one has. Then let the quota settle.
            await until(lambda: (hub.age(burner) or 99) < 1.5, 5.0)
            await asyncio.sleep(1.5)
            started = time.monotonic()
            proc = await asyncio.create_subprocess_exec(
                cli,
                "stats",
                "--no-stream",
                "--format",
                "{{.CPUPerc}}",
                burner,
                env={**os.environ, "DOCKER_HOST": f"unix://{engine_socket}"},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(proc.communicate(), 30)
            finished = time.monotonic()
            assert proc.returncode == 0, err.decode(errors="replace")
            await asyncio.sleep(1.2)
            shown = hub.latest(burner)
            age = hub.age(burner)
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)

    cli_pct = float(out.decode().strip().rstrip("%"))
    window = [pct for t, pct in readings if started - 1.0 <= t <= finished + 1.2]
    assert len(window) >= 2, readings
    ours = statistics.fmean(window)
    assert abs(ours - cli_pct) <= TOLERANCE, (ours, cli_pct, window)
    assert shown is not None and shown.cpu_percent is not None
    assert 40.0 <= shown.cpu_percent <= 60.0, shown
    assert age is not None and age <= 2.0
    # The table cell shows that figure.
    assert f"{shown.cpu_percent:5.1f}%" in cpu_cell(shown.cpu_percent).plain
    # The idle container's figure is there too, near zero.
    idle_sample = hub.latest(idle)
    assert idle_sample is not None and (idle_sample.cpu_percent or 0.0) < 5.0


async def test_a_stopped_containers_stream_is_closed_within_a_second(
    engine_target: Target, make_container, engine_client: DockerClient
) -> None:
    keep = await make_container()
    victim = await make_container()
    model = EngineModel(DockerClient(engine_target))
    model_task = asyncio.create_task(model.run())
    async with DockerClient(engine_target) as client:
        hub = StatsHub(client, settle=0.0)
        model.add_event_listener(hub.on_event)
        hub.set_running([keep, victim])
        hub.set_visible([keep, victim])
        hub.set_selected(victim)
        runner = asyncio.create_task(hub.run())
        try:
            await asyncio.wait_for(model.synced.wait(), 10)
            await until(lambda: hub.latest(victim) is not None, 5.0)
            assert hub.streaming_ids == {keep, victim}
            assert open_stream_connections(client) == 2
            task = hub.last_task(victim)
            assert task is not None and not task.done()

            await engine_client.stop(victim, timeout=1)
            stopped = time.monotonic()  # the container has exited: its die event is out
            await until(lambda: victim not in hub.streaming_ids, 1.0)
            await until(task.done, 1.0)
            await until(lambda: open_stream_connections(client) == 1, 1.0)
            closed_in = time.monotonic() - stopped
            assert hub.streaming_ids == {keep}
            assert hub.latest(victim) is None
            # The survivor keeps streaming.
            before = hub.samples
            await until(lambda: hub.samples > before, 3.0)
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
            model_task.cancel()
            await asyncio.gather(model_task, return_exceptions=True)
            await model.client.aclose()
        # Cancelling the hub closed everything.
        assert open_stream_connections(client) == 0
    assert closed_in < 1.0
