"""Make untrusted text safe to show: no terminal control sequences, no markup.

Container names, labels, commands, image refs, error messages and log lines come from
whoever started the container. Textual forwards raw ESC sequences to the terminal (OSC 52
writes the user's clipboard, OSC 0 sets the window title, `CSI ?1049h` switches screens)
and parses `[...]` as markup in str arguments, so everything untrusted goes through here
and reaches widgets as `rich.text.Text`, never as a markup string.

* `clean(s)`: plain fields. Escape sequences are removed whole; any other control
  character (C0 except tab, DEL, C1) and lone surrogates become U+FFFD, so a hidden
  byte stays visible as a mark instead of vanishing.
* `strip_escapes(line)`: log lines for a plain `Log`. Sequences and control characters
  are removed (a log full of U+FFFD for every BEL or CR would be unreadable).
* `ansi_to_text(line)`: log lines with colour. Only SGR (`CSI ... m`) survives, as Rich
  styles; everything else is stripped as in `strip_escapes`.
* `safe_text(s)`: `Text(clean(s))` for table cells, labels and tree nodes.

All functions are total (never raise) and linear in the input length: each regex below
has character classes that do not overlap, so there is no backtracking blow-up.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rich.color import Color
from rich.style import Style
from rich.text import Span, Text

# Every escape sequence a terminal would act on, 7-bit and 8-bit (C1) forms. Alternation
# order matters: CSI and the string types are tried before the generic two-byte form.
_SEQUENCE = re.compile(
    # CSI: parameters, intermediates, final byte. A truncated CSI (no final byte before
    # the end or an unexpected character) is still removed up to where it stops.
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    # String sequences: OSC (ESC ]), DCS (ESC P), SOS (ESC X), PM (ESC ^), APC (ESC _) and
    # their C1 forms. They end at BEL, ST (ESC \ or U+009C), or the next ESC; an
    # unterminated one runs to the end of the text, as it would in a terminal.
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    # Everything else that starts with ESC: nF (ESC ( B), Fp (ESC 7), Fe, Fs (ESC c = reset).
    # A lone ESC matches too, so no ESC survives this pattern.
    r"|\x1b[ -/]*[0-~]?"
)

# C0 except TAB, DEL, C1 (runs at once: they are removed, not marked).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]+")
# Lone surrogates (from surrogateescape decoding) would make the terminal writer raise.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Control characters and surrogates together, for `clean`, which marks both with U+FFFD.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")

# SGR: the only sequence ansi_to_text keeps. Parameters may use ';' or ':' separators.
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")

_REPLACEMENT = "\ufffd"


def _as_str(value: Any) -> str:
    """Whatever arrives, a str to work on (callers pass engine JSON, which is not typed)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    try:
        return str(value)
    except Exception:
        return _REPLACEMENT


def clean(s: str) -> str:
    """A plain untrusted field, safe to show: sequences gone, other controls as U+FFFD."""
    s = _as_str(s)
    if s.isprintable():  # the common case, checked in C: nothing to remove
        return s
    if "\x1b" in s or _has_c1_intro(s):
        s = _SEQUENCE.sub("", s)
    return _UNSAFE.sub(_REPLACEMENT, s)


def strip_escapes(line: str) -> str:
    """A log line for a plain `Log`: every escape sequence and control character removed."""
    line = _as_str(line)
    if line.isprintable():
        return line
    if "\x1b" in line or _has_c1_intro(line):
        line = _SEQUENCE.sub("", line)
    line = _CONTROL.sub("", line)
    return _SURROGATE.sub(_REPLACEMENT, line)


def ansi_to_text(line: str) -> Text:
    """A log line as Rich Text that keeps SGR colours and attributes, and nothing else.

    A carriage return is dropped (Rich's own `Text.from_ansi` would keep only the text
    after the last one, hiding everything a progress bar wrote before it).
    """
    line = _as_str(line)
    if "\x1b" not in line:
        return Text(strip_escapes(line))
    pieces: list[str] = []
    spans: list[Span] = []
    offset = 0
    style = Style.null()
    # split() alternates: text, SGR parameters, text, SGR parameters, ..., text.
    parts = _SGR.split(line)
    for index in range(0, len(parts), 2):
        if index:
            style = _apply_sgr(style, parts[index - 1])
        plain = parts[index]
        if not plain.isprintable():
            plain = strip_escapes(plain)
        if plain:
            pieces.append(plain)
            end = offset + len(plain)
            if style:
                spans.append(Span(offset, end, style))
            offset = end
    return Text("".join(pieces), spans=spans)


