"""Pure validators of the create forms: parse what a user typed, or say in one sentence why not.

No Textual and no requests here: a form calls these before anything is sent, so bad input
(a port of 70000, `512x` of memory, a gateway outside its subnet) is refused in the form and
never half-creates an object. Each parser returns the value the engine wants, or raises
`ValidationError(field, message)` naming the form field it concerns.

`build_create_body(values)` turns the run-container form (a mapping of field name to the
text typed) into `(name, body)` for `POST /containers/create`, collecting every field's
error into one `FormInvalid` so the form can mark them all at once.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class ValidationError(ValueError):
    """One field's input is wrong; `message` is a sentence the form shows next to it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class FormInvalid(ValueError):
    """Several fields are wrong at once: `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


Text = str | Iterable[str]


def lines_of(value: Text | None, *, split_commas: bool = False) -> list[str]:
    """Non-empty stripped lines of a multi-line field (or of a list of lines)."""
    if value is None:
        return []
    raw = value.splitlines() if isinstance(value, str) else list(value)
    out: list[str] = []
    for line in raw:
        parts = re.split(r"[,\s]+", line) if split_commas else [line]
        out.extend(p.strip() for p in parts if p.strip())
    return out


# ------------------------------------------------------------------ sizes and CPU

_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
# dockerd refuses smaller limits ("Minimum memory limit allowed is 6MB").
MIN_MEMORY = 6 * 1024**2


def parse_memory(text: str, field: str = "memory") -> int | None:
    """`512m`, `1g`, `1.5G`, `2048` (bytes) -> bytes, like `docker run -m`; blank -> None."""
    s = text.strip()
    if not s:
        return None
    m = _SIZE_RE.match(s)
    if not m:
        raise ValidationError(
            field, f"{s!r} is not a size; write a number with an optional unit, like 512m or 1g."
        )
    value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if value < MIN_MEMORY:
        raise ValidationError(field, "The engine's smallest memory limit is 6m (6 MiB).")
    return int(value)


def format_memory(n: int) -> str:
    """Bytes as the shortest exact `docker run -m` text (`536870912` -> `512m`)."""
    for unit in ("t", "g", "m", "k"):
        if n and n % _UNITS[unit] == 0:
            return f"{n // _UNITS[unit]}{unit}"
    return str(n)


def parse_cpus(text: str, field: str = "cpus") -> int | None:
    """`0.5` CPUs -> NanoCpus (500000000), like `docker run --cpus`; blank -> None."""
    s = text.strip()
    if not s:
        return None
    try:
        value = float(s)
    except ValueError:
        raise ValidationError(field, f"{s!r} is not a number of CPUs, like 0.5 or 2.") from None
    if not value > 0 or value != value or value == float("inf"):
        raise ValidationError(field, "The number of CPUs must be more than 0.")
    nano = round(value * 1e9)
    if nano < 10_000_000:  # the CFS quota floor is 1 ms per 100 ms period
        raise ValidationError(field, "The smallest CPU limit is 0.01.")
    return nano


def parse_cpu_shares(text: str, field: str = "cpu_shares") -> int | None:
    """A relative CPU weight (default 1024) between 2 and 262144; blank or 0 -> None."""
    s = text.strip()
    if not s:
        return None
    if not re.fullmatch(r"\d+", s):
        raise ValidationError(field, f"{s!r} is not a whole number of CPU shares, like 512.")
    value = int(s)
    if value == 0:
        return None
    if not 2 <= value <= 262144:
        raise ValidationError(field, "CPU shares must be between 2 and 262144 (default 1024).")
    return value


# ------------------------------------------------------------------ ports

_PROTOS = ("tcp", "udp", "sctp")


def _port_range(text: str, field: str, what: str, spec: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", text)
    if not m:
        raise ValidationError(field, f"{spec!r}: {what} {text!r} is not a port or a range.")
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else lo
    for p in (lo, hi):
        if not 1 <= p <= 65535:
            raise ValidationError(field, f"{spec!r}: port {p} is outside 1-65535.")
    if hi < lo:
        raise ValidationError(field, f"{spec!r}: the range {text} ends before it starts.")
    return lo, hi


@dataclass(frozen=True, slots=True)
class PortSpec:
    """One `-p` value: host ip, host port(s) (None = engine picks), container port(s)."""

    host_ip: str
    host: tuple[int, int] | None
    container: tuple[int, int]
    proto: str


def parse_port(spec: str, field: str = "ports") -> PortSpec:
    """`80`, `8080:80`, `127.0.0.1:8080:80/udp`, `[::1]:80:80`, `8000-8001:80-81`, `ip::80`."""
    s = spec.strip()
    proto = "tcp"
    if "/" in s:
        s, proto = s.rsplit("/", 1)
        proto = proto.lower()
        if proto not in _PROTOS:
            raise ValidationError(field, f"{spec!r}: the protocol must be tcp, udp or sctp.")
    host_ip = ""
    if s.startswith("["):  # [IPv6]:host:container
        end = s.find("]")
        if end < 0 or s[end + 1 : end + 2] != ":":
            raise ValidationError(field, f"{spec!r}: an IPv6 address is written [addr]:port:port.")
        host_ip, s = s[1:end], s[end + 2 :]
        parts = ["_ip", *s.split(":")]
    else:
        parts = s.split(":")
    if len(parts) == 3:
        if not host_ip:
            host_ip = parts[0]
        host_text, ctr_text = parts[1], parts[2]
    elif len(parts) == 2 and not host_ip:
        host_text, ctr_text = parts
    elif len(parts) == 1 and not host_ip:
        host_text, ctr_text = "", parts[0]
    else:
        raise ValidationError(
            field, f"{spec!r} is not a port binding; write [ip:]hostPort:containerPort[/proto]."
        )
    if host_ip:
        try:
            ipaddress.ip_address(host_ip)
        except ValueError:
            raise ValidationError(field, f"{spec!r}: {host_ip!r} is not an IP address.") from None
    ctr = _port_range(ctr_text, field, "container port", spec)
    host = _port_range(host_text, field, "host port", spec) if host_text else None
    if host is not None and ctr[1] != ctr[0] and host[1] - host[0] != ctr[1] - ctr[0]:
        raise ValidationError(
            field,
            f"{spec!r}: the host range {host_text} and the container range {ctr_text} "
            "have different lengths.",
        )
    return PortSpec(host_ip, host, ctr, proto)


def parse_ports(
    text: Text | None, field: str = "ports"
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, str]]]]:
    """Port bindings (one per line or comma-separated) -> (ExposedPorts, PortBindings)."""
    exposed: dict[str, dict[str, Any]] = {}
    bindings: dict[str, list[dict[str, str]]] = {}
    for spec in lines_of(text, split_commas=True):
        p = parse_port(spec, field)
        lo, hi = p.container
        for i, port in enumerate(range(lo, hi + 1)):
            key = f"{port}/{p.proto}"
            exposed[key] = {}
            if p.host is None:
                host_port = ""
            elif lo == hi and p.host[0] != p.host[1]:
                # One container port, a host range: the engine picks a free port from it.
                host_port = f"{p.host[0]}-{p.host[1]}"
            else:
                host_port = str(p.host[0] + i)
            bindings.setdefault(key, []).append({"HostIp": p.host_ip, "HostPort": host_port})
    return exposed, bindings


# ------------------------------------------------------------------ mounts, env, labels

_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
_BIND_OPTS = {
    "ro",
    "rw",
    "z",
    "Z",
    "nocopy",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "private",
    "rprivate",
    "consistent",
    "cached",
    "delegated",
}


def parse_bind(spec: str, field: str = "binds") -> str:
    """`/host:/ctr[:ro]` or `volname:/ctr[:opts]`, checked; returns the bind as the API wants."""
    s = spec.strip()
    parts = s.split(":")
    if len(parts) not in (2, 3):
        raise ValidationError(
            field, f"{s!r} is not a mount; write /host/path:/container/path[:ro] or volume:/path."
        )
    source, target = parts[0], parts[1]
    if not source:
        raise ValidationError(field, f"{s!r}: the source (host path or volume name) is empty.")
    if not source.startswith("/") and not _NAME_RE.match(source):
        raise ValidationError(
            field,
            f"{s!r}: {source!r} is neither an absolute host path nor a valid volume name.",
        )
    if not target.startswith("/"):
        raise ValidationError(field, f"{s!r}: the container path must be absolute.")
    if target == "/":
        raise ValidationError(field, f"{s!r}: the container path cannot be /.")
    if len(parts) == 3:
        opts = [o for o in parts[2].split(",") if o]
        bad = [o for o in opts if o not in _BIND_OPTS]
        if bad or not opts:
            raise ValidationError(
                field, f"{s!r}: unknown mount option {(bad or [''])[0]!r}; use ro or rw."
            )
        if "ro" in opts and "rw" in opts:
            raise ValidationError(field, f"{s!r}: a mount cannot be both ro and rw.")
    return s


def parse_binds(text: Text | None, field: str = "binds") -> list[str]:
    """One bind per line (not comma-separated: options like `ro,z` hold commas)."""
    return [parse_bind(b, field) for b in lines_of(text)]


_ENV_KEY = re.compile(r"^[^=\s]+$")


def parse_env(text: Text | None, field: str = "env") -> list[str]:
    """`KEY=value` lines -> the API's Env list (values may hold `=` and spaces)."""
    out: list[str] = []
    for line in lines_of(text):
        key, sep, _value = line.partition("=")
        if not sep:
            raise ValidationError(field, f"{line!r} has no '='; write KEY=value.")
        if not _ENV_KEY.match(key):
            raise ValidationError(field, f"{line!r}: the variable name is empty or has spaces.")
        out.append(line)
    return out


