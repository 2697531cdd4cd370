"""Docker CLI contexts read from a store laid out exactly as the CLI writes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockui.engine.contexts import context_id, current_context_name, list_contexts, load_context
from dockui.engine.targets import TargetError, resolve_targets


def write_context(
    cfg: Path, name: str, host: str, *, tls: bool = False, skip: bool = False
) -> None:
    meta = cfg / "contexts" / "meta" / context_id(name)
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(
        json.dumps(
            {
                "Name": name,
                "Metadata": {"Description": f"{name} engine"},
                "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip}},
            }
        )
    )
    if tls:
        d = cfg / "contexts" / "tls" / context_id(name) / "docker"
        d.mkdir(parents=True)
        for f in ("ca.pem", "cert.pem", "key.pem"):
            (d / f).write_text("x")


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    cfg = tmp_path / "docker"
    cfg.mkdir()
    (cfg / "config.json").write_text(json.dumps({"auths": {}, "currentContext": "remote"}))
    write_context(cfg, "remote", "tcp://10.0.0.5:2376", tls=True)
    write_context(cfg, "plain", "tcp://127.0.0.1:2375")
    write_context(cfg, "box", "ssh://me@box:2222")
    return cfg, {"DOCKER_CONFIG": str(cfg), "HOME": str(tmp_path)}


def test_current_context_from_config_and_env(store: tuple[Path, dict[str, str]]) -> None:
    _, env = store
    assert current_context_name(env) == "remote"
    assert current_context_name({**env, "DOCKER_CONTEXT": "plain"}) == "plain"
    assert current_context_name({"DOCKER_CONFIG": "/nonexistent"}) == "default"


def test_load_context_with_tls_material(store: tuple[Path, dict[str, str]]) -> None:
    cfg, env = store
    ctx = load_context("remote", env)
    t = ctx.target()
    assert (t.scheme, t.address, t.name) == ("tcp", "10.0.0.5:2376", "remote")
    assert t.tls is not None and t.tls.verify
    assert t.tls.ca == str(cfg / "contexts" / "tls" / context_id("remote") / "docker" / "ca.pem")
    assert t.source == "context remote"


def test_missing_context_is_one_clear_sentence(store: tuple[Path, dict[str, str]]) -> None:
    _, env = store
    with pytest.raises(TargetError, match="context 'nope' does not exist"):
        load_context("nope", env)


def test_list_contexts_default_first_and_skips_broken(store: tuple[Path, dict[str, str]]) -> None:
    cfg, env = store
    broken = cfg / "contexts" / "meta" / "deadbeef"
    broken.mkdir()
    (broken / "meta.json").write_text("{not json")
    names = [c.name for c in list_contexts(env)]
    assert names == ["default", "box", "plain", "remote"]


def test_precedence_like_the_cli(store: tuple[Path, dict[str, str]]) -> None:
    _, env = store
    # currentContext applies when nothing else is given
    assert resolve_targets(env=env)[0].address == "10.0.0.5:2376"
    # DOCKER_HOST beats the store's current context
    assert resolve_targets(env={**env, "DOCKER_HOST": "unix:///x.sock"})[0].address == "/x.sock"
    # -H beats DOCKER_HOST
    got = resolve_targets(["tcp://h:1"], env={**env, "DOCKER_HOST": "unix:///x.sock"})
    assert got[0].address == "h:1"
    # --context beats everything and takes several names
    got = resolve_targets(context="plain,box", env={**env, "DOCKER_HOST": "unix:///x.sock"})
    assert [(t.scheme, t.address) for t in got] == [
        ("tcp", "127.0.0.1:2375"),
        ("ssh", "me@box:2222"),
    ]
    with pytest.raises(TargetError, match="either --context or -H"):
        resolve_targets(["tcp://h:1"], context="plain", env=env)


def test_default_context_follows_docker_host(store: tuple[Path, dict[str, str]]) -> None:
    _, env = store
    got = resolve_targets(context="default", env={**env, "DOCKER_HOST": "tcp://127.0.0.1:9"})
    assert got[0].address == "127.0.0.1:9"
