"""Re-record the real cgroup-v1 stats samples used by tests/unit/test_stats_math.py.

Run by hand against a real dockerd (not collected by pytest):
    .venv/bin/python tests/unit/data/record_stats.py
It starts a `yes > /dev/null` burner limited to 0.5 CPU and 256 MiB (label dockui.test=1),
saves two consecutive raw samples from the stream, and what `docker stats` printed for the
same container, then removes the container; and one sample of a container that never ran.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

from dockui.engine.client import DockerClient
from dockui.engine.errors import NotFound
from dockui.engine.targets import resolve_targets

HERE = Path(__file__).parent
IMAGE = "dockui-test/busybox"
APPLETS = ("sh", "yes", "sleep", "cat", "echo", "ls", "printf", "top", "ps")


def busybox_rootfs() -> bytes:
    """A tiny rootfs tar in memory: /bin/busybox plus symlinks for the applets we use."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in ("bin", "tmp", "proc", "sys", "dev", "etc"):
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)
        data = Path("/bin/busybox").read_bytes()
        info = tarfile.TarInfo("bin/busybox")
        info.size = len(data)
        info.mode = 0o755
        tar.addfile(info, io.BytesIO(data))
        for applet in APPLETS:
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            tar.addfile(link)
    return buf.getvalue()


def docker_cli_stats(cid: str) -> str:
    """What `docker stats` prints for the container, to compare our formulas with."""
    return subprocess.run(
        ["/usr/local/bin/docker", "stats", "--no-stream", "--format", "{{json .}}", cid],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def memory_fields(sample: dict) -> tuple[int, int]:
    """The raw inputs of the CLI's v1 memory figure."""
    mem = sample["memory_stats"]
    return mem["usage"], mem["stats"]["total_inactive_file"]


async def record() -> None:
    async with DockerClient(resolve_targets()[0]) as client:
        try:
            await client.inspect_image(f"{IMAGE}:latest")
        except NotFound:
            await client.import_image(busybox_rootfs(), repo=IMAGE)
        cid = await client.create_container(
            {
                "Image": f"{IMAGE}:latest",
                "Cmd": ["sh", "-c", "yes > /dev/null"],
                "Labels": {"dockui.test": "1"},
                "HostConfig": {"NanoCpus": 500_000_000, "Memory": 256 * 1024 * 1024},
            }
        )
        try:
            await client.start(cid)
            await asyncio.sleep(3)  # let the burner settle at its CPU quota
            stream = aiter(client.stats(cid))
            first = await anext(stream)  # its precpu is all zero
            await anext(stream)
            for _ in range(10):
                a, b = await anext(stream), await anext(stream)
                cli = await asyncio.to_thread(docker_cli_stats, cid)
                after = await anext(stream)
                # The CLI takes its own samples. Memory moves a little between samples,
                # so keep a recording where it stood still around the CLI's reading:
                # then the CLI's memory figure belongs to our sample b exactly.
                if memory_fields(after) == memory_fields(b):
                    break
            else:
                raise SystemExit("memory never stood still; try again on a quieter host")
            await stream.aclose()  # type: ignore[attr-defined]
            for name, sample in (
                ("stats_v1_first.json", first),
                ("stats_v1_a.json", a),
                ("stats_v1_b.json", b),
            ):
                (HERE / name).write_text(json.dumps(sample, indent=1) + "\n")
            (HERE / "stats_v1_cli.json").write_text(json.dumps(json.loads(cli), indent=1) + "\n")
        finally:
            await client.remove_container(cid, force=True)
        # A container that never ran: the engine answers with empty memory_stats and no
        # networks, which the parser must survive.
        stopped = await client.create_container(
            {"Image": f"{IMAGE}:latest", "Cmd": ["true"], "Labels": {"dockui.test": "1"}}
        )
        try:
            sample = await client.stats_once(stopped)
            (HERE / "stats_v1_stopped.json").write_text(json.dumps(sample, indent=1) + "\n")
        finally:
            await client.remove_container(stopped, force=True)


if __name__ == "__main__":
    asyncio.run(record())
    sys.exit(0)
