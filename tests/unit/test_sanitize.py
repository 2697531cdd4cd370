"""dockui.sanitize: hostile payloads measured on a real engine never reach the terminal."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import Color

from dockui.sanitize import ansi_to_text, clean, safe_text, strip_escapes

# Anything a terminal could act on: ESC, C0 except TAB, DEL, C1, and lone surrogates.
UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")

PAYLOADS = {
    "osc52 clipboard": ("a\x1b]52;c;aGVsbG8=\x07b", "ab"),
    "osc52 st": ("a\x1b]52;c;aGVsbG8=\x1b\\b", "ab"),
    "osc0 title": ("\x1b]0;EVILTITLE\x07hello", "hello"),
    "osc8 link": ("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"),
    "clear screen": ("x\x1b[2Jy\x1b[H", "xy"),
    "alt screen": ("\x1b[?1049hinside\x1b[?1049l", "inside"),
    "unterminated osc": ("before\x1b]0;title that never ends", "before"),
    "c1 csi": ("a\x9b2Jb\x9b?1049hc", "abc"),
    "c1 osc": ("a\x9d0;title\x9cb", "ab"),
    "bel": ("ding\x07dong", "dingdong"),
    "backspace": ("pass\x08\x08\x08\x08word", "password"),
    "dcs": ("a\x1bP1$r0m\x1b\\b", "ab"),
    "apc": ("a\x1b_Gpayload\x1b\\b", "ab"),
    "reset": ("a\x1bcb", "ab"),
    "charset": ("a\x1b(0qqq\x1b(Bb", "aqqqb"),
    "truncated csi": ("a\x1b[31", "a"),
    "lone esc": ("a\x1b", "a"),
    "cursor save": ("a\x1b7b\x1b8", "ab"),
    "carriage return": ("progress 10%\rprogress 20%", "progress 10%progress 20%"),
    "del and nul": ("a\x7fb\x00c", "abc"),
    "crlf": ("line\r\n", "line"),
}


@pytest.mark.parametrize(("raw", "expected"), PAYLOADS.values(), ids=PAYLOADS.keys())
def test_strip_escapes_removes_payloads(raw: str, expected: str) -> None:
    assert strip_escapes(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), PAYLOADS.values(), ids=PAYLOADS.keys())
def test_ansi_to_text_removes_payloads(raw: str, expected: str) -> None:
    assert ansi_to_text(raw).plain == expected


@pytest.mark.parametrize("raw", [p[0] for p in PAYLOADS.values()], ids=PAYLOADS.keys())
def test_clean_leaves_nothing_unsafe(raw: str) -> None:
    out = clean(raw)
    assert "\x1b" not in out
    assert not UNSAFE.search(out)


def test_clean_marks_single_controls_and_drops_sequences() -> None:
    assert clean("a\x1b]0;title\x07b") == "ab"
    assert clean("a\x1b[31mb") == "ab"
    assert clean("tab\tkept") == "tab\tkept"
    assert clean("new\nline") == "new\ufffdline"
    assert clean("bell\x07") == "bell\ufffd"
    assert clean("c1\x85") == "c1\ufffd"
    assert clean("surrogate\udcff") == "surrogate\ufffd"
    assert clean("plain name_1.2-x") == "plain name_1.2-x"


def test_strip_escapes_keeps_tabs_and_unicode() -> None:
    assert strip_escapes("a\tb ünïcödé 日本 🐳") == "a\tb ünïcödé 日本 🐳"


def test_non_str_inputs_do_not_raise() -> None:
    assert clean(None) == ""  # type: ignore[arg-type]
    assert clean(42) == "42"  # type: ignore[arg-type]
    assert strip_escapes(b"x\x1b[2Jy\xff") == "xy\ufffd"  # type: ignore[arg-type]
    assert ansi_to_text(None).plain == ""  # type: ignore[arg-type]
    assert safe_text(None).plain == ""  # type: ignore[arg-type]


def test_sgr_colours_become_styles() -> None:
    text = ansi_to_text("\x1b[31mred\x1b[0m plain \x1b[1;32mgreen\x1b[22mthin\x1b[m end")
    assert text.plain == "red plain greenthin end"
    spans = {text.plain[s.start : s.end]: s.style for s in text.spans}
    assert spans["red"].color == Color.from_ansi(1)
    assert spans["green"].color == Color.from_ansi(2)
    assert spans["green"].bold is True
    assert spans["thin"].bold is False
    assert spans["thin"].color == Color.from_ansi(2)
    assert " plain " not in spans
    assert " end" not in spans


def test_sgr_extended_colours() -> None:
    text = ansi_to_text(
        "\x1b[38;5;196ma\x1b[48;2;1;2;3mb\x1b[0;38:2::10:20:30mc\x1b[38:5:33md\x1b[91;104me"
    )
    styles = [s.style for s in text.spans]
    assert text.plain == "abcde"
    assert styles[0].color == Color.from_ansi(196)
    assert styles[1].bgcolor == Color.from_rgb(1, 2, 3)
    assert styles[1].color == Color.from_ansi(196)
    assert styles[2].color == Color.from_rgb(10, 20, 30)
    assert styles[2].bgcolor is None
    assert styles[3].color == Color.from_ansi(33)
    assert styles[4].color == Color.from_ansi(9)
    assert styles[4].bgcolor == Color.from_ansi(12)


def test_malformed_sgr_is_ignored_not_fatal() -> None:
    text = ansi_to_text("\x1b[38;5ma\x1b[38;2;1mb\x1b[" + "9" * 5000 + "mc\x1b[;;;;mD")
    assert text.plain == "abcD"


def test_conceal_is_not_applied() -> None:
    text = ansi_to_text("\x1b[8mhidden")
    assert text.plain == "hidden"
    assert not any(s.style.conceal for s in text.spans)


def test_legacy_builder_red_stderr() -> None:
    # The legacy builder colours stderr with ESC[91m (measured).
    text = ansi_to_text("\x1b[91mError: something failed\x1b[0m")
    assert text.plain == "Error: something failed"
    assert text.spans[0].style.color == Color.from_ansi(9)


@pytest.mark.parametrize("s", ["[bold]x[/]", "[/]", "x[/bold]y", "[@click=app.bell]c[/]"])
def test_markup_stays_literal(s: str) -> None:
    assert safe_text(s).plain == s
    assert safe_text(s).spans == []
    assert ansi_to_text(s).plain == s
    assert ansi_to_text("\x1b[31m" + s).plain == s
    assert strip_escapes(s) == s
    assert clean(s) == s


# Text rich in the characters that matter, so hypothesis finds sequences and fragments.
_ALPHABET = (
    st.sampled_from(
        list("\x1b\x07\x9b\x9c\x9d\x90\x9e\x9f[]();:?0123456789mHJhlPX^_\\ \t\r\nab\x00\x7f\x85")
    )
    | st.characters()
)
_HOSTILE = st.text(_ALPHABET, max_size=200) | st.text(max_size=50)


@settings(max_examples=600, deadline=None)
@given(_HOSTILE)
def test_nothing_unsafe_survives_any_input(s: str) -> None:
    for out in (clean(s), strip_escapes(s), ansi_to_text(s).plain, safe_text(s).plain):
        assert not UNSAFE.search(out), repr(out)
    # Log stripping only removes characters (and marks lone surrogates): what is left is a
    # subsequence of the input.
    remaining = iter(s)
    assert all(c in remaining for c in strip_escapes(s) if c != "\ufffd")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=100))
def test_plain_text_passes_unchanged(s: str) -> None:
    assert clean(s) == s
    assert strip_escapes(s) == s
    assert ansi_to_text(s).plain == s


def test_surrogates_in_hypothesis_space() -> None:
    # st.text() excludes surrogates; make sure the lone-surrogate path is exercised anyway.
    for s in ("\ud800", "a\udfffb\x1b[31m\udc80"):
        for out in (clean(s), strip_escapes(s), ansi_to_text(s).plain):
            assert not UNSAFE.search(out)
