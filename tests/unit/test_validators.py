"""Every form validator: what it accepts, what it turns it into, and what it refuses."""

from __future__ import annotations

import pytest

from dockui.engine.container_config import cpus_text, form_values_from_inspect, memory_text
from dockui.ui.forms.validators import (
    FormInvalid,
    ValidationError,
    build_create_body,
    format_memory,
    lines_of,
    parse_bind,
    parse_binds,
    parse_command,
    parse_cpu_shares,
    parse_cpus,
    parse_driver_opts,
    parse_env,
    parse_gateway,
    parse_image_ref,
    parse_ip_range,
    parse_ipv4_in_subnets,
    parse_labels,
    parse_memory,
    parse_network_mode,
    parse_port,
    parse_ports,
    parse_restart,
    parse_subnet,
    parse_tag_target,
    validate_container_name,
    validate_network_name,
    validate_volume_name,
)

MB = 1024**2
GB = 1024**3


def refused(fn, *args, field: str | None = None) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        fn(*args)
    if field is not None:
        assert info.value.field == field
    msg = info.value.message
    # One clear sentence: capitalised or quoted start, a full stop, no newline.
    assert msg.endswith((".", "?")) and "\n" not in msg, msg
    return msg


# ------------------------------------------------------------------ sizes and CPUs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("512m", 512 * MB),
        ("512M", 512 * MB),
        ("1g", GB),
        ("1.5G", int(1.5 * GB)),
        ("10485760", 10 * MB),
        ("64mb", 64 * MB),
        ("64MiB", 64 * MB),
        ("1t", 1024 * GB),
        ("  2g ", 2 * GB),
        ("", None),
    ],
)
def test_memory_accepts(text: str, expected: int | None) -> None:
    assert parse_memory(text) == expected


@pytest.mark.parametrize("text", ["-1g", "1x", "g", "lots", "1.2.3m", "1 gb extra", "1k", "100"])
def test_memory_refuses(text: str) -> None:
    refused(parse_memory, text, field="memory")


def test_memory_format_round_trips() -> None:
    for n in (512 * MB, GB, 3 * GB, 6 * MB + 1):
        assert parse_memory(format_memory(n)) == n
        assert parse_memory(memory_text(n)) == n


def test_cpus() -> None:
    assert parse_cpus("0.5") == 500_000_000
    assert parse_cpus("2") == 2_000_000_000
    assert parse_cpus("") is None
    assert cpus_text(1_500_000_000) == "1.5"
    for bad in ("0", "-1", "half", "nan", "inf", "0.001"):
        refused(parse_cpus, bad, field="cpus")


def test_cpu_shares() -> None:
    assert parse_cpu_shares("512") == 512
    assert parse_cpu_shares("") is None
    assert parse_cpu_shares("0") is None
    for bad in ("1", "262145", "-5", "1.5", "many"):
        refused(parse_cpu_shares, bad, field="cpu_shares")


# ------------------------------------------------------------------ ports


def test_port_forms() -> None:
    exposed, bindings = parse_ports(
        "8080:80\n127.0.0.1:5353:53/udp, 443\n8000-8001:90-91\n[::1]:9000:9000\n0.0.0.0::22"
    )
    assert set(exposed) == {"80/tcp", "53/udp", "443/tcp", "90/tcp", "91/tcp", "9000/tcp", "22/tcp"}
    assert bindings["80/tcp"] == [{"HostIp": "", "HostPort": "8080"}]
    assert bindings["53/udp"] == [{"HostIp": "127.0.0.1", "HostPort": "5353"}]
    assert bindings["443/tcp"] == [{"HostIp": "", "HostPort": ""}]
    assert bindings["90/tcp"] == [{"HostIp": "", "HostPort": "8000"}]
    assert bindings["91/tcp"] == [{"HostIp": "", "HostPort": "8001"}]
    assert bindings["9000/tcp"] == [{"HostIp": "::1", "HostPort": "9000"}]
    assert bindings["22/tcp"] == [{"HostIp": "0.0.0.0", "HostPort": ""}]


def test_port_host_range_to_one_container_port() -> None:
    _, bindings = parse_ports("8000-8010:80")
    assert bindings["80/tcp"] == [{"HostIp": "", "HostPort": "8000-8010"}]


