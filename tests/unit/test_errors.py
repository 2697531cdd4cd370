"""Error mapping, and the client's request plumbing through httpx.MockTransport.

The engine answers below are the ones measured on dockerd 20.10 (docker-api notes §2, §7
and §9); the client is a real DockerClient whose httpx pools are swapped for a mock.
"""

from __future__ import annotations

import base64
import errno
import json
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from dockui.engine.client import MAX_API, DockerClient
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
    error_for_status,
    map_transport_error,
    message_from_body,
)
from dockui.engine.targets import parse_host
from dockui.engine.transport import Pools

# ------------------------------------------------------------------ HTTP status mapping


def test_json_message_is_kept_verbatim() -> None:
    err = error_for_status(404, b'{"message":"No such container: abc"}')
    assert isinstance(err, NotFound)
    assert (err.status, err.message, str(err)) == (404, "No such container: abc", err.message)


def test_plain_text_too_old_is_an_api_version_error() -> None:
    body = (
        b"client version 1.11 is too old. Minimum supported API version is 1.12, "
        b"please upgrade your client to a newer version\n"
    )
    err = error_for_status(400, body)
    assert isinstance(err, APIVersionError)
    assert err.message.startswith("client version 1.11 is too old")
    assert err.status == 400


def test_json_too_new_is_an_api_version_error() -> None:
    body = b'{"message":"client version 1.99 is too new. Maximum supported API version is 1.41"}'
    assert isinstance(error_for_status(400, body), APIVersionError)


def test_304_with_empty_body() -> None:
    err = error_for_status(304, b"", what="start abc")
    assert isinstance(err, NotModified)
    assert err.status == 304
    assert "already" in err.message and "start abc" in err.message


@pytest.mark.parametrize(
    ("status", "message", "cls"),
    [
        (
            400,
            "Invalid container name (x y), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
            BadRequest,
        ),
        (403, "error while removing network: net1 has active endpoints", Forbidden),
        (404, "No such image: nope:latest", NotFound),
        (409, "You cannot remove a running container abc. Stop the container", Conflict),
        (500, "Container abc is not paused", ServerError),
        (503, 'This node is not a swarm manager. Use "docker swarm init"', NotSupported),
        (503, "service unavailable", ServerError),
        (502, "bad gateway", ServerError),
    ],
)
def test_status_classes(status: int, message: str, cls: type[EngineError]) -> None:
    err = error_for_status(status, json.dumps({"message": message}).encode())
    assert type(err) is cls
    assert err.message == message
    assert err.status == status


def test_unknown_4xx_is_a_plain_engine_error_with_status() -> None:
    err = error_for_status(418, b"")
    assert type(err) is EngineError
    assert err.status == 418
    assert "HTTP 418" in err.message


def test_message_from_body_shapes() -> None:
    podman = b'{"cause":"no such container","message":"no container with name x","response":404}'
    assert message_from_body(podman) == "no container with name x"
    assert message_from_body(b'{"cause":"only a cause"}') == "only a cause"
    assert message_from_body(b"[1, 2]") == "[1, 2]"
    assert message_from_body(b"  \n") == ""
    assert message_from_body(b"bad \xff bytes") == "bad \ufffd bytes"
    assert message_from_body(b'{"message": 42}') == '{"message": 42}'


# ------------------------------------------------------------------ transport failures


async def _real_connect_error(path: Path) -> httpx.ConnectError:
    async with httpx.AsyncClient(
        transport=httpx.AsyncHTTPTransport(uds=str(path)), base_url="http://docker"
    ) as client:
        with pytest.raises(httpx.ConnectError) as info:
            await client.get("/_ping")
    return info.value


async def test_missing_socket_is_unreachable(tmp_path: Path) -> None:
    exc = await _real_connect_error(tmp_path / "docker.sock")
    err = map_transport_error(exc, "unix:///x/docker.sock")
    assert type(err) is Unreachable
    assert "does not exist" in err.message
    assert "start dockerd" in err.hint


async def test_refused_socket_is_unreachable(tmp_path: Path) -> None:
    path = tmp_path / "dead.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))  # bound but never listening: connect() gets ECONNREFUSED
    try:
        exc = await _real_connect_error(path)
    finally:
        sock.close()
    err = map_transport_error(exc, "unix:///dead.sock")
    assert type(err) is Unreachable
    assert "connection refused" in err.message


