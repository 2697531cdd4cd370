"""Exec and attach over a hijacked connection (httpx network_stream), TTY and not."""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

import httpx

from dockui.sim import SimEngine

P = "/v1.52"
UPGRADE = {"Connection": "Upgrade", "Upgrade": "tcp"}


async def read_until(ns: Any, needle: bytes, timeout: float = 5.0) -> bytes:
    buf = b""
    async with asyncio.timeout(timeout):
        while needle not in buf:
            chunk = await ns.read(65536)
            if not chunk:
                break
            buf += chunk
    return buf


async def read_all(ns: Any, timeout: float = 5.0) -> bytes:
    buf = b""
    async with asyncio.timeout(timeout):
        while chunk := await ns.read(65536):
            buf += chunk
    return buf


def _running(sim: SimEngine) -> str:
    return next(c.id for c in sim.state.containers.values() if c.status == "running")


async def test_tty_exec_round_trip(client: httpx.AsyncClient, sim: SimEngine) -> None:
    cid = _running(sim)
    r = await client.post(
        f"{P}/containers/{cid}/exec",
        json={
            "Cmd": ["sh"],
            "AttachStdin": True,
            "AttachStdout": True,
            "AttachStderr": True,
            "Tty": True,
        },
    )
    assert r.status_code == 201
    eid = r.json()["Id"]
    async with client.stream(
        "POST", f"{P}/exec/{eid}/start", json={"Detach": False, "Tty": True}, headers=UPGRADE
    ) as resp:
        assert resp.status_code == 101
        assert resp.headers["content-type"] == "application/vnd.docker.raw-stream"
        ns = resp.extensions["network_stream"]
        assert (await read_until(ns, b"/ # ")).endswith(b"/ # ")
        await ns.write(b"echo $((6*7))\n")
        out = await read_until(ns, b"42\r\n/ # ")
        assert out == b"echo $((6*7))\r\n42\r\n/ # "
        rr = await client.post(f"{P}/exec/{eid}/resize", params={"h": 40, "w": 132})
        assert rr.status_code == 200
        await ns.write(b"stty size\n")
        assert b"40 132\r\n" in await read_until(ns, b"132\r\n/ # ")
        await ns.write(b"nosuchcmd\n")
        assert b"sh: nosuchcmd: not found\r\n" in await read_until(ns, b"found\r\n/ # ")
        info = (await client.get(f"{P}/exec/{eid}/json")).json()
        assert info["Running"] is True and info["ExitCode"] is None
        await ns.write(b"exit 3\n")
        await read_all(ns)
    for _ in range(50):
        info = (await client.get(f"{P}/exec/{eid}/json")).json()
        if not info["Running"]:
            break
        await asyncio.sleep(0.02)
    assert info["ExitCode"] == 3 and info["Running"] is False
    assert info["ProcessConfig"] == {
        "tty": True,
        "entrypoint": "sh",
        "arguments": [],
        "privileged": False,
        "user": "",
    }
    again = await client.post(f"{P}/exec/{eid}/start", json={}, headers=UPGRADE)
    assert again.status_code == 409


async def test_non_tty_exec_is_multiplexed_and_half_close_ends_it(
    client: httpx.AsyncClient, sim: SimEngine
) -> None:
    cid = _running(sim)
    eid = (
        await client.post(
            f"{P}/containers/{cid}/exec",
            json={"Cmd": ["sh"], "AttachStdin": True, "AttachStdout": True, "AttachStderr": True},
        )
    ).json()["Id"]
    async with client.stream(
        "POST", f"{P}/exec/{eid}/start", json={"Tty": False}, headers=UPGRADE
    ) as resp:
        assert resp.status_code == 101
        assert resp.headers["content-type"] == "application/vnd.docker.multiplexed-stream"
        ns = resp.extensions["network_stream"]
        await ns.write(b"echo hi\nbogus\n")
        ns.get_extra_info("socket").shutdown(socket.SHUT_WR)
        data = await read_all(ns)
    frames = []
    while data:
        stream, size = struct.unpack(">BxxxL", data[:8])
        frames.append((stream, data[8 : 8 + size]))
        data = data[8 + size :]
    assert frames == [(1, b"hi\n"), (2, b"sh: bogus: not found\n")]
    await asyncio.sleep(0.05)
    assert (await client.get(f"{P}/exec/{eid}/json")).json()["ExitCode"] == 127


async def test_exec_errors_and_one_shot_command(client: httpx.AsyncClient, sim: SimEngine) -> None:
    stopped = next(c.id for c in sim.state.containers.values() if c.status == "exited")
    r = await client.post(f"{P}/containers/{stopped}/exec", json={"Cmd": ["sh"]})
    assert r.status_code == 409 and "is not running" in r.json()["message"]
    paused = next(c.id for c in sim.state.containers.values() if c.status == "paused")
    r = await client.post(f"{P}/containers/{paused}/exec", json={"Cmd": ["sh"]})
    assert (
        r.status_code == 409
        and "is paused, unpause the container before exec" in r.json()["message"]
    )
    cid = _running(sim)
    eid = (
        await client.post(
            f"{P}/containers/{cid}/exec",
            json={"Cmd": ["sh", "-c", "echo one; exit 5"], "AttachStdout": True, "Tty": True},
        )
    ).json()["Id"]
    # Without the Upgrade headers the engine answers 200 and still streams the output.
    r = await client.post(f"{P}/exec/{eid}/start", json={"Tty": True})
    assert r.status_code == 200 and r.content == b"one\r\n"
    assert (await client.get(f"{P}/exec/{eid}/json")).json()["ExitCode"] == 5
    assert (await client.get(f"{P}/exec/nope/json")).status_code == 404


async def test_attach_detach_keeps_container_running(
    client: httpx.AsyncClient, sim: SimEngine
) -> None:
    c = sim.state.create_container("busybox", "att", cmd=["sh"], tty=True)
    sim.state.start_container(c.id)
    async with client.stream(
        "POST",
        f"{P}/containers/{c.id}/attach",
        params={"stream": "1", "stdin": "1", "stdout": "1", "stderr": "1"},
        headers=UPGRADE,
    ) as resp:
        assert resp.status_code == 101
        ns = resp.extensions["network_stream"]
        await read_until(ns, b"/ # ")
        await ns.write(b"echo attached\n")
        assert b"attached\r\n" in await read_until(ns, b"attached\r\n/ # ")
        await ns.write(b"\x10\x11")
        await read_all(ns)
    assert sim.state.containers[c.id].status == "running"
    # Typing exit in the main shell ends the container.
    async with client.stream(
        "POST",
        f"{P}/containers/{c.id}/attach",
        params={"stream": "1", "stdin": "1", "stdout": "1"},
        headers=UPGRADE,
    ) as resp:
        ns = resp.extensions["network_stream"]
        await read_until(ns, b"/ # ")
        await ns.write(b"exit 4\n")
        await read_all(ns)
    assert (
        sim.state.containers[c.id].status == "exited" and sim.state.containers[c.id].exit_code == 4
    )
    r = await client.post(f"{P}/containers/{c.id}/attach", params={"stream": "1"}, headers=UPGRADE)
    assert r.status_code == 409