def test_port_two_bindings_of_one_port() -> None:
    _, bindings = parse_ports("8080:80 8081:80")
    assert [b["HostPort"] for b in bindings["80/tcp"]] == ["8080", "8081"]


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("0:80", "port 0"),
        ("8080:0", "port 0"),
        ("70000:80", "port 70000"),
        ("8080:65536", "65536"),
        ("8000-8002:80-81", "different lengths"),
        ("81-80:80", "ends before"),
        ("8080:80/icmp", "protocol"),
        ("1.2.3:8080:80", "not an IP"),
        ("a:b:c:d", "not a port binding"),
        ("http", "not a port"),
        ("[::1:80:80", "IPv6"),
    ],
)
def test_port_refused(spec: str, needle: str) -> None:
    assert needle in refused(parse_port, spec, field="ports")


def test_ports_blank() -> None:
    assert parse_ports("") == ({}, {})
    assert parse_ports(None) == ({}, {})


# ------------------------------------------------------------------ binds, env, labels


def test_binds() -> None:
    assert parse_binds("/srv/data:/data:ro\nvol1:/var/lib/x\n /a:/b:rw,z") == [
        "/srv/data:/data:ro",
        "vol1:/var/lib/x",
        "/a:/b:rw,z",
    ]
    assert parse_bind("my_vol.1:/x:nocopy") == "my_vol.1:/x:nocopy"


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("/data", "not a mount"),
        ("/a:relative", "absolute"),
        ("/a:/", "cannot be /"),
        ("-bad:/x", "neither"),
        ("/a:/b:rx", "unknown mount option"),
        ("/a:/b:ro,rw", "both ro and rw"),
        (":/b", "empty"),
        ("/a:/b:c:d", "not a mount"),
    ],
)
def test_binds_refused(spec: str, needle: str) -> None:
    assert needle in refused(parse_bind, spec, field="binds")


def test_env() -> None:
    assert parse_env("A=1\n  B=x=y z \n\nEMPTY=") == ["A=1", "B=x=y z", "EMPTY="]
    assert "no '='" in refused(parse_env, "JUSTKEY", field="env")
    assert "empty" in refused(parse_env, "=value")
    assert "spaces" in refused(parse_env, "MY VAR=1")


def test_labels_and_driver_opts() -> None:
    assert parse_labels("a=1\nb\nc = x=y") == {"a": "1", "b": "", "c": "x=y"}
    assert "empty key" in refused(parse_labels, "=v", field="labels")
    assert parse_driver_opts("type=tmpfs\ndevice=tmpfs\no=size=100m") == {
        "type": "tmpfs",
        "device": "tmpfs",
        "o": "size=100m",
    }
    assert "no '='" in refused(parse_driver_opts, "type", field="driver_opts")


def test_lines_of() -> None:
    assert lines_of(["a", " ", "b "]) == ["a", "b"]
    assert lines_of("a, b\nc", split_commas=True) == ["a", "b", "c"]


# ------------------------------------------------------------------ restart, names, refs


def test_restart() -> None:
    assert parse_restart("") == {"Name": "", "MaximumRetryCount": 0}
    assert parse_restart("no") == {"Name": "", "MaximumRetryCount": 0}
    assert parse_restart("always") == {"Name": "always", "MaximumRetryCount": 0}
    assert parse_restart("unless-stopped")["Name"] == "unless-stopped"
    assert parse_restart("on-failure:5") == {"Name": "on-failure", "MaximumRetryCount": 5}
    assert parse_restart("on-failure") == {"Name": "on-failure", "MaximumRetryCount": 0}
    refused(parse_restart, "sometimes", field="restart")
    assert "Only on-failure" in refused(parse_restart, "always:3")
    refused(parse_restart, "on-failure:x")


def test_container_name() -> None:
    assert validate_container_name("web-1") == "web-1"
    assert validate_container_name("/web.2_x") == "web.2_x"
    assert validate_container_name("  ") is None
    for bad in ("a", "-web", "we b", "web/1", "ü-name", "_x"):
        refused(validate_container_name, bad, field="name")


def test_volume_and_network_names() -> None:
    assert validate_volume_name("data-1") == "data-1"
    assert validate_volume_name("") is None
    refused(validate_volume_name, "da ta", field="name")
    refused(validate_volume_name, "/data")
    assert validate_network_name("backend") == "backend"
    refused(validate_network_name, "", field="name")
    refused(validate_network_name, "my net")