def _chained(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


def test_permission_denied_hints_at_docker_group() -> None:
    # As root the real EACCES cannot be provoked; this is the chain httpx builds.
    exc = _chained(
        httpx.ConnectError("[Errno 13] Permission denied"),
        PermissionError(errno.EACCES, "Permission denied"),
    )
    err = map_transport_error(exc, "unix:///var/run/docker.sock")
    assert isinstance(err, PermissionDenied)
    assert isinstance(err, Unreachable)  # callers that only know Unreachable still retry
    assert "docker" in err.hint and "group" in err.hint
    assert "docker' group" in str(err)


def test_errno_found_in_args_and_context() -> None:
    in_args = httpx.ConnectError("x")
    in_args.args = ("x", OSError(errno.ECONNREFUSED, "refused"))
    assert "connection refused" in map_transport_error(in_args, "t").message
    ctx = httpx.ConnectError("y")
    ctx.__context__ = FileNotFoundError(errno.ENOENT, "nope")
    assert "does not exist" in map_transport_error(ctx, "t").message


def test_ssl_errors_are_tls_errors() -> None:
    err = map_transport_error(ssl.SSLError(1, "SSLV3_ALERT_BAD_CERTIFICATE"), "tcp://h:2376")
    assert isinstance(err, TLSError)
    assert "refused our TLS client certificate" in err.message
    assert "DOCKER_CERT_PATH" in err.message
    verify = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    assert isinstance(map_transport_error(verify, "tcp://h:2376"), TLSError)
    chained = _chained(httpx.ReadError("boom"), ssl.SSLError(1, "bad record"))
    assert isinstance(map_transport_error(chained, "tcp://h:2376"), TLSError)


@pytest.mark.parametrize(
    "exc",
    [httpx.ReadTimeout("t"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("t")],
    ids=lambda e: type(e).__name__,
)
def test_timeouts(exc: Exception) -> None:
    err = map_transport_error(exc, "tcp://h:2375")
    assert type(err) is Unreachable
    assert "did not answer in time" in err.message
    assert type(exc).__name__ in err.message


def test_lost_connection() -> None:
    err = map_transport_error(httpx.RemoteProtocolError("Server disconnected"), "unix:///s")
    assert type(err) is Unreachable
    assert "lost the connection" in err.message


def test_passthrough_and_unexpected() -> None:
    nf = NotFound("No such container: x")
    assert map_transport_error(nf, "t") is nf
    err = map_transport_error(RuntimeError("weird"), "t")
    assert type(err) is EngineError
    assert "weird" in err.message


# ------------------------------------------------------------------ client over MockTransport

Handler = Callable[[httpx.Request], httpx.Response]


class ChunkedBody(httpx.AsyncByteStream):
    """A streamed body in small pieces, as a socket delivers it (a `content=` body would
    be pre-read by httpx, and the client reads streams raw)."""

    def __init__(self, body: bytes, size: int = 7) -> None:
        self._chunks = [body[i : i + size] for i in range(0, len(body), size)]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def streamed(body: bytes) -> httpx.Response:
    return httpx.Response(200, stream=ChunkedBody(body))


def mock_client(handler: Handler) -> DockerClient:
    client = DockerClient(parse_host("unix:///var/run/docker.sock"))

    def pool() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://docker")

    client._pools = Pools(pool(), pool())
    return client


def ping_handler(api: str | None, routes: dict[str, Any] | None = None) -> Handler:
    """An engine that pings with `api` and answers JSON `routes` by path (unversioned)."""

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/_ping":
            headers = {"OSType": "linux", "Server": "Docker/20.10.24 (linux)"}
            if api:
                headers["API-Version"] = api
            return httpx.Response(200, text="OK", headers=headers)
        bare = "/" + path.split("/", 2)[2]
        if routes and bare in routes:
            answer = routes[bare]
            if callable(answer):
                return answer(request)
            return httpx.Response(200, json=answer)
        return httpx.Response(404, json={"message": "page not found"})

    return handler


@pytest.mark.parametrize(
    ("server", "expected"),
    [("1.41", "1.41"), ("1.45", "1.45"), ("1.52", "1.52"), ("1.56", MAX_API), ("2.0", MAX_API)],
)
async def test_version_negotiation(server: str, expected: str) -> None:
    client = mock_client(ping_handler(server))
    ping = await client.connect()
    assert ping.api_version == server
    assert client.api_version == expected
    await client.aclose()


@pytest.mark.parametrize("server", ["1.40", "1.24", None])
async def test_too_old_or_missing_version_is_refused(server: str | None) -> None:
    client = mock_client(ping_handler(server))
    with pytest.raises(APIVersionError):
        await client.connect()
    await client.aclose()


async def test_calls_before_connect_fail_clearly() -> None:
    client = mock_client(ping_handler("1.41"))
    with pytest.raises(EngineError, match="not connected"):
        await client.containers()
    await client.aclose()


async def test_path_prefix_and_filters() -> None:
    seen: list[httpx.Request] = []

    def containers(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    client = mock_client(ping_handler("1.45", {"/containers/json": containers}))
    await client.connect()
    await client.containers(
        filters={"label": ["dockui.test=1", "tier"], "status": "running", "dangling": True}
    )
    [req] = seen
    assert req.url.path == "/v1.45/containers/json"
    assert req.url.params["all"] == "1"
    assert json.loads(req.url.params["filters"]) == {
        "label": ["dockui.test=1", "tier"],
        "status": ["running"],
        "dangling": ["true"],
    }
    await client.aclose()


async def test_http_errors_come_back_as_engine_errors() -> None:
    def conflict(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"message": "You cannot remove a running container"})

    def not_modified(request: httpx.Request) -> httpx.Response:
        return httpx.Response(304)

    client = mock_client(
        ping_handler("1.41", {"/containers/abc": conflict, "/containers/abc/start": not_modified})
    )
    await client.connect()
    with pytest.raises(Conflict, match="running container"):
        await client.remove_container("abc")
    with pytest.raises(NotModified):
        await client.start("abc")
    with pytest.raises(NotFound, match="page not found"):
        await client.inspect_container("missing")
    await client.aclose()


async def test_transport_failure_through_client() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise _chained(httpx.ConnectError("nope"), ConnectionRefusedError(errno.ECONNREFUSED, "x"))

    client = mock_client(down)
    with pytest.raises(Unreachable, match="connection refused"):
        await client.connect()
    await client.aclose()


async def test_pull_sends_base64url_auth_and_raises_stream_error_mid_stream() -> None:
    seen: list[httpx.Request] = []
    lines = [
        {"status": "Pulling from library/nginx", "id": "latest"},
        {"status": "Downloading", "progressDetail": {"current": 10, "total": 100}, "id": "l1"},
        {"errorDetail": {"message": "unauthorized: authentication required"}, "error": "x"},
        {"status": "never reached"},
    ]

    def create(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = "".join(json.dumps(line) + "\n" for line in lines)
        return streamed(body.encode())

    # A password whose standard base64 has '+' and '/', so base64url is actually tested.
    auth = {"username": "me", "password": "~~~???>>>", "serveraddress": "registry.example"}
    raw = json.dumps(auth, separators=(",", ":")).encode()
    assert set(base64.b64encode(raw).decode()) & {"+", "/"}

    client = mock_client(ping_handler("1.41", {"/images/create": create}))
    await client.connect()
    got = []
    with pytest.raises(StreamError, match="unauthorized: authentication required"):
        async for event in client.pull("nginx", tag="latest", auth=auth):
            got.append(event)
    assert [e.status for e in got] == ["Pulling from library/nginx", "Downloading"]
    assert (got[1].current, got[1].total) == (10, 100)
    [req] = seen
    header = req.headers["X-Registry-Auth"]
    assert not set(header) & {"+", "/"}
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))) == auth
    assert (req.url.params["fromImage"], req.url.params["tag"]) == ("nginx", "latest")
    await client.aclose()


