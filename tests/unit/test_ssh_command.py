"""The ssh command line dockui runs for ssh:// targets, and how its failures read."""

from __future__ import annotations

from dockui.engine.ssh import explain_ssh_failure, ssh_command
from dockui.engine.targets import parse_host


def test_command_forwards_one_socket_with_user_and_port() -> None:
    t = parse_host("ssh://deploy@box.example:2222")
    cmd = ssh_command(t, "/tmp/x/docker.sock", env={})
    assert cmd[0] == "ssh"
    assert ["-l", "deploy"] == cmd[cmd.index("-l") : cmd.index("-l") + 2]
    assert ["-p", "2222"] == cmd[cmd.index("-p") : cmd.index("-p") + 2]
    assert "-L" in cmd and cmd[cmd.index("-L") + 1] == "/tmp/x/docker.sock:/var/run/docker.sock"
    assert cmd[-2:] == ["--", "box.example"]
    assert "BatchMode=yes" in cmd  # never prompts inside the TUI


def test_rootless_socket_path_and_config_file() -> None:
    t = parse_host("ssh://box/run/user/1000/docker.sock")
    cmd = ssh_command(t, "/tmp/s", env={"DOCKUI_SSH_CONFIG": "/etc/dockui/ssh_config"})
    assert cmd[cmd.index("-L") + 1] == "/tmp/s:/run/user/1000/docker.sock"
    assert cmd[cmd.index("-F") + 1] == "/etc/dockui/ssh_config"
    assert "-l" not in cmd and "-p" not in cmd


def test_failures_are_one_sentence_each() -> None:
    t = parse_host("ssh://me@box")
    cases = {
        "Host key verification failed.\r\n": "host key is unknown",
        "me@box: Permission denied (publickey).\n": "authentication failed",
        "ssh: Could not resolve hostname box: Name or service not known\n": "cannot resolve",
        "ssh: connect to host box port 22: Connection refused\n": "connection refused",
        "ssh: connect to host box port 22: Connection timed out\n": "timed out",
        "something odd\nkex_exchange_identification: read: reset\n": "kex_exchange_identification",
    }
    for stderr, expected in cases.items():
        err = explain_ssh_failure(stderr, t)
        assert expected in str(err), (stderr, str(err))
        assert "\n" not in err.message


def test_ipv6_host_with_port() -> None:
    t = parse_host("ssh://me@[::1]:2200")
    assert t.host == "::1"
    cmd = ssh_command(t, "/tmp/s", env={})
    assert cmd[-1] == "::1" and cmd[cmd.index("-p") + 1] == "2200"
