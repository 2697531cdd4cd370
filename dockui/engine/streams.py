"""Incremental decoders for the engine's streaming bodies.

Bytes arrive in arbitrary chunks (httpx, proxies and TLS give no framing guarantee), so
every decoder here is a `feed(bytes) -> items` state machine that is correct for any
split of the input, including splits inside a UTF-8 sequence or a frame header.
"""

from __future__ import annotations

import codecs
import json
import struct
from dataclasses import dataclass
from typing import Any

STDIN, STDOUT, STDERR, SYSTEMERR = 0, 1, 2, 3


class JSONStreamDecoder:
    """Newline-delimited (or concatenated) JSON objects, as /events, pull and build send.

    Also strips the RS (0x1E) prefix of `application/json-seq`, which API 1.52+ can send.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buf = ""
        self._json = json.JSONDecoder()

    def feed(self, data: bytes) -> list[Any]:
        self._buf += self._utf8.decode(data)
        return self._drain(final=False)

    def flush(self) -> list[Any]:
        self._buf += self._utf8.decode(b"", final=True)
        return self._drain(final=True)

    def _drain(self, *, final: bool) -> list[Any]:
        out: list[Any] = []
        buf = self._buf
        pos = 0
        n = len(buf)
        while True:
            while pos < n and buf[pos] in " \t\r\n\x1e":
                pos += 1
            if pos >= n:
                break
            try:
                obj, end = self._json.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                nl = buf.find("\n", pos)
                if nl == -1:
                    if final:
                        raise ValueError(
                            f"malformed JSON in stream: {buf[pos : pos + 80]!r}"
                        ) from exc
                    break  # an incomplete object: wait for more bytes
                # A complete line that is not JSON: report it, skip past it.
                raise ValueError(f"malformed JSON in stream: {buf[pos:nl][:80]!r}") from exc
            out.append(obj)
            pos = end
        self._buf = buf[pos:]
        return out


@dataclass(frozen=True, slots=True)
class Frame:
    stream: int
    data: bytes


class MuxDecoder:
    """Docker's 8-byte multiplexed framing: `[stream u8][0 0 0][len u32 BE][payload]`."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        out: list[Frame] = []
        buf = self._buf
        pos = 0
        while len(buf) - pos >= 8:
            stream = buf[pos]
            (size,) = struct.unpack_from(">I", buf, pos + 4)
            if len(buf) - pos - 8 < size:
                break
            out.append(Frame(stream, bytes(buf[pos + 8 : pos + 8 + size])))
            pos += 8 + size
        del buf[:pos]
        return out

    @property
    def pending(self) -> int:
        return len(self._buf)


def encode_frame(stream: int, payload: bytes) -> bytes:
    """One multiplexed frame (used by the simulator and tests)."""
    return struct.pack(">BxxxI", stream, len(payload)) + payload


@dataclass(frozen=True, slots=True)
class LogLine:
    """One log line, decoded; `timestamp` is the engine's RFC 3339 string when asked for."""

    stream: int
    text: str
    timestamp: str = ""
    truncated: bool = False


# The json-file driver splits lines longer than 16 KiB into 16384-byte pieces.
MAX_JOINED_LINE = 1 << 20
# An RFC 3339 timestamp prefix: at most this long, made of only these bytes.
_MAX_STAMP = 40
_STAMP_BYTES = b"0123456789-:.TZ+"


class LogLineAssembler:
    """Turn frames (or raw TTY bytes) into whole lines, per stream.

    Lines over 16 KiB arrive as several frames, each with its own timestamp prefix when
    `timestamps=1`: the continuation's prefix is dropped and the pieces joined. A joined
    line is capped at MAX_JOINED_LINE bytes and marked truncated.
    """

    def __init__(self, *, timestamps: bool = False, max_line: int = MAX_JOINED_LINE) -> None:
        self.timestamps = timestamps
        self.max_line = max_line
        self._partial: dict[int, bytearray] = {}
        self._stamp: dict[int, str] = {}
        self._trunc: dict[int, bool] = {}
        self._at_fragment_start: dict[int, bool] = {}
        self._stamp_head: dict[int, bytes] = {}  # TTY: a line's timestamp cut by a chunk end

    def feed(self, stream: int, data: bytes, *, framed: bool = True) -> list[LogLine]:
        """Add one frame's payload (framed) or a raw chunk (TTY); return completed lines."""
        out: list[LogLine] = []
        if framed and self.timestamps:
            data = self._strip_frame_stamp(stream, data)
            self._append(stream, data, out)
        else:
            self._append_raw(stream, data, out)
        return out

    def _strip_frame_stamp(self, stream: int, data: bytes) -> bytes:
        # Each frame begins with "<RFC3339Nano> " when timestamps are on.
        sp = data.find(b" ")
        if 0 < sp <= 40 and data[:4].isdigit():
            stamp = data[:sp].decode("ascii", errors="replace")
            if not self._partial.get(stream):
                self._stamp[stream] = stamp
            return data[sp + 1 :]
        return data

    def _append_raw(self, stream: int, data: bytes, out: list[LogLine]) -> None:
        # Raw (TTY) streams: timestamps are at each line start.
        if not self.timestamps:
            self._append(stream, data, out)
            return
        pending = self._stamp_head.pop(stream, b"")
        if pending:
            data = pending + data
        start = 0
        while start < len(data):
            if self._at_fragment_start.get(stream, True):
                rest = data[start:]
                if len(rest) < _MAX_STAMP and not rest.strip(_STAMP_BYTES):
                    # A timestamp cut by the chunk boundary: wait for the rest of it.
                    self._stamp_head[stream] = rest
                    return
                sp = data.find(b" ", start)
                nl = data.find(b"\n", start)
                if sp != -1 and (nl == -1 or sp < nl) and data[start : start + 4].isdigit():
                    self._stamp[stream] = data[start:sp].decode("ascii", errors="replace")
                    start = sp + 1
                self._at_fragment_start[stream] = False
            nl = data.find(b"\n", start)
            if nl == -1:
                self._append(stream, data[start:], out)
                break
            self._append(stream, data[start : nl + 1], out)
            self._at_fragment_start[stream] = True
            start = nl + 1

    def _append(self, stream: int, data: bytes, out: list[LogLine]) -> None:
        buf = self._partial.setdefault(stream, bytearray())
        start = 0
        while True:
            nl = data.find(b"\n", start)
            piece = data[start:] if nl == -1 else data[start:nl]
            room = self.max_line - len(buf)
            if len(piece) > room:
                piece = piece[: max(room, 0)]
                self._trunc[stream] = True
            buf += piece
            if nl == -1:
                return
            out.append(self._emit(stream, buf))
            buf = self._partial[stream] = bytearray()
            start = nl + 1

    def _emit(self, stream: int, buf: bytearray) -> LogLine:
        if buf.endswith(b"\r"):
            del buf[-1:]
        line = LogLine(
            stream,
            buf.decode("utf-8", errors="replace"),
            self._stamp.pop(stream, ""),
            self._trunc.pop(stream, False),
        )
        return line

    def flush(self) -> list[LogLine]:
        """The unterminated remainder of each stream (end of a non-follow log)."""
        for stream, head in self._stamp_head.items():
            self._partial.setdefault(stream, bytearray()).extend(head)
        self._stamp_head.clear()
        out = [self._emit(s, b) for s, b in self._partial.items() if b]
        self._partial.clear()
        return out
