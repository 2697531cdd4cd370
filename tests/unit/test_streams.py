"""Stream decoders: correct for every split of the input, as httpx and proxies may split it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockui.engine.streams import (
    STDERR,
    STDOUT,
    Frame,
    JSONStreamDecoder,
    LogLine,
    LogLineAssembler,
    MuxDecoder,
    encode_frame,
)


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    """`data` cut at the given offsets (any order, duplicates allowed: empty chunks)."""
    points = sorted(min(max(c, 0), len(data)) for c in cuts)
    chunks, last = [], 0
    for p in points:
        chunks.append(data[last:p])
        last = p
    chunks.append(data[last:])
    return chunks


# JSON values as the engine sends them; no lone surrogates (they cannot be UTF-8 encoded).
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
)
_json = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=6,
)
# The engine's records are always objects; a bare top-level number could not be told
# apart from its own prefix at a chunk boundary, so the decoder is not asked to.
_record = st.dictionaries(_text, _json, max_size=5)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(st.tuples(_record, st.booleans(), st.sampled_from(["\n", "\r\n", " \n"]))),
    ascii_only=st.booleans(),
    data=st.data(),
)
def test_json_stream_any_chunking(
    records: list[tuple[dict[str, Any], bool, str]], ascii_only: bool, data: st.DataObject
) -> None:
    body = b"".join(
        (b"\x1e" if rs else b"") + (json.dumps(obj, ensure_ascii=ascii_only) + end).encode()
        for obj, rs, end in records
    )
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=20), label="cuts")
    decoder = JSONStreamDecoder()
    got: list[Any] = []
    for chunk in split_at(body, cuts):
        got.extend(decoder.feed(chunk))
    got.extend(decoder.flush())
    assert got == [obj for obj, _, _ in records]


def test_json_stream_byte_by_byte_multibyte_and_rs() -> None:
    body = '\x1e{"status":"Pulling ünïcödé 🐳","id":"a"}\n\x1e{"n":1}\n'.encode()
    decoder = JSONStreamDecoder()
    got: list[Any] = []
    for i in range(len(body)):
        got.extend(decoder.feed(body[i : i + 1]))
    assert got == [{"status": "Pulling ünïcödé 🐳", "id": "a"}, {"n": 1}]
    assert decoder.flush() == []


def test_json_stream_concatenated_without_newlines() -> None:
    assert JSONStreamDecoder().feed(b'{"a":1}{"b":2} {"c":3}') == [{"a": 1}, {"b": 2}, {"c": 3}]


def test_json_stream_malformed_line_raises() -> None:
    decoder = JSONStreamDecoder()
    with pytest.raises(ValueError, match="malformed JSON"):
        decoder.feed(b'{"ok":1}\nthis is not json\n{"b":2}\n')


def test_json_stream_truncated_at_end_raises_on_flush() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"ok":1}\n{"status":"half') == [{"ok": 1}]
    with pytest.raises(ValueError, match="malformed JSON"):
        decoder.flush()


def test_json_stream_invalid_utf8_is_replaced_not_fatal() -> None:
    assert JSONStreamDecoder().feed(b'{"s":"\xff\xfe"}\n') == [{"s": "\ufffd\ufffd"}]


# ------------------------------------------------------------------ multiplexed frames

_frames = st.lists(
    st.tuples(st.sampled_from([0, 1, 2, 3]) | st.integers(0, 255), st.binary(max_size=300)),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(frames=_frames, data=st.data())
def test_mux_any_chunking(frames: list[tuple[int, bytes]], data: st.DataObject) -> None:
    body = b"".join(encode_frame(s, p) for s, p in frames)
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=20), label="cuts")
    decoder = MuxDecoder()
    got: list[Frame] = []
    for chunk in split_at(body, cuts):
        got.extend(decoder.feed(chunk))
    assert got == [Frame(s, p) for s, p in frames]
    assert decoder.pending == 0


def test_mux_partial_header_waits() -> None:
    decoder = MuxDecoder()
    frame = encode_frame(STDERR, b"oops\n")
    assert decoder.feed(frame[:5]) == []
    assert decoder.pending == 5
    assert decoder.feed(frame[5:10]) == []
    assert decoder.feed(frame[10:]) == [Frame(STDERR, b"oops\n")]


def test_encode_frame_layout() -> None:
    assert encode_frame(STDOUT, b"hi") == b"\x01\x00\x00\x00\x00\x00\x00\x02hi"


# ------------------------------------------------------------------ log lines


def lines_of(asm: LogLineAssembler, frames: list[tuple[int, bytes]]) -> list[LogLine]:
    out: list[LogLine] = []
    for stream, payload in frames:
        out.extend(asm.feed(stream, payload))
    return out + asm.flush()


def test_lines_split_across_frames_per_stream() -> None:
    asm = LogLineAssembler()
    got = lines_of(
        asm,
        [
            (STDOUT, b"hel"),
            (STDERR, b"err one\nerr"),
            (STDOUT, b"lo\nworld\n"),
            (STDERR, b" two\n"),
        ],
    )
    assert [(line.stream, line.text) for line in got] == [
        (STDERR, "err one"),
        (STDOUT, "hello"),
        (STDOUT, "world"),
        (STDERR, "err two"),
    ]


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.text(st.characters(blacklist_characters="\n\r"), max_size=40), max_size=8),
    data=st.data(),
)
def test_lines_any_fragmentation(lines: list[str], data: st.DataObject) -> None:
    body = "".join(line + "\n" for line in lines).encode("utf-8", errors="surrogatepass")
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=10), label="cuts")
    got = lines_of(LogLineAssembler(), [(STDOUT, c) for c in split_at(body, cuts) if c])
    expected = [
        line.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace")
        for line in lines
    ]
    assert [g.text for g in got] == expected


def test_16k_fragments_with_timestamps_join_keeping_first_stamp() -> None:
    # json-file splits long lines into 16384-byte pieces, each with its own timestamp
    # prefix when timestamps=1; only the last piece ends in a newline (measured).
    line = bytes(ord("a") + i % 26 for i in range(40_000))
    pieces = [line[:16384], line[16384:32768], line[32768:] + b"\n"]
    stamps = [f"2026-11-26T19:00:0{i}.123456789Z".encode() for i in range(3)]
    frames = [(STDOUT, stamps[i] + b" " + pieces[i]) for i in range(3)]
    frames.append((STDOUT, b"2026-11-26T19:00:05.000000001Z short\n"))
    got = lines_of(LogLineAssembler(timestamps=True), frames)
    assert len(got) == 2
    assert got[0].text == line.decode()
    assert got[0].timestamp == "2026-11-26T19:00:00.123456789Z"
    assert not got[0].truncated
    assert got[1] == LogLine(STDOUT, "short", "2026-11-26T19:00:05.000000001Z")


def test_tty_raw_mode_crlf_and_timestamps() -> None:
    asm = LogLineAssembler(timestamps=True)
    out = asm.feed(STDOUT, b"2026-11-26T19:00:00.1Z first\r\n2026-11-26T19:00:0", framed=False)
    out += asm.feed(STDOUT, b"1.2Z second\r\n2026-11-26T19:00:02.3Z tail", framed=False)
    out += asm.flush()
    assert [(line.text, line.timestamp) for line in out] == [
        ("first", "2026-11-26T19:00:00.1Z"),
        ("second", "2026-11-26T19:00:01.2Z"),
        ("tail", "2026-11-26T19:00:02.3Z"),
    ]


def test_tty_raw_mode_without_timestamps() -> None:
    asm = LogLineAssembler()
    out = asm.feed(STDOUT, b"a\r\nb\r", framed=False) + asm.feed(STDOUT, b"\nc", framed=False)
    assert [line.text for line in out + asm.flush()] == ["a", "b", "c"]


def test_truncation_cap_marks_line_and_keeps_following_lines() -> None:
    asm = LogLineAssembler(max_line=100)
    got = lines_of(asm, [(STDOUT, b"x" * 80), (STDOUT, b"y" * 80), (STDOUT, b"z\nnext\n")])
    assert got[0].text == "x" * 80 + "y" * 20
    assert got[0].truncated
    assert got[1] == LogLine(STDOUT, "next")


def test_invalid_utf8_becomes_replacement_char() -> None:
    # Drivers other than json-file pass raw bytes through (docker-api notes, section 5).
    got = lines_of(LogLineAssembler(), [(STDOUT, b"bad \xff\xfe bytes\n")])
    assert got == [LogLine(STDOUT, "bad \ufffd\ufffd bytes")]


def test_multibyte_char_split_across_frames() -> None:
    raw = "ünïcödé 🐳\n".encode()
    got = lines_of(LogLineAssembler(), [(STDOUT, raw[:2]), (STDOUT, raw[2:13]), (STDOUT, raw[13:])])
    assert got == [LogLine(STDOUT, "ünïcödé 🐳")]


def test_flush_unterminated_tail_with_stamp() -> None:
    asm = LogLineAssembler(timestamps=True)
    assert asm.feed(STDERR, b"2026-11-26T19:00:00.5Z no newline at end") == []
    assert asm.flush() == [LogLine(STDERR, "no newline at end", "2026-11-26T19:00:00.5Z")]
    assert asm.flush() == []


def test_frame_without_stamp_is_kept_whole() -> None:
    got = lines_of(LogLineAssembler(timestamps=True), [(STDOUT, b"plain line\n")])
    assert got == [LogLine(STDOUT, "plain line")]


_stamps = st.builds(
    lambda s, n: f"2026-11-26T19:{s // 60:02d}:{s % 60:02d}.{n}Z",
    st.integers(0, 3599),
    st.integers(0, 999_999_999),
)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.tuples(_stamps, st.text(st.characters(blacklist_characters="\n\r"), max_size=30)),
        max_size=6,
    ),
    data=st.data(),
)
def test_tty_timestamps_any_chunking(lines: list[tuple[str, str]], data: st.DataObject) -> None:
    body = "".join(f"{stamp} {text}\r\n" for stamp, text in lines).encode(
        "utf-8", errors="surrogatepass"
    )
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=10), label="cuts")
    asm = LogLineAssembler(timestamps=True)
    got: list[LogLine] = []
    for chunk in split_at(body, cuts):
        got.extend(asm.feed(STDOUT, chunk, framed=False))
    got.extend(asm.flush())
    expected = [
        (t.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace"), s)
        for s, t in lines
    ]
    assert [(g.text, g.timestamp) for g in got] == expected
