"""Engine profiles: which dockerd release the sim poses as, and API version maths.

Behaviour that changed between API versions is chosen by the version in the request
path (as dockerd does), so handlers receive the request's version and compare it with
the helpers here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Version = tuple[int, int]

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)$")


def parse_version(text: str) -> Version:
    m = _VERSION_RE.match(text.strip())
    if not m:
        raise ValueError(f"not an API version: {text!r}")
    return int(m.group(1)), int(m.group(2))


def fmt_version(v: Version) -> str:
    return f"{v[0]}.{v[1]}"


@dataclass(frozen=True)
class EngineProfile:
    """What /version, /_ping and /info report for one posed engine release."""

    api_version: Version
    min_api_version: Version
    server_version: str
    go_version: str
    git_commit: str
    containerd_version: str
    runc_version: str

    @property
    def server_header(self) -> str:
        return f"Docker/{self.server_version} (linux)"


# Real release pairs (moby tags). 20.10 is Debian 12's docker.io, the oldest we support;
# 29.x raised the default minimum API version to 1.44.
_PROFILES: dict[Version, tuple[str, Version, str]] = {
    (1, 41): ("20.10.24+dfsg1", (1, 12), "go1.19.8"),
    (1, 42): ("23.0.6", (1, 12), "go1.20.4"),
    (1, 43): ("24.0.7", (1, 12), "go1.20.10"),
    (1, 44): ("25.0.5", (1, 24), "go1.21.8"),
    (1, 45): ("26.1.4", (1, 24), "go1.21.11"),
    (1, 46): ("27.0.3", (1, 24), "go1.21.11"),
    (1, 47): ("27.5.1", (1, 24), "go1.22.11"),
    (1, 48): ("28.0.4", (1, 24), "go1.23.7"),
    (1, 49): ("28.1.1", (1, 24), "go1.23.8"),
    (1, 50): ("28.2.2", (1, 24), "go1.24.3"),
    (1, 51): ("28.5.1", (1, 24), "go1.24.8"),
    (1, 52): ("29.1.2", (1, 44), "go1.25.5"),
}


def profile_for(api_version: str) -> EngineProfile:
    v = parse_version(api_version)
    if v not in _PROFILES:
        known = ", ".join(fmt_version(k) for k in _PROFILES)
        raise ValueError(f"the sim cannot pose as API {api_version}; choose one of {known}")
    server, min_v, go = _PROFILES[v]
    return EngineProfile(
        api_version=v,
        min_api_version=min_v,
        server_version=server,
        go_version=go,
        git_commit="5d6db84" if v == (1, 41) else "de45c2a",
        containerd_version="1.6.20~ds1" if v == (1, 41) else "v2.2.0",
        runc_version="1.1.5+ds1" if v == (1, 41) else "1.3.3",
    )
