"""httpx clients for one target: a bounded pool for requests, an unbounded one for streams,
and single-connection "lanes" for periodic one-shot stats.

Streams (/events, /stats, logs follow, exec) live for minutes or hours; keeping them out of
the request pool means hundreds of them never make a button press wait for a connection,
and the request pool stays small (httpcore's per-request cost grows with pool size).

Lanes: the stats hub samples dozens of rows with one-shot requests that each wait about a
second for the daemon's collector. In one shared pool those waiters make httpcore scan
every connection against every queued request on each event: measured 4.7 ms of client
CPU per request with 48 rows in flight, against 0.9 ms with one keep-alive connection per
row (a transport with a single connection has nothing to scan). They also never touch the
request pool, so sampling cannot make the user's own actions wait.
"""

from __future__ import annotations

import importlib.util
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from dockui.engine.errors import NotSupported, TLSError
from dockui.engine.targets import Target, TLSSettings

REST_CONNECTIONS = 16

# httpcore asks `import sniffio` every time it sets up a lock or event (several per
# request). anyio 4 no longer installs sniffio, so each of those is a failed import that
# searches sys.path again: measured 1.05 -> 0.68 ms of client CPU per request once the
# failure is remembered. Marking the module absent is what the import system itself does
# for "known missing"; httpcore then falls back to asyncio, as it already did.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

TransportFactory = Callable[[httpx.Limits], httpx.AsyncHTTPTransport]
LANE_LIMITS = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=30.0)


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
    base_url: str = "http://docker"
    make_transport: TransportFactory | None = None
    lanes: dict[str, httpx.AsyncHTTPTransport] = field(default_factory=dict)

    def lane(self, key: str) -> httpx.AsyncHTTPTransport:
        """The single keep-alive connection named `key`, made on first use."""
        t = self.lanes.get(key)
        if t is None:
            if self.make_transport is None:
                raise RuntimeError("these pools were built without a transport factory")
            t = self.lanes[key] = self.make_transport(LANE_LIMITS)
        return t

    async def close_lane(self, key: str) -> None:
        t = self.lanes.pop(key, None)
        if t is not None:
            await t.aclose()

    async def aclose(self) -> None:
        await self.rest.aclose()
        await self.streams.aclose()
        lanes, self.lanes = list(self.lanes.values()), {}
        for t in lanes:
            await t.aclose()


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
    return Pools(rest, streams, base_url=base_url, make_transport=transport)
