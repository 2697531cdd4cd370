"""Exec through the hijacked socket on the real engine: TTY, resize, stdin EOF, exit codes."""

from __future__ import annotations

import asyncio
import re

import pytest
from e2e_support import read_until

from dockui.engine import Conflict, DockerClient
from dockui.engine.streams import STDERR, STDOUT


async def test_tty_exec_round_trip_resize_and_exit_code(
    engine_client: DockerClient, make_container
) -> None:
    cid = await make_container()
    eid = await engine_client.exec_create(cid, ["sh"], tty=True, env=["PS1=$ "])
    async with engine_client.exec_socket(eid, tty=True) as sock:
        await sock.resize(40, 132)
        await sock.write(b"stty size\n")
        out = await read_until(sock, lambda b: b"40 132" in b)
        assert b"40 132\r\n" in out

        await sock.write(b"echo $((6*7))\n")
        # The echoed command line holds "6*7", never "42": only the shell's answer does.
        out = await read_until(sock, lambda b: re.search(rb"(^|\n)42\r\n", b) is not None)
        assert b"42\r\n" in out

        await sock.write(b"exit 5\n")
        async with asyncio.timeout(10):
            while await sock.read():
                pass
    info = await engine_client.exec_inspect(eid)
    assert info["Running"] is False
    assert info["ExitCode"] == 5


async def test_non_tty_exec_separates_streams_and_sees_stdin_eof(
    engine_client: DockerClient, make_container
) -> None:
    cid = await make_container()
    eid = await engine_client.exec_create(
        cid, ["sh", "-c", "cat; echo to-err >&2; exit 7"], tty=False, stdin=True
    )
    out: dict[int, bytes] = {STDOUT: b"", STDERR: b""}
    async with engine_client.exec_socket(eid, tty=False) as sock:
        await sock.write(b"line-from-stdin\n")
        sock.close_write()  # cat sees EOF, so the script can go on
        async with asyncio.timeout(15):
            while (frames := await sock.read_frames()) is not None:
                for frame in frames:
                    out[frame.stream] = out.get(frame.stream, b"") + frame.data
    assert out[STDOUT] == b"line-from-stdin\n"
    assert out[STDERR] == b"to-err\n"
    assert (await engine_client.exec_inspect(eid))["ExitCode"] == 7


async def test_exec_on_stopped_container_conflicts(
    engine_client: DockerClient, make_container
) -> None:
    cid = await make_container(start=False)
    with pytest.raises(Conflict) as exc:
        await engine_client.exec_create(cid, ["true"])
    assert "is not running" in exc.value.message
