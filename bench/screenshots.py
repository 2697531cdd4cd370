"""`make screenshots`: SVGs of each pane on the simulator with a frozen clock, plus PNGs
when `rsvg-convert` is installed (it aligns columns; see notes/textual.md section 6).

    python -m bench.screenshots [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from dockui.engine import DockerClient, parse_host
from dockui.sim import FrozenClock, SimConfig, SimEngine
from dockui.state.model import EngineModel
from dockui.ui.app import DockuiApp

PANES = {"1": "containers", "2": "images", "3": "networks", "4": "volumes"}


async def shoot(out: Path) -> list[Path]:
    tmp = tempfile.mkdtemp(prefix="dshot-", dir="/tmp")
    clock = FrozenClock()
    engine = SimEngine(
        SimConfig(containers=40, seed=7, clock=clock, stats_interval=3600, log_interval=3600)
    )
    await engine.start(socket_path=f"{tmp}/s.sock")
    made: list[Path] = []
    try:
        target = replace(parse_host(f"unix://{tmp}/s.sock"), name="demo engine")
        model = EngineModel(DockerClient(target))
        app = DockuiApp(model=model, stats=False, now=clock.now, demo=False)
        async with app.run_test(size=(150, 42)) as pilot:
            await asyncio.wait_for(model.synced.wait(), 10)
            for key, name in PANES.items():
                await pilot.press(key)
                await pilot.pause(0.5)
                path = out / f"{name}.svg"
                app.save_screenshot(path.name, path=str(out))
                made.append(path)
    finally:
        await engine.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return made


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.screenshots", description=__doc__)
    p.add_argument("--out", default="screenshots")
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    svgs = asyncio.run(shoot(out))
    converter = shutil.which("rsvg-convert")
    for svg in svgs:
        print(svg)
        if converter:
            png = svg.with_suffix(".png")
            subprocess.run([converter, "-w", "1600", str(svg), "-o", str(png)], check=True)
            print(png)
    if not converter:
        print("rsvg-convert not found: SVGs only (apt-get install librsvg2-bin for PNGs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
