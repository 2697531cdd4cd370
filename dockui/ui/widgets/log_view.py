"""A container's log: follow live, search, filter, wrap, timestamps, save; bounded memory.

`LogLines` is a line-API scroll view over a capped list of records (only visible rows are
rendered, so a 1 MB line or 10,000 lines a second cost what the screen shows). `LogView`
wraps it with a status line, a prompt, the key bindings and the streaming worker, which
buffers engine batches and flushes them every ~80 ms (never one widget update per line).

Log text is untrusted: every record is stored with escapes stripped (`sanitize.
strip_escapes`), and coloured lines are rendered through `sanitize.ansi_to_text`, which
keeps SGR colours and nothing else. No log text is ever parsed as markup.
"""

from __future__ import annotations

import bisect
import calendar
import contextlib
import os
import re
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError
from dockui.engine.streams import LogLine
from dockui.sanitize import ansi_to_text, clean, strip_escapes

DEFAULT_TAIL = 1000
DEFAULT_CAP = 10_000
# Characters kept at most, whatever the line count: 10,000 lines of 1 MB would not fit.
DEFAULT_MAX_CHARS = 32 * 1024 * 1024
FLUSH_INTERVAL = 0.08
_TS_WIDTH = 24  # "2024-05-01 10:00:00.123 "
_GUTTER = 2
_STDERR = 2


class LogRecord:
    """One log line as kept: stream, engine timestamp, escape-free text, raw if coloured."""

    __slots__ = ("plain", "raw", "stream", "timestamp", "truncated")

    def __init__(self, stream: int, timestamp: str, text: str, truncated: bool = False) -> None:
        self.stream = stream
        self.timestamp = timestamp
        self.plain = strip_escapes(text)
        # Only lines with SGR keep the raw form (for colour); others share nothing extra.
        self.raw = text if "\x1b[" in text and "m" in text else None
        self.truncated = truncated

    @classmethod
    def from_line(cls, line: LogLine) -> LogRecord:
        return cls(line.stream, line.timestamp, line.text, line.truncated)


def make_matcher(query: str) -> re.Pattern[str]:
    """A pattern for a search or filter: substring, or a regex after `re:`.

    Smart case: case-insensitive unless the query has an upper-case letter.

    Raises:
        re.error: an invalid regex.
    """
    text = query[3:] if query.startswith("re:") else re.escape(query)
    flags = 0 if any(c.isupper() for c in query) else re.IGNORECASE
    return re.compile(text, flags)


