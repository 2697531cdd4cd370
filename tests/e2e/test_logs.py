"""Container logs from the real engine: demultiplexing, TTY, timestamps, long lines."""

from __future__ import annotations

from datetime import datetime

from dockui.engine import DockerClient
from dockui.engine.streams import STDERR, STDOUT, LogLine


async def collect(client: DockerClient, cid: str, **kw: object) -> list[LogLine]:
    lines: list[LogLine] = []
    async for batch in client.logs(cid, **kw):  # type: ignore[arg-type]
        lines.extend(batch)
    return lines


async def test_stdout_and_stderr_are_demultiplexed(
    engine_client: DockerClient, make_container
) -> None:
    cid = await make_container(
        ["sh", "-c", "echo out-1; echo err-1 >&2; echo out-2; echo err-2 >&2"]
    )
    assert await engine_client.wait(cid) == 0
    lines = await collect(engine_client, cid)
    assert [ln.text for ln in lines if ln.stream == STDOUT] == ["out-1", "out-2"]
    assert [ln.text for ln in lines if ln.stream == STDERR] == ["err-1", "err-2"]

    only_err = await collect(engine_client, cid, stdout=False)
    assert [ln.text for ln in only_err] == ["err-1", "err-2"]


async def test_tail_counts_from_the_end(engine_client: DockerClient, make_container) -> None:
    # One stream only: the engine counts `tail` over both streams before filtering, and
    # the order between stdout and stderr is not fixed.
    cid = await make_container(["seq", "1", "5"])
    assert await engine_client.wait(cid) == 0
    tail = await collect(engine_client, cid, tail=2)
    assert [ln.text for ln in tail] == ["4", "5"]


async def test_tty_container_logs_are_raw(engine_client: DockerClient, make_container) -> None:
    cid = await make_container(["sh", "-c", "echo tty-out; echo tty-err >&2"], tty=True)
    assert await engine_client.wait(cid) == 0
    lines = await collect(engine_client, cid)
    # A TTY merges both streams and ends lines with \r\n; the \r must not leak through.
    assert [ln.text for ln in lines] == ["tty-out", "tty-err"]
    assert {ln.stream for ln in lines} == {STDOUT}


async def test_timestamps_are_split_off(engine_client: DockerClient, make_container) -> None:
    cid = await make_container(["sh", "-c", "echo one; echo two >&2"])
    assert await engine_client.wait(cid) == 0
    lines = await collect(engine_client, cid, timestamps=True)
    assert sorted(ln.text for ln in lines) == ["one", "two"]
    for ln in lines:
        # RFC 3339 with nanoseconds; fromisoformat takes at most microseconds.
        stamp = ln.timestamp
        assert stamp.endswith("Z") and "T" in stamp
        parsed = datetime.fromisoformat(stamp[:26] + "+00:00")
        assert parsed.year >= 2020


async def test_line_over_16k_is_rejoined(engine_client: DockerClient, make_container) -> None:
    # json-file splits this line into 16384 + 16384 + 7232 byte pieces, each with its own
    # timestamp when asked for: the client must hand back one line.
    script = "dd if=/dev/zero bs=1000 count=40 2>/dev/null | tr '\\0' x; echo; echo after"
    cid = await make_container(["sh", "-c", script])
    assert await engine_client.wait(cid) == 0
    for timestamps in (False, True):
        lines = await collect(engine_client, cid, timestamps=timestamps)
        assert [len(ln.text) for ln in lines] == [40000, 5], timestamps
        assert set(lines[0].text) == {"x"}
        assert lines[1].text == "after"
        assert not lines[0].truncated
        if timestamps:
            assert lines[0].timestamp and lines[1].timestamp


async def test_follow_streams_new_lines(engine_client: DockerClient, make_container) -> None:
    cid = await make_container(["sh", "-c", "for i in 1 2 3; do echo tick-$i; sleep 0.2; done"])
    seen: list[str] = []
    async for batch in engine_client.logs(cid, follow=True):
        seen.extend(ln.text for ln in batch)
    # follow ends when the container exits, after every line arrived.
    assert seen == ["tick-1", "tick-2", "tick-3"]
