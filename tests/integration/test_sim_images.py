"""Images: list shapes by version, inspect, history, tag, remove rules, pull, build, prune."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from dockui.sim import SimEngine

SimFactory = Callable[..., Awaitable[SimEngine]]
ClientFactory = Callable[[SimEngine], httpx.AsyncClient]
P = "/v1.52"


def lines(r: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(x) for x in r.text.splitlines() if x]


def context(dockerfile: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


async def test_list_shapes_by_version(make_sim: SimFactory, client_for: ClientFactory) -> None:
    old = client_for(await make_sim(api_version="1.41"))
    new = client_for(await make_sim(api_version="1.52"))
    o = (await old.get("/v1.41/images/json")).json()
    n = (await new.get("/v1.52/images/json")).json()
    assert all("VirtualSize" in i for i in o) and not any("VirtualSize" in i for i in n)
    assert any(i["RepoTags"] == ["<none>:<none>"] for i in o)  # old placeholders
    assert any(i["RepoTags"] == [] for i in n)
    dangling = (
        await new.get("/v1.52/images/json", params={"filters": json.dumps({"dangling": ["true"]})})
    ).json()
    assert dangling and all(i["RepoTags"] == [] for i in dangling)
    ref = (
        await new.get(
            "/v1.52/images/json", params={"filters": json.dumps({"reference": ["nginx"]})}
        )
    ).json()
    assert next(t for i in ref for t in i["RepoTags"]).startswith("nginx:")
    lab = (
        await new.get(
            "/v1.52/images/json",
            params={"filters": json.dumps({"label": ["org.opencontainers.image.title=app"]})},
        )
    ).json()
    assert [i["RepoTags"] for i in lab] == [["acme/app:1"]]


async def test_inspect_history_tag_and_remove(client: httpx.AsyncClient, sim: SimEngine) -> None:
    ins = (await client.get(f"{P}/images/busybox/json")).json()
    assert ins["RepoTags"][0] == "busybox:latest" and ins["Id"].startswith("sha256:")
    assert ins["RootFS"]["Type"] == "layers" and "Container" not in ins  # removed in 1.45
    hist = (await client.get(f"{P}/images/busybox:latest/history")).json()
    assert hist[0]["Id"] == ins["Id"] and all(h["Id"] == "<missing>" for h in hist[1:])
    assert (
        await client.post(f"{P}/images/busybox/tag", params={"repo": "example/bb", "tag": "t1"})
    ).status_code == 201
    assert (await client.get(f"{P}/images/example/bb:t1/json")).json()["Id"] == ins["Id"]
    # One of several tags: untag only.
    r = await client.delete(f"{P}/images/example/bb:t1")
    assert r.json() == [{"Untagged": "example/bb:t1"}]
    assert (await client.get(f"{P}/images/nope:1/json")).status_code == 404

    # A ref used by a container: must force.
    c = sim.state.create_container("busybox", "user1", cmd=["sh"])
    r = await client.delete(f"{P}/images/busybox")
    assert r.status_code == 409
    assert r.json()["message"].startswith(
        'conflict: unable to remove repository reference "busybox" (must force)'
    )
    sim.state.start_container(c.id)
    r = await client.delete(f"{P}/images/{ins['Id']}", params={"force": "1"})
    assert (
        r.status_code == 409
        and "(cannot be forced) - image is being used by running container" in r.json()["message"]
    )
    base = sim.state.add_image(["example/base:1"], size=1000, created=sim.state.now())
    sim.state.add_image(["example/child:1"], size=2000, created=sim.state.now(), parent=base.id)
    r = await client.delete(f"{P}/images/{base.id}")
    assert r.status_code == 409 and "image has dependent child images" in r.json()["message"]
    # An unused image goes with untag + delete.
    img = sim.state.add_image(["example/gone:1"], size=1000, created=sim.state.now())
    r = (await client.delete(f"{P}/images/example/gone:1")).json()
    assert r[0] == {"Untagged": "example/gone:1"} and {"Deleted": img.id} in r


async def test_pull_progress_auth_and_errors(client: httpx.AsyncClient, sim: SimEngine) -> None:
    auth = base64.urlsafe_b64encode(
        json.dumps({"username": "u", "password": "p"}).encode()
    ).decode()
    r = await client.post(
        f"{P}/images/create",
        params={"fromImage": "redis", "tag": "7"},
        headers={"X-Registry-Auth": auth},
    )
    assert r.status_code == 200
    assert sim.state.last_registry_auth == auth
    msgs = lines(r)
    assert msgs[0] == {"status": "Pulling from library/redis", "id": "7"}
    # redis:7 exists locally in the seed: "up to date".
    assert msgs[-1]["status"] == "Status: Image is up to date for redis:7"
    r = await client.post(
        f"{P}/images/create", params={"fromImage": "hello-world", "tag": "latest"}
    )
    msgs = lines(r)
    statuses = [m["status"] for m in msgs]
    for s in (
        "Pulling fs layer",
        "Downloading",
        "Download complete",
        "Extracting",
        "Pull complete",
    ):
        assert s in statuses
    dl = next(m for m in msgs if m["status"] == "Downloading")
    assert set(dl["progressDetail"]) == {"current", "total"} and dl["id"]
    assert statuses[-2].startswith("Digest: sha256:")
    assert statuses[-1] == "Status: Downloaded newer image for hello-world:latest"
    assert sim.state.find_image("hello-world").repo_tags == ["hello-world:latest"]

    r = await client.post(
        f"{P}/images/create", params={"fromImage": "example/broken", "tag": "latest"}
    )
    assert r.status_code == 200
    msgs = lines(r)
    assert "errorDetail" in msgs[-1] and msgs[-1]["errorDetail"]["message"]
    assert any(m.get("status") == "Downloading" for m in msgs[:-1])
    assert sim.state.find_image_or_none("example/broken") is None

    r = await client.post(f"{P}/images/create", params={"fromImage": "nosuch/repo", "tag": "x"})
    assert r.status_code == 404 and "pull access denied for nosuch/repo" in r.json()["message"]


async def test_build_stream_and_failure(client: httpx.AsyncClient, sim: SimEngine) -> None:
    df = (
        'FROM busybox\nARG GREETING=hi\nLABEL dockui.test="1" tier=web\n'
        'RUN echo built-ok\nCMD ["sh"]\n'
    )
    r = await client.post(
        f"{P}/build",
        params={"t": "example/built:1", "rm": "1"},
        content=context(df),
        headers={"Content-Type": "application/x-tar", "X-Registry-Config": "e30="},
    )
    assert r.status_code == 200
    msgs = lines(r)
    streams = [m.get("stream", "") for m in msgs]
    assert streams[0] == "Step 1/5 : FROM busybox"
    assert "Step 4/5 : RUN echo built-ok" in streams and "built-ok\n" in streams
    aux = next(m["aux"]["ID"] for m in msgs if "aux" in m)
    img = sim.state.find_image("example/built:1")
    assert img.id == aux and img.labels == {"dockui.test": "1", "tier": "web"}
    assert streams[-2] == f"Successfully built {aux[7:19]}\n"
    assert streams[-1] == "Successfully tagged example/built:1\n"
    assert '" ---\\u003e ' in r.text  # Go's HTML-safe escaping, as dockerd sends it
    assert sim.state.last_registry_config == "e30="

    bad = await client.post(
        f"{P}/build", params={"t": "example/bad:1"}, content=context("FROM busybox\nRUN exit 3\n")
    )
    assert bad.status_code == 200
    err = lines(bad)[-1]
    assert err["errorDetail"] == {
        "code": 3,
        "message": "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
    }
    assert sim.state.find_image_or_none("example/bad:1") is None
    f = lines(await client.post(f"{P}/build", content=context("FROM busybox\nRUN false\n")))[-1]
    assert f["errorDetail"]["code"] == 1


async def test_prune_images_and_build_cache(client: httpx.AsyncClient, sim: SimEngine) -> None:
    dangling = {i.id for i in sim.state.images.values() if not i.repo_tags}
    r = (await client.post(f"{P}/images/prune")).json()
    assert {d["Deleted"] for d in r["ImagesDeleted"] if "Deleted" in d} == dangling
    assert (await client.post(f"{P}/images/prune")).json()["ImagesDeleted"] is None
    r = (await client.post(f"{P}/build/prune", params={"all": "1"})).json()
    assert r["CachesDeleted"] and r["SpaceReclaimed"] > 0