def parse_key_values(
    text: Text | None, field: str, *, require_value: bool = False
) -> dict[str, str]:
    """`key=value` lines (`key` alone means an empty value unless `require_value`)."""
    out: dict[str, str] = {}
    for line in lines_of(text):
        key, sep, value = line.partition("=")
        key = key.strip()
        if not key:
            raise ValidationError(field, f"{line!r} has an empty key; write key=value.")
        if require_value and not sep:
            raise ValidationError(field, f"{line!r} has no '='; write key=value.")
        out[key] = value.strip()
    return out


def parse_labels(text: Text | None, field: str = "labels") -> dict[str, str]:
    """`k=v` label lines -> a Labels map."""
    return parse_key_values(text, field)


def parse_driver_opts(text: Text | None, field: str = "driver_opts") -> dict[str, str]:
    """Driver options `k=v` (a value is required: `type=nfs`, `o=addr=10.0.0.1`)."""
    return parse_key_values(text, field, require_value=True)


# ------------------------------------------------------------------ names and references

_RESTART_NAMES = ("no", "always", "unless-stopped", "on-failure")


def parse_restart(text: str, field: str = "restart") -> dict[str, Any]:
    """`no`, `always`, `unless-stopped`, `on-failure[:N]` -> RestartPolicy."""
    s = text.strip() or "no"
    name, sep, count = s.partition(":")
    if name not in _RESTART_NAMES:
        raise ValidationError(
            field, f"{s!r} is not a restart policy; use no, always, unless-stopped or on-failure."
        )
    if sep and name != "on-failure":
        raise ValidationError(field, f"Only on-failure takes a retry count, not {name}.")
    retries = 0
    if sep:
        if not re.fullmatch(r"\d+", count):
            raise ValidationError(field, f"{count!r} is not a whole number of retries.")
        retries = int(count)
    return {"Name": "" if name == "no" else name, "MaximumRetryCount": retries}


