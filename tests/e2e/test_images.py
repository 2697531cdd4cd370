"""Image endpoints on the real engine: build from an in-memory context, inspect, history,
tag, remove, and a failing build step surfacing the engine's message."""

from __future__ import annotations

import pytest
from e2e_support import LABEL_FILTER, LABELS, context_tar, unique_name

from dockui.engine import DockerClient, NotFound, StreamError
from dockui.engine.models import ProgressEvent

DOCKERFILE = """\
FROM dockui-test/busybox:latest
ARG GREETING=unset
RUN echo "$GREETING" > /greeting && echo build-step-output
LABEL org.example.kind=e2e
CMD ["cat", "/greeting"]
"""


async def build(client: DockerClient, files: dict[str, str], **kw: object) -> list[ProgressEvent]:
    return [ev async for ev in client.build(context_tar(files), **kw)]  # type: ignore[arg-type]


async def test_build_inspect_history_tag_remove(
    engine_client: DockerClient, make_container, image_cleanup: list[str], busybox_image: str
) -> None:
    repo = unique_name("img")
    ref, second = f"{repo}:v1", f"{repo}:v2"
    image_cleanup.extend([ref, second])
    events = await build(
        engine_client,
        {"Dockerfile": DOCKERFILE},
        tag=ref,
        buildargs={"GREETING": "hello-e2e"},
        labels=LABELS,
    )
    text = "".join(ev.stream for ev in events)
    # The `labels` parameter adds a sixth, LABEL step of its own.
    assert "Step 1/6 : FROM dockui-test/busybox:latest" in text
    assert "build-step-output" in text
    built_ids = [ev.aux["ID"] for ev in events if "ID" in ev.aux]
    assert len(built_ids) == 1 and built_ids[0].startswith("sha256:")

    info = await engine_client.inspect_image(ref)
    assert info["Id"] == built_ids[0]
    labels = info["Config"]["Labels"]
    assert labels["dockui.test"] == "1" and labels["org.example.kind"] == "e2e"
    assert info["Config"]["Cmd"] == ["cat", "/greeting"]
    assert ref in info["RepoTags"]

    history = await engine_client.image_history(ref)
    created_by = " ".join(str(h.get("CreatedBy", "")) for h in history)
    assert "GREETING" in created_by and "build-step-output" in created_by
    assert history[0]["Id"] == built_ids[0]  # newest layer first

    await engine_client.tag_image(ref, repo, "v2")
    listed = await engine_client.images(filters={**LABEL_FILTER, "reference": [repo]})
    assert [img.id for img in listed] == [built_ids[0]]
    assert set(listed[0].repo_tags) == {ref, second}

    # The ARG reached the RUN step: the container prints what was built in.
    cid = await make_container(image=ref, cmd=["cat", "/greeting"])
    assert await engine_client.wait(cid) == 0
    lines = [ln.text async for batch in engine_client.logs(cid) for ln in batch]
    assert lines == ["hello-e2e"]
    await engine_client.remove_container(cid)

    untagged = await engine_client.remove_image(second)
    assert {"Untagged": second} in untagged
    removed = await engine_client.remove_image(ref)
    assert any(d.get("Deleted") == built_ids[0] for d in removed)
    with pytest.raises(NotFound):
        await engine_client.inspect_image(ref)
    # The shared base stays.
    assert (await engine_client.inspect_image(busybox_image))["Id"]


async def test_failing_run_step_raises_stream_error(
    engine_client: DockerClient, image_cleanup: list[str], busybox_image: str
) -> None:
    ref = f"{unique_name('fail')}:v1"
    image_cleanup.append(ref)
    dockerfile = f"FROM {busybox_image}\nRUN echo about-to-fail >&2; exit 3\n"
    with pytest.raises(StreamError) as exc:
        await build(engine_client, {"Dockerfile": dockerfile}, tag=ref)
    assert "returned a non-zero code: 3" in exc.value.message
    with pytest.raises(NotFound):
        await engine_client.inspect_image(ref)


async def test_unknown_image_is_not_found(engine_client: DockerClient) -> None:
    with pytest.raises(NotFound) as exc:
        await engine_client.inspect_image("dockui-test/never-built:nope")
    assert "no such image" in exc.value.message.lower()
