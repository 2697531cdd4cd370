"""ssh:// targets: one `ssh -L` unix-socket forward per engine, through the system ssh.

The docker CLI spawns `ssh ... docker system dial-stdio` per HTTP connection; with
dozens of streams that is dozens of ssh processes. One forwarded socket carries every
connection over a single SSH session, and because it is the system `ssh`, the user's
~/.ssh/config, agent and known_hosts apply. The remote socket defaults to
/var/run/docker.sock; `ssh://host/run/user/1000/docker.sock` reaches rootless Docker.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from dockui.engine.errors import EngineError, Unreachable
from dockui.engine.targets import DEFAULT_SOCKET, Target

CONNECT_TIMEOUT = 15.0


class SSHError(Unreachable):
    """The ssh hop failed; the message says which way (host key, auth, network)."""


def ssh_command(
    target: Target, local_socket: str, *, env: dict[str, str] | None = None
) -> list[str]:
    env = dict(os.environ) if env is None else env
    hostpart = target.address
    user = ""
    if "@" in hostpart:
        user, hostpart = hostpart.rsplit("@", 1)
    port = ""
    if hostpart.startswith("["):  # [v6addr] or [v6addr]:port
        addr, _, rest = hostpart[1:].partition("]")
        hostpart, port = addr, rest.lstrip(":")
    elif hostpart.count(":") == 1:
        hostpart, port = hostpart.split(":")
    remote = target.ssh_socket or DEFAULT_SOCKET
    cmd = [
        "ssh",
        "-nNT",
        "-o",
        "ExitOnForwardFailure=yes",
        "-o",
        "BatchMode=yes",  # never prompt inside the TUI: fail with a message instead
        "-o",
        f"ConnectTimeout={int(CONNECT_TIMEOUT)}",
        "-o",
        "ServerAliveInterval=15",
        "-o",
        "ServerAliveCountMax=3",
        "-o",
        "StreamLocalBindUnlink=yes",
    ]
    if env.get("DOCKUI_SSH_CONFIG"):
        cmd += ["-F", env["DOCKUI_SSH_CONFIG"]]
    if user:
        cmd += ["-l", user]
    if port:
        cmd += ["-p", port]
    cmd += ["-L", f"{local_socket}:{remote}", "--", hostpart]
    return cmd


def explain_ssh_failure(stderr: str, target: Target) -> SSHError:
    """One sentence for the usual ways an ssh hop fails."""
    text = stderr.strip()
    low = text.lower()
    host = target.address
    if "host key verification failed" in low or "remote host identification has changed" in low:
        return SSHError(
            f"ssh to {host} refused: the host key is unknown or changed",
            hint=f"connect once with `ssh {host}` to check and accept the key",
        )
    if "permission denied" in low:
        return SSHError(
            f"ssh to {host}: authentication failed",
            hint="load your key into ssh-agent or set IdentityFile in ~/.ssh/config",
        )
    if "could not resolve hostname" in low:
        return SSHError(f"ssh: cannot resolve the host name in {host}")
    if "connection refused" in low:
        return SSHError(f"ssh to {host}: connection refused (is sshd running?)")
    if "timed out" in low:
        return SSHError(f"ssh to {host}: connection timed out")
    last = text.splitlines()[-1] if text else "ssh exited"
    return SSHError(f"ssh to {host} failed: {last}")


class SSHTunnel:
    """A running `ssh -L` that exposes the remote engine socket as a local one."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._dir = ""
        self.socket_path = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._stderr = b""

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    @property
    def stderr_text(self) -> str:
        return self._stderr.decode(errors="replace")

    async def start(self) -> str:
        if shutil.which("ssh") is None:
            raise SSHError("ssh:// needs the ssh client, and `ssh` is not on PATH")
        self._dir = tempfile.mkdtemp(prefix="dockui-ssh-")
        self.socket_path = str(Path(self._dir) / "docker.sock")
        self._stderr = b""
        self._proc = await asyncio.create_subprocess_exec(
            *ssh_command(self.target, self.socket_path),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,  # ctrl-c in the TUI must not kill the tunnel mid-request
        )
        assert self._proc.stderr is not None
        reader = asyncio.create_task(self._collect(self._proc.stderr))
        deadline = asyncio.get_running_loop().time() + CONNECT_TIMEOUT + 5
        # A stat of a local temp path never blocks for long.
        while not os.path.exists(self.socket_path):  # noqa: ASYNC240
            if self._proc.returncode is not None:
                await asyncio.wait_for(reader, 2)
                raise explain_ssh_failure(self.stderr_text, self.target)
            if asyncio.get_running_loop().time() > deadline:
                await self.close()
                raise SSHError(
                    f"ssh to {self.target.address}: no forwarded socket after "
                    f"{CONNECT_TIMEOUT:.0f} s"
                )
            await asyncio.sleep(0.05)
        return self.socket_path

    async def _collect(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(4096):
            self._stderr = (self._stderr + chunk)[-8192:]

    def remote_failure(self) -> EngineError | None:
        """After a failed request: did ssh say why (no engine behind the remote socket)?"""
        text = self.stderr_text.lower()
        if "open failed" in text or "connect failed" in text:
            remote = self.target.ssh_socket or DEFAULT_SOCKET
            return SSHError(
                f"ssh to {self.target.address} works, but no Docker engine answers at {remote}",
                hint="start dockerd on the remote, or give its socket: ssh://host/path/to/docker.sock",
            )
        if not self.alive:
            return SSHError(f"lost the ssh connection to {self.target.address}")
        return None

    async def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 3)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