def safe_text(s: str) -> Text:
    """`Text` of a cleaned untrusted field: never markup, never an escape sequence."""
    return Text(clean(s))


def _has_c1_intro(s: str) -> bool:
    # The C1 introducers of sequences that carry a payload (CSI, OSC, DCS, SOS, PM, APC);
    # other C1 characters are single controls that the control-character pass handles.
    return any(c in s for c in "\x9b\x9d\x90\x98\x9e\x9f")


# ------------------------------------------------------------------ SGR to Style

_ATTRIBUTES: dict[int, Style] = {
    1: Style(bold=True),
    2: Style(dim=True),
    3: Style(italic=True),
    4: Style(underline=True),
    5: Style(blink=True),
    6: Style(blink2=True),
    7: Style(reverse=True),
    # 8 (conceal) is ignored on purpose: hidden text in a log would hide it from the user.
    9: Style(strike=True),
    21: Style(underline2=True),
    22: Style(bold=False, dim=False),
    23: Style(italic=False),
    24: Style(underline=False, underline2=False),
    25: Style(blink=False, blink2=False),
    27: Style(reverse=False),
    29: Style(strike=False),
    39: Style(color=Color.default()),
    49: Style(bgcolor=Color.default()),
}
for _n in range(8):
    _ATTRIBUTES[30 + _n] = Style(color=Color.from_ansi(_n))
    _ATTRIBUTES[40 + _n] = Style(bgcolor=Color.from_ansi(_n))
    _ATTRIBUTES[90 + _n] = Style(color=Color.from_ansi(_n + 8))
    _ATTRIBUTES[100 + _n] = Style(bgcolor=Color.from_ansi(_n + 8))

_MAX_PARAM_DIGITS = 6  # longer numbers are garbage (and int() refuses > 4300 digits)
_MAX_SGR = 256  # characters of SGR parameters looked at; real ones are a few dozen


def _int(token: str) -> int | None:
    if not token:
        return 0
    if len(token) > _MAX_PARAM_DIGITS or not token.isdigit():
        return None
    return int(token)


def _extended_colour(args: list[int | None]) -> Color | None:
    """`5;n` (256 colours) or `2;r;g;b` (true colour), as after 38/48/58."""
    if not args:
        return None
    if args[0] == 5 and len(args) >= 2 and args[1] is not None:
        return Color.from_ansi(min(args[1], 255))
    if args[0] == 2 and len(args) >= 4:
        rgb = args[-3:]  # the colon form may carry a colour-space id before r:g:b
        if all(v is not None for v in rgb):
            r, g, b = (min(v or 0, 255) for v in rgb)
            return Color.from_rgb(r, g, b)
    return None


def _apply_sgr(style: Style, params: str) -> Style:
    """The style after one SGR sequence; unknown or malformed parameters are ignored."""
    # No real SGR is this long: bound the work, and the memory the cache can hold.
    return _apply_sgr_cached(style, params[:_MAX_SGR])


@lru_cache(maxsize=2048)
def _apply_sgr_cached(style: Style, params: str) -> Style:
    if not params:
        return Style.null()
    tokens = params.split(";")
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if ":" in token:  # ITU form: 38:2::r:g:b, 38:5:n, 4:3 (curly underline)
            sub = [_int(t) for t in token.split(":")]
            head = sub[0]
            if head in (38, 48):
                colour = _extended_colour(sub[1:])
                if colour is not None:
                    style += Style(color=colour) if head == 38 else Style(bgcolor=colour)
            elif head == 4:
                style += Style(underline=sub[1] != 0, underline2=False)
            continue
        code = _int(token)
        if code is None:
            continue
        if code == 0:
            style = Style.null()
        elif code in (38, 48, 58):
            kind = _int(tokens[i]) if i < len(tokens) else None
            count = 2 if kind == 5 else 4 if kind == 2 else 1
            args = [_int(t) for t in tokens[i : i + count]]
            i += count
            colour = _extended_colour(args)
            if colour is not None and code != 58:  # 58 = underline colour: not in Rich
                style += Style(color=colour) if code == 38 else Style(bgcolor=colour)
        else:
            extra = _ATTRIBUTES.get(code)
            if extra is not None:
                style += extra
    return style
