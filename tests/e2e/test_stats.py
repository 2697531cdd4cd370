"""Stats from the real engine parsed with the CLI's formulas."""

from __future__ import annotations

import asyncio
from typing import Any

from dockui.engine import DockerClient
from dockui.engine.stats import parse_stats


async def test_stream_first_sample_has_no_cpu_second_does(
    engine_client: DockerClient, make_container
) -> None:
    cid = await make_container()
    samples: list[dict[str, Any]] = []
    async with asyncio.timeout(20):
        async for raw in engine_client.stats(cid):
            samples.append(raw)
            if len(samples) == 2:
                break
    first, second = (parse_stats(s, container_id=cid) for s in samples)
    assert first.cpu_percent is None and not first.cpu_valid  # precpu is zero
    assert second.cpu_valid and second.cpu_percent is not None
    assert 0.0 <= second.cpu_percent <= 100.0 * max(second.online_cpus, 1)
    assert second.online_cpus >= 1
    assert 0 < second.mem_used <= second.mem_limit
    assert second.pids >= 1
    assert second.container_id == cid
    # The bridge network is attached, so its counters are present (0 or more bytes).
    assert "networks" in samples[1]


async def test_stats_once_has_previous_sample(engine_client: DockerClient, make_container) -> None:
    cid = await make_container()
    sample = parse_stats(await engine_client.stats_once(cid))
    assert sample.cpu_valid
    assert sample.mem_used > 0
