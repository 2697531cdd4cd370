"""The `filters` query parameter: a JSON map of name to list of values.

dockerd also accepts the legacy `{"name": {"value": true}}` form, so both are read.
Unknown keys are a 400 "Invalid filter", malformed JSON a 500, as measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from .errors import SimError

Filters = dict[str, list[str]]


def parse_filters(raw: str | None, allowed: Iterable[str]) -> Filters:
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise SimError(500, f"invalid character in filters: {exc}") from exc
    if not isinstance(data, dict):
        raise SimError(500, "json: cannot unmarshal filters into map[string][]string")
    out: Filters = {}
    allowed_set = set(allowed)
    for key, value in data.items():
        if key not in allowed_set:
            raise SimError(400, f"Invalid filter '{key}'")
        if isinstance(value, dict):
            out[key] = [str(k) for k, on in value.items() if on]
        elif isinstance(value, list):
            out[key] = [str(v) for v in value]
        else:
            out[key] = [str(value)]
    return out


def labels_match(labels: Mapping[str, str] | None, wanted: list[str]) -> bool:
    """Every `label` filter must hold: `key`, `key=value`, and the `!=` negations."""
    labels = labels or {}
    for item in wanted:
        if "!=" in item:
            k, v = item.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in item:
            k, v = item.split("=", 1)
            if labels.get(k) != v:
                return False
        elif item.startswith("!"):
            if item[1:] in labels:
                return False
        elif item not in labels:
            return False
    return True


def truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")
