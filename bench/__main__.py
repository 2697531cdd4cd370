"""`python -m bench` (`make bench`): run every benchmark in bench/ that defines `main()`.

Each runs in its own Python process, as `python -m bench.NAME` would: run in one process,
a later benchmark inherited the memory and garbage of the earlier ones (log_follow's RSS
read 165 MB instead of 60, and its key latency caught their collections). Each prints its
figures next to its budget; the exit status is non-zero when any benchmark failed or went
over budget. `python -m bench NAME ...` runs only those.
"""

from __future__ import annotations

import pkgutil
import subprocess
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
        print(f"== bench.{name}", flush=True)
        start = time.monotonic()
        status = subprocess.call([sys.executable, "-m", f"bench.{name}"])
        print(f"   ({time.monotonic() - start:.1f} s)", flush=True)
        if status:
            failed.append(name)
    if failed:
        print("over budget or failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
