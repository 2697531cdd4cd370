"""Prunes on the real engine, always scoped by label to what this session created.

Prune is engine-global, so every call here filters on dockui.test=1 AND this session's
own run label: another session's test objects (or anyone else's) are never candidates.
"""

from __future__ import annotations

import pytest
from e2e_support import context_tar, unique_name

from dockui.engine import DockerClient, NotFound

# Filled from the session's run labels (dockui.test=1 plus dockui.test.run=<id>).
Labels = dict[str, str]


def scoped(labels: Labels) -> dict[str, list[str]]:
    return {"label": [f"{k}={v}" for k, v in labels.items()]}


async def test_prune_containers_networks_volumes_by_label(
    engine_client: DockerClient, make_container, make_network, make_volume, run_labels: Labels
) -> None:
    stopped = await make_container(["true"], labels=run_labels)
    assert await engine_client.wait(stopped) == 0
    running = await make_container(labels=run_labels)  # running: never pruned
    other = await make_container(["true"], start=False)  # lacks the run label
    net_name = unique_name("prune")
    nid = await make_network(net_name, labels=run_labels)
    vol = await make_volume(labels=run_labels)

    pruned = await engine_client.prune_containers(filters=scoped(run_labels))
    assert set(pruned.deleted) == {stopped}
    remaining = {c.id for c in await engine_client.containers(filters=scoped(run_labels))}
    assert remaining == {running}
    assert (await engine_client.inspect_container(other))["Id"] == other

    pruned_nets = await engine_client.prune_networks(filters=scoped(run_labels))
    assert pruned_nets.deleted == (net_name,)  # the engine reports networks by name
    with pytest.raises(NotFound):
        await engine_client.inspect_network(nid)

    pruned_vols = await engine_client.prune_volumes(filters=scoped(run_labels))
    assert set(pruned_vols.deleted) == {vol}


async def test_prune_dangling_image_by_label(
    engine_client: DockerClient, busybox_image: str, image_cleanup: list[str], run_labels: Labels
) -> None:
    # An untagged build is dangling from birth; only the label makes it ours to prune.
    tar = context_tar({"Dockerfile": f"FROM {busybox_image}\nRUN echo dangling > /d\n"})
    built = [ev.aux["ID"] async for ev in engine_client.build(tar, labels=run_labels) if ev.aux]
    assert len(built) == 1
    image_cleanup.append(built[0])

    pruned = await engine_client.prune_images(filters={**scoped(run_labels), "dangling": ["true"]})
    assert f"deleted {built[0]}" in pruned.deleted
    assert (await engine_client.inspect_image(busybox_image))["Id"]
