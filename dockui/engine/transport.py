"""httpx clients for one target: a bounded pool for requests, an unbounded one for streams.

Streams (/events, /stats, logs follow, exec) live for minutes or hours; keeping them out of
the request pool means hundreds of them never make a button press wait for a connection,
and the request pool stays small (httpcore's per-request cost grows with pool size).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import httpx

from dockui.engine.errors import NotSupported, TLSError
from dockui.engine.targets import Target, TLSSettings

REST_CONNECTIONS = 16


def ssl_context(tls: TLSSettings) -> ssl.SSLContext:
    """The client TLS context: verification on unless the user chose DOCKER_TLS without verify."""
    try:
        if tls.verify:
            ctx = (
                ssl.create_default_context(cafile=tls.ca)
                if tls.ca
                else ssl.create_default_context()
            )
        else:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if tls.cert and tls.key:
            ctx.load_cert_chain(tls.cert, tls.key)
    except (OSError, ssl.SSLError) as exc:
        raise TLSError(f"cannot load TLS files: {exc}") from exc
    return ctx


@dataclass
class Pools:
    rest: httpx.AsyncClient
    streams: httpx.AsyncClient

    async def aclose(self) -> None:
        await self.rest.aclose()
        await self.streams.aclose()


def make_pools(
    target: Target, *, rest_connections: int = REST_CONNECTIONS, uds: str | None = None
) -> Pools:
    """Build the two pools for a target (no I/O happens here).

    `uds` replaces the target's address with a local socket (an ssh tunnel's end).
    """
    if target.scheme == "ssh" and uds is None:
        raise NotSupported(f"ssh target {target.url} needs its tunnel started first")
    verify: ssl.SSLContext | bool = False
    if target.scheme in ("unix", "ssh"):
        base_url = "http://docker"
        path = uds or target.address

        def transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
            # verify=False: no TLS on a local socket, and building the default SSL
            # context (loading the CA bundle) costs ~30 ms per pool at start-up.
            return httpx.AsyncHTTPTransport(uds=path, limits=limits, verify=False)
    else:
        if target.tls is not None:
            base_url = f"https://{target.address}"
            verify = ssl_context(target.tls)
        else:
            base_url = f"http://{target.address}"

        def transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
            return httpx.AsyncHTTPTransport(verify=verify, limits=limits)

    rest = httpx.AsyncClient(
        transport=transport(
            httpx.Limits(
                max_connections=rest_connections, max_keepalive_connections=rest_connections
            )
        ),
        base_url=base_url,
        timeout=httpx.Timeout(connect=5.0, read=60.0, write=60.0, pool=30.0),
        headers={"User-Agent": "dockui"},
    )
    streams = httpx.AsyncClient(
        transport=transport(httpx.Limits(max_connections=None, max_keepalive_connections=0)),
        base_url=base_url,
        # read=None: an idle /events stream may carry nothing for hours.
        timeout=httpx.Timeout(connect=5.0, read=None, write=30.0, pool=5.0),
        headers={"User-Agent": "dockui"},
    )
    return Pools(rest, streams)