async def test_pull_without_auth_sends_no_header() -> None:
    seen: list[httpx.Request] = []

    def create(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return streamed(b'{"status":"Image is up to date"}\n')

    client = mock_client(ping_handler("1.41", {"/images/create": create}))
    await client.connect()
    assert [e.status async for e in client.pull("busybox")] == ["Image is up to date"]
    assert "X-Registry-Auth" not in seen[0].headers
    await client.aclose()


async def test_malformed_stream_is_a_stream_error() -> None:
    def create(request: httpx.Request) -> httpx.Response:
        return streamed(b'{"status":"ok"}\n<html>proxy error</html>\n')

    client = mock_client(ping_handler("1.41", {"/images/create": create}))
    await client.connect()
    with pytest.raises(StreamError, match="malformed"):
        async for _ in client.pull("busybox"):
            pass
    await client.aclose()


async def test_null_fields_in_list_answers() -> None:
    routes = {
        "/containers/json": [
            {
                "Id": "c" * 64,
                "Names": None,
                "Image": None,
                "Ports": None,
                "Labels": None,
                "NetworkSettings": None,
                "State": None,
                "Status": None,
                "Created": None,
            },
            {"Id": "d" * 64},
            "not an object",
        ],
        "/images/json": [
            {
                "Id": "sha256:" + "e" * 64,
                "RepoTags": None,
                "RepoDigests": None,
                "Labels": None,
                "Containers": -1,
                "SharedSize": -1,
                "Size": None,
            }
        ],
        "/networks": [{"Name": "n", "IPAM": {"Config": None}, "Containers": None, "Labels": None}],
        "/volumes": {"Volumes": None, "Warnings": None},
    }
    client = mock_client(ping_handler("1.41", routes))
    await client.connect()
    containers = await client.containers()
    assert [c.name for c in containers] == ["c" * 12, "d" * 12]
    assert containers[0].ports == () and containers[0].labels == {}
    assert containers[0].health == "" and not containers[0].running
    [image] = await client.images()
    assert image.dangling and image.containers == -1 and image.labels == {}
    assert image.ref == "<none>:<none>"
    [net] = await client.networks()
    assert net.subnets == () and net.containers == {}
    assert await client.volumes() == []
    await client.aclose()


async def test_empty_list_answers_are_empty() -> None:
    routes = {"/containers/json": None, "/images/json": [], "/networks": None, "/volumes": {}}

    def null_body(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"null")

    routes["/containers/json"] = null_body
    client = mock_client(ping_handler("1.41", routes))
    await client.connect()
    assert await client.containers() == []
    assert await client.images() == []
    assert await client.volumes() == []
    await client.aclose()