@pytest.mark.parametrize(
    ("ref", "name", "tag", "digest"),
    [
        ("nginx", "nginx", "", ""),
        ("nginx:1.27-alpine", "nginx", "1.27-alpine", ""),
        ("library/nginx:latest", "library/nginx", "latest", ""),
        ("ghcr.io/owner/app:v1", "ghcr.io/owner/app", "v1", ""),
        ("localhost:5000/x", "localhost:5000/x", "", ""),
        ("my-registry.local:5000/team/app_x:1.0", "my-registry.local:5000/team/app_x", "1.0", ""),
        ("busybox@sha256:" + "a" * 64, "busybox", "", "sha256:" + "a" * 64),
    ],
)
def test_image_refs(ref: str, name: str, tag: str, digest: str) -> None:
    parsed = parse_image_ref(ref)
    assert (parsed.name, parsed.tag, parsed.digest) == (name, tag, digest)
    assert str(parsed) == ref
    assert parsed.pull_tag == (digest or tag or "latest")


@pytest.mark.parametrize(
    "ref", ["", "Nginx", "nginx:", "nginx:-bad", "a//b", "nginx@sha256:xyz", "-x", "x y"]
)
def test_image_refs_refused(ref: str) -> None:
    refused(parse_image_ref, ref, field="image")


def test_uppercase_ref_says_lowercase() -> None:
    assert "lowercase" in refused(parse_image_ref, "MyApp:1")


def test_tag_target() -> None:
    assert parse_tag_target("me/app") == ("me/app", "latest")
    assert parse_tag_target("reg.io:5000/me/app:v2") == ("reg.io:5000/me/app", "v2")
    refused(parse_tag_target, "me/app@sha256:" + "b" * 64, field="tag")


def test_command() -> None:
    assert parse_command("sh -c 'echo hi; sleep 1'") == ["sh", "-c", "echo hi; sleep 1"]
    assert parse_command("") is None
    assert "cannot be split" in refused(parse_command, "echo 'open", field="command")


def test_network_mode() -> None:
    assert parse_network_mode("") == ""
    assert parse_network_mode("host") == "host"
    assert parse_network_mode("container:web") == "container:web"
    refused(parse_network_mode, "container:", field="network")
    refused(parse_network_mode, "bad net")


# ------------------------------------------------------------------ networks


def test_subnet_gateway_range() -> None:
    net = parse_subnet("172.28.0.0/16")
    assert str(net) == "172.28.0.0/16"
    assert parse_subnet("") is None
    assert parse_gateway("172.28.0.1", net) == "172.28.0.1"
    assert parse_ip_range("172.28.5.0/24", net) == "172.28.5.0/24"
    assert parse_gateway("", net) is None
    assert str(parse_subnet("fd00:1::/64")) == "fd00:1::/64"


def test_subnet_refused() -> None:
    assert "did you mean 10.1.0.0/24" in refused(parse_subnet, "10.1.0.5/24", field="subnet")
    assert "prefix length" in refused(parse_subnet, "10.1.0.0")
    refused(parse_subnet, "10.1.0.0/33")
    refused(parse_subnet, "300.1.0.0/16")
    refused(parse_subnet, "banana/8")


def test_gateway_and_range_refused() -> None:
    net = parse_subnet("10.5.0.0/24")
    assert "outside" in refused(parse_gateway, "10.6.0.1", net, field="gateway")
    assert "network or broadcast" in refused(parse_gateway, "10.5.0.255", net)
    assert "network or broadcast" in refused(parse_gateway, "10.5.0.0", net)
    assert "needs a subnet" in refused(parse_gateway, "10.5.0.1", None)
    refused(parse_gateway, "not-an-ip", net)
    assert "not inside" in refused(parse_ip_range, "10.5.0.0/16", net, field="ip_range")
    assert "not inside" in refused(parse_ip_range, "10.6.0.0/28", net)
    assert "needs a subnet" in refused(parse_ip_range, "10.5.0.0/28", None)
    refused(parse_gateway, "fd00::1", net)


def test_ipv4_in_subnets() -> None:
    assert parse_ipv4_in_subnets("10.5.0.9", ["10.5.0.0/24"]) == "10.5.0.9"
    assert parse_ipv4_in_subnets("", ["10.5.0.0/24"]) is None
    assert parse_ipv4_in_subnets("10.6.0.9", ["fd00::/64", "10.6.0.0/16"]) == "10.6.0.9"
    assert "outside" in refused(parse_ipv4_in_subnets, "10.9.0.1", ["10.5.0.0/24"], field="ipv4")
    assert "no IPv4 subnet" in refused(parse_ipv4_in_subnets, "10.5.0.2", [])
    assert "not an IPv4" in refused(parse_ipv4_in_subnets, "fd00::5", ["fd00::/64"])
    assert "broadcast" in refused(parse_ipv4_in_subnets, "10.5.0.255", ["10.5.0.0/24"])
    refused(parse_ipv4_in_subnets, "10.5.0", ["10.5.0.0/24"])


