"""Filter, sort and group the rows of a pane: pure functions, no Textual.

A filter is a substring (case-insensitive) or, with the `re:` prefix, a regular
expression, matched against each object's searchable text (name, image, labels, ...).
An invalid expression raises `FilterError` with one sentence, so the UI can say so
instead of crashing. Sorting takes a key per object and keeps ties in a stable,
name-based order; grouping places containers under their compose project.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

REGEX_PREFIX = "re:"
GROUP_PREFIX = "group:"


class FilterError(ValueError):
    """The filter text cannot be used (an invalid regular expression)."""


@dataclass(frozen=True, slots=True)
class Matcher:
    """A compiled filter; an empty one matches everything."""

    text: str = ""
    pattern: re.Pattern[str] | None = None

    @property
    def active(self) -> bool:
        return bool(self.text)

    def matches(self, haystack: Iterable[str]) -> bool:
        if not self.text:
            return True
        if self.pattern is not None:
            return any(self.pattern.search(h) for h in haystack)
        needle = self.text.casefold()
        return any(needle in h.casefold() for h in haystack)


def compile_filter(text: str) -> Matcher:
    """`text` as a Matcher: `re:<expr>` is a case-insensitive regex, anything else a substring.

    Raises:
        FilterError: the regular expression does not compile.
    """
    text = text.strip()
    if not text:
        return Matcher()
    if text.startswith(REGEX_PREFIX):
        expr = text[len(REGEX_PREFIX) :]
        try:
            return Matcher(text, re.compile(expr, re.IGNORECASE))
        except re.error as exc:
            raise FilterError(f"invalid regular expression {expr!r}: {exc}") from None
    return Matcher(text)


def label_strings(labels: Mapping[str, str]) -> list[str]:
    """Labels as `key=value` strings, so a filter can match either side or both."""
    return [f"{k}={v}" for k, v in labels.items()]


SortKey = Callable[[str], Any]


def natural_key(value: Any) -> Any:
    """Sort strings case-insensitively, and put missing numbers (None) last."""
    if isinstance(value, str):
        return (0, value.casefold())
    if value is None:
        return (1, 0)
    return (0, value)


def sort_ids(ids: Iterable[str], key: SortKey, *, reverse: bool = False) -> list[str]:
    """Ids ordered by `key(id)`; ties keep the id order (stable) so rows do not jump."""
    ids = sorted(ids)
    if reverse:
        # Missing values stay at the bottom in both directions.
        present = [i for i in ids if key(i) is not None]
        missing = [i for i in ids if key(i) is None]
        return sorted(present, key=lambda i: natural_key(key(i)), reverse=True) + missing
    return sorted(ids, key=lambda i: natural_key(key(i)))


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a pane: an object, or a group header (`group` set, `id` = its row key)."""

    id: str
    group: str = ""
    header: bool = False
    members: tuple[str, ...] = ()


def group_key(project: str) -> str:
    return GROUP_PREFIX + project


def arrange(
    ids: Sequence[str],
    group_of: Callable[[str], str] | None = None,
) -> list[Row]:
    """Rows in display order: ungrouped when `group_of` is None; otherwise each group's
    header (groups by name) followed by its members in the given order, then the objects
    with no group. `ids` must already be sorted."""
    if group_of is None:
        return [Row(i) for i in ids]
    groups: dict[str, list[str]] = {}
    loose: list[str] = []
    for i in ids:
        g = group_of(i)
        if g:
            groups.setdefault(g, []).append(i)
        else:
            loose.append(i)
    rows: list[Row] = []
    for g in sorted(groups, key=str.casefold):
        members = tuple(groups[g])
        rows.append(Row(group_key(g), g, True, members))
        rows.extend(Row(i, g) for i in members)
    rows.extend(Row(i) for i in loose)
    return rows


def unique(items: Iterable[Hashable]) -> list[Any]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
