"""Command line entry point: parse flags the way the docker CLI names them, then run the app.

`--demo` runs the app on the built-in simulated engine, started in-process on a temporary
socket, with a DEMO badge in the header.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dockui", description="A terminal dashboard for Docker.")
    p.add_argument(
        "-H",
        "--host",
        action="append",
        dest="hosts",
        metavar="HOST",
        help="engine to connect to (unix:///path, tcp://host:port); repeatable",
    )
    p.add_argument(
        "--tlsverify",
        action="store_true",
        default=None,
        help="use TLS and verify the remote (also DOCKER_TLS_VERIFY)",
    )
    p.add_argument(
        "--tls",
        action="store_true",
        default=None,
        help="use TLS without verifying the remote (also DOCKER_TLS)",
    )
    p.add_argument("--tlscacert", metavar="FILE", help="trust certs signed only by this CA")
    p.add_argument("--tlscert", metavar="FILE", help="TLS client certificate")
    p.add_argument("--tlskey", metavar="FILE", help="TLS client key")
    p.add_argument("--context", metavar="NAME", help="docker context(s) to use, comma-separated")
    p.add_argument("--demo", action="store_true", help="run on a built-in simulated engine")
    p.add_argument("--read-only", action="store_true", help="hide and refuse every write action")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.version:
        from dockui import __version__

        print(f"dockui {__version__}")
        return 0
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        # Over `ssh host dockui` without -t there is no terminal to draw on.
        print("dockui: needs a terminal (over ssh, use `ssh -t`)", file=sys.stderr)
        return 2
    targets = []
    if not args.demo:
        from dockui.engine.targets import TargetError, resolve_targets

        try:
            targets = resolve_targets(
                args.hosts,
                tlsverify=args.tlsverify,
                tls=args.tls,
                cacert=args.tlscacert,
                cert=args.tlscert,
                key=args.tlskey,
                context=args.context,
            )
        except (TargetError, OSError) as exc:
            print(f"dockui: {exc}", file=sys.stderr)
            return 2
    from dockui.ui.app import DockuiApp

    DockuiApp(targets, read_only=args.read_only, demo=args.demo).run()
    return 0
