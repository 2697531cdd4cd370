"""Pull progress rows and the overall figure, from the engine's JSON lines."""

from __future__ import annotations

from typing import Any

from dockui.engine.models import ProgressEvent
from dockui.engine.progress import PullProgress

MB = 1024**2


def ev(**d: Any) -> ProgressEvent:
    return ProgressEvent.from_api(d)


def dl(lid: str, cur: int, total: int, status: str = "Downloading") -> ProgressEvent:
    return ev(status=status, id=lid, progressDetail={"current": cur, "total": total})


def test_layers_messages_and_overall() -> None:
    p = PullProgress()
    assert p.feed(ev(status="Pulling from library/nginx", id="latest")) is None
    p.feed(ev(status="Already exists", id="aaa", progressDetail={}))
    p.feed(ev(status="Pulling fs layer", id="bbb", progressDetail={}))
    p.feed(ev(status="Pulling fs layer", id="ccc", progressDetail={}))
    p.feed(ev(status="Waiting", id="ccc", progressDetail={}))
    assert list(p.layers) == ["aaa", "bbb", "ccc"]
    assert p.layers["aaa"].done and p.layers["aaa"].fraction == 1.0
    assert p.overall() == (0, 0)  # no sizes known yet

    row = p.feed(dl("bbb", 2 * MB, 10 * MB))
    assert row is p.layers["bbb"] and row.fraction == 0.1
    assert p.overall() == (2 * MB, 20 * MB)  # download + extraction of bbb
    p.feed(dl("ccc", 5 * MB, 5 * MB))
    assert p.overall() == (7 * MB, 30 * MB)
    p.feed(ev(status="Verifying Checksum", id="bbb", progressDetail={}))
    p.feed(ev(status="Download complete", id="bbb", progressDetail={}))
    assert p.overall() == (15 * MB, 30 * MB)
    p.feed(dl("bbb", 4 * MB, 10 * MB, "Extracting"))
    assert p.layers["bbb"].status == "Extracting"
    assert p.overall() == (19 * MB, 30 * MB)
    p.feed(ev(status="Pull complete", id="bbb", progressDetail={}))
    p.feed(dl("ccc", 5 * MB, 5 * MB, "Extracting"))
    p.feed(ev(status="Pull complete", id="ccc", progressDetail={}))
    assert p.overall() == (30 * MB, 30 * MB)
    p.feed(ev(status="Digest: sha256:abc"))
    p.feed(ev(status="Status: Downloaded newer image for nginx:latest"))
    assert p.messages == [
        "latest: Pulling from library/nginx",
        "Digest: sha256:abc",
        "Status: Downloaded newer image for nginx:latest",
    ]
    assert p.status.startswith("Status: Downloaded")
    assert all(r.fraction == 1.0 for r in p.layers.values())


def test_overall_never_goes_backwards() -> None:
    p = PullProgress()
    seen: list[int] = []
    for status, cur in (("Downloading", 1), ("Downloading", 6), ("Download complete", 0)):
        p.feed(dl("x", cur * MB, 6 * MB, status) if cur else ev(status=status, id="x"))
        seen.append(p.overall()[0])
    for cur in (1, 3, 6):
        p.feed(dl("x", cur * MB, 6 * MB, "Extracting"))
        seen.append(p.overall()[0])
    assert seen == sorted(seen)
    assert p.overall() == (12 * MB, 12 * MB)


def test_error_line_is_kept() -> None:
    p = PullProgress()
    p.feed(dl("x", 1, 10))
    assert p.feed(ev(errorDetail={"message": "unexpected EOF"}, error="unexpected EOF")) is None
    assert p.error == "unexpected EOF"
    assert p.layers["x"].status == "Downloading"


def test_current_above_total_is_clamped() -> None:
    p = PullProgress()
    p.feed(dl("x", 20, 10))
    assert p.layers["x"].fraction == 0.5  # the download half, clamped to the total
    assert p.overall() == (10, 20)
