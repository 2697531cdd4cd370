"""`python -m dockui` runs the same entry point as the `dockui` console script."""

from dockui.cli import main

raise SystemExit(main())
