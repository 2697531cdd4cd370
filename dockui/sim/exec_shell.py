"""A tiny shell behind exec and attach, spoken over the hijacked connection.

It is enough to test a client's interactive plumbing end to end: a `/ # ` prompt and
terminal echo on TTY sessions, `echo` with `$VAR` and `$((a*b))` arithmetic, `stty size`
reporting the last resize, `exit [n]`, "sh: X: not found" on stderr, `cat` copying stdin,
detach on ctrl-p ctrl-q for attach, and EOF (half-close) ending the session. TTY output
is raw with \\r\\n; non-TTY output is multiplexed frames.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Protocol

from .logs import frame

PROMPT = "/ # "
_ARITH = re.compile(r"\$\(\(([^()]*)\)\)")
_VAR = re.compile(r"\$(\?|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})")
_SAFE_EXPR = re.compile(r"^[0-9+\-*/%() ]+$")


class ByteStream(Protocol):
    async def read(self, n: int) -> bytes: ...

    async def write(self, data: bytes) -> None: ...


def arith(expr: str, env: dict[str, str]) -> str:
    """Integer arithmetic like sh's $((...)): + - * / % and parentheses."""
    expr = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: env.get(m.group(0), "0"), expr)
    if not _SAFE_EXPR.match(expr):
        raise ValueError(expr)
    # Only digits, operators and parentheses remain, so eval cannot reach anything else.
    value = eval(expr.replace("/", "//"), {"__builtins__": {}}, {})
    return str(int(value))


class Shell:
    def __init__(self, env: list[str], hostname: str, size: Callable[[], tuple[int, int]]) -> None:
        self.env = dict(e.split("=", 1) for e in env if "=" in e)
        self.env.setdefault("HOSTNAME", hostname)
        self.env.setdefault("HOME", "/root")
        self.hostname = hostname
        self.size = size
        self.status = 0

    def expand(self, word: str) -> str:
        try:
            word = _ARITH.sub(lambda m: arith(m.group(1), self.env), word)
        except (ValueError, SyntaxError, ZeroDivisionError):
            pass

        def var(m: re.Match[str]) -> str:
            name = m.group(1).strip("{}")
            return str(self.status) if name == "?" else self.env.get(name, "")

        return _VAR.sub(var, word)

    def run(self, line: str) -> tuple[list[tuple[int, str]], int | None]:
        """Run one input line. Returns (output chunks as (stream, text)), exit code or None)."""
        out: list[tuple[int, str]] = []
        for part in line.split(";"):
            code = self._run_one(part.strip(), out)
            if code is not None:
                return out, code
        return out, None

    def _run_one(self, cmd: str, out: list[tuple[int, str]]) -> int | None:
        if not cmd:
            return None
        # Arithmetic may contain spaces inside the parentheses, so expand it before
        # splitting words: `echo $(( 6 * 7 ))` works like in ash.
        try:
            cmd = _ARITH.sub(lambda m: arith(m.group(1), self.env), cmd)
        except (ValueError, SyntaxError, ZeroDivisionError):
            pass
        try:
            words = shlex.split(cmd, posix=True)
        except ValueError:
            out.append((2, "sh: syntax error: unterminated quoted string\n"))
            self.status = 2
            return None
        name = words[0]
        args = [self.expand(w) for w in words[1:]]
        self.status = 0
        if name == "echo":
            out.append((1, " ".join(args) + "\n"))
        elif name == "exit":
            try:
                return int(args[0]) & 0xFF if args else self.status
            except ValueError:
                out.append((2, f"sh: exit: Illegal number: {args[0]}\n"))
                return 2
        elif name == "stty" and args == ["size"]:
            rows, cols = self.size()
            out.append((1, f"{rows} {cols}\n"))
        elif name == "true":
            pass
        elif name == "false":
            self.status = 1
        elif name == "hostname":
            out.append((1, self.hostname + "\n"))
        elif name == "pwd":
            out.append((1, "/\n"))
        elif name == "whoami":
            out.append((1, "root\n"))
        elif name == "export" and args:
            for a in args:
                k, _, v = a.partition("=")
                self.env[k] = v
        else:
            out.append((2, f"sh: {name}: not found\n"))
            self.status = 127
        return None


def is_shell(cmd: list[str]) -> bool:
    return bool(cmd) and cmd[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "zsh")


class Session:
    """Runs a command over a hijacked byte stream; returns the exit code, or None when
    the client detached (attach with ctrl-p ctrl-q)."""

    def __init__(
        self,
        stream: ByteStream,
        shell: Shell,
        cmd: list[str],
        *,
        tty: bool,
        stdin: bool,
        detach_keys: bytes | None = None,
    ) -> None:
        self.stream = stream
        self.shell = shell
        self.cmd = cmd
        self.tty = tty
        self.stdin = stdin
        self.detach_keys = detach_keys
        self.eof = False  # True when the client closed its side (not exit, not detach)

    async def emit(self, stream_no: int, text: str) -> None:
        if not text:
            return
        if self.tty:
            await self.stream.write(text.replace("\r\n", "\n").replace("\n", "\r\n").encode())
        else:
            await self.stream.write(frame(stream_no, text.encode()))

    async def _emit_all(self, chunks: list[tuple[int, str]]) -> None:
        for stream_no, text in chunks:
            await self.emit(stream_no, text)

    async def run(self) -> int | None:
        cmd = self.cmd
        if is_shell(cmd) and len(cmd) >= 3 and cmd[1] == "-c":
            return await self._script(cmd[2])
        if is_shell(cmd):
            return await self._interactive(echo_input=False)
        if cmd[0] == "cat" and len(cmd) == 1:
            return await self._interactive(echo_input=True)
        return await self._script(shlex.join(cmd))

    async def _script(self, script: str) -> int:
        for line in script.splitlines():
            out, code = self.shell.run(line)
            await self._emit_all(out)
            if code is not None:
                return code
        return self.shell.status

    async def _interactive(self, echo_input: bool) -> int | None:
        """`echo_input` is the `cat` mode: copy stdin to stdout instead of interpreting."""
        prompt = self.tty and not echo_input
        if prompt:
            await self.emit(1, PROMPT)
        if not self.stdin:
            return 0
        line = bytearray()
        prev = b""
        while True:
            data = await self.stream.read(65536)
            if not data:
                self.eof = True
                return self.shell.status if not echo_input else 0
            for byte in data:
                ch = bytes([byte])
                if self.detach_keys and prev + ch == self.detach_keys:
                    return None
                prev = ch
                if self.tty and ch == b"\x03":
                    line.clear()
                    await self.stream.write(b"^C\r\n" + (PROMPT.encode() if prompt else b""))
                    continue
                if self.tty and ch == b"\x04" and not line:
                    return self.shell.status
                if self.tty and ch in (b"\x7f", b"\x08"):
                    if line:
                        line.pop()
                        await self.stream.write(b"\x08 \x08")
                    continue
                if ch in (b"\r", b"\n"):
                    if self.tty:
                        await self.stream.write(b"\r\n")  # the terminal's echo of Enter
                    text = line.decode("utf-8", errors="replace")
                    line.clear()
                    if echo_input:
                        await self.emit(1, text + "\n")
                        continue
                    out, code = self.shell.run(text)
                    await self._emit_all(out)
                    if code is not None:
                        return code
                    if prompt:
                        await self.emit(1, PROMPT)
                    continue
                if self.detach_keys and ch == self.detach_keys[:1]:
                    continue  # possibly the start of the detach sequence; not echoed
                line += ch
                if self.tty:
                    await self.stream.write(ch)