def validate_container_name(text: str, field: str = "name") -> str | None:
    """A container name as dockerd accepts it (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`); blank -> None."""
    s = text.strip().removeprefix("/")
    if not s:
        return None
    if not _NAME_RE.match(s):
        raise ValidationError(
            field,
            "A name is at least 2 characters of letters, digits, '_', '.' or '-', "
            "starting with a letter or digit.",
        )
    return s


def validate_volume_name(text: str, field: str = "name") -> str | None:
    """A local volume name (same alphabet as container names); blank -> None (engine names it)."""
    s = text.strip()
    if not s:
        return None
    if not _NAME_RE.match(s):
        raise ValidationError(
            field,
            "A volume name is at least 2 characters of letters, digits, '_', '.' or '-', "
            "starting with a letter or digit.",
        )
    return s


def validate_network_name(text: str, field: str = "name") -> str:
    """A network name: required, no spaces or slashes."""
    s = text.strip()
    if not s:
        raise ValidationError(field, "A network needs a name.")
    if not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*", s):
        raise ValidationError(
            field,
            "A network name is letters, digits, '_', '.' or '-', starting with a letter or digit.",
        )
    return s


# The distribution/reference grammar the engine parses image references with.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"^(?P<name>(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference: `name` includes any registry; tag/digest may be empty."""

    name: str
    tag: str
    digest: str

    @property
    def pull_tag(self) -> str:
        """What `/images/create` takes as `tag`: the digest, the tag, or `latest`."""
        return self.digest or self.tag or "latest"

    def __str__(self) -> str:
        out = self.name
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out