# ------------------------------------------------------------------ the run form


FULL_FORM = {
    "image": "nginx:1.27",
    "name": "web",
    "command": "nginx -g 'daemon off;'",
    "env": "A=1\nB=two words",
    "ports": "8080:80\n127.0.0.1:5353:53/udp",
    "binds": "/srv:/usr/share/nginx/html:ro\ncache:/var/cache/nginx",
    "network": "backend",
    "restart": "on-failure:3",
    "memory": "512m",
    "cpus": "1.5",
    "cpu_shares": "512",
    "labels": "app=web\ntier=front",
    "tty": True,
}


def test_build_create_body_full() -> None:
    name, body = build_create_body(FULL_FORM)
    assert name == "web"
    assert body["Image"] == "nginx:1.27"
    assert body["Cmd"] == ["nginx", "-g", "daemon off;"]
    assert body["Env"] == ["A=1", "B=two words"]
    assert body["Labels"] == {"app": "web", "tier": "front"}
    assert body["ExposedPorts"] == {"80/tcp": {}, "53/udp": {}}
    assert body["Tty"] is True and body["OpenStdin"] is True
    hc = body["HostConfig"]
    assert hc["PortBindings"]["80/tcp"] == [{"HostIp": "", "HostPort": "8080"}]
    assert hc["Binds"] == ["/srv:/usr/share/nginx/html:ro", "cache:/var/cache/nginx"]
    assert hc["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    assert hc["Memory"] == 512 * MB
    assert hc["NanoCpus"] == 1_500_000_000
    assert hc["CpuShares"] == 512
    assert hc["NetworkMode"] == "backend"
    assert body["NetworkingConfig"] == {"EndpointsConfig": {"backend": {}}}


def test_build_create_body_minimal() -> None:
    name, body = build_create_body({"image": "busybox"})
    assert name is None
    assert "Cmd" not in body and "NetworkingConfig" not in body
    hc = body["HostConfig"]
    assert "Memory" not in hc and "NanoCpus" not in hc and "NetworkMode" not in hc
    assert hc["RestartPolicy"] == {"Name": "", "MaximumRetryCount": 0}


def test_build_create_body_builtin_network_has_no_endpoint_config() -> None:
    _, body = build_create_body({"image": "busybox", "network": "host"})
    assert body["HostConfig"]["NetworkMode"] == "host"
    assert "NetworkingConfig" not in body


def test_build_create_body_collects_every_error() -> None:
    bad = {
        **FULL_FORM,
        "image": "",
        "ports": "0:80",
        "memory": "lots",
        "name": "x",
        "restart": "whenever",
    }
    with pytest.raises(FormInvalid) as info:
        build_create_body(bad)
    assert set(info.value.errors) == {"image", "ports", "memory", "name", "restart"}


def test_duplicate_round_trip() -> None:
    """inspect -> form values -> create body gives back the original configuration."""
    _, body = build_create_body(FULL_FORM)
    inspect = {
        "Name": "/web",
        "Config": {
            "Image": body["Image"],
            "Cmd": body["Cmd"],
            "Env": [*body["Env"], "PATH=/usr/bin"],
            "Labels": {**body["Labels"], "maintainer": "nginx", "com.docker.compose.project": "p"},
            "Tty": True,
        },
        "HostConfig": body["HostConfig"],
    }
    image = {"Config": {"Env": ["PATH=/usr/bin"], "Labels": {"maintainer": "nginx"}}}
    values = form_values_from_inspect(inspect, image_inspect=image)
    assert values["name"] == "web-copy"
    name, again = build_create_body(values)
    assert name == "web-copy"
    assert again == body


def test_duplicate_tolerates_nulls() -> None:
    values = form_values_from_inspect(
        {"Name": "/c", "Config": {"Env": None, "Cmd": None, "Labels": None}, "HostConfig": None}
    )
    assert values["env"] == "" and values["command"] == "" and values["restart"] == "no"
    assert values["memory"] == "" and values["ports"] == ""
