"""`luckydraw up --share ssh:…` for real: a throw-away OpenSSH server on loopback (Debian's
openssh-server, a fresh host key and client key), the command line starting the buyer web and an
SSH reverse tunnel through it, and a buyer who books, pays and sees the booking confirmed through
the forwarded port. When the console ends, the tunnel and the web are gone."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from console import cli, launch
from shared.payments import record_payment

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SSH_PORT, REMOTE_PORT, WEB_PORT = 19422, 19423, 19424  # this suite's loopback ports

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (os.path.exists(SSHD) and shutil.which("ssh-keygen")), reason="openssh-server not installed"
    ),
    pytest.mark.skipif(os.geteuid() != 0, reason="sshd logs a user in only when run as root"),
]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.3)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not listening(port):
        assert process.poll() is None, f"sshd stopped: {process.stdout.read() if process.stdout else ''}"
        assert time.monotonic() < deadline, f"nothing listens on {port}"
        time.sleep(0.1)


@pytest.fixture
def sshd(tmp_path):
    """An OpenSSH server on 127.0.0.1:SSH_PORT that lets root in with a throw-away key only."""
    for port in (SSH_PORT, REMOTE_PORT, WEB_PORT):
        if listening(port):
            pytest.skip(f"port {port} is taken")
    keys = tmp_path / "ssh"
    keys.mkdir(mode=0o700)
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    (keys / "authorized_keys").write_text((keys / "client_key.pub").read_text())
    (keys / "authorized_keys").chmod(0o600)
    config = keys / "sshd_config"
    config.write_text(
        "\n".join(
            [
                "ListenAddress 127.0.0.1",
                f"HostKey {keys / 'host_key'}",
                f"AuthorizedKeysFile {keys / 'authorized_keys'}",
                f"PidFile {keys / 'sshd.pid'}",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "AllowTcpForwarding yes",
                "GatewayPorts no",
                "X11Forwarding no",
                "LogLevel VERBOSE",
            ]
        )
        + "\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # its privilege-separation folder
    server = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config), "-p", str(SSH_PORT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_listening(SSH_PORT, server)
        yield keys
    finally:
        server.terminate()
        server.wait(10)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def hold_through(share_url: str, client_ip: str, mobile: str, ticket: int) -> int:
    """A hold through the tunnel as a buyer at `client_ip` (X-Forwarded-For, as a tunnel adds it)."""
    request = urllib.request.Request(
        share_url + "api/orders",
        data=json.dumps({"name": "Buyer", "mobile": mobile, "tickets": [ticket]}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": client_ip},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def ssh_processes(marker: str) -> list[int]:
    """Processes whose command line names `marker` (this test's own key file)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_buyer_books_through_an_ssh_reverse_tunnel(sshd, sqlite_draw, sqlite_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the web's and the tunnel's logs
    share_url = f"http://127.0.0.1:{REMOTE_PORT}/"
    seen = {}

    def buyer_books(db_url, *, web_url, web_status, tunnel, **_options):
        """Stands in for the console: while it runs, a buyer uses the address it would show."""
        seen["address"] = web_url
        seen["tunnel"] = tunnel.state()
        seen["ssh"] = ssh_processes(str(sshd / "client_key"))
        request = urllib.request.Request(
            share_url + "api/orders",
            data=json.dumps({"name": "Asha Devi", "mobile": "9876543210", "tickets": [7, 8]}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            seen["hold_status"] = response.status
            hold = json.loads(response.read())
        with urllib.request.urlopen(share_url + hold["pay_url"].lstrip("/"), timeout=10) as page:
            seen["pay_page"] = (page.status, hold["reference"] in page.read().decode())
        seen["before"] = get_json(f"{share_url}api/check_payment/{hold['session_id']}")["status"]
        record_payment(hold["amount_paise"], "412345678901")  # the organiser sees the money arrive
        seen["after"] = get_json(f"{share_url}api/check_payment/{hold['session_id']}")
        seen["hold"] = hold
        # Two buyers behind the tunnel, told apart by the forwarded address the tunnel's side adds:
        # the per-IP limit (2 a minute here) stops the first one's third try, not the second buyer.
        seen["limits"] = [
            hold_through(share_url, "203.0.113.5", "9876500001", 11),
            hold_through(share_url, "203.0.113.5", "9876500002", 12),
            hold_through(share_url, "203.0.113.5", "9876500003", 13),
            hold_through(share_url, "203.0.113.9", "9876500004", 14),
        ]
        seen["web"] = web_status()
        return 0

    monkeypatch.setattr(launch, "open_console", buyer_books)
    monkeypatch.setenv("LUCKYDRAW_HOLD_LIMIT_IP", "2/60")  # the web inherits it
    code = cli.main(
        [
            "--db",
            sqlite_url,
            "up",
            "--host",
            "127.0.0.1",
            "--port",
            str(WEB_PORT),
            "--workers",
            "1",  # one limiter for the rate-limit check below
            "--share",
            f"ssh:root@127.0.0.1:{SSH_PORT}",
            "--share-remote-port",
            str(REMOTE_PORT),
            "--share-url",
            share_url,
            "--ssh-option",
            f"IdentityFile={sshd / 'client_key'}",
            "--ssh-option",
            f"UserKnownHostsFile={sshd / 'known_hosts'}",
        ]
    )
    assert code == 0
    assert seen["address"] == share_url, "the console was given the tunnel's address"
    assert seen["tunnel"].status == "up" and seen["tunnel"].address == share_url
    assert seen["ssh"], "an ssh client carried the tunnel"
    assert seen["hold_status"] == 201 and seen["hold"]["tickets"] == [7, 8]
    assert seen["pay_page"] == (200, True)
    assert seen["before"] == "pending"
    assert seen["after"]["status"] == "paid" and seen["after"]["reference"] == seen["hold"]["reference"]
    assert seen["limits"] == [201, 201, 429, 201], "the first buyer's third hold is limited, the other buyer's is not"
    assert seen["web"] is None
    # Everything stopped with the console: the tunnel's ssh, the forwarded port, the web.
    deadline = time.monotonic() + 10
    while (ssh_processes(str(sshd / "client_key")) or listening(REMOTE_PORT)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ssh_processes(str(sshd / "client_key")) == []
    assert not listening(REMOTE_PORT) and not listening(WEB_PORT)
    assert "root@127.0.0.1" in (tmp_path / "luckydraw-tunnel.log").read_text()
