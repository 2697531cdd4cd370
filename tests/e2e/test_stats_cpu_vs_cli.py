"""Our CPU% against `docker stats` for the same limited burner, sampled over the same window."""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics

import pytest

from dockui.engine import DockerClient
from dockui.engine.stats import parse_stats

TOLERANCE = 1.5  # percentage points


def docker_cli() -> str | None:
    return shutil.which("docker") or (
        "/usr/local/bin/docker" if os.access("/usr/local/bin/docker", os.X_OK) else None
    )


async def test_cpu_percent_matches_docker_stats(
    engine_client: DockerClient, make_container, engine_socket: str
) -> None:
    cli = docker_cli()
    if cli is None:
        if os.environ.get("DOCKUI_E2E") == "required":
            pytest.fail("the docker CLI is needed to compare CPU% and is not installed")
        pytest.skip("the docker CLI is not installed")
    cid = await make_container(
        ["sh", "-c", "yes > /dev/null"], host_config={"NanoCpus": 500_000_000}
    )

    ours: list[tuple[float, float]] = []  # (monotonic time, cpu%)

    async def sample_ours() -> None:
        async for raw in engine_client.stats(cid):
            parsed = parse_stats(raw)
            if parsed.cpu_percent is not None:
                ours.append((asyncio.get_running_loop().time(), parsed.cpu_percent))

    sampler = asyncio.create_task(sample_ours())
    try:
        await asyncio.sleep(2.5)  # let the burner hit its quota and the stream warm up
        loop = asyncio.get_running_loop()
        started = loop.time()
        proc = await asyncio.create_subprocess_exec(
            cli,
            "stats",
            "--no-stream",
            "--format",
            "{{.CPUPerc}}",
            cid,
            env={**os.environ, "DOCKER_HOST": f"unix://{engine_socket}"},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 30)
        finished = loop.time()
        assert proc.returncode == 0, err.decode(errors="replace")
        await asyncio.sleep(1.2)  # one more of ours after the CLI's window closes
    finally:
        sampler.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sampler

    cli_pct = float(out.decode().strip().rstrip("%"))
    window = [pct for t, pct in ours if started - 1.0 <= t <= finished + 1.2]
    assert len(window) >= 2, ours
    our_pct = statistics.fmean(window)
    assert abs(our_pct - cli_pct) <= TOLERANCE, (our_pct, cli_pct, window)
    # Sanity: the 0.5 CPU quota holds in both readings.
    assert 40.0 <= cli_pct <= 60.0
