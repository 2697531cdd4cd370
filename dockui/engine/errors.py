"""Errors raised by the engine client: one class per kind of failure a user can act on.

Every error carries the engine's own message (or the transport's), so the UI can show
one clear sentence instead of a traceback.
"""

from __future__ import annotations

import errno
import json
import ssl

import httpx


class EngineError(Exception):
    """Base of every error the engine client raises."""

    status: int | None = None

    def __init__(self, message: str, *, status: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class NotModified(EngineError):
    """304: the object is already in the requested state (start a running container)."""

    status = 304


class BadRequest(EngineError):
    """400: the engine refused the parameters."""

    status = 400


class Forbidden(EngineError):
    """403: e.g. removing a network that still has endpoints."""

    status = 403


class NotFound(EngineError):
    """404: no such container, image, network, volume or route."""

    status = 404


class Conflict(EngineError):
    """409: the object's state forbids the action (remove a running container)."""

    status = 409


class ServerError(EngineError):
    """5xx: the engine failed; its message usually says why."""

    status = 500


class NotSupported(EngineError):
    """The engine or this target cannot do what was asked (swarm on a worker, ...)."""


class APIVersionError(EngineError):
    """The engine's API version is outside the range dockui speaks."""


class Unreachable(EngineError):
    """No engine answered at the target, or the connection was lost."""


class PermissionDenied(Unreachable):
    """The socket exists but this user may not open it."""


class TLSError(Unreachable):
    """The TLS handshake failed (certificate refused, unknown CA, plain HTTP to TLS)."""


class StreamError(EngineError):
    """An error object arrived inside a 200 stream (pull, build) or the stream broke."""


_BY_STATUS: dict[int, type[EngineError]] = {
    304: NotModified,
    400: BadRequest,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}


def message_from_body(body: bytes) -> str:
    """The engine's message from an error body: JSON `message`, else the plain text."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict):
        msg = data.get("message") or data.get("cause")
        if isinstance(msg, str):
            return msg.strip()
    return text


def error_for_status(status: int, body: bytes, *, what: str = "") -> EngineError:
    """Map an HTTP error answer to the matching EngineError subclass."""
    message = message_from_body(body) or f"{what or 'request'} failed with HTTP {status}"
    if (
        status == 400
        and "client version" in message
        and ("too old" in message or "too new" in message)
    ):
        return APIVersionError(message, status=status)
    if status == 503 and "swarm" in message.lower():
        return NotSupported(message, status=status)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else EngineError
    if status == 304 and not message_from_body(body):
        message = f"{what or 'object'}: nothing to do, it is already in that state"
    return cls(message, status=status)


def _errno_of(exc: BaseException) -> int | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError) and cur.errno is not None:
            return cur.errno
        for arg in getattr(cur, "args", ()):
            if isinstance(arg, OSError) and arg.errno is not None:
                return arg.errno
        cur = cur.__cause__ or cur.__context__
    return None


def _has_ssl_cause(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError):
            return True
        cur = cur.__cause__ or cur.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc) or "SSL" in str(exc)


def _tls_sentence(reason: str, target: str) -> str:
    up = reason.upper()
    if "BAD_CERTIFICATE" in up or "CERTIFICATE_REQUIRED" in up or "UNKNOWN_CA" in up:
        return (
            f"the engine at {target} refused our TLS client certificate (or none was given): "
            "pass --tlscert/--tlskey, or set DOCKER_CERT_PATH to a folder with cert.pem and key.pem"
        )
    if "CERTIFICATE_VERIFY_FAILED" in up:
        return (
            f"the engine at {target} presented a certificate we do not trust: "
            "pass its CA with --tlscacert, or put ca.pem in DOCKER_CERT_PATH"
        )
    if "WRONG_VERSION_NUMBER" in up or "HTTP_REQUEST" in up:
        return (
            f"{target} does not speak TLS on that port: use tcp:// without --tls, or fix the port"
        )
    return f"TLS with {target} failed: check --tlscacert/--tlscert/--tlskey or DOCKER_CERT_PATH"


def map_transport_error(exc: BaseException, target: str) -> EngineError:
    """Turn an httpx/ssl/OS failure into one sentence that says what to do."""
    if isinstance(exc, EngineError):
        return exc
    if isinstance(exc, ssl.SSLError) or (
        isinstance(exc, httpx.TransportError) and _has_ssl_cause(exc)
    ):
        reason = str(getattr(exc, "reason", None) or str(exc) or type(exc).__name__)
        return TLSError(_tls_sentence(reason, target), hint=f"OpenSSL said {reason}")
    code = _errno_of(exc)
    if code in (errno.EACCES, errno.EPERM):
        return PermissionDenied(
            f"permission denied opening {target}",
            hint="add your user to the 'docker' group (then log in again) or run with sudo",
        )
    if code == errno.ENOENT:
        return Unreachable(
            f"no Docker engine at {target}: the socket does not exist",
            hint="start dockerd, or point DOCKER_HOST / -H at a running engine",
        )
    if code == errno.ECONNREFUSED:
        return Unreachable(
            f"no Docker engine at {target}: connection refused",
            hint="start dockerd, or check the host and port",
        )
    if isinstance(exc, httpx.TimeoutException):
        return Unreachable(f"the engine at {target} did not answer in time ({type(exc).__name__})")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Unreachable(f"lost the connection to the engine at {target}: {exc or 'closed'}")
    if isinstance(exc, httpx.HTTPError | OSError):
        detail = str(exc) or type(exc).__name__
        return Unreachable(f"cannot reach the engine at {target}: {detail}")
    return EngineError(f"unexpected failure talking to {target}: {exc!r}")
