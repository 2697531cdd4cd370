"""JSON encoding the way dockerd's Go encoder writes it.

Go's encoding/json escapes <, > and & inside strings (" ---> " arrives as
" ---\\u003e "), so the sim does the same to keep client decoders honest.
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def dumps(obj: Any) -> str:
    """Compact JSON with Go's HTML escaping; these characters only occur inside strings."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).translate(_ESCAPES)


def dumps_line(obj: Any) -> bytes:
    """One JSON document followed by a newline, as in every dockerd stream."""
    return (dumps(obj) + "\n").encode()
