"""Image routes: list, inspect, history, tag, remove, pull (and import), build, prune."""

from __future__ import annotations

import asyncio
import fnmatch
import gzip
import io
import json
import random
import shlex
import tarfile
from collections.abc import AsyncIterator
from typing import Any

from .api_common import Call, json_response, json_stream, no_content
from .clock import parse_timestamp
from .errors import SimError
from .filters import labels_match, parse_filters, truthy
from .server import AnyResponse
from .shapes import image_history, image_inspect, image_summary
from .state import normalize_ref, split_ref

MB = 1_000_000


def _matches_reference(tags: list[str], patterns: list[str]) -> bool:
    for t in tags:
        repo, _, _tag = t.rpartition(":")
        for p in patterns:
            if fnmatch.fnmatchcase(t, p) or fnmatch.fnmatchcase(repo, p) or normalize_ref(p) == t:
                return True
    return False


async def list_images(call: Call) -> AnyResponse:
    st = call.state
    allowed = ["dangling", "reference", "label", "before", "since"]
    if call.api >= (1, 44):
        allowed.append("until")
    f = parse_filters(call.req.q("filters"), allowed)
    if call.req.q("filter"):  # pre-1.25 form, still accepted by 20.10
        f.setdefault("reference", []).append(call.req.q("filter") or "")
    now = st.now()
    out = []
    for img in sorted(st.images.values(), key=lambda i: (-i.created, i.id)):
        if "dangling" in f:
            dangling = not img.repo_tags
            if dangling != truthy(f["dangling"][0]):
                continue
        if "reference" in f and not _matches_reference(img.repo_tags, f["reference"]):
            continue
        if "label" in f and not labels_match(img.labels, f["label"]):
            continue
        if "until" in f and img.created > parse_timestamp(f["until"][0], now):
            continue
        if "before" in f and img.created >= st.find_image(f["before"][0]).created:
            continue
        if "since" in f and img.created <= st.find_image(f["since"][0]).created:
            continue
        out.append(image_summary(st, img, call.api))
    return json_response(out)


async def inspect_image(call: Call) -> AnyResponse:
    img = call.state.find_image(call.params["name"])
    return json_response(image_inspect(call.state, img, call.api))


async def history(call: Call) -> AnyResponse:
    return json_response(image_history(call.state.find_image(call.params["name"])))


async def tag(call: Call) -> AnyResponse:
    call.state.tag_image(call.params["name"], call.req.q("repo") or "", call.req.q("tag"))
    return no_content(201)


async def remove_image(call: Call) -> AnyResponse:
    out = call.state.remove_image(
        call.params["name"], force=call.req.q_bool("force"), noprune=call.req.q_bool("noprune")
    )
    return json_response(out)


def progress_bar(current: int, total: int) -> str:
    """docker's jsonmessage progress text, e.g. `[==>      ]  1.05MB/29.1MB`."""
    width = 50
    filled = int(width * current / total) if total else 0
    bar = "=" * max(0, filled - 1) + (">" if filled < width else "=") if filled else ">"
    return f"[{bar:<{width}}] {current / MB:7.3g}MB/{total / MB:.3g}MB"


