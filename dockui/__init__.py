"""dockui: a keyboard-first terminal dashboard for the Docker Engine API."""

__version__ = "0.1.0"
