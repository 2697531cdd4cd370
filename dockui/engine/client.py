"""The async Docker Engine API client: one typed method per endpoint.

No Textual here. Every method maps transport and HTTP failures to EngineError
subclasses, so callers handle one family of exceptions. Streams are async iterators
that close their connection when the consumer stops iterating (or is cancelled).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

from dockui.engine.errors import (
    APIVersionError,
    EngineError,
    NotSupported,
    StreamError,
    Unreachable,
    error_for_status,
    map_transport_error,
)
from dockui.engine.models import (
    ContainerSummary,
    DiskUsage,
    Event,
    ImageSummary,
    NetworkSummary,
    Ping,
    ProgressEvent,
    PruneResult,
    VolumeSummary,
)
from dockui.engine.streams import JSONStreamDecoder, LogLine, LogLineAssembler, MuxDecoder
from dockui.engine.targets import Target
from dockui.engine.transport import Pools, make_pools

if TYPE_CHECKING:
    # Imported where used: only ssh targets need the tunnel, only exec/attach the
    # hijacked socket, and neither is needed to draw the first list.
    from dockui.engine.hijack import HijackedSocket
    from dockui.engine.ssh import SSHTunnel

_LANE_HEADERS = {"User-Agent": "dockui"}
# A one-shot sample waits for the daemon's next collection: seconds at most, but a busy
# daemon with thousands of containers can take longer; never wait forever.
_LANE_TIMEOUT = {"connect": 5.0, "read": 60.0, "write": 30.0, "pool": 5.0}

MIN_API = "1.41"  # Docker 20.10, still Debian 12's docker.io
MAX_API = "1.52"

Filters = Mapping[str, Iterable[str] | str | bool]


def version_tuple(v: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in v.strip().split("."))
    except ValueError:
        return (0,)


def negotiate(server: str, ours: str = MAX_API) -> str:
    """The lower of the server's and our maximum API version."""
    return server if version_tuple(server) < version_tuple(ours) else ours


def encode_filters(filters: Filters | None) -> str | None:
    """Filters as the engine wants them: JSON `map[string][]string`."""
    if not filters:
        return None
    out: dict[str, list[str]] = {}
    for key, value in filters.items():
        if isinstance(value, bool):
            out[key] = ["true" if value else "false"]
        elif isinstance(value, str):
            out[key] = [value]
        else:
            out[key] = [str(v) for v in value]
    return json.dumps(out, separators=(",", ":"))


