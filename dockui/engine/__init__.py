"""The async Docker Engine API client (httpx, no Textual): targets, transport, endpoints,
stream decoders, stats math, errors and models."""

from dockui.engine.client import MAX_API, MIN_API, DockerClient
from dockui.engine.errors import (
    APIVersionError,
    BadRequest,
    Conflict,
    EngineError,
    Forbidden,
    NotFound,
    NotModified,
    NotSupported,
    PermissionDenied,
    ServerError,
    StreamError,
    TLSError,
    Unreachable,
)
from dockui.engine.targets import Target, TargetError, TLSSettings, parse_host, resolve_targets

__all__ = [
    "MAX_API",
    "MIN_API",
    "APIVersionError",
    "BadRequest",
    "Conflict",
    "DockerClient",
    "EngineError",
    "Forbidden",
    "NotFound",
    "NotModified",
    "NotSupported",
    "PermissionDenied",
    "ServerError",
    "StreamError",
    "TLSError",
    "TLSSettings",
    "Target",
    "TargetError",
    "Unreachable",
    "parse_host",
    "resolve_targets",
]
