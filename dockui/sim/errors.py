"""The error type that handlers raise to produce dockerd-style error responses."""

from __future__ import annotations


class SimError(Exception):
    """An API error: HTTP status plus the engine's message, sent as {"message": ...}."""

    def __init__(self, status: int, message: str, *, plain: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        # The "client version too old" answer is plain text on real engines.
        self.plain = plain


class NotModified(Exception):
    """A 304 with an empty body (start of a running container, stop of a stopped one)."""


def no_such_container(ref: str) -> SimError:
    return SimError(404, f"No such container: {ref}")


def no_such_image(ref: str) -> SimError:
    return SimError(404, f"No such image: {ref}")


def no_such_network(ref: str) -> SimError:
    return SimError(404, f"network {ref} not found")


def no_such_volume(ref: str) -> SimError:
    return SimError(404, f"get {ref}: no such volume")


def no_such_exec(ref: str) -> SimError:
    return SimError(404, f"No such exec instance: {ref}")
