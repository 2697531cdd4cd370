"""Usage columns ("Used by", a network's containers) follow container changes even when
the pane's own kind changed in the same batch."""

from __future__ import annotations

from dashboard_helpers import Dash, dashboard

from dockui.state.model import CONTAINERS, IMAGES, NETWORKS


class _Held:
    """Stands in for the batch timer, so nothing is applied until the test says so."""


async def _one_batch(d: Dash, cid: str, kind: str, oid: str) -> None:
    """Wait until the container `cid` and the object `oid` of `kind` are both pending,
    then apply them as one batch."""
    app = d.app

    def both_pending() -> bool:
        c, o = app._pending.get(CONTAINERS), app._pending.get(kind)
        container_pending = c is not None and (c.whole or cid in c.ids)
        return container_pending and o is not None and (o.whole or oid in o.ids)

    await d.until(both_pending)
    app._apply_pending()


def _used(d: Dash, kind: str, oid: str, column: str) -> str:
    return d.app.panes[kind].table.get_cell(oid, column).plain.strip()


async def test_image_used_by_counts_move_when_an_image_changes_in_the_same_batch() -> None:
    # API 1.41 (dockerd 20.10): image listings carry no container count, so image A's
    # own listing does not change when a container starts using it.
    async with dashboard(api_version="1.41") as d:
        image_a = next(iter(d.state.images.values()))
        image_b = next(i for i in d.state.images.values() if i.id != image_a.id)
        before = d.app.panes[IMAGES].usage.get(image_a.id, 0)
        await d.until(lambda: image_a.id in d.app.panes[IMAGES].table.order)
        d.app._apply_timer = _Held()
        c = d.state.create_container(image_a.id, "uses-image-a")
        d.state.tag_image(image_b.id, "example/retagged", "2")
        await _one_batch(d, c.id, IMAGES, image_b.id)
        assert _used(d, IMAGES, image_a.id, "used") == str(before + 1)


async def test_network_counts_move_when_a_network_changes_in_the_same_batch() -> None:
    async with dashboard() as d:
        pane = d.app.panes[NETWORKS]
        bridge = next(n for n in d.model.networks.values() if n.name == "bridge")
        await d.until(lambda: bridge.id in pane.table.order)
        before = pane.attached_count(bridge.id)
        d.app._apply_timer = _Held()
        c = d.state.create_container(next(iter(d.state.images)), "joins-bridge")
        other = d.state.create_network("t-other-net")
        await _one_batch(d, c.id, NETWORKS, other.id)
        assert _used(d, NETWORKS, bridge.id, "attached") == str(before + 1)
