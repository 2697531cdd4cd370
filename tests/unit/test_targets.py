"""Host strings and TLS settings, parsed the way the docker CLI parses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockui.engine.targets import (
    DEFAULT_SOCKET,
    Target,
    TargetError,
    TLSSettings,
    parse_host,
    resolve_targets,
    tls_from_settings,
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty HOME, so no real ~/.docker (certs, contexts) leaks into a test."""
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def certs(tmp_path: Path) -> Path:
    d = tmp_path / "certs"
    d.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (d / name).write_text("-----BEGIN PLACEHOLDER-----\n")
    return d


# ------------------------------------------------------------------ parse_host


@pytest.mark.parametrize(
    ("host", "scheme", "address"),
    [
        ("unix:///var/run/docker.sock", "unix", "/var/run/docker.sock"),
        ("unix://", "unix", DEFAULT_SOCKET),
        ("unix:///run/user/1000/docker.sock", "unix", "/run/user/1000/docker.sock"),
        ("/tmp/d.sock", "unix", "/tmp/d.sock"),
        ("tcp://10.0.0.5", "tcp", "10.0.0.5:2375"),
        ("tcp://10.0.0.5:4243", "tcp", "10.0.0.5:4243"),
        ("TCP://Docker.Example.com:2375", "tcp", "docker.example.com:2375"),
        ("10.0.0.5:2375", "tcp", "10.0.0.5:2375"),
        ("docker.example.com", "tcp", "docker.example.com:2375"),
        ("tcp://[::1]:2376", "tcp", "[::1]:2376"),
        ("tcp://[fe80::1]", "tcp", "[fe80::1]:2375"),
        ("http://10.0.0.5", "tcp", "10.0.0.5:2375"),
        ("ssh://user@host.example:2222", "ssh", "user@host.example:2222"),
        ("ssh://host.example", "ssh", "host.example"),
        ("  tcp://10.0.0.5:2375  ", "tcp", "10.0.0.5:2375"),
    ],
)
def test_parse_host(host: str, scheme: str, address: str) -> None:
    target = parse_host(host)
    assert (target.scheme, target.address) == (scheme, address)


def test_tcp_default_port_depends_on_tls() -> None:
    assert parse_host("tcp://h").address == "h:2375"
    assert parse_host("tcp://h", tls=TLSSettings()).address == "h:2376"
    assert parse_host("tcp://h:2375", tls=TLSSettings()).address == "h:2375"  # explicit wins


def test_https_implies_verified_tls() -> None:
    target = parse_host("https://docker.example.com")
    assert target.address == "docker.example.com:2376"
    assert target.tls == TLSSettings(verify=True)
    assert target.url == "tcp://docker.example.com:2376"


def test_tls_is_kept_for_tcp_and_ignored_for_unix() -> None:
    tls = TLSSettings(verify=False)
    assert parse_host("tcp://h:1", tls=tls).tls is tls
    assert parse_host("unix:///x.sock", tls=tls).tls is None


def test_ssh_user_port_and_socket_path() -> None:
    t = parse_host("ssh://deploy@build.example:2222")
    assert (t.host, t.ssh_socket) == ("build.example", None)
    t = parse_host("ssh://deploy@build.example/run/user/1000/docker.sock")
    assert t.address == "deploy@build.example"
    assert t.ssh_socket == "/run/user/1000/docker.sock"
    assert t.tls is None


def test_ipv6_host_and_loopback() -> None:
    t = parse_host("tcp://[::1]:2376")
    assert t.host == "::1"
    assert t.is_loopback
    assert not t.insecure


@pytest.mark.parametrize(
    ("host", "needle"),
    [
        ("npipe:////./pipe/docker_engine", "Windows named pipes"),
        ("fd://", "daemon-side"),
        ("garbage://what", "unsupported Docker host scheme 'garbage'"),
        ("", "empty"),
        ("   ", "empty"),
        ("unix://relative.sock", "must be absolute"),
        ("tcp://", "no host name"),
        ("tcp://:2375", "no host name"),
        ("tcp://h:port", "invalid port"),
        ("tcp://h:99999", "invalid port"),
        ("ssh://", "no host name"),
        ("ssh://h:nope", "invalid port"),
    ],
)
def test_bad_hosts_raise_a_clear_target_error(host: str, needle: str) -> None:
    with pytest.raises(TargetError, match=needle.replace("(", r"\(")):
        parse_host(host)


def test_target_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_host("npipe:////./pipe/docker_engine")


# ------------------------------------------------------------------ Target properties


@pytest.mark.parametrize(
    ("host", "tls", "loopback", "insecure"),
    [
        ("unix:///var/run/docker.sock", None, True, False),
        ("tcp://127.0.0.1:2375", None, True, False),
        ("tcp://127.5.6.7:2375", None, True, False),
        ("tcp://localhost:2375", None, True, False),
        ("tcp://[::1]:2375", None, True, False),
        ("tcp://10.0.0.5:2375", None, False, True),
        ("tcp://10.0.0.5:2376", TLSSettings(), False, False),
        ("ssh://u@10.0.0.5", None, False, False),  # ssh encrypts
    ],
)
def test_loopback_and_insecure(
    host: str, tls: TLSSettings | None, loopback: bool, insecure: bool
) -> None:
    target = parse_host(host, tls=tls)
    assert target.is_loopback is loopback
    assert target.insecure is insecure