def parse_image_ref(text: str, field: str = "image") -> ImageRef:
    """An image reference (`nginx`, `nginx:1.27`, `ghcr.io/a/b@sha256:…`, `localhost:5000/x`)."""
    s = text.strip()
    if not s:
        raise ValidationError(field, "An image reference is required, like nginx:latest.")
    if len(s) > 255 + 140:
        raise ValidationError(field, "That image reference is too long.")
    m = _REFERENCE.match(s)
    if not m:
        if s != s.lower() and _REFERENCE.match(s.lower()):
            raise ValidationError(field, f"{s!r}: repository names must be lowercase.")
        raise ValidationError(
            field, f"{s!r} is not an image reference; write name[:tag] or name@sha256:digest."
        )
    name = m.group("name")
    path = name.split("/", 1)[1] if "/" in name and _is_domain(name.split("/", 1)[0]) else name
    if len(path) > 255:
        raise ValidationError(field, "The repository name is longer than 255 characters.")
    return ImageRef(name, m.group("tag") or "", m.group("digest") or "")


def _is_domain(first: str) -> bool:
    return "." in first or ":" in first or first == "localhost"


def parse_tag_target(text: str, field: str = "tag") -> tuple[str, str]:
    """A new tag for an image, `repo[:tag]` (no digest) -> (repo, tag), tag defaulting to latest."""
    ref = parse_image_ref(text, field)
    if ref.digest:
        raise ValidationError(field, "A tag cannot carry a digest; write repo:tag.")
    return ref.name, ref.tag or "latest"


# ------------------------------------------------------------------ networks