def rfc3339_to_unix(stamp: str) -> str:
    """`2024-05-01T10:00:00.123456789Z` -> `1714557600.123456789` (for since/until).

    The engine's fraction has nanoseconds; converting through datetime would lose them
    and make a resumed stream repeat or skip lines.
    """
    main, _, frac = stamp.partition(".")
    frac_digits = ""
    if frac:
        frac_digits = "".join(c for c in frac[:9] if c.isdigit())
    main = main.rstrip("Z")
    try:
        parsed = time.strptime(main[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return stamp
    seconds = calendar.timegm(parsed)
    return f"{seconds}.{frac_digits}" if frac_digits else str(seconds)


def short_stamp(stamp: str) -> str:
    """The displayed form of an engine timestamp: date, time and milliseconds."""
    return stamp[:23].replace("T", " ").ljust(_TS_WIDTH - 1)


class LogLines(ScrollView, can_focus=True):
    """The capped, scrollable lines of one log (line API: renders only visible rows)."""

    DEFAULT_CSS = """
    LogLines { height: 1fr; }
    """

    COMPONENT_CLASSES = {
        "log-lines--stderr",
        "log-lines--timestamp",
        "log-lines--match",
        "log-lines--current-match",
    }

    def __init__(
        self,
        *,
        cap: int = DEFAULT_CAP,
        max_chars: int = DEFAULT_MAX_CHARS,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.cap = cap
        self.max_chars = max_chars
        self.records: list[LogRecord] = []
        self.view: list[LogRecord] = []
        self.total_chars = 0
        self.wrap = False
        self.show_timestamps = False
        self.filter: re.Pattern[str] | None = None
        self.search: re.Pattern[str] | None = None
        self.current_match: int | None = None
        self.autoscroll = True
        self._max_len = 0
        self._starts: list[int] | None = None
        self._starts_width = 0
        self._body_cache: OrderedDict[LogRecord, Text] = OrderedDict()

    # ------------------------------------------------------------------ data

    def add(self, records: list[LogRecord]) -> None:
        """Append a batch, drop the oldest beyond the caps, keep the reader's place."""
        if not records:
            return
        if len(records) > self.cap:
            records = records[-self.cap :]
        self.records.extend(records)
        self.total_chars += sum(len(r.plain) for r in records)
        shown = records if self.filter is None else [r for r in records if self._keep(r)]
        self.view.extend(shown)
        for rec in shown:
            if len(rec.plain) > self._max_len:
                self._max_len = len(rec.plain)
        if self._starts is not None and self.wrap and self._starts_width == self.body_width:
            self._extend_starts(shown)
        else:
            self._starts = None
        self._trim()
        self._update_size()

    def prepend(self, records: list[LogRecord]) -> int:
        """Put earlier lines in front (as many as the cap leaves room for); return how many."""
        room = self.cap - len(self.records)
        if room <= 0 or not records:
            return 0
        records = records[-room:]
        self.records[:0] = records
        self.total_chars += sum(len(r.plain) for r in records)
        shown = records if self.filter is None else [r for r in records if self._keep(r)]
        self.view[:0] = shown
        if self.current_match is not None:
            self.current_match += len(shown)
        self._starts = None
        self._update_size()
        return len(records)

    def clear(self) -> None:
        self.records.clear()
        self.view.clear()
        self.total_chars = 0
        self._max_len = 0
        self.current_match = None
        self._starts = None
        self._body_cache.clear()
        self._update_size()

    def _trim(self) -> None:
        records = self.records
        excess = max(0, len(records) - self.cap)
        chars = self.total_chars - sum(len(r.plain) for r in records[:excess])
        while chars > self.max_chars and excess < len(records) - 1:
            chars -= len(records[excess].plain)
            excess += 1
        if excess == 0:
            return
        dropped = records[:excess]
        del records[:excess]
        self.total_chars = chars
        # The view is ordered like the records, so its dropped part is a prefix.
        dropped_ids = {id(r) for r in dropped}
        cut = 0
        while cut < len(self.view) and id(self.view[cut]) in dropped_ids:
            cut += 1
        if cut:
            removed_rows = self._rows_before(cut)
            del self.view[:cut]
            self._starts = None
            if self.current_match is not None:
                self.current_match -= cut
                if self.current_match < 0:
                    self.current_match = None
            if not self.autoscroll and self.is_mounted:
                # Keep the lines the user is reading where they are on screen.
                self.scroll_to(y=max(0, self.scroll_y - removed_rows), animate=False)
        for rec in dropped:
            self._body_cache.pop(rec, None)

    def _keep(self, rec: LogRecord) -> bool:
        return self.filter is None or self.filter.search(rec.plain) is not None

    def set_filter(self, pattern: re.Pattern[str] | None) -> None:
        """Show only lines matching `pattern` (None shows all)."""
        self.filter = pattern
        self.view = (
            list(self.records) if pattern is None else [r for r in self.records if self._keep(r)]
        )
        self.current_match = None
        self._starts = None
        self._update_size()
        if self.autoscroll:
            self.scroll_end(animate=False, immediate=True)

    # ------------------------------------------------------------------ geometry

    @property
    def prefix_width(self) -> int:
        return _GUTTER + (_TS_WIDTH if self.show_timestamps else 0)

    @property
    def body_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or 80
        return max(1, width - self.prefix_width)

    def _rows_of(self, rec: LogRecord) -> int:
        return max(1, -(-len(rec.plain) // self.body_width))

    def _extend_starts(self, shown: Iterable[LogRecord]) -> None:
        starts = self._starts
        assert starts is not None
        total = starts[-1] if starts else 0
        # starts has one extra entry: the total row count at the end.
        starts.pop()
        for rec in shown:
            starts.append(total)
            total += self._rows_of(rec)
        starts.append(total)

    def _row_starts(self) -> list[int]:
        # The body width changes with the scrollbar too (not only on resize): key on it.
        if self._starts is not None and self._starts_width != self.body_width:
            self._starts = None
        if self._starts is None:
            self._starts_width = self.body_width
            starts: list[int] = []
            total = 0
            for rec in self.view:
                starts.append(total)
                total += self._rows_of(rec)
            starts.append(total)
            self._starts = starts
        return self._starts

    def total_rows(self) -> int:
        return self._row_starts()[-1] if self.wrap else len(self.view)

    def _rows_before(self, index: int) -> int:
        return self._row_starts()[index] if self.wrap else index

    def row_of(self, index: int) -> int:
        """The first screen row of view line `index`."""
        return self._rows_before(index)

    def locate(self, row: int) -> tuple[int, int]:
        """(view line, row within that line) of a content row."""
        if not self.wrap:
            return row, 0
        starts = self._row_starts()
        index = bisect.bisect_right(starts, row) - 1
        return index, row - starts[index]

    def _update_size(self) -> None:
        width = self.prefix_width + (self.body_width if self.wrap else self._max_len)
        self.virtual_size = Size(width, self.total_rows())
        if self.autoscroll and self.is_mounted:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def on_resize(self) -> None:
        self._starts = None
        self._update_size()

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self._starts = None
        if wrap:
            self.scroll_to(x=0, animate=False)
        self._update_size()

    def set_timestamps(self, show: bool) -> None:
        self.show_timestamps = show
        self._starts = None
        self._update_size()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        # Scrolling up pauses auto-scroll; reaching the end again resumes it.
        self.autoscroll = new >= self.max_scroll_y

    # ------------------------------------------------------------------ search

    def matches(self) -> list[int]:
        """View indexes of lines matching the search."""
        if self.search is None:
            return []
        search = self.search.search
        return [i for i, rec in enumerate(self.view) if search(rec.plain)]

    def jump(self, forward: bool = True) -> tuple[int, int] | None:
        """Move to the next (or previous) matching line; (position, count) or None."""
        found = self.matches()
        if not found:
            self.current_match = None
            self.refresh()
            return None
        if self.current_match is None:
            top, _ = self.locate(int(self.scroll_y)) if self.view else (0, 0)
            pos = bisect.bisect_left(found, top) if forward else bisect.bisect_right(found, top) - 1
        else:
            if forward:
                pos = bisect.bisect_right(found, self.current_match)
            else:
                pos = bisect.bisect_left(found, self.current_match) - 1
        pos %= len(found)
        self.current_match = found[pos]
        row = self.row_of(self.current_match)
        self.autoscroll = False
        height = self.scrollable_content_region.height or 1
        self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)
        self.autoscroll = False
        self.refresh()
        return pos + 1, len(found)

    # ------------------------------------------------------------------ rendering

    def _body(self, rec: LogRecord) -> Text:
        if rec.raw is None:
            return Text(rec.plain)
        cached = self._body_cache.get(rec)
        if cached is None:
            cached = ansi_to_text(rec.raw)
            if cached.plain != rec.plain:  # never show something other than what we search
                cached = Text(rec.plain)
            self._body_cache[rec] = cached
            if len(self._body_cache) > 1024:
                self._body_cache.popitem(last=False)
        else:
            self._body_cache.move_to_end(rec)
        return cached

    def _piece(self, rec: LogRecord, start: int, end: int) -> Text:
        if rec.raw is None:
            piece = Text(rec.plain[start:end])
        else:
            piece = self._body(rec)[start:end]
        return piece

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        row = scroll_y + y
        if row >= self.total_rows():
            return Strip.blank(width, base)
        index, sub = self.locate(row)
        rec = self.view[index]
        if self.wrap:
            start = sub * self.body_width
            end = start + self.body_width
        else:
            start = scroll_x
            end = scroll_x + max(1, width - self.prefix_width)
        piece = self._piece(rec, start, end)
        if self.search is not None:
            style_name = (
                "log-lines--current-match" if index == self.current_match else "log-lines--match"
            )
            style = self.get_component_rich_style(style_name)
            for m in self.search.finditer(piece.plain):
                if m.end() > m.start():
                    piece.stylize(style, m.start(), m.end())
        segments: list[Segment] = []
        if rec.stream == _STDERR:
            marker = "▌ " if sub == 0 else "▏ "
            segments.append(
                Segment(marker, base + self.get_component_rich_style("log-lines--stderr"))
            )
        else:
            segments.append(Segment("  ", base))
        if self.show_timestamps:
            stamp = short_stamp(rec.timestamp) if sub == 0 else ""
            ts_style = base + self.get_component_rich_style("log-lines--timestamp")
            segments.append(Segment(stamp.ljust(_TS_WIDTH), ts_style))
        piece.end = ""
        piece.no_wrap = True
        body_segments = list(piece.render(self.app.console))
        body_segments = list(Segment.apply_style(body_segments, base))
        strip = Strip([*segments, *body_segments])
        return strip.crop_extend(0, width, base)


class LogView(Vertical):
    """A container's log with its status line, prompt and keys, fed by a streaming worker."""

    DEFAULT_CSS = """
    LogView { height: 1fr; }
    LogView > #log-status { height: 1; background: $panel; color: $foreground-muted; }
    LogView > #log-prompt { display: none; }
    LogView > #log-prompt.-visible { display: block; }
    LogView LogLines > .log-lines--stderr { color: $error; }
    LogView LogLines > .log-lines--timestamp { color: $foreground-muted; }
    LogView LogLines > .log-lines--match { background: $warning 40%; }
    LogView LogLines > .log-lines--current-match { background: $warning; color: $background; }
    """

    BINDINGS = [
        Binding("slash", "prompt('search')", "Search"),
        Binding("n", "next_match", "Next", show=False),
        Binding("N", "previous_match", "Prev", show=False),
        Binding("f,ampersand", "prompt('filter')", "Filter"),
        Binding("F", "toggle_follow", "Follow"),
        Binding("T", "toggle_timestamps", "Timestamps"),
        Binding("W", "toggle_wrap", "Wrap"),
        Binding("R", "prompt('range')", "Since/until"),
        Binding("L", "load_earlier", "Earlier"),
        Binding("w", "prompt('save')", "Save"),
        Binding("S", "prompt('save_all')", "Save all", show=False),
        Binding("G,end", "scroll_bottom", "End", show=False),
        Binding("g,home", "scroll_top", "Top", show=False),
    ]

    _PLACEHOLDERS = {
        "search": "search (substring, or re:regex); enter to find, n/N to move",
        "filter": "show only lines matching (substring, or re:regex); empty shows all",
        "range": "since [until]: 10m, 2h, 2024-05-01T10:00:00Z or a unix time; empty resets",
        "save": "save the shown lines to this file",
        "save_all": "save the whole log (from the engine) to this file",
    }

    def __init__(
        self,
        client: DockerClient | None,
        container_id: str,
        name: str = "",
        *,
        tty: bool | None = None,
        tail: int = DEFAULT_TAIL,
        cap: int = DEFAULT_CAP,
        max_chars: int = DEFAULT_MAX_CHARS,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.client = client
        self.container_id = container_id
        self.container_name = name or container_id[:12]
        self.tty = tty
        self.tail = tail
        self.since: str | None = None
        self.until: str | None = None
        self.following = False
        self.stream_state = "starting"
        self._pending: list[LogLine] = []
        self._prompt_mode = ""
        self._search_text = ""
        self._filter_text = ""
        self._match_info = ""
        self._lines = LogLines(cap=cap, max_chars=max_chars, id="log-lines")

    @property
    def lines(self) -> LogLines:
        return self._lines

    def compose(self) -> ComposeResult:
        yield Static(id="log-status", markup=False)
        yield self._lines
        yield Input(id="log-prompt")

    def on_mount(self) -> None:
        self.set_interval(FLUSH_INTERVAL, self.flush)
        self._update_status()
        if self.client is not None:
            self.start_stream()

    # ------------------------------------------------------------------ streaming

    def start_stream(self, *, resume: bool = False) -> None:
        """(Re)start the engine stream: from the tail, or after the last line held."""
        since = self.since
        tail: int | str = "all" if self.since else self.tail
        last = self._lines.records[-1].timestamp if self._lines.records else ""
        if resume and last:
            since, tail = rfc3339_to_unix(last), "all"
        self.following = self.until is None
        self.stream_state = "following" if self.following else "loading"
        self._stream(tail, since, self.until, self.following, last if resume else "")
        self._update_status()

    @work(exclusive=True, group="log-stream", exit_on_error=False)
    async def _stream(
        self, tail: int | str, since: str | None, until: str | None, follow: bool, skip_to: str
    ) -> None:
        assert self.client is not None
        # On resume, `since` is inclusive: drop what we already hold at the last stamp.
        held = {(r.stream, r.plain) for r in self._lines.records[-200:] if r.timestamp == skip_to}
        try:
            async for batch in self.client.logs(
                self.container_id,
                tail=tail,
                since=since,
                until=until,
                timestamps=True,
                follow=follow,
                tty=self.tty,
            ):
                if skip_to:
                    batch = [
                        line
                        for line in batch
                        if line.timestamp > skip_to
                        or (
                            line.timestamp == skip_to
                            and (line.stream, strip_escapes(line.text)) not in held
                        )
                    ]
                    if batch and batch[-1].timestamp > skip_to:
                        skip_to = ""
                self._pending.extend(batch)
                # A flood: only the newest `cap` lines can ever be shown.
                if len(self._pending) > 2 * self._lines.cap:
                    del self._pending[: -self._lines.cap]
            self.stream_state = "ended: the container stopped" if follow else "complete"
        except EngineError as exc:
            self.stream_state = f"error: {clean(str(exc))}"
        finally:
            self.following = False
            self.flush()

    def stop_stream(self) -> None:
        self.workers.cancel_group(self, "log-stream")
        self.following = False
        self.stream_state = "paused"
        self._update_status()

    def flush(self) -> None:
        """Move buffered engine lines into the view (one batch per tick)."""
        if self._pending:
            pending, self._pending = self._pending, []
            self._lines.add([LogRecord.from_line(line) for line in pending])
        self._update_status()

    def feed(self, lines: Iterable[LogLine]) -> None:
        """Queue lines as if the engine sent them (used by tests and the benchmark)."""
        self._pending.extend(lines)

    @work(exclusive=True, group="log-earlier", exit_on_error=False)
    async def _load_earlier(self) -> None:
        assert self.client is not None
        records = self._lines.records
        first = records[0].timestamp if records else ""
        if not first:
            self.notify("No earlier lines to load.", markup=False)
            return
        held = {(r.stream, r.plain) for r in records[:200] if r.timestamp == first}
        got: list[LogRecord] = []
        try:
            async for batch in self.client.logs(
                self.container_id,
                tail=DEFAULT_TAIL,
                until=rfc3339_to_unix(first),
                timestamps=True,
                tty=self.tty,
            ):
                got.extend(LogRecord.from_line(line) for line in batch)
        except EngineError as exc:
            self.notify(f"Could not load earlier lines: {clean(str(exc))}", markup=False)
            return
        got = [
            r
            for r in got
            if r.timestamp < first or (r.timestamp == first and (r.stream, r.plain) not in held)
        ]
        added = self._lines.prepend(got)
        if not got:
            self.notify("This is the beginning of the log.", markup=False)
        elif not added:
            self.notify(
                f"The view holds its maximum of {self._lines.cap:,} lines; "
                "save the whole log (S) to read further back.",
                markup=False,
            )
        else:
            self.notify(f"Loaded {added:,} earlier lines.", markup=False)
        self._update_status()

    # ------------------------------------------------------------------ status

    def _update_status(self) -> None:
        if not self.is_mounted:
            return
        lines = self._lines
        parts = [
            f"{'● ' if self.following else '○ '}{self.stream_state}",
            f"{len(lines.view):,} lines"
            + (f" of {len(lines.records):,}" if lines.filter is not None else "")
            + (" (cap reached)" if len(lines.records) >= lines.cap else ""),
        ]
        if self.since or self.until:
            parts.append(f"since {self.since or '-'} until {self.until or 'now'}")
        if self._filter_text:
            parts.append(f"filter {self._filter_text}")
        if self._search_text:
            parts.append(f"search {self._search_text} {self._match_info}".rstrip())
        if lines.wrap:
            parts.append("wrap")
        if not lines.autoscroll:
            parts.append("scrolled (G: end)")
        status = self.query_one("#log-status", Static)
        status.update(Text(clean(" │ ".join(parts)), no_wrap=True, overflow="ellipsis"))

    # ------------------------------------------------------------------ actions

    def action_prompt(self, mode: str) -> None:
        prompt = self.query_one("#log-prompt", Input)
        self._prompt_mode = mode
        prompt.placeholder = self._PLACEHOLDERS[mode]
        if mode == "search":
            prompt.value = self._search_text
        elif mode == "filter":
            prompt.value = self._filter_text
        elif mode == "range":
            prompt.value = " ".join(p for p in (self.since, self.until) if p)
        else:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", self.container_name)
            suffix = "-all" if mode == "save_all" else ""
            prompt.value = f"{safe}-{stamp}{suffix}.log"
        prompt.add_class("-visible")
        prompt.focus()

    def _close_prompt(self) -> None:
        prompt = self.query_one("#log-prompt", Input)
        prompt.remove_class("-visible")
        self._lines.focus()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.query_one("#log-prompt", Input).has_focus:
            event.stop()
            event.prevent_default()
            self._close_prompt()

    @on(Input.Submitted, "#log-prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        mode = self._prompt_mode
        self._close_prompt()
        if mode == "search":
            self.search_for(value)
        elif mode == "filter":
            self.filter_by(value)
        elif mode == "range":
            self.set_range(value)
        elif mode in ("save", "save_all") and value:
            if mode == "save":
                self.save_shown(value)
            else:
                self._save_all(Path(value).expanduser().resolve())

    def _pattern(self, query: str) -> re.Pattern[str] | None:
        try:
            return make_matcher(query)
        except re.error as exc:
            self.notify(f"Invalid regular expression: {exc}", severity="error", markup=False)
            return None

    def search_for(self, query: str) -> None:
        """Highlight `query` and move to its first match (empty clears the search)."""
        self._search_text = query
        self._lines.current_match = None
        self._lines.search = self._pattern(query) if query else None
        self._match_info = ""
        if self._lines.search is not None:
            self._show_jump(self._lines.jump(forward=True))
        self._lines.refresh()
        self._update_status()

    def _show_jump(self, found: tuple[int, int] | None) -> None:
        if found is None:
            self._match_info = "(no match)"
        else:
            self._match_info = f"{found[0]}/{found[1]}"
        self._update_status()

    def filter_by(self, query: str) -> None:
        """Show only lines matching `query` (empty shows every line)."""
        pattern = self._pattern(query) if query else None
        if query and pattern is None:
            return
        self._filter_text = query
        self._lines.set_filter(pattern)
        self._update_status()

    def set_range(self, value: str) -> None:
        """Reload between `since` and `until` (engine syntax); empty goes back to the tail."""
        parts = value.split()
        self.since = parts[0] if parts else None
        self.until = parts[1] if len(parts) > 1 else None
        self.workers.cancel_group(self, "log-stream")
        self._pending.clear()
        self._lines.clear()
        self._lines.autoscroll = True
        if self.client is not None:
            self.start_stream()

    def action_next_match(self) -> None:
        if self._lines.search is not None:
            self._show_jump(self._lines.jump(forward=True))

    def action_previous_match(self) -> None:
        if self._lines.search is not None:
            self._show_jump(self._lines.jump(forward=False))

    def action_toggle_follow(self) -> None:
        if self.following:
            self.stop_stream()
        elif self.client is not None:
            self._lines.autoscroll = True
            self.start_stream(resume=True)

    def action_toggle_timestamps(self) -> None:
        self._lines.set_timestamps(not self._lines.show_timestamps)

    def action_toggle_wrap(self) -> None:
        self._lines.set_wrap(not self._lines.wrap)
        self._update_status()

    def action_load_earlier(self) -> None:
        if self.client is not None:
            self._load_earlier()

    def action_scroll_bottom(self) -> None:
        self._lines.autoscroll = True
        self._lines.scroll_end(animate=False, immediate=True)
        self._update_status()

    def action_scroll_top(self) -> None:
        self._lines.scroll_home(animate=False, immediate=True)
        self._lines.autoscroll = False
        self._update_status()

    # ------------------------------------------------------------------ saving

    def _line_for_file(self, rec: LogRecord) -> str:
        stamp = f"{rec.timestamp} " if self._lines.show_timestamps and rec.timestamp else ""
        return f"{stamp}{rec.plain}\n"

    def save_shown(self, path: str) -> Path | None:
        """Write the lines in view (filtered, escape-free) to `path`; notify where."""
        target = Path(path).expanduser()
        try:
            with target.open("w", encoding="utf-8", errors="replace") as fh:
                for rec in self._lines.view:
                    fh.write(self._line_for_file(rec))
        except OSError as exc:
            self.notify(
                f"Could not save the log: {clean(str(exc))}", severity="error", markup=False
            )
            return None
        self.notify(
            f"Saved {len(self._lines.view):,} lines to {clean(str(target.resolve()))}",
            markup=False,
        )
        return target

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def _save_all(self, target: Path) -> None:
        if self.client is None:
            return
        count = 0
        try:
            with target.open("w", encoding="utf-8", errors="replace") as fh:
                async for batch in self.client.logs(
                    self.container_id, tail="all", timestamps=True, tty=self.tty
                ):
                    for line in batch:
                        fh.write(self._line_for_file(LogRecord.from_line(line)))
                    count += len(batch)
        except (OSError, EngineError) as exc:
            with contextlib.suppress(OSError):
                os.unlink(target)
            self.notify(
                f"Could not save the log: {clean(str(exc))}", severity="error", markup=False
            )
            return
        self.notify(f"Saved {count:,} lines to {clean(str(target))}", markup=False)


__all__ = ["LogLines", "LogRecord", "LogView", "make_matcher", "rfc3339_to_unix"]
