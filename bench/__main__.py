"""`python -m bench` (`make bench`): run every benchmark in bench/ that defines `main()`.

Each prints its figures next to its budget; the exit status is non-zero when any
benchmark failed or went over budget. `python -m bench NAME ...` runs only those.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import time
from pathlib import Path

SKIP = {"__main__", "screenshots"}


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in SKIP)


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or discover()
    failed: list[str] = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        entry = getattr(module, "main", None)
        if not callable(entry):
            continue
        print(f"== bench.{name}", flush=True)
        start = time.monotonic()
        try:
            # Older benchmarks take no argv; newer ones take argv (empty: defaults).
            takes_argv = bool(inspect.signature(entry).parameters)
            status = entry([]) if takes_argv else entry()
        except Exception as exc:  # one broken benchmark must not hide the others
            print(f"   failed: {exc!r}")
            status = 1
        print(f"   ({time.monotonic() - start:.1f} s)", flush=True)
        if status:
            failed.append(name)
    if failed:
        print("over budget or failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