async def pull(call: Call) -> AnyResponse:
    st = call.state
    req = call.req
    st.last_registry_auth = req.headers.get("x-registry-auth")
    if req.q("fromSrc"):
        return await _import(call)
    from_image = req.q("fromImage") or ""
    if not from_image:
        raise SimError(400, "fromImage or fromSrc is required")  # dockerd: one is required
    repo, tag_ = split_ref(from_image)
    if req.q("tag"):
        tag_ = req.q("tag") or tag_
    if repo not in st.registry:
        raise SimError(
            404,
            f"pull access denied for {repo}, repository does not exist or may require "
            "'docker login': denied: requested access to the resource is denied",
        )
    if tag_ not in st.registry[repo] and tag_ != "latest":
        raise SimError(
            404, f"manifest for {repo}:{tag_} not found: manifest unknown: manifest unknown"
        )
    ref = f"{repo}:{tag_}"
    fails = ref in st.config.pull_fail or repo in st.config.pull_fail
    delay = st.config.progress_delay
    rng = random.Random(f"{st.config.seed}:{ref}")
    existing = st.find_image_or_none(ref)

    async def gen() -> AsyncIterator[dict[str, Any]]:
        shown = repo if "/" in repo else f"library/{repo}"
        yield {"status": f"Pulling from {shown}", "id": tag_}
        digest = f"sha256:{rng.getrandbits(256):064x}"
        if existing is None:
            layers = [
                (f"{rng.getrandbits(48):012x}", rng.randint(2, 30) * MB)
                for _ in range(rng.randint(2, 4))
            ]
            for lid, _ in layers:
                yield {"status": "Pulling fs layer", "progressDetail": {}, "id": lid}
            for i, (lid, size) in enumerate(layers):
                for frac in (0.25, 0.6, 1.0):
                    cur = int(size * frac)
                    await asyncio.sleep(delay)
                    yield {
                        "status": "Downloading",
                        "progressDetail": {"current": cur, "total": size},
                        "progress": progress_bar(cur, size),
                        "id": lid,
                    }
                    if fails and i == 0 and frac == 0.6:
                        msg = f"failed to register layer: unexpected EOF while pulling {ref}"
                        yield {"errorDetail": {"message": msg}, "error": msg}
                        return
                yield {"status": "Verifying Checksum", "progressDetail": {}, "id": lid}
                yield {"status": "Download complete", "progressDetail": {}, "id": lid}
            for lid, size in layers:
                for frac in (0.5, 1.0):
                    cur = int(size * frac)
                    await asyncio.sleep(delay)
                    yield {
                        "status": "Extracting",
                        "progressDetail": {"current": cur, "total": size},
                        "progress": progress_bar(cur, size),
                        "id": lid,
                    }
                yield {"status": "Pull complete", "progressDetail": {}, "id": lid}
            yield {"status": f"Digest: {digest}"}
            img = st.add_image(
                [ref],
                size=sum(s for _, s in layers),
                created=st.now() - rng.uniform(1, 90) * 86400,
                config={
                    "Cmd": ["/bin/sh"],
                    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                },
            )
            img.repo_digests = [f"{repo}@{digest}"]
            st.events.emit("image", "pull", ref, {"name": repo})
            st.changed()
            yield {"status": f"Status: Downloaded newer image for {ref}"}
        else:
            yield {"status": f"Digest: {digest}"}
            st.events.emit("image", "pull", ref, {"name": repo})
            yield {"status": f"Status: Image is up to date for {ref}"}

    return json_stream(gen())


async def _import(call: Call) -> AnyResponse:
    """`fromSrc=-`: a rootfs tar in the body becomes a one-layer image."""
    st = call.state
    repo = call.req.q("repo") or ""
    tag_ = call.req.q("tag") or "latest"
    tags = [normalize_ref(f"{repo}:{tag_}")] if repo else []
    img = st.add_image(
        tags,
        size=len(call.req.body),
        created=st.now(),
        config={"Cmd": None, "Env": None},
        history=[("", len(call.req.body))],
        digest=False,
    )
    img.comment = call.req.q("message") or "Imported from -"
    st.events.emit("image", "import", img.id, {"name": img.id})
    st.changed()

    async def gen() -> AsyncIterator[dict[str, Any]]:
        yield {"status": img.id}

    return json_stream(gen())


def _read_dockerfile(body: bytes, name: str) -> str:
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    try:
        with tarfile.open(fileobj=io.BytesIO(body), mode="r:*") as tar:
            for member in tar.getmembers():
                if member.name.lstrip("./") == name.lstrip("./"):
                    fh = tar.extractfile(member)
                    if fh is not None:
                        return fh.read().decode("utf-8", errors="replace")
    except tarfile.TarError as exc:
        raise SimError(500, f"failed to read build context: {exc}") from exc
    raise SimError(500, f"Cannot locate specified Dockerfile: {name}")


