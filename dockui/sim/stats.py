"""Container stats: a seeded random walk, published by ONE timer for all streams.

Cost matters (1000 containers with 100 streams must stay under half a core), so:
one tick per interval advances only the containers somebody watches; each sample is
produced by %-formatting a per-container JSON template serialised once; every
subscriber of a container receives the same bytes. Like dockerd (daemon/stats.go), the
first sample of a stream and a `stream=false&one-shot=true` answer (the next tick) have an
all-zero precpu_stats, and plain `stream=false` waits for TWO ticks, the first one only
priming precpu. A container nobody watched for a few ticks is not advanced meanwhile, but
its next sample covers the whole gap, so two one-shot samples ticks apart still give the
right CPU% when the caller uses its own previous sample as precpu.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
from dataclasses import dataclass, field

from .clock import ZERO_TIME, rfc3339nano
from .objects import Container
from .state import SimState

NS = 1_000_000_000

_ZERO_CPU = {
    "cpu_usage": {"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0},
    "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
}
_MEM_KEYS = (
    "active_anon active_file cache dirty hierarchical_memory_limit hierarchical_memsw_limit "
    "inactive_anon inactive_file mapped_file pgfault pgmajfault pgpgin pgpgout rss rss_huge "
    "total_active_anon total_active_file total_cache total_dirty total_inactive_anon "
    "total_inactive_file total_mapped_file total_pgfault total_pgmajfault total_pgpgin "
    "total_pgpgout total_rss total_rss_huge total_unevictable total_writeback unevictable writeback"
).split()
_BLKIO_KEYS = (
    "io_service_bytes_recursive io_serviced_recursive io_queue_recursive "
    "io_service_time_recursive io_wait_time_recursive io_merged_recursive io_time_recursive "
    "sectors_recursive"
).split()


@dataclass
class Walk:
    """Counters of one container; they only grow, like cgroup counters."""

    rng: random.Random
    frac: float
    cpu_total: int
    percpu: list[int]
    kernel: int
    user: int
    mem: int
    mem_max: int
    rx: int = 0
    rx_packets: int = 0
    tx: int = 0
    tx_packets: int = 0
    blk_r: int = 0
    blk_w: int = 0
    pids: int = 1
    read: float = 0.0
    prev_read: float = 0.0
    tick: int = 0  # the hub tick of this walk's last sample
    system: int = 0  # the host's system_cpu_usage at this walk's last sample
    # The previous tick's cpu numbers, rendered as precpu for later samples.
    prev: dict[str, int | str] = field(default_factory=dict)


def _placeholder(name: str) -> str:
    return f"@@{name}@@"


def _cpu_block(prefix: str, ncpu: int) -> dict[str, object]:
    return {
        "cpu_usage": {
            "total_usage": _placeholder(prefix + "total"),
            "percpu_usage": _placeholder(prefix + "percpu"),
            "usage_in_kernelmode": _placeholder(prefix + "kernel"),
            "usage_in_usermode": _placeholder(prefix + "user"),
        },
        "system_cpu_usage": _placeholder(prefix + "system"),
        "online_cpus": ncpu,
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
    }


def build_template(c: Container, ncpu: int, first: bool, os_type: bool) -> str:
    """The cgroup v1 stats document with %(...) slots for every moving number."""
    mem_stats = {k: _placeholder("m_" + k) for k in _MEM_KEYS}
    blk = {k: [] for k in _BLKIO_KEYS}
    blk["io_service_bytes_recursive"] = [
        {"major": 8, "minor": 0, "op": "Read", "value": _placeholder("blk_r")},
        {"major": 8, "minor": 0, "op": "Write", "value": _placeholder("blk_w")},
        {"major": 8, "minor": 0, "op": "Sync", "value": _placeholder("blk_w")},
        {"major": 8, "minor": 0, "op": "Async", "value": _placeholder("blk_r")},
        {"major": 8, "minor": 0, "op": "Discard", "value": 0},
        {"major": 8, "minor": 0, "op": "Total", "value": _placeholder("blk_t")},
    ]
    doc: dict[str, object] = {
        "read": _placeholder("read"),
        "preread": _placeholder("preread"),
        "pids_stats": {"current": _placeholder("pids"), "limit": 18446744073709551615},
        "blkio_stats": blk,
        "num_procs": 0,
        "storage_stats": {},
        "cpu_stats": _cpu_block("", ncpu),
        "precpu_stats": _ZERO_CPU if first else _cpu_block("p_", ncpu),
        "memory_stats": {
            "usage": _placeholder("mem"),
            "max_usage": _placeholder("mem_max"),
            "stats": mem_stats,
            "limit": _placeholder("limit"),
        },
        "name": "/" + c.name,
        "id": c.id,
    }
    if c.host_config.get("NetworkMode") not in ("host", "none"):
        doc["networks"] = {
            "eth0": {
                "rx_bytes": _placeholder("rx"),
                "rx_packets": _placeholder("rxp"),
                "rx_errors": 0,
                "rx_dropped": 0,
                "tx_bytes": _placeholder("tx"),
                "tx_packets": _placeholder("txp"),
                "tx_errors": 0,
                "tx_dropped": 0,
            }
        }
    if first:
        doc["preread"] = ZERO_TIME
    if os_type:
        doc = {"os_type": "linux", **doc}
    text = json.dumps(doc, separators=(",", ":")).replace("%", "%%")
    # Timestamps are strings, everything else a bare number (percpu a bare list).
    for key in ("read", "preread"):
        text = text.replace(f'"{_placeholder(key)}"', f'"%({key})s"')
    return re.sub(r'"@@([a-z_]+)@@"', r"%(\1)s", text) + "\n"


def zero_sample(c: Container, os_type: bool) -> bytes:
    """What dockerd publishes for a container that is not running."""
    doc: dict[str, object] = {
        "read": ZERO_TIME,
        "preread": ZERO_TIME,
        "pids_stats": {},
        "blkio_stats": {k: None for k in _BLKIO_KEYS},
        "num_procs": 0,
        "storage_stats": {},
        "cpu_stats": _ZERO_CPU,
        "precpu_stats": _ZERO_CPU,
        "memory_stats": {},
        "name": "/" + c.name,
        "id": c.id,
    }
    if os_type:
        doc = {"os_type": "linux", **doc}
    return (json.dumps(doc, separators=(",", ":")) + "\n").encode()


class StatsSubscriber:
    """One stats request. `first` is True until it got its zero-precpu sample; `prime`
    ticks are swallowed first (plain `stream=false` primes precpu with one)."""

    def __init__(self, cid: str, *, first_zero: bool, once: bool, prime: int = 0) -> None:
        self.cid = cid
        self.first = first_zero
        self.once = once
        self.prime = prime
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=8)

    def push(self, data: bytes | None) -> None:
        if self.queue.full():
            # A slow reader loses old samples, never the newest (and never the end).
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(data)


class StatsHub:
    def __init__(self, state: SimState, interval: float) -> None:
        self.state = state
        self.interval = interval
        self.ncpu = state.config.ncpu
        self.os_type = state.profile.api_version >= (1, 52)
        self.walks: dict[str, Walk] = {}
        self.subs: dict[str, set[StatsSubscriber]] = {}
        self.templates: dict[tuple[str, str, bool], str] = {}
        self.system_cpu = int(state.now() * NS) * self.ncpu // 50
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for subs in self.subs.values():
            for s in subs:
                s.push(None)
        self.subs.clear()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time() + self.interval
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            # Fixed cadence: a late tick does not push every later tick back.
            next_at = max(next_at + self.interval, loop.time())
            self.tick()

    # ---- subscriptions -----------------------------------------------------------------

    def subscribe(
        self, cid: str, *, first_zero: bool, once: bool, prime: int = 0
    ) -> StatsSubscriber:
        sub = StatsSubscriber(cid, first_zero=first_zero, once=once, prime=prime)
        self.subs.setdefault(cid, set()).add(sub)
        return sub

    def unsubscribe(self, sub: StatsSubscriber) -> None:
        subs = self.subs.get(sub.cid)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self.subs[sub.cid]

    # ---- the walk ----------------------------------------------------------------------

    def _walk_for(self, c: Container) -> Walk:
        w = self.walks.get(c.id)
        if w is None:
            rng = random.Random(c.log_seed ^ 0x5EED)
            up = max(1.0, self.state.now() - (c.started_at or self.state.now()))
            total = int(c.stats.cpu_mean * up * NS)
            per = [total // self.ncpu] * self.ncpu
            w = Walk(
                rng=rng,
                frac=c.stats.cpu_mean,
                cpu_total=total,
                percpu=per,
                kernel=total // 5,
                user=total - total // 5,
                mem=c.stats.mem_base,
                mem_max=c.stats.mem_base,
                rx=rng.randint(10_000, 5_000_000),
                tx=rng.randint(10_000, 5_000_000),
                pids=rng.randint(1, 30),
            )
            w.rx_packets = w.rx // 700
            w.tx_packets = w.tx // 700
            w.read = self.state.now()
            w.tick = self.ticks - 1
            w.system = self.system_cpu - int(self.interval * NS) * self.ncpu
            w.prev = self._cpu_values(w, "p_")
            self.walks[c.id] = w
        return w

    def _cpu_values(self, w: Walk, prefix: str) -> dict[str, int | str]:
        return {
            prefix + "total": w.cpu_total,
            prefix + "percpu": "[" + ",".join(map(str, w.percpu)) + "]",
            prefix + "kernel": w.kernel,
            prefix + "user": w.user,
            prefix + "system": w.system,
        }

    def _advance(self, c: Container, w: Walk) -> None:
        rng = w.rng
        # Ticks nobody watched count too: the counters and `read` cover the whole gap,
        # as the cgroup counters of a real container would.
        dt = (self.ticks - w.tick) * self.interval
        w.tick = self.ticks
        w.prev = self._cpu_values(w, "p_")
        w.prev_read = w.read
        w.system = self.system_cpu
        if c.status == "running":
            mean = c.stats.cpu_mean
            w.frac += (mean - w.frac) * 0.3 + rng.gauss(0.0, mean * 0.15 + 0.001)
            w.frac = min(max(w.frac, 0.0), float(self.ncpu))
            delta = int(w.frac * dt * NS)
            w.cpu_total += delta
            share = rng.randrange(self.ncpu)
            w.percpu[share] += delta - delta // 2
            w.percpu[(share + 1) % self.ncpu] += delta // 2
            w.kernel += delta // 5
            w.user += delta - delta // 5
            limit = c.memory_limit or self.state.config.mem_total
            if c.stats.near_limit:
                w.mem = int(limit * rng.uniform(0.95, 0.995))
            else:
                w.mem = int(min(limit, max(1 << 20, w.mem + rng.gauss(0, c.stats.mem_base * 0.01))))
            w.mem_max = max(w.mem_max, w.mem)
            rx = rng.randint(0, 40_000)
            tx = rng.randint(0, 20_000)
            w.rx += rx
            w.tx += tx
            w.rx_packets += rx // 700 + 1
            w.tx_packets += tx // 700 + 1
            if rng.random() < 0.2:
                w.blk_r += rng.randint(0, 64) * 4096
                w.blk_w += rng.randint(0, 64) * 4096
        w.read += dt

    def _values(self, c: Container, w: Walk) -> dict[str, int | str]:
        limit = c.memory_limit or self.state.config.mem_total
        inactive = w.mem // (100 if c.stats.near_limit else 10)
        cache = inactive * 2
        rss = w.mem - cache
        m = dict.fromkeys(_MEM_KEYS, 0)
        m.update(
            active_anon=rss,
            total_active_anon=rss,
            rss=rss,
            total_rss=rss,
            cache=cache,
            total_cache=cache,
            active_file=cache - inactive,
            total_active_file=cache - inactive,
            inactive_file=inactive,
            total_inactive_file=inactive,
            hierarchical_memory_limit=limit,
            hierarchical_memsw_limit=limit * 2,
            pgfault=w.mem // 4096,
            total_pgfault=w.mem // 4096,
            pgpgin=w.mem // 4096,
            total_pgpgin=w.mem // 4096,
        )
        vals: dict[str, int | str] = {"m_" + k: v for k, v in m.items()}
        vals.update(self._cpu_values(w, ""))
        vals.update(w.prev)
        vals.update(
            read=rfc3339nano(w.read),
            preread=rfc3339nano(w.prev_read),
            pids=w.pids,
            blk_r=w.blk_r,
            blk_w=w.blk_w,
            blk_t=w.blk_r + w.blk_w,
            mem=w.mem,
            mem_max=w.mem_max,
            limit=limit,
            rx=w.rx,
            rxp=w.rx_packets,
            tx=w.tx,
            txp=w.tx_packets,
        )
        return vals

    def _template(self, c: Container, first: bool) -> str:
        key = (c.id, c.name, first)
        t = self.templates.get(key)
        if t is None:
            t = build_template(c, self.ncpu, first, self.os_type)
            self.templates[key] = t
        return t

    def tick(self) -> None:
        """Produce one sample for every watched container and hand it to its streams."""
        self.ticks += 1
        self.system_cpu += int(self.interval * NS) * self.ncpu
        containers = self.state.containers
        for cid, subs in list(self.subs.items()):
            c = containers.get(cid)
            if c is None:
                # Removed: dockerd ends the stream.
                for s in list(subs):
                    s.push(None)
                del self.subs[cid]
                continue
            if c.status not in ("running", "paused"):
                data = zero_sample(c, self.os_type)
                full = first = data
            else:
                w = self._walk_for(c)
                self._advance(c, w)
                vals = self._values(c, w)
                full = (self._template(c, False) % vals).encode()
                first = b""
                if any(s.first for s in subs):
                    first = (self._template(c, True) % vals).encode()
            for s in list(subs):
                if s.prime:
                    s.prime -= 1
                    continue
                s.push(first if s.first else full)
                s.first = False
                if s.once:
                    s.push(None)
                    subs.discard(s)
            if not subs:
                self.subs.pop(cid, None)
