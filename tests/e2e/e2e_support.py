"""Shared helpers of the end-to-end tests: labels, names, in-memory tars, small waits.

Kept out of conftest.py so test modules can import the constants and helpers by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import subprocess
import tarfile
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from dockui.engine import DockerClient, NotFound, Target
from dockui.engine.hijack import HijackedSocket

TEST_LABEL = "dockui.test"
LABELS: dict[str, str] = {TEST_LABEL: "1"}
LABEL_FILTER: dict[str, list[str]] = {"label": [f"{TEST_LABEL}=1"]}
BUSYBOX = "dockui-test/busybox:latest"
BUSYBOX_REPO, BUSYBOX_TAG = BUSYBOX.rsplit(":", 1)
BUSYBOX_BINARY = "/bin/busybox"

# PID 1 ignores SIGTERM unless it traps it; trapping keeps `stop` instant instead of
# waiting for the kill timeout.
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]

# The applets the tests and fixtures call; `busybox --list` adds the rest when it works.
REQUIRED_APPLETS = (
    "sh echo sleep yes cat ls top stty printf seq env id true false ps head dd kill wc tr"
).split()


def unique_name(kind: str = "obj") -> str:
    """A fresh, valid Docker object name that says where it came from."""
    return f"dockui-test-{kind}-{uuid.uuid4().hex[:10]}"


def busybox_applets(binary: str = BUSYBOX_BINARY) -> list[str]:
    """Applet names to symlink: everything busybox lists, at least the required ones."""
    names = set(REQUIRED_APPLETS)
    try:
        out = subprocess.run(
            [binary, "--list"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
        names.update(n.strip() for n in out.split() if n.strip() and "/" not in n)
    except (OSError, subprocess.SubprocessError):
        pass  # the required applets are enough for the tests
    names.discard("busybox")
    return sorted(names)


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info)


def _add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def busybox_rootfs_tar(binary: str = BUSYBOX_BINARY) -> bytes:
    """A minimal root filesystem: static busybox plus one symlink per applet, in memory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in ("bin", "dev", "etc", "proc", "sys", "root", "var", "usr", "usr/bin"):
            _add_dir(tar, d)
        _add_dir(tar, "tmp", 0o1777)
        with open(binary, "rb") as fh:
            _add_file(tar, "bin/busybox", fh.read(), 0o755)
        for applet in busybox_applets(binary):
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            link.mode = 0o777
            tar.addfile(link)
        # `id`, `ps` and the shell prompt want names for uid/gid 0.
        _add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
        _add_file(tar, "etc/group", b"root:x:0:\n")
    return buf.getvalue()


async def ensure_busybox_image(target: Target) -> str:
    """Import the busybox rootfs as the test image unless a labelled one with CMD exists.

    `target` may be the shared engine or a test's own dockerd (which starts empty).
    """
    async with DockerClient(target) as client:
        with contextlib.suppress(NotFound):
            info = await client.inspect_image(BUSYBOX)
            config = info.get("Config") or {}
            if (config.get("Labels") or {}).get(TEST_LABEL) == "1" and config.get("Cmd"):
                return str(info.get("Id", ""))
        await client.import_image(
            busybox_rootfs_tar(),
            repo=BUSYBOX_REPO,
            tag=BUSYBOX_TAG,
            changes=['CMD ["sh"]', f"LABEL {TEST_LABEL}=1"],
        )
        info = await client.inspect_image(BUSYBOX)
        return str(info.get("Id", ""))


def processes_under(root: Path) -> list[int]:
    """Pids (other than ours) whose command line names a path below `root`.

    A test's own dockerd keeps everything below one temporary root, so this finds that
    daemon, the containerd it manages and the containerd-shims of its containers (their
    `-address` is containerd's socket under the exec-root), and nothing of the shared
    engine or of another test's daemon (each has its own mkdtemp root).
    """
    needle = f"{str(root).rstrip('/')}/".encode()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except OSError:  # exited meanwhile, or not ours to read
            continue
        if needle in cmdline:
            pids.append(int(entry))
    return pids


def _children_of(parents: set[int]) -> list[int]:
    """Pids whose parent is in `parents` (from /proc/<pid>/stat)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces or parentheses.
        fields = stat.rsplit(b")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) in parents:
            kids.append(int(entry))
    return kids


def kill_processes_under(root: Path) -> list[int]:
    """SIGKILL what `processes_under(root)` finds, and first the containers its shims run.

    The last resort of a finalizer, for a daemon that died hard and left its containerd
    or shims behind. A shim is the parent of its container's init; killing only the
    shim would orphan the container, so that init goes first (it is PID 1 of the
    container's PID namespace: the kernel then kills everything inside).
    """
    ours = processes_under(root)
    containers = [pid for pid in _children_of(set(ours)) if pid not in ours]
    for pid in containers + ours:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return containers + ours


def context_tar(files: Mapping[str, str | bytes]) -> bytes:
    """An uncompressed build context holding the given files."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            _add_file(tar, name, data)
    return buf.getvalue()


async def read_until(
    sock: HijackedSocket, predicate: Callable[[bytes], bool], *, timeout: float = 15.0
) -> bytes:
    """Read a raw (TTY) socket until `predicate(all bytes so far)` holds; fail on EOF/timeout."""
    seen = b""
    async with asyncio.timeout(timeout):
        while not predicate(seen):
            chunk = await sock.read()
            if not chunk:
                raise AssertionError(f"stream ended before the expected output; got {seen!r}")
            seen += chunk
    return seen


async def eventually(
    check: Callable[[], Awaitable[bool]], *, timeout: float = 15.0, interval: float = 0.2
) -> None:
    """Poll an engine condition that settles asynchronously (e.g. a process appearing)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(interval)