def test_label_and_source() -> None:
    t = parse_host("tcp://h:1", source="DOCKER_HOST")
    assert (t.source, t.label) == ("DOCKER_HOST", "tcp://h:1")
    named = Target("unix", "/x.sock", name="prod")
    assert named.label == "prod"
    assert named.host == "localhost"


# ------------------------------------------------------------------ TLS from env and flags


def test_no_tls_by_default(home: Path) -> None:
    assert tls_from_settings(env={"HOME": str(home)}) is None
    assert tls_from_settings(env={"HOME": str(home), "DOCKER_TLS_VERIFY": ""}) is None


def test_tls_verify_from_env_with_cert_path(certs: Path) -> None:
    tls = tls_from_settings(env={"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(certs)})
    assert tls == TLSSettings(
        verify=True,
        ca=str(certs / "ca.pem"),
        cert=str(certs / "cert.pem"),
        key=str(certs / "key.pem"),
    )


def test_any_non_empty_tls_verify_value_means_verify(certs: Path) -> None:
    env = {"DOCKER_TLS_VERIFY": "0", "DOCKER_CERT_PATH": str(certs)}  # the CLI checks != ""
    tls = tls_from_settings(env=env)
    assert tls is not None and tls.verify


def test_docker_tls_encrypts_without_verifying(certs: Path) -> None:
    tls = tls_from_settings(env={"DOCKER_TLS": "1", "DOCKER_CERT_PATH": str(certs)})
    assert tls is not None
    assert not tls.verify
    assert tls.cert == str(certs / "cert.pem")


def test_cert_path_defaults_to_home_docker(home: Path) -> None:
    d = home / ".docker"
    d.mkdir()
    (d / "ca.pem").write_text("x")
    tls = tls_from_settings(env={"HOME": str(home), "DOCKER_TLS_VERIFY": "1"})
    assert tls == TLSSettings(verify=True, ca=str(d / "ca.pem"))


def test_missing_files_in_cert_path_are_left_out(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    tls = tls_from_settings(env={"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(empty)})
    # No CA file: verify against the system store; no client cert offered.
    assert tls == TLSSettings(verify=True, ca=None, cert=None, key=None)


def test_cert_without_key_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "half"
    d.mkdir()
    (d / "cert.pem").write_text("x")
    with pytest.raises(TargetError, match="both --tlscert and --tlskey"):
        tls_from_settings(env={"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(d)})


def test_explicit_missing_file_is_refused(certs: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(TargetError, match="TLS file not found"):
        tls_from_settings(env={"DOCKER_CERT_PATH": str(certs)}, tlsverify=True, cacert=str(missing))


def test_flags_override_env(certs: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-ca.pem"
    other.write_text("x")
    env = {"DOCKER_TLS": "1", "DOCKER_CERT_PATH": str(certs)}
    tls = tls_from_settings(env=env, tlsverify=True, cacert=str(other))
    assert tls is not None
    assert tls.verify  # --tlsverify beats DOCKER_TLS's "no verify"
    assert tls.ca == str(other)  # --tlscacert beats DOCKER_CERT_PATH/ca.pem
    assert tls.cert == str(certs / "cert.pem")  # not given: still from DOCKER_CERT_PATH


def test_explicit_tlsverify_false_beats_env(certs: Path) -> None:
    # `docker --tlsverify=false` with DOCKER_TLS_VERIFY=1: TLS on, verification off.
    env = {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(certs)}
    tls = tls_from_settings(env=env, tlsverify=False)
    assert tls is not None and not tls.verify


def test_tls_flag_alone(home: Path) -> None:
    tls = tls_from_settings(env={"HOME": str(home)}, tls=True)
    assert tls == TLSSettings(verify=False)


def test_cacert_flag_implies_verification(home: Path, certs: Path) -> None:
    tls = tls_from_settings(env={"HOME": str(home)}, cacert=str(certs / "ca.pem"))
    assert tls is not None and tls.verify


# ------------------------------------------------------------------ resolve_targets


def test_default_socket(home: Path) -> None:
    [t] = resolve_targets(env={"HOME": str(home)})
    assert (t.scheme, t.address, t.source) == ("unix", DEFAULT_SOCKET, "default socket")


def test_docker_host_env(home: Path) -> None:
    [t] = resolve_targets(env={"HOME": str(home), "DOCKER_HOST": "tcp://10.0.0.5"})
    assert (t.address, t.source, t.tls) == ("10.0.0.5:2375", "DOCKER_HOST", None)


def test_h_flag_beats_docker_host(home: Path) -> None:
    env = {"HOME": str(home), "DOCKER_HOST": "tcp://10.0.0.5"}
    targets = resolve_targets(["unix:///a.sock", "tcp://10.0.0.6:2375"], env=env)
    assert [t.url for t in targets] == ["unix:///a.sock", "tcp://10.0.0.6:2375"]
    assert {t.source for t in targets} == {"-H flag"}


def test_docker_host_with_tls_env_gets_port_2376(certs: Path, home: Path) -> None:
    env = {
        "HOME": str(home),
        "DOCKER_HOST": "tcp://docker.example.com",
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": str(certs),
    }
    [t] = resolve_targets(env=env)
    assert t.address == "docker.example.com:2376"
    assert t.tls is not None and t.tls.verify and t.tls.ca == str(certs / "ca.pem")
    assert not t.insecure


def test_bad_docker_host_raises_target_error(home: Path) -> None:
    with pytest.raises(TargetError, match="npipe"):
        resolve_targets(env={"HOME": str(home), "DOCKER_HOST": "npipe:////./pipe/docker_engine"})