def _instructions(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def _run_build_command(cmd: str) -> tuple[list[str], int]:
    """RUN semantics the sim can honour: echo output, `false`, `exit N`; the rest succeeds."""
    out: list[str] = []
    for part in cmd.replace("&&", ";").split(";"):
        words = part.strip().split()
        if not words:
            continue
        if words[0] == "echo":
            out.append(" ".join(w.strip("'\"") for w in words[1:]) + "\n")
        elif words[0] == "false":
            return out, 1
        elif words[0] == "exit":
            code = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
            if code:
                return out, code
            return out, 0
    return out, 0


async def build(call: Call) -> AnyResponse:
    st = call.state
    req = call.req
    st.last_registry_config = req.headers.get("x-registry-config")
    text = _read_dockerfile(req.body, req.q("dockerfile") or "Dockerfile")
    steps = _instructions(text)
    if not steps:
        raise SimError(400, "the Dockerfile (Dockerfile) cannot be empty")
    tags = [normalize_ref(t) for t in req.q_all("t") if t]
    quiet = req.q_bool("q")
    try:
        buildargs: dict[str, str] = json.loads(req.q("buildargs") or "{}")
        extra_labels: dict[str, str] = json.loads(req.q("labels") or "{}")
    except ValueError as exc:
        raise SimError(400, f"invalid buildargs/labels JSON: {exc}") from exc
    delay = st.config.progress_delay

    async def gen() -> AsyncIterator[dict[str, Any]]:
        rng = random.Random(text)
        base = None
        labels: dict[str, str] = {}
        config: dict[str, Any] = {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        }
        args: dict[str, str] = {}
        hist: list[tuple[str, int]] = []
        n = len(steps)
        for i, (instr, rest) in enumerate(steps, start=1):
            await asyncio.sleep(delay)
            if not quiet:
                yield {"stream": f"Step {i}/{n} : {instr} {rest}"}
                yield {"stream": "\n"}
            if instr == "FROM":
                ref = rest.split()[0]
                for k, v in args.items():
                    ref = ref.replace(f"${{{k}}}", v).replace(f"${k}", v)
                base = st.find_image_or_none(ref)
                if base is None:
                    repo, _ = split_ref(ref)
                    if repo not in st.registry:
                        msg = (
                            f"pull access denied for {repo}, repository does not exist or may "
                            "require 'docker login': denied: requested access to the "
                            "resource is denied"
                        )
                        yield {"errorDetail": {"message": msg}, "error": msg}
                        return
                    base = st.add_image(
                        [ref], size=rng.randint(3, 80) * MB, created=st.now() - 86400 * 30
                    )
                    yield {"status": f"Pulling from library/{repo}", "id": ref.split(":")[-1]}
                    yield {"status": f"Status: Downloaded newer image for {normalize_ref(ref)}"}
                config = {**base.config, **{k: v for k, v in config.items() if k != "Env"}}
                hist = list(base.history)
                if not quiet:
                    yield {"stream": f" ---> {base.short_id}\n"}
                continue
            if base is None:
                msg = "Please provide a source image with `from` prior to commit"
                yield {"errorDetail": {"message": msg}, "error": msg}
                return
            size = 0
            if instr == "RUN":
                cid = f"{rng.getrandbits(48):012x}"
                if not quiet:
                    yield {"stream": f" ---> Running in {cid}\n"}
                out, code = _run_build_command(rest)
                for line in out:
                    if not quiet:
                        yield {"stream": line}
                if code:
                    msg = f"The command '/bin/sh -c {rest}' returned a non-zero code: {code}"
                    yield {"errorDetail": {"code": code, "message": msg}, "error": msg}
                    return
                size = rng.randint(0, 20) * MB
                if not quiet:
                    yield {"stream": f"Removing intermediate container {cid}\n"}
            elif instr == "LABEL":
                for word in shlex.split(rest):
                    k, _, v = word.partition("=")
                    labels[k] = v
            elif instr == "ARG":
                k, _, v = rest.partition("=")
                args[k.strip()] = buildargs.get(k.strip(), v)
            elif instr == "ENV":
                k, _, v = (
                    rest.replace(" ", "=", 1).partition("=")
                    if "=" not in rest
                    else rest.partition("=")
                )
                config["Env"] = [*(config.get("Env") or []), f"{k}={v}"]
            elif instr in ("CMD", "ENTRYPOINT"):
                try:
                    val = json.loads(rest)
                except ValueError:
                    val = ["/bin/sh", "-c", rest]
                config["Cmd" if instr == "CMD" else "Entrypoint"] = val
            elif instr == "WORKDIR":
                config["WorkingDir"] = rest
            elif instr == "EXPOSE":
                config["ExposedPorts"] = {
                    **(config.get("ExposedPorts") or {}),
                    **{(p if "/" in p else p + "/tcp"): {} for p in rest.split()},
                }
            elif instr in ("COPY", "ADD"):
                size = rng.randint(1, 500) * 1024
            hist.append(
                (
                    f"/bin/sh -c {rest}"
                    if instr == "RUN"
                    else f"/bin/sh -c #(nop)  {instr} {rest}",
                    size,
                )
            )
            if not quiet:
                yield {"stream": f" ---> {rng.getrandbits(48):012x}\n"}
        unused = sorted(set(buildargs) - set(args))
        if unused and not quiet:
            yield {
                "stream": f"[Warning] One or more build-args [{' '.join(unused)}] "
                "were not consumed\n"
            }
        assert base is not None
        labels.update(extra_labels)
        config["Labels"] = labels or None
        img = st.add_image(
            tags,
            size=base.size + sum(s for _, s in hist[len(base.history) :]),
            created=st.now(),
            config=config,
            labels=labels,
            parent=base.id,
            history=hist,
            digest=False,
        )
        for t in tags:
            st._ievent(img.id, "tag", t, img.labels)
        st.changed()
        yield {"aux": {"ID": img.id}}
        if quiet:
            yield {"stream": img.id + "\n"}
            return
        yield {"stream": f"Successfully built {img.short_id}\n"}
        for t in tags:
            yield {"stream": f"Successfully tagged {t}\n"}

    return json_stream(gen())


async def prune_images(call: Call) -> AnyResponse:
    st = call.state
    f = parse_filters(call.req.q("filters"), ("dangling", "label", "label!", "until"))
    dangling_only = truthy(f.get("dangling", ["true"])[0])
    now = st.now()
    keep = [
        img
        for img in st.images.values()
        if ("label" in f and not labels_match(img.labels, f["label"]))
        or ("label!" in f and labels_match(img.labels, f["label!"]))
        or ("until" in f and img.created >= parse_timestamp(f["until"][0], now))
    ]
    out, space = st.prune_images(dangling_only, keep)
    return json_response({"ImagesDeleted": out or None, "SpaceReclaimed": space})


async def prune_build(call: Call) -> AnyResponse:
    gone, space = call.state.prune_build_cache(call.req.q_bool("all"))
    return json_response({"CachesDeleted": gone or None, "SpaceReclaimed": space})


NAME = r"(?P<name>.+)"
ROUTES = [
    ("GET", r"/images/json", list_images),
    ("POST", r"/images/create", pull),
    ("POST", r"/images/prune", prune_images),
    ("POST", r"/build", build),
    ("POST", r"/build/prune", prune_build),
    ("GET", rf"/images/{NAME}/json", inspect_image),
    ("GET", rf"/images/{NAME}/history", history),
    ("POST", rf"/images/{NAME}/tag", tag),
    ("DELETE", rf"/images/{NAME}", remove_image),
]