def parse_subnet(
    text: str, field: str = "subnet"
) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A CIDR subnet like `172.28.0.0/16`; blank -> None (the engine picks one)."""
    s = text.strip()
    if not s:
        return None
    if "/" not in s:
        raise ValidationError(
            field, f"{s!r} has no prefix length; write it as CIDR, like 172.28.0.0/16."
        )
    try:
        return ipaddress.ip_network(s, strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(s, strict=False)
    except ValueError:
        raise ValidationError(field, f"{s!r} is not a CIDR subnet, like 172.28.0.0/16.") from None
    raise ValidationError(field, f"{s!r} has host bits set; did you mean {loose}?")


def parse_gateway(
    text: str, subnet: ipaddress.IPv4Network | ipaddress.IPv6Network | None, field: str = "gateway"
) -> str | None:
    """A gateway address, which must lie inside the subnet (and needs one); blank -> None."""
    s = text.strip()
    if not s:
        return None
    if subnet is None:
        raise ValidationError(field, "A gateway needs a subnet to belong to; fill in the subnet.")
    addr = _address(s, field)
    if addr.version != subnet.version or addr not in subnet:
        raise ValidationError(field, f"The gateway {s} is outside the subnet {subnet}.")
    if subnet.num_addresses > 2 and addr in (subnet.network_address, subnet.broadcast_address):
        raise ValidationError(field, f"{s} is the subnet's network or broadcast address.")
    return s


def parse_ip_range(
    text: str, subnet: ipaddress.IPv4Network | ipaddress.IPv6Network | None, field: str = "ip_range"
) -> str | None:
    """An allocation range (CIDR) inside the subnet; blank -> None."""
    s = text.strip()
    if not s:
        return None
    if subnet is None:
        raise ValidationError(field, "An IP range needs a subnet to lie in; fill in the subnet.")
    rng = parse_subnet(s, field)
    assert rng is not None
    if rng.version != subnet.version or not rng.subnet_of(subnet):  # type: ignore[arg-type]
        raise ValidationError(field, f"The IP range {rng} is not inside the subnet {subnet}.")
    return str(rng)


def _address(s: str, field: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(s)
    except ValueError:
        raise ValidationError(field, f"{s!r} is not an IP address.") from None


def parse_ipv4_in_subnets(text: str, subnets: Iterable[str], field: str = "ipv4") -> str | None:
    """A fixed IPv4 address for a container on a network; it must be in one of its subnets."""
    s = text.strip()
    if not s:
        return None
    addr = _address(s, field)
    if addr.version != 4:
        raise ValidationError(field, f"{s} is not an IPv4 address.")
    nets = []
    for sub in subnets:
        try:
            net = ipaddress.ip_network(sub, strict=False)
        except ValueError:
            continue
        if net.version == 4:
            nets.append(net)
    if not nets:
        raise ValidationError(
            field, "This network has no IPv4 subnet, so a fixed address cannot be given."
        )
    inside = [n for n in nets if addr in n]
    if not inside:
        shown = ", ".join(str(n) for n in nets)
        raise ValidationError(field, f"{s} is outside the network's subnet ({shown}).")
    net = inside[0]
    if net.num_addresses > 2 and addr in (net.network_address, net.broadcast_address):
        raise ValidationError(field, f"{s} is the subnet's network or broadcast address.")
    return s


# ------------------------------------------------------------------ the run form

RUN_FIELDS = (
    "image",
    "name",
    "command",
    "env",
    "ports",
    "binds",
    "network",
    "restart",
    "memory",
    "cpus",
    "cpu_shares",
    "labels",
    "tty",
)

# NetworkMode values that are not user networks (no EndpointsConfig for them).
_BUILTIN_MODES = ("", "default", "bridge", "host", "none")


def parse_command(text: str, field: str = "command") -> list[str] | None:
    """A command line split as a POSIX shell would (quotes kept together); blank -> None."""
    s = text.strip()
    if not s:
        return None
    try:
        return shlex.split(s)
    except ValueError as exc:
        raise ValidationError(field, f"The command cannot be split: {exc}.") from None


def parse_network_mode(text: str, field: str = "network") -> str:
    """A network name, `host`, `none`, or `container:<name|id>`; blank -> engine default."""
    s = text.strip()
    if s.startswith("container:"):
        if not s.removeprefix("container:"):
            raise ValidationError(field, "container: needs the name or id of a container.")
        return s
    if s and not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*", s):
        raise ValidationError(field, f"{s!r} is not a network name.")
    return s


def build_create_body(values: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The run form -> (name, create body); raises FormInvalid naming every bad field."""
    errors: dict[str, str] = {}

    def text(key: str) -> str:
        v = values.get(key)
        if v is None:
            return ""
        if isinstance(v, str):
            return v
        if isinstance(v, Iterable):
            return "\n".join(str(x) for x in v)
        return str(v)

    def attempt(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except ValidationError as exc:
            errors.setdefault(exc.field, exc.message)
            return None

    image = attempt(parse_image_ref, text("image"), "image")
    name = attempt(validate_container_name, text("name"), "name")
    cmd = attempt(parse_command, text("command"), "command")
    env = attempt(parse_env, text("env"), "env")
    ports = attempt(parse_ports, text("ports"), "ports")
    binds = attempt(parse_binds, text("binds"), "binds")
    network = attempt(parse_network_mode, text("network"), "network")
    restart = attempt(parse_restart, text("restart"), "restart")
    memory = attempt(parse_memory, text("memory"), "memory")
    cpus = attempt(parse_cpus, text("cpus"), "cpus")
    shares = attempt(parse_cpu_shares, text("cpu_shares"), "cpu_shares")
    labels = attempt(parse_labels, text("labels"), "labels")
    if errors:
        raise FormInvalid(errors)

    exposed, bindings = ports or ({}, {})
    host_config: dict[str, Any] = {
        "PortBindings": bindings,
        "Binds": binds or [],
        "RestartPolicy": restart,
    }
    if memory is not None:
        host_config["Memory"] = memory
    if cpus is not None:
        host_config["NanoCpus"] = cpus
    if shares is not None:
        host_config["CpuShares"] = shares
    if network:
        host_config["NetworkMode"] = network
    tty = bool(values.get("tty"))
    body: dict[str, Any] = {
        "Image": str(image),
        "Env": env or [],
        "Labels": labels or {},
        "ExposedPorts": exposed,
        "Tty": tty,
        "OpenStdin": tty,
        "HostConfig": host_config,
    }
    if cmd:
        body["Cmd"] = cmd
    if network and network not in _BUILTIN_MODES and not network.startswith("container:"):
        body["NetworkingConfig"] = {"EndpointsConfig": {network: {}}}
    return name, body
