"""`python -m dockui.sim`: run a simulated engine standalone until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from .config import SimConfig
from .engine import SimEngine
from .faults import parse_spec


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dockui.sim", description="Run a simulated Docker engine."
    )
    p.add_argument("--socket", help="unix socket path to listen on")
    p.add_argument("--tcp", type=int, help="also listen on 127.0.0.1:PORT (0 = any free port)")
    p.add_argument("--containers", type=int, default=50, help="number of containers (up to 5000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--api", default="1.52", help="API version to pose as: 1.41 (20.10) .. 1.52 (29.x)"
    )
    p.add_argument(
        "--stats-interval", type=float, default=1.0, help="seconds between stats samples"
    )
    p.add_argument(
        "--log-interval", type=float, default=1.0, help="seconds between followed log lines"
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault, e.g. drop:/events:after=5, status:/containers/json:500, "
        "stall:/events:3s, garbage:/events, restart:after=10s:down=3s (repeatable)",
    )
    return p


async def amain(args: argparse.Namespace) -> int:
    if not args.socket and args.tcp is None:
        print("give --socket PATH and/or --tcp PORT", file=sys.stderr)
        return 2
    for spec in args.fault:
        parse_spec(spec)  # fail fast on a typo
    engine = SimEngine(
        SimConfig(
            containers=min(args.containers, 5000),
            seed=args.seed,
            api_version=args.api,
            stats_interval=args.stats_interval,
            log_interval=args.log_interval,
            faults=list(args.fault),
        )
    )
    await engine.start(socket_path=args.socket, tcp_port=args.tcp)
    where = [f"unix://{args.socket}"] if args.socket else []
    if engine.tcp_port is not None:
        where.append(f"tcp://127.0.0.1:{engine.tcp_port}")
    print(
        f"dockui sim: API {args.api}, {len(engine.state.containers)} containers, listening on "
        + ", ".join(where),
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await engine.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(amain(args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
