"""Container routes: list, create, inspect, lifecycle, logs, stats, top, exec, attach."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator
from typing import Any

from . import logs as logmod
from .api_common import Call, json_response, no_content
from .clock import parse_timestamp
from .errors import NotModified, SimError
from .exec_shell import Session, Shell
from .filters import labels_match, parse_filters
from .objects import Container, Exec
from .server import AnyResponse, HijackedStream, HijackResponse, StreamResponse
from .shapes import container_inspect, container_summary
from .stats import zero_sample

LIST_FILTERS = (
    "status",
    "label",
    "name",
    "id",
    "ancestor",
    "exited",
    "health",
    "network",
    "volume",
    "before",
    "since",
    "is-task",
    "publish",
    "expose",
)


def _match(c: Container, f: dict[str, list[str]], call: Call) -> bool:
    st = call.state
    if "status" in f and c.status not in f["status"]:
        return False
    if "label" in f and not labels_match(c.labels, f["label"]):
        return False
    if "name" in f:
        ok = False
        for pat in f["name"]:
            try:
                ok = ok or re.search(pat, "/" + c.name) is not None
            except re.error:
                ok = ok or pat in c.name
        if not ok:
            return False
    if "id" in f and not any(c.id.startswith(v) for v in f["id"]):
        return False
    if "ancestor" in f:
        ok = False
        for ref in f["ancestor"]:
            img = st.find_image_or_none(ref)
            while img is not None and not ok:
                # Descendants match too: walk up from the container's image.
                cur = st.images.get(c.image_id)
                while cur is not None:
                    if cur.id == img.id:
                        ok = True
                        break
                    cur = st.images.get(cur.parent) if cur.parent else None
                break
            ok = ok or c.image == ref
        if not ok:
            return False
    if "exited" in f and not (c.status == "exited" and str(c.exit_code) in f["exited"]):
        return False
    if "health" in f and (c.health or "none") not in f["health"]:
        return False
    if "network" in f and not any(
        n in c.endpoints or any(ep.network_id.startswith(n) for ep in c.endpoints.values())
        for n in f["network"]
    ):
        return False
    if "volume" in f and not any(
        m.name == v or m.destination == v for m in c.mounts for v in f["volume"]
    ):
        return False
    if "publish" in f or "expose" in f:
        ports = set(c.exposed_ports) | {p.split("/")[0] for p in c.exposed_ports}
        want = f.get("publish", []) + f.get("expose", [])
        if not any(w in ports for w in want):
            return False
    return "is-task" not in f or f["is-task"] == ["false"]


async def list_containers(call: Call) -> AnyResponse:
    req = call.req
    f = parse_filters(req.q("filters"), LIST_FILTERS)
    show_all = req.q_bool("all") or "status" in f or "exited" in f
    size = req.q_bool("size")
    limit = req.q_int("limit", -1) or -1
    cs = sorted(call.state.containers.values(), key=lambda c: (-c.created, c.id))
    if "before" in f or "since" in f:
        anchor_b = call.state.find_container(f["before"][0]) if "before" in f else None
        anchor_s = call.state.find_container(f["since"][0]) if "since" in f else None
        cs = [
            c
            for c in cs
            if (anchor_b is None or c.created < anchor_b.created)
            and (anchor_s is None or c.created > anchor_s.created)
        ]
    out = []
    for c in cs:
        if not show_all and limit <= 0 and not c.running:
            continue
        if not _match(c, f, call):
            continue
        out.append(container_summary(call.state, c, call.api, size=size))
        if 0 < limit <= len(out):
            break
    return json_response(out)


async def create_container(call: Call) -> AnyResponse:
    body = call.json_body()
    c = call.state.create_from_body(body, call.req.q("name"))
    return json_response({"Id": c.id, "Warnings": []}, 201)


async def inspect_container(call: Call) -> AnyResponse:
    c = call.state.find_container(call.params["id"])
    return json_response(container_inspect(call.state, c, call.api, size=call.req.q_bool("size")))


async def start(call: Call) -> AnyResponse:
    try:
        call.state.start_container(call.params["id"])
    except NotModified:
        return no_content(304)
    return no_content()


async def stop(call: Call) -> AnyResponse:
    try:
        call.state.stop_container(
            call.params["id"],
            call.req.q_int("t"),
            call.req.q("signal") if call.api >= (1, 42) else None,
        )
    except NotModified:
        return no_content(304)
    return no_content()


async def restart(call: Call) -> AnyResponse:
    call.state.restart_container(
        call.params["id"],
        call.req.q_int("t"),
        call.req.q("signal") if call.api >= (1, 42) else None,
    )
    return no_content()


async def kill(call: Call) -> AnyResponse:
    call.state.kill_container(call.params["id"], call.req.q("signal") or "SIGKILL")
    return no_content()


async def pause(call: Call) -> AnyResponse:
    call.state.pause_container(call.params["id"])
    return no_content()


async def unpause(call: Call) -> AnyResponse:
    call.state.unpause_container(call.params["id"])
    return no_content()


async def remove(call: Call) -> AnyResponse:
    call.state.remove_container(
        call.params["id"], force=call.req.q_bool("force"), volumes=call.req.q_bool("v")
    )
    return no_content()


async def rename(call: Call) -> AnyResponse:
    call.state.rename_container(call.params["id"], call.req.q("name") or "")
    return no_content()


async def wait(call: Call) -> AnyResponse:
    st = call.state
    c = st.find_container(call.params["id"])
    condition = call.req.q("condition") or "not-running"
    if condition not in ("not-running", "next-exit", "removed"):
        raise SimError(400, f"invalid condition: {condition!r}")
    want = ["destroy"] if condition == "removed" else ["die"]
    sub = st.events.subscribe({"container": [c.id], "event": want})
    done_now = condition == "not-running" and not c.running

    async def gen() -> AsyncIterator[bytes]:
        try:
            if not done_now:
                await sub.queue.get()
            code = c.exit_code
            yield (f'{{"Error":null,"StatusCode":{code}}}\n').encode()
        finally:
            sub.close()

    # Headers go out at once, the body when the condition is met (as dockerd does).
    return StreamResponse(200, gen())


async def top(call: Call) -> AnyResponse:
    c = call.state.find_container(call.params["id"])
    if not c.running:
        raise SimError(409, f"Container {c.id} is not running")
    rng = random.Random(c.log_seed)
    procs = [
        [
            "root",
            str(c.pid),
            str(c.pid - rng.randint(1, 30)),
            "0",
            "10:00",
            "?",
            "00:00:01",
            " ".join([c.path, *c.args]),
        ]
    ]
    for i in range(rng.randint(0, 4)):
        procs.append(
            [
                "101",
                str(c.pid + i + 1),
                str(c.pid),
                "0",
                "10:00",
                "?",
                "00:00:00",
                f"{c.path} worker {i + 1}",
            ]
        )
    return json_response(
        {"Processes": procs, "Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]}
    )


async def changes(call: Call) -> AnyResponse:
    c = call.state.find_container(call.params["id"])
    rng = random.Random(c.log_seed + 1)
    items = [{"Path": "/etc", "Kind": 0}, {"Path": "/etc/hosts.d", "Kind": 1}]
    items += [{"Path": f"/tmp/cache-{i}", "Kind": 1} for i in range(rng.randint(0, 4))]
    items += [{"Path": "/var/log/old.log", "Kind": 2}] if rng.random() < 0.5 else []
    return json_response(items if c.started_at else None)


async def container_logs(call: Call) -> AnyResponse:
    req = call.req
    st = call.state
    c = st.find_container(call.params["id"])
    stdout, stderr = req.q_bool("stdout"), req.q_bool("stderr")
    if not (stdout or stderr):
        raise SimError(400, "Bad parameters: you must choose at least one stream")
    now = st.now()
    try:
        since = parse_timestamp(req.q("since") or "0", now) or None
        until = parse_timestamp(req.q("until") or "0", now) or None
    except ValueError as exc:
        raise SimError(400, f"invalid since/until: {exc}") from exc
    tail_s = req.q("tail") or "all"
    tail = None if tail_s == "all" else int(tail_s) if tail_s.lstrip("-").isdigit() else None
    if tail is not None and tail < 0:
        tail = None
    follow = req.q_bool("follow")
    ts = req.q_bool("timestamps")
    store = call.parts.logs
    lines = logmod.select(
        store.lines_for(c), stdout=stdout, stderr=stderr, since=since, until=until, tail=tail
    )
    queue = (
        store.follow(c) if follow and c.status in ("running", "paused") and until is None else None
    )

    async def gen() -> AsyncIterator[bytes]:
        try:
            for ln in lines:
                yield logmod.render(ln, c.tty, ts)
            if queue is None:
                return
            while True:
                ln = await queue.get()
                if ln is None:
                    return
                if (ln.stream == 1 and stdout) or (ln.stream == 2 and stderr):
                    yield logmod.render(ln, c.tty, ts)
        finally:
            if queue is not None:
                store.unfollow(c, queue)

    ctype = None
    if call.api >= (1, 42):
        ctype = (
            "application/vnd.docker.raw-stream"
            if c.tty
            else "application/vnd.docker.multiplexed-stream"
        )
    return StreamResponse(200, gen(), content_type=ctype)


async def container_stats(call: Call) -> AnyResponse:
    st = call.state
    c = st.find_container(call.params["id"])
    stream = call.req.q_bool("stream", True)
    one_shot = call.req.q_bool("one-shot")
    hub = call.parts.stats
    os_type = hub.os_type
    if not stream and c.status not in ("running", "paused"):
        return StreamResponse(200, _single(zero_sample(c, os_type)))
    # dockerd: plain stream=false swallows one collection to prime precpu, one-shot does not.
    prime = 0 if stream or one_shot else 1
    sub = hub.subscribe(c.id, first_zero=stream or one_shot, once=not stream, prime=prime)

    async def gen() -> AsyncIterator[bytes]:
        try:
            while True:
                data = await sub.queue.get()
                if data is None:
                    return
                yield data
        finally:
            hub.unsubscribe(sub)

    return StreamResponse(200, gen())


async def _single(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def resize_container(call: Call) -> AnyResponse:
    c = call.state.find_container(call.params["id"])
    h, w = call.req.q_int("h", 0) or 0, call.req.q_int("w", 0) or 0
    if not c.running:
        raise SimError(409, f"Container {c.id} is not running")
    c.tty_size = (h, w)
    call.state._cevent(c, "resize", height=str(h), width=str(w))
    return no_content(200)


def _detach_keys(spec: str | None) -> bytes:
    """`ctrl-p,ctrl-q` -> b"\\x10\\x11" (docker's detach-keys syntax)."""
    if not spec:
        return b"\x10\x11"
    out = bytearray()
    for part in spec.split(","):
        part = part.strip().lower()
        if part.startswith("ctrl-") and len(part) == 6:
            ch = part[5]
            out.append(
                {"@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, "_": 31}.get(
                    ch, ord(ch) - 96 if ch.isalpha() else 0
                )
            )
        elif len(part) == 1:
            out += part.encode()
        else:
            raise SimError(400, f"Invalid detach keys ({spec}) provided")
    return bytes(out)


async def attach(call: Call) -> AnyResponse:
    st = call.state
    c = st.find_container(call.params["id"])
    if c.status == "paused":
        raise SimError(409, "You cannot attach to a paused container, unpause it first")
    if not c.running:
        raise SimError(409, "You cannot attach to a stopped container, start it first")
    keys = _detach_keys(call.req.q("detachKeys"))
    stdin = call.req.q_bool("stdin")

    async def run(stream: HijackedStream) -> None:
        st._cevent(c, "attach")
        shell = Shell(c.env, c.hostname, lambda: c.tty_size)
        session = Session(
            stream,
            shell,
            ["sh"],
            tty=c.tty,
            stdin=stdin and call.req.wants_upgrade,
            detach_keys=keys,
        )
        code = await session.run()
        if code is not None and not session.eof:
            st.exit_container(c.id, code)
        else:
            st._cevent(c, "detach")

    return HijackResponse(run, content_type=_stream_type(call, c.tty))


def _stream_type(call: Call, tty: bool) -> str:
    # 1.41 says raw-stream even when the stream is multiplexed (measured).
    if tty or call.api < (1, 42):
        return "application/vnd.docker.raw-stream"
    return "application/vnd.docker.multiplexed-stream"


async def exec_create(call: Call) -> AnyResponse:
    e = call.state.create_exec(call.params["id"], call.json_body())
    return json_response({"Id": e.id}, 201)


async def exec_start(call: Call) -> AnyResponse:
    st = call.state
    e = st.find_exec(call.params["id"])
    body = call.json_body()
    if e.started:
        raise SimError(409, f"Error: Exec command {e.id} is already running")
    c = st.containers.get(e.container_id)
    if c is None or not c.running:
        raise SimError(409, f"Container {e.container_id} is not running")
    if c.status == "paused":
        raise SimError(409, f"Container {c.id} is paused, unpause the container before exec")
    if body.get("ConsoleSize"):
        e.size = (int(body["ConsoleSize"][0]), int(body["ConsoleSize"][1]))
    tty = bool(body.get("Tty", e.tty))
    shell = Shell(c.env + e.env, c.hostname, lambda: e.size)
    st.exec_started(e)
    if body.get("Detach"):
        session = Session(_NullStream(), shell, e.cmd, tty=tty, stdin=False)
        st.exec_finished(e, await _finish(session))
        return no_content(200)

    async def run(stream: HijackedStream) -> None:
        session = Session(
            stream, shell, e.cmd, tty=tty, stdin=e.attach_stdin and call.req.wants_upgrade
        )
        code: int | None = 0
        try:
            code = await session.run()
        finally:
            if code is not None:
                st.exec_finished(e, code)

    return HijackResponse(run, content_type=_stream_type(call, tty))


async def _finish(session: Session) -> int:
    code = await session.run()
    return code or 0


class _NullStream:
    async def read(self, n: int) -> bytes:
        return b""

    async def write(self, data: bytes) -> None:
        return None


async def exec_resize(call: Call) -> AnyResponse:
    e = call.state.find_exec(call.params["id"])
    h, w = call.req.q_int("h"), call.req.q_int("w")
    if h is None or w is None:
        raise SimError(400, 'strconv.Atoi: parsing "": invalid syntax')
    e.size = (h, w)
    return no_content(200)


async def exec_inspect(call: Call) -> AnyResponse:
    e: Exec = call.state.find_exec(call.params["id"])
    entry, *args = e.cmd
    d: dict[str, Any] = {
        "ID": e.id,
        "Running": e.running,
        "ExitCode": e.exit_code,
        "ProcessConfig": {
            "tty": e.tty,
            "entrypoint": entry,
            "arguments": args,
            "privileged": e.privileged,
            "user": e.user,
        },
        "OpenStdin": e.attach_stdin,
        "OpenStderr": e.attach_stderr,
        "OpenStdout": e.attach_stdout,
        "CanRemove": False,
        "ContainerID": e.container_id,
        "DetachKeys": e.detach_keys,
        "Pid": e.pid,
    }
    return json_response(d)


async def prune_containers(call: Call) -> AnyResponse:
    st = call.state
    f = parse_filters(call.req.q("filters"), ("until", "label", "label!"))
    keep = []
    now = st.now()
    for c in st.containers.values():
        if "label" in f and not labels_match(c.labels, f["label"]):
            keep.append(c)
        elif "label!" in f and labels_match(c.labels, f["label!"]):
            keep.append(c)
        elif "until" in f and c.created >= parse_timestamp(f["until"][0], now):
            keep.append(c)
    gone, space = st.prune_containers(keep)
    return json_response({"ContainersDeleted": gone or None, "SpaceReclaimed": space})


_ = asyncio  # streams above are plain async generators; asyncio used by callers

ID = r"(?P<id>[^/]+)"
ROUTES = [
    ("GET", r"/containers/json", list_containers),
    ("POST", r"/containers/create", create_container),
    ("POST", r"/containers/prune", prune_containers),
    ("GET", rf"/containers/{ID}/json", inspect_container),
    ("POST", rf"/containers/{ID}/start", start),
    ("POST", rf"/containers/{ID}/stop", stop),
    ("POST", rf"/containers/{ID}/restart", restart),
    ("POST", rf"/containers/{ID}/kill", kill),
    ("POST", rf"/containers/{ID}/pause", pause),
    ("POST", rf"/containers/{ID}/unpause", unpause),
    ("POST", rf"/containers/{ID}/rename", rename),
    ("POST", rf"/containers/{ID}/wait", wait),
    ("POST", rf"/containers/{ID}/resize", resize_container),
    ("POST", rf"/containers/{ID}/attach", attach),
    ("POST", rf"/containers/{ID}/exec", exec_create),
    ("GET", rf"/containers/{ID}/top", top),
    ("GET", rf"/containers/{ID}/changes", changes),
    ("GET", rf"/containers/{ID}/logs", container_logs),
    ("GET", rf"/containers/{ID}/stats", container_stats),
    ("DELETE", rf"/containers/{ID}", remove),
    ("POST", rf"/exec/{ID}/start", exec_start),
    ("POST", rf"/exec/{ID}/resize", exec_resize),
    ("GET", rf"/exec/{ID}/json", exec_inspect),
]
