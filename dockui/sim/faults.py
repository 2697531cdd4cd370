"""Fault injection: make the engine misbehave on purpose, from tests or `--fault`.

Spec grammar (one fault per spec; `--fault` is repeatable):

    drop:PATH[:after=K][:times=N]         close the connection after K stream messages
                                          (K=0: before any response; a non-stream
                                          response is dropped instead of sent)
    status:PATH:CODE[:times=N]            answer CODE with {"message":"simulated fault"}
    stall:PATH:DURATION[:after=K][:times=N]  send nothing for DURATION (before the
                                          response, or after K stream messages)
    garbage:PATH[:after=K][:times=N]      send malformed JSON (a broken line in a
                                          stream after K messages, or a broken body)
    restart:after=DURATION:down=DURATION  close every connection, refuse new ones for
                                          `down`, then come back with the same state

PATH is a glob on the path without its /v1.NN prefix (`/events`, `/containers/*/stats`,
`*`). DURATION is seconds with an optional `ms` or `s` suffix. `times` limits how many
requests the fault hits (default: every matching request).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass


def parse_duration(text: str) -> float:
    t = text.strip()
    if t.endswith("ms"):
        return float(t[:-2]) / 1000
    if t.endswith("s"):
        return float(t[:-1])
    if t.endswith("m"):
        return float(t[:-1]) * 60
    return float(t)


@dataclass
class Fault:
    kind: str  # drop | status | stall | garbage | restart
    path: str = "*"
    after: int = 0
    status: int = 500
    seconds: float = 0.0
    down: float = 0.0
    times: int | None = None
    hits: int = 0

    def matches(self, path: str) -> bool:
        return fnmatch.fnmatchcase(path, self.path)


def parse_spec(spec: str) -> Fault:
    parts = spec.split(":")
    kind = parts[0].strip().lower()
    opts: dict[str, str] = {}
    positional: list[str] = []
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            opts[k.strip()] = v.strip()
        else:
            positional.append(p.strip())
    try:
        times = int(opts["times"]) if "times" in opts else None
        if kind == "restart":
            return Fault(
                kind,
                after=0,
                seconds=parse_duration(opts.get("after", "0")),
                down=parse_duration(opts.get("down", "1")),
            )
        if not positional:
            raise ValueError("missing PATH")
        path = positional[0]
        after = int(opts.get("after", "0"))
        if kind == "drop":
            return Fault(kind, path, after=after, times=times)
        if kind == "status":
            return Fault(
                kind, path, status=int(positional[1]) if len(positional) > 1 else 500, times=times
            )
        if kind == "stall":
            secs = (
                parse_duration(positional[1])
                if len(positional) > 1
                else parse_duration(opts.get("for", "5"))
            )
            return Fault(kind, path, seconds=secs, after=after, times=times)
        if kind == "garbage":
            return Fault(kind, path, after=after, times=times)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"bad fault spec {spec!r}: {exc}") from exc
    raise ValueError(f"bad fault spec {spec!r}: unknown kind {kind!r}")


class FaultSet:
    """The active faults of one engine. Tests add and clear them while it runs."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault | str) -> Fault:
        f = parse_spec(fault) if isinstance(fault, str) else fault
        self.faults.append(f)
        return f

    def clear(self) -> None:
        self.faults.clear()

    def remove(self, fault: Fault) -> None:
        if fault in self.faults:
            self.faults.remove(fault)

    # Convenience constructors, mirroring the spec grammar.
    def drop(self, path: str, after: int = 0, times: int | None = None) -> Fault:
        return self.add(Fault("drop", path, after=after, times=times))

    def status(self, path: str, code: int = 500, times: int | None = None) -> Fault:
        return self.add(Fault("status", path, status=code, times=times))

    def stall(self, path: str, seconds: float, after: int = 0, times: int | None = None) -> Fault:
        return self.add(Fault("stall", path, seconds=seconds, after=after, times=times))

    def garbage(self, path: str, after: int = 0, times: int | None = None) -> Fault:
        return self.add(Fault("garbage", path, after=after, times=times))

    def take(self, path: str) -> list[Fault]:
        """Faults that apply to this request, counting a hit on each."""
        hit = []
        for f in list(self.faults):
            if f.kind == "restart" or not f.matches(path):
                continue
            if f.times is not None and f.hits >= f.times:
                continue
            f.hits += 1
            hit.append(f)
        return hit
