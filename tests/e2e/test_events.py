"""/events on the real engine: live delivery of our actions and finite since/until replay."""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import datetime

from e2e_support import LABEL_FILTER, SLEEPER, unique_name

from dockui.engine import DockerClient
from dockui.engine.client import since_from_nanos
from dockui.engine.models import Event


async def engine_now(client: DockerClient) -> str:
    """The engine's clock as a `since=` value (ours may drift from a remote engine's)."""
    stamp = str((await client.info())["SystemTime"])  # RFC 3339 with nanoseconds
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", stamp)
    assert m, stamp
    zone = "+00:00" if m[3] == "Z" else m[3]
    seconds = int(datetime.fromisoformat(m[1] + zone).timestamp())
    return f"{seconds}.{(m[2] or '')[:9].ljust(9, '0')}"


async def test_live_events_for_create_and_start(
    engine_client: DockerClient, make_container
) -> None:
    since = await engine_now(engine_client)
    name = unique_name("events")
    seen: list[Event] = []

    async def watch() -> None:
        # `since` makes the subscription race-free: anything emitted between our clock
        # reading and the stream opening is replayed first.
        async for ev in engine_client.events(filters=LABEL_FILTER, since=since):
            seen.append(ev)
            if ev.name == name and ev.action == "start":
                return

    watcher = asyncio.create_task(watch())
    try:
        await asyncio.sleep(0.2)
        cid = await make_container(SLEEPER, name=name)
        async with asyncio.timeout(20):
            await asyncio.shield(watcher)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    ours = [ev for ev in seen if ev.actor_id == cid]
    assert [ev.action for ev in ours] == ["create", "start"]
    assert all(ev.type == "container" for ev in ours)
    assert ours[0].attributes.get("dockui.test") == "1"
    assert ours[0].time_nano <= ours[1].time_nano


async def test_since_until_replay_is_finite_and_ordered(
    engine_client: DockerClient, make_container
) -> None:
    since = await engine_now(engine_client)
    cid = await make_container(SLEEPER)
    await engine_client.stop(cid, timeout=5)

    async def replay(until: str) -> list[Event]:
        out: list[Event] = []
        filters = {**LABEL_FILTER, "container": [cid]}
        async with asyncio.timeout(20):  # with `until` in the past the stream must end
            async for ev in engine_client.events(filters=filters, since=since, until=until):
                out.append(ev)
        return out

    events = await replay(await engine_now(engine_client))
    actions = [ev.action for ev in events]
    for expected in ("create", "start", "die", "stop"):
        assert expected in actions, actions
    assert actions.index("create") < actions.index("start") < actions.index("die")
    stamps = [ev.time_nano for ev in events]
    assert stamps == sorted(stamps)

    # `until` is inclusive at nanosecond precision: replaying up to the start event's own
    # time ends with that event.
    start = next(ev for ev in events if ev.action == "start")
    upto_start = await replay(since_from_nanos(start.time_nano))
    assert [ev.action for ev in upto_start][-1] == "start"
    assert "die" not in [ev.action for ev in upto_start]
