"""Volume endpoints on the real engine: labels, driver options, filters, in-use conflict."""

from __future__ import annotations

import pytest
from e2e_support import LABEL_FILTER, unique_name

from dockui.engine import Conflict, DockerClient, NotFound

TMPFS_OPTS = {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}


async def test_create_list_inspect_in_use_remove(
    engine_client: DockerClient, make_volume, make_container
) -> None:
    name = unique_name("vol")
    await make_volume(name, driver_opts=TMPFS_OPTS, labels={"purpose": "e2e"})

    vol = await engine_client.inspect_volume(name)
    assert vol.driver == "local"
    assert vol.labels == {"dockui.test": "1", "purpose": "e2e"}
    assert vol.options == TMPFS_OPTS
    assert vol.mountpoint.endswith(f"/{name}/_data")

    listed = await engine_client.volumes(filters={**LABEL_FILTER, "name": [name]})
    assert [v.name for v in listed] == [name]
    unrelated = await engine_client.volumes(filters={"label": ["dockui.test=no-such-value"]})
    assert name not in [v.name for v in unrelated]

    # The tmpfs options really reach the mount: the container writes through it.
    cid = await make_container(
        ["sh", "-c", "echo kept > /data/f && cat /data/f"],
        host_config={"Binds": [f"{name}:/data"]},
    )
    assert await engine_client.wait(cid) == 0
    with pytest.raises(Conflict) as busy:
        await engine_client.remove_volume(name)
    assert "volume is in use" in busy.value.message
    assert cid in busy.value.message

    await engine_client.remove_container(cid)
    await engine_client.remove_volume(name)
    with pytest.raises(NotFound):
        await engine_client.inspect_volume(name)
