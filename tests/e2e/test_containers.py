"""Container endpoints on the real engine: the lifecycle and the errors users meet in it."""

from __future__ import annotations

import pytest
from e2e_support import LABEL_FILTER, SLEEPER, eventually, unique_name

from dockui.engine import Conflict, DockerClient, NotFound, NotModified


async def state(client: DockerClient, cid: str) -> dict:
    return (await client.inspect_container(cid))["State"]


async def test_lifecycle_create_start_pause_unpause_stop_remove(
    engine_client: DockerClient, make_container
) -> None:
    name = unique_name("life")
    cid = await make_container(SLEEPER, start=False, name=name)
    st = await state(engine_client, cid)
    assert st["Status"] == "created"
    assert st["Running"] is False

    await engine_client.start(cid)
    st = await state(engine_client, cid)
    assert st["Status"] == "running" and st["Pid"] > 0

    listed = await engine_client.containers(all=True, filters={**LABEL_FILTER, "name": [name]})
    assert [c.id for c in listed] == [cid]
    assert listed[0].running and listed[0].name == name

    with pytest.raises(NotModified):
        await engine_client.start(cid)

    with pytest.raises(Conflict) as conflict:
        await engine_client.remove_container(cid)
    assert conflict.value.status == 409
    # The engine's own sentence reaches the caller, not a generic "HTTP 409".
    assert "cannot remove a running container" in conflict.value.message.lower()

    await engine_client.pause(cid)
    st = await state(engine_client, cid)
    assert st["Status"] == "paused" and st["Paused"] is True

    with pytest.raises(Conflict) as again:
        await engine_client.pause(cid)
    assert "already paused" in again.value.message

    await engine_client.unpause(cid)
    st = await state(engine_client, cid)
    assert st["Status"] == "running" and st["Paused"] is False

    await engine_client.stop(cid, timeout=5)
    st = await state(engine_client, cid)
    assert st["Status"] == "exited" and st["Running"] is False

    with pytest.raises(NotModified):
        await engine_client.stop(cid)

    await engine_client.remove_container(cid)
    with pytest.raises(NotFound) as gone:
        await engine_client.inspect_container(cid)
    assert "No such container" in gone.value.message


async def test_restart_kill_wait_and_exit_code(engine_client: DockerClient, make_container) -> None:
    cid = await make_container(SLEEPER)
    before = (await state(engine_client, cid))["StartedAt"]
    await engine_client.restart(cid, timeout=5)
    after = await state(engine_client, cid)
    assert after["Running"] and after["StartedAt"] != before

    await engine_client.kill(cid, signal="SIGKILL")
    assert await engine_client.wait(cid) == 137
    with pytest.raises(Conflict) as not_running:
        await engine_client.kill(cid)
    assert "is not running" in not_running.value.message

    exits = await make_container(["sh", "-c", "exit 3"])
    assert await engine_client.wait(exits) == 3
    assert (await state(engine_client, exits))["ExitCode"] == 3


async def test_top_rename_and_changes(engine_client: DockerClient, make_container) -> None:
    cid = await make_container(["sh", "-c", "echo x > /tmp/marker; exec sleep 3600"])

    async def sleeping() -> bool:
        top = await engine_client.top(cid)
        return any("sleep 3600" in " ".join(p) for p in top["Processes"])

    await eventually(sleeping)
    assert "PID" in (await engine_client.top(cid))["Titles"]

    changes = await engine_client.changes(cid)
    assert {"Path": "/tmp/marker", "Kind": 1} in changes  # Kind 1 = added

    new_name = unique_name("renamed")
    await engine_client.rename(cid, new_name)
    assert (await engine_client.inspect_container(cid))["Name"] == f"/{new_name}"


async def test_name_in_use_and_missing_image(engine_client: DockerClient, make_container) -> None:
    name = unique_name("dup")
    await make_container(start=False, name=name)
    with pytest.raises(Conflict) as dup:
        await make_container(start=False, name=name)
    assert "already in use" in dup.value.message

    with pytest.raises(NotFound) as missing:
        await make_container(start=False, image="dockui-test/does-not-exist:never")
    assert "No such image" in missing.value.message