def encode_auth(auth: Mapping[str, str] | None) -> str | None:
    """X-Registry-Auth: base64url of the JSON auth config."""
    if not auth:
        return None
    raw = json.dumps(dict(auth), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def since_from_nanos(time_nano: int) -> str:
    """`since=`/`until=` from an event's own timeNano (never the local clock)."""
    return f"{time_nano // 1_000_000_000}.{time_nano % 1_000_000_000:09d}"


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _params(**kw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in kw.items():
        if value is None:
            continue
        key = key.rstrip("_").replace("__", "-")
        out[key] = _flag(value) if isinstance(value, bool) else str(value)
    return out


class DockerClient:
    """Talks to one engine. Call `await connect()` (or use `async with`) before anything else."""

    def __init__(self, target: Target, *, max_api: str = MAX_API) -> None:
        self.target = target
        self.max_api = max_api
        self.api_version = ""
        self.ping_info: Ping | None = None
        self._pools: Pools | None = None
        self._tunnel: SSHTunnel | None = None

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> DockerClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def pools(self) -> Pools:
        if self._pools is None:
            self._pools = make_pools(self.target)
        return self._pools

    async def connect(self) -> Ping:
        """Ping the engine and negotiate the API version (lower of theirs and ours)."""
        if self.target.scheme == "ssh":
            await self._ensure_tunnel()
        try:
            ping = await self.ping()
        except Unreachable:
            if self._tunnel is None:
                raise
            # ssh reports a refused remote socket on stderr just after closing the
            # channel: give its reader a moment so the user gets the precise reason.
            await asyncio.sleep(0.3)
            reason = self._tunnel.remote_failure()
            if reason is None:
                raise
            raise reason from None
        if not ping.api_version:
            raise APIVersionError(
                f"the engine at {self.target.label} did not report an API version"
            )
        if version_tuple(ping.api_version) < version_tuple(MIN_API):
            raise APIVersionError(
                f"the engine at {self.target.label} speaks API {ping.api_version}; "
                f"dockui needs {MIN_API} or newer (Docker 20.10+)"
            )
        self.api_version = negotiate(ping.api_version, self.max_api)
        self.ping_info = ping
        return ping

    async def _ensure_tunnel(self) -> None:
        if self._tunnel is not None and self._tunnel.alive:
            return
        if self._pools is not None:
            await self._pools.aclose()
            self._pools = None
        if self._tunnel is not None:
            await self._tunnel.close()
        from dockui.engine.ssh import SSHTunnel

        self._tunnel = SSHTunnel(self.target)
        path = await self._tunnel.start()
        self._pools = make_pools(self.target, uds=path)

    def _transport_error(self, exc: BaseException) -> EngineError:
        if self._tunnel is not None:
            reason = self._tunnel.remote_failure()
            if reason is not None:
                return reason
        return map_transport_error(exc, self.target.label)

    async def aclose(self) -> None:
        if self._pools is not None:
            await self._pools.aclose()
            self._pools = None
        if self._tunnel is not None:
            await self._tunnel.close()
            self._tunnel = None

    @property
    def is_podman(self) -> bool:
        return bool(self.ping_info and self.ping_info.podman)

    def api_at_least(self, version: str) -> bool:
        return version_tuple(self.api_version or MIN_API) >= version_tuple(version)

    # ------------------------------------------------------------------ plumbing

    def _url(self, path: str) -> str:
        if not self.api_version:
            raise EngineError("not connected: call connect() first")
        return f"/v{self.api_version}{path}"

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "",
        versioned: bool = True,
        ok_304: bool = False,
    ) -> httpx.Response:
        url = self._url(path) if versioned else path
        try:
            resp = await self.pools.rest.request(
                method, url, params=params, json=json_body, content=content, headers=headers
            )
        except EngineError:
            raise
        except Exception as exc:
            raise self._transport_error(exc) from exc
        if resp.status_code >= 400 or (resp.status_code == 304 and not ok_304):
            raise error_for_status(resp.status_code, resp.content, what=what or f"{method} {path}")
        return resp

    async def _json(self, method: str, path: str, **kw: Any) -> Any:
        resp = await self._request(method, path, **kw)
        if not resp.content:
            return None
        try:
            return resp.json()
        except ValueError as exc:
            raise EngineError(f"the engine sent malformed JSON for {path}") from exc

    @asynccontextmanager
    async def _stream(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "",
    ) -> AsyncIterator[httpx.Response]:
        url = self._url(path)
        try:
            async with self.pools.streams.stream(
                method, url, params=params, json=json_body, content=content, headers=headers
            ) as resp:
                if resp.status_code >= 400 or resp.status_code == 304:
                    body = await resp.aread()
                    raise error_for_status(resp.status_code, body, what=what or path)
                yield resp
        except EngineError:
            raise
        except Exception as exc:
            raise self._transport_error(exc) from exc

    async def _json_stream(self, resp: httpx.Response) -> AsyncIterator[Any]:
        decoder = JSONStreamDecoder()
        try:
            async for chunk in resp.aiter_raw():
                for obj in decoder.feed(chunk):
                    yield obj
            for obj in decoder.flush():
                yield obj
        except ValueError as exc:
            raise StreamError(f"the engine sent a malformed stream: {exc}") from exc

    async def _prune(self, kind: str, key: str, filters: Filters | None) -> PruneResult:
        data = await self._json(
            "POST",
            f"/{kind}/prune",
            params=_params(filters=encode_filters(filters)),
            what=f"prune {kind}",
        )
        return PruneResult.from_api(data or {}, key)

    # ------------------------------------------------------------------ system

    async def ping(self) -> Ping:
        resp = await self._request("GET", "/_ping", versioned=False, what="ping")
        h = resp.headers
        return Ping(
            api_version=h.get("API-Version", ""),
            os_type=h.get("OSType", ""),
            server=h.get("Server", ""),
            experimental=h.get("Docker-Experimental", "").lower() == "true",
            swarm=h.get("Swarm", ""),
            builder_version=h.get("Builder-Version", ""),
            podman="Libpod-Api-Version" in h or "Libpod-Buildha-Version" in h,
        )

    async def version(self) -> dict[str, Any]:
        return await self._json("GET", "/version") or {}

    async def info(self) -> dict[str, Any]:
        return await self._json("GET", "/info") or {}

    async def df(self, types: Iterable[str] | None = None) -> DiskUsage:
        params = None
        if types and self.api_at_least("1.42"):
            params = [("type", t) for t in types]
        data = await self._json("GET", "/system/df", params=params)
        return DiskUsage.from_api(data or {})

    @asynccontextmanager
    async def open_events(
        self,
        *,
        filters: Filters | None = None,
        since: str | int | None = None,
        until: str | int | None = None,
    ) -> AsyncIterator[AsyncIterator[Event]]:
        """Subscribe, and only then hand over the iterator.

        On return from `__aenter__` the engine has answered the request, so every event
        from now on will be delivered: callers can list objects knowing nothing is missed.
        """
        params = _params(since=since, until=until, filters=encode_filters(filters))
        async with self._stream(
            "GET", "/events", params=params, headers={"Accept": "application/x-ndjson"}
        ) as resp:

            async def iterate() -> AsyncIterator[Event]:
                try:
                    async for obj in self._json_stream(resp):
                        if isinstance(obj, dict):
                            yield Event.from_api(obj)
                except EngineError:
                    raise
                except Exception as exc:
                    raise self._transport_error(exc) from exc

            yield iterate()

    async def events(
        self,
        *,
        filters: Filters | None = None,
        since: str | int | None = None,
        until: str | int | None = None,
    ) -> AsyncIterator[Event]:
        """The live event stream (finite when `until` is given)."""
        params = _params(since=since, until=until, filters=encode_filters(filters))
        async with self._stream(
            "GET", "/events", params=params, headers={"Accept": "application/x-ndjson"}
        ) as resp:
            async for obj in self._json_stream(resp):
                if isinstance(obj, dict):
                    yield Event.from_api(obj)

    # ------------------------------------------------------------------ containers

    async def containers(
        self, *, all: bool = True, filters: Filters | None = None, size: bool = False
    ) -> list[ContainerSummary]:
        data = await self._json(
            "GET",
            "/containers/json",
            params=_params(all=all, size=size or None, filters=encode_filters(filters)),
        )
        return [ContainerSummary.from_api(d) for d in data or [] if isinstance(d, dict)]

    async def create_container(
        self, config: Mapping[str, Any], *, name: str | None = None, platform: str | None = None
    ) -> str:
        """Create from a full config body (Image, Cmd, Env, HostConfig, ...); returns the id."""
        data = await self._json(
            "POST",
            "/containers/create",
            params=_params(name=name or None, platform=platform),
            json_body=dict(config),
            what="create container",
        )
        return str((data or {}).get("Id", ""))

    async def start(self, cid: str) -> None:
        await self._request("POST", f"/containers/{cid}/start", what=f"start {cid[:12]}")

    async def stop(
        self, cid: str, *, timeout: int | None = None, signal: str | None = None
    ) -> None:
        sig = signal if signal and self.api_at_least("1.42") else None
        await self._request(
            "POST",
            f"/containers/{cid}/stop",
            params=_params(t=timeout, signal=sig),
            what=f"stop {cid[:12]}",
        )

    async def restart(self, cid: str, *, timeout: int | None = None) -> None:
        await self._request(
            "POST",
            f"/containers/{cid}/restart",
            params=_params(t=timeout),
            what=f"restart {cid[:12]}",
        )

    async def kill(self, cid: str, *, signal: str = "SIGKILL") -> None:
        await self._request(
            "POST",
            f"/containers/{cid}/kill",
            params=_params(signal=signal),
            what=f"kill {cid[:12]}",
        )

    async def pause(self, cid: str) -> None:
        await self._request("POST", f"/containers/{cid}/pause", what=f"pause {cid[:12]}")

    async def unpause(self, cid: str) -> None:
        await self._request("POST", f"/containers/{cid}/unpause", what=f"unpause {cid[:12]}")

    async def remove_container(
        self, cid: str, *, force: bool = False, volumes: bool = False, link: bool = False
    ) -> None:
        await self._request(
            "DELETE",
            f"/containers/{cid}",
            params=_params(force=force, v=volumes, link=link or None),
            what=f"remove {cid[:12]}",
        )

    async def inspect_container(self, cid: str, *, size: bool = False) -> dict[str, Any]:
        return (
            await self._json("GET", f"/containers/{cid}/json", params=_params(size=size or None))
            or {}
        )

    async def rename(self, cid: str, new_name: str) -> None:
        await self._request(
            "POST",
            f"/containers/{cid}/rename",
            params={"name": new_name},
            what=f"rename {cid[:12]}",
        )

    async def wait(self, cid: str, *, condition: str = "not-running") -> int:
        async with self._stream(
            "POST", f"/containers/{cid}/wait", params={"condition": condition}
        ) as resp:
            body = await resp.aread()
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise EngineError("the engine sent malformed JSON for wait") from exc
        err = (data.get("Error") or {}).get("Message") if isinstance(data, dict) else None
        if err:
            raise EngineError(str(err))
        return int(data.get("StatusCode", -1)) if isinstance(data, dict) else -1

    async def top(self, cid: str, *, ps_args: str | None = None) -> dict[str, Any]:
        data = await self._json("GET", f"/containers/{cid}/top", params=_params(ps_args=ps_args))
        return data or {"Titles": [], "Processes": []}

    async def changes(self, cid: str) -> list[dict[str, Any]]:
        return [
            c
            for c in (await self._json("GET", f"/containers/{cid}/changes") or [])
            if isinstance(c, dict)
        ]

    async def logs(
        self,
        cid: str,
        *,
        stdout: bool = True,
        stderr: bool = True,
        tail: int | str | None = "all",
        since: str | int | float | None = None,
        until: str | int | float | None = None,
        timestamps: bool = False,
        follow: bool = False,
        tty: bool | None = None,
    ) -> AsyncIterator[list[LogLine]]:
        """Log lines in batches (one batch per chunk received), demultiplexed and joined."""
        if tty is None:
            info = await self.inspect_container(cid)
            tty = bool((info.get("Config") or {}).get("Tty"))
        params = _params(
            stdout=stdout,
            stderr=stderr,
            tail=tail,
            since=since,
            until=until,
            timestamps=timestamps,
            follow=follow,
        )
        assembler = LogLineAssembler(timestamps=timestamps)
        mux = MuxDecoder()
        async with self._stream("GET", f"/containers/{cid}/logs", params=params) as resp:
            async for chunk in resp.aiter_raw():
                batch: list[LogLine] = []
                if tty:
                    batch.extend(assembler.feed(1, chunk, framed=False))
                else:
                    for frame in mux.feed(chunk):
                        batch.extend(assembler.feed(frame.stream, frame.data))
                if batch:
                    yield batch
        rest = assembler.flush()
        if rest:
            yield rest

    async def stats(self, cid: str) -> AsyncIterator[dict[str, Any]]:
        """Raw samples, about one a second; the first has zero precpu (no CPU% yet)."""
        async with self._stream("GET", f"/containers/{cid}/stats", params={"stream": "1"}) as resp:
            async for obj in self._json_stream(resp):
                if isinstance(obj, dict):
                    yield obj

    async def stats_once(
        self, cid: str, *, one_shot: bool = False, lane: str | None = None
    ) -> dict[str, Any]:
        """One sample.

        dockerd: `stream=false` waits for two collections (about 2 s) to fill precpu;
        `one_shot=True` waits for the next collection only and carries no precpu (compute
        CPU% against your own previous sample). Podman answers both at once, without precpu.
        `lane` sends it over the named single keep-alive connection (see transport.py)
        instead of the request pool; close it with `close_stats_lane` when done.
        """
        query = "stream=0&one-shot=1" if one_shot else "stream=0"
        if lane is None:
            params = {"stream": "0"}
            if one_shot:
                params["one-shot"] = "1"
            return await self._json("GET", f"/containers/{cid}/stats", params=params) or {}
        return await self._lane_get(lane, f"/containers/{cid}/stats", query) or {}

    async def close_stats_lane(self, lane: str) -> None:
        """Close a lane's connection (an answer still pending on it is abandoned)."""
        if self._pools is not None:
            await self._pools.close_lane(lane)

    async def _lane_get(self, lane: str, path: str, query: str) -> Any:
        # The bare transport: no client-level hooks, cookies, redirects or merged
        # defaults, which is most of httpx's per-request cost for a fixed GET.
        pools = self.pools
        request = httpx.Request(
            "GET",
            f"{pools.base_url}{self._url(path)}?{query}",
            headers=_LANE_HEADERS,
            extensions={"timeout": _LANE_TIMEOUT},
        )
        try:
            resp = await pools.lane(lane).handle_async_request(request)
            try:
                body = await resp.aread()
            finally:
                await resp.aclose()
        except EngineError:
            raise
        except Exception as exc:
            raise self._transport_error(exc) from exc
        if resp.status_code >= 400:
            raise error_for_status(resp.status_code, body, what=f"GET {path}")
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError as exc:
            raise EngineError(f"the engine sent malformed JSON for {path}") from exc

    async def prune_containers(self, *, filters: Filters | None = None) -> PruneResult:
        return await self._prune("containers", "ContainersDeleted", filters)

    # ------------------------------------------------------------------ exec / attach

    async def exec_create(
        self,
        cid: str,
        cmd: list[str],
        *,
        tty: bool = True,
        stdin: bool = True,
        env: list[str] | None = None,
        workdir: str | None = None,
        user: str | None = None,
        console_size: tuple[int, int] | None = None,
        privileged: bool = False,
    ) -> str:
        body: dict[str, Any] = {
            "Cmd": cmd,
            "AttachStdin": stdin,
            "AttachStdout": True,
            "AttachStderr": True,
            "Tty": tty,
            "Privileged": privileged,
        }
        if env:
            body["Env"] = env
        if workdir:
            body["WorkingDir"] = workdir
        if user:
            body["User"] = user
        if console_size and self.api_at_least("1.42"):
            body["ConsoleSize"] = list(console_size)
        data = await self._json("POST", f"/containers/{cid}/exec", json_body=body, what="exec")
        return str((data or {}).get("Id", ""))

    async def exec_resize(self, exec_id: str, rows: int, cols: int) -> None:
        await self._request(
            "POST", f"/exec/{exec_id}/resize", params={"h": str(rows), "w": str(cols)}
        )

    async def exec_inspect(self, exec_id: str) -> dict[str, Any]:
        return await self._json("GET", f"/exec/{exec_id}/json") or {}

    async def exec_start_detached(self, exec_id: str) -> None:
        await self._request(
            "POST", f"/exec/{exec_id}/start", json_body={"Detach": True, "Tty": False}
        )

    @asynccontextmanager
    async def _hijack(
        self, path: str, *, params: Mapping[str, str] | None, body: Any, tty: bool, resize: Any
    ) -> AsyncIterator[HijackedSocket]:
        headers = {"Connection": "Upgrade", "Upgrade": "tcp"}
        async with self._stream(
            "POST", path, params=params, json_body=body, headers=headers
        ) as resp:
            ns = resp.extensions.get("network_stream")
            if resp.status_code != 101 or ns is None:
                raise NotSupported(
                    f"the engine did not upgrade {path} to a raw stream (HTTP {resp.status_code})"
                )
            from dockui.engine.hijack import HijackedSocket

            sock = HijackedSocket(ns, tty=tty, resize=resize)
            try:
                yield sock
            finally:
                await sock.aclose()

    def exec_socket(self, exec_id: str, *, tty: bool = True) -> Any:
        """`async with client.exec_socket(id) as sock:` a hijacked exec session."""

        async def resize(rows: int, cols: int) -> None:
            await self.exec_resize(exec_id, rows, cols)

        return self._hijack(
            f"/exec/{exec_id}/start",
            params=None,
            body={"Detach": False, "Tty": tty},
            tty=tty,
            resize=resize,
        )

    def attach_socket(
        self,
        cid: str,
        *,
        tty: bool,
        stdin: bool = True,
        logs: bool = False,
        detach_keys: str | None = None,
    ) -> Any:
        """`async with client.attach_socket(id, tty=...) as sock:` attach to the main process."""

        async def resize(rows: int, cols: int) -> None:
            await self.container_resize(cid, rows, cols)

        params = _params(
            stream=True,
            stdin=stdin,
            stdout=True,
            stderr=True,
            logs=logs or None,
            detachKeys=detach_keys,
        )
        return self._hijack(
            f"/containers/{cid}/attach", params=params, body=None, tty=tty, resize=resize
        )

    async def container_resize(self, cid: str, rows: int, cols: int) -> None:
        await self._request(
            "POST", f"/containers/{cid}/resize", params={"h": str(rows), "w": str(cols)}
        )

    # ------------------------------------------------------------------ images

    async def images(
        self, *, all: bool = False, filters: Filters | None = None, digests: bool = False
    ) -> list[ImageSummary]:
        data = await self._json(
            "GET",
            "/images/json",
            params=_params(
                all=all or None, digests=digests or None, filters=encode_filters(filters)
            ),
        )
        return [ImageSummary.from_api(d) for d in data or [] if isinstance(d, dict)]

    async def inspect_image(self, name: str) -> dict[str, Any]:
        return await self._json("GET", f"/images/{name}/json") or {}

    async def image_history(self, name: str) -> list[dict[str, Any]]:
        return [
            h
            for h in (await self._json("GET", f"/images/{name}/history") or [])
            if isinstance(h, dict)
        ]

    async def tag_image(self, name: str, repo: str, tag: str | None = None) -> None:
        await self._request(
            "POST", f"/images/{name}/tag", params=_params(repo=repo, tag=tag), what=f"tag {name}"
        )

    async def remove_image(
        self, name: str, *, force: bool = False, noprune: bool = False
    ) -> list[dict[str, str]]:
        data = await self._json(
            "DELETE",
            f"/images/{name}",
            params=_params(force=force, noprune=noprune),
            what=f"remove image {name}",
        )
        return [d for d in data or [] if isinstance(d, dict)]

    async def prune_images(self, *, filters: Filters | None = None) -> PruneResult:
        return await self._prune("images", "ImagesDeleted", filters)

    async def pull(
        self,
        image: str,
        *,
        tag: str | None = None,
        auth: Mapping[str, str] | None = None,
        platform: str | None = None,
    ) -> AsyncIterator[ProgressEvent]:
        """Pull progress; raises StreamError where the engine reports a failure mid-stream."""
        headers = {}
        encoded = encode_auth(auth)
        if encoded:
            headers["X-Registry-Auth"] = encoded
        params = _params(fromImage=image, tag=tag, platform=platform)
        async with self._stream(
            "POST", "/images/create", params=params, headers=headers, what=f"pull {image}"
        ) as resp:
            async for obj in self._json_stream(resp):
                if not isinstance(obj, dict):
                    continue
                event = ProgressEvent.from_api(obj)
                if event.error:
                    raise StreamError(event.error)
                yield event

    async def import_image(
        self, tar: bytes, *, repo: str, tag: str = "latest", changes: list[str] | None = None
    ) -> str:
        """Create an image from a rootfs tarball (`docker import`); returns the new image id."""
        params: list[tuple[str, str]] = [("fromSrc", "-"), ("repo", repo), ("tag", tag)]
        params += [("changes", c) for c in changes or []]
        last = ""
        async with self._stream(
            "POST",
            "/images/create",
            params=params,
            content=tar,
            headers={"Content-Type": "application/x-tar"},
            what=f"import {repo}:{tag}",
        ) as resp:
            async for obj in self._json_stream(resp):
                event = ProgressEvent.from_api(obj) if isinstance(obj, dict) else None
                if event and event.error:
                    raise StreamError(event.error)
                if event and event.status:
                    last = event.status
        return last

    async def build(
        self,
        context_tar: bytes,
        *,
        tag: str | None = None,
        dockerfile: str | None = None,
        buildargs: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        nocache: bool = False,
        pull: bool = False,
        rm: bool = True,
        target: str | None = None,
        platform: str | None = None,
        registry_config: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[ProgressEvent]:
        """The legacy builder's output; raises StreamError where a step fails."""
        params = _params(
            t=tag,
            dockerfile=dockerfile,
            nocache=nocache or None,
            pull=pull or None,
            rm=rm,
            forcerm=rm,
            target=target,
            platform=platform,
            buildargs=json.dumps(dict(buildargs)) if buildargs else None,
            labels=json.dumps(dict(labels)) if labels else None,
        )
        headers = {"Content-Type": "application/x-tar"}
        if registry_config:
            headers["X-Registry-Config"] = base64.urlsafe_b64encode(
                json.dumps(dict(registry_config)).encode()
            ).decode()
        async with self._stream(
            "POST", "/build", params=params, content=context_tar, headers=headers, what="build"
        ) as resp:
            async for obj in self._json_stream(resp):
                if not isinstance(obj, dict):
                    continue
                event = ProgressEvent.from_api(obj)
                if event.error:
                    raise StreamError(event.error)
                yield event

    # ------------------------------------------------------------------ networks

    async def networks(self, *, filters: Filters | None = None) -> list[NetworkSummary]:
        data = await self._json("GET", "/networks", params=_params(filters=encode_filters(filters)))
        return [NetworkSummary.from_api(d) for d in data or [] if isinstance(d, dict)]

    async def inspect_network(self, nid: str) -> NetworkSummary:
        return NetworkSummary.from_api(await self._json("GET", f"/networks/{nid}") or {})

    async def create_network(
        self,
        name: str,
        *,
        driver: str = "bridge",
        internal: bool = False,
        attachable: bool = False,
        labels: Mapping[str, str] | None = None,
        options: Mapping[str, str] | None = None,
        subnet: str | None = None,
        gateway: str | None = None,
        ip_range: str | None = None,
        enable_ipv6: bool = False,
    ) -> str:
        body: dict[str, Any] = {
            "Name": name,
            "Driver": driver,
            "Internal": internal,
            "Attachable": attachable,
            "Labels": dict(labels or {}),
            "Options": dict(options or {}),
        }
        if enable_ipv6:
            body["EnableIPv6"] = True
        if subnet or gateway or ip_range:
            pool = {
                k: v
                for k, v in (("Subnet", subnet), ("Gateway", gateway), ("IPRange", ip_range))
                if v
            }
            body["IPAM"] = {"Driver": "default", "Config": [pool]}
        if not self.api_at_least("1.44"):
            body["CheckDuplicate"] = True
        data = await self._json(
            "POST", "/networks/create", json_body=body, what=f"create network {name}"
        )
        return str((data or {}).get("Id", ""))

    async def connect_network(
        self,
        nid: str,
        container: str,
        *,
        ipv4: str | None = None,
        aliases: list[str] | None = None,
    ) -> None:
        endpoint: dict[str, Any] = {}
        if ipv4:
            endpoint["IPAMConfig"] = {"IPv4Address": ipv4}
        if aliases:
            endpoint["Aliases"] = aliases
        await self._request(
            "POST",
            f"/networks/{nid}/connect",
            json_body={"Container": container, "EndpointConfig": endpoint},
            what="connect network",
        )

    async def disconnect_network(self, nid: str, container: str, *, force: bool = False) -> None:
        await self._request(
            "POST",
            f"/networks/{nid}/disconnect",
            json_body={"Container": container, "Force": force},
            what="disconnect network",
        )

    async def remove_network(self, nid: str) -> None:
        await self._request("DELETE", f"/networks/{nid}", what=f"remove network {nid[:12]}")

    async def prune_networks(self, *, filters: Filters | None = None) -> PruneResult:
        return await self._prune("networks", "NetworksDeleted", filters)

    # ------------------------------------------------------------------ volumes

    async def volumes(self, *, filters: Filters | None = None) -> list[VolumeSummary]:
        data = await self._json("GET", "/volumes", params=_params(filters=encode_filters(filters)))
        vols = (data or {}).get("Volumes") if isinstance(data, dict) else None
        return [VolumeSummary.from_api(v) for v in vols or [] if isinstance(v, dict)]

    async def create_volume(
        self,
        name: str | None = None,
        *,
        driver: str = "local",
        driver_opts: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> VolumeSummary:
        body: dict[str, Any] = {
            "Driver": driver,
            "DriverOpts": dict(driver_opts or {}),
            "Labels": dict(labels or {}),
        }
        if name:
            body["Name"] = name
        data = await self._json(
            "POST", "/volumes/create", json_body=body, what=f"create volume {name or ''}".strip()
        )
        return VolumeSummary.from_api(data or {})

    async def inspect_volume(self, name: str) -> VolumeSummary:
        return VolumeSummary.from_api(await self._json("GET", f"/volumes/{name}") or {})

    async def remove_volume(self, name: str, *, force: bool = False) -> None:
        await self._request(
            "DELETE",
            f"/volumes/{name}",
            params=_params(force=force or None),
            what=f"remove volume {name}",
        )

    async def prune_volumes(
        self, *, filters: Filters | None = None, include_named: bool = False
    ) -> PruneResult:
        """Prune unused volumes. Below API 1.42 the engine removes named ones too, always."""
        f = dict(filters or {})
        if include_named and self.api_at_least("1.42"):
            f["all"] = "true"
        return await self._prune("volumes", "VolumesDeleted", f)

    async def prune_build_cache(self, *, all: bool = False) -> PruneResult:
        data = await self._json(
            "POST", "/build/prune", params=_params(all=all or None), what="prune build cache"
        )
        return PruneResult.from_api(data or {}, "CachesDeleted")
