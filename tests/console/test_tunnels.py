"""Tunnel clients for `luckydraw up --share`: their addresses read from their real output (recorded
lines), the choice of client, and the supervision (a client that dies comes back with a new
address; stopping leaves no process behind, even when the supervising process is killed)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from console.tunnels import Cloudflared, ShareError, Ssh, Tailscale, Tunnel, choose_client, clean_line
from tests.helpers import fake_tunnel

INF = "2026-11-30T09:12:03Z INF "
# cloudflared 2024.x, `cloudflared tunnel --url http://127.0.0.1:8080`, stderr as it prints it.
CLOUDFLARED_LOG = [
    "2026-11-30T09:12:01Z INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a "
    "quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime "
    "guarantee, are subject to the Cloudflare Online Services Terms of Use "
    "(https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of "
    "Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a "
    "pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps",
    "2026-11-30T09:12:01Z INF Requesting new quick Tunnel on trycloudflare.com...",
    INF + "+--------------------------------------------------------------------------------------------+",
    INF + "|  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |",
    INF + "|  https://seasonal-deck-organisms-sf.trycloudflare.com                                      |",
    INF + "+--------------------------------------------------------------------------------------------+",
    "2026-11-30T09:12:03Z INF Cannot determine default configuration path. No file [config.yml config.yaml] in "
    "[~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]",
    "2026-11-30T09:12:03Z INF Version 2024.11.1 (Checksum 4c1f6b9e0d3a)",
    "2026-11-30T09:12:03Z INF GOOS: linux, GOVersion: go1.22.5, GoArch: amd64",
    "2026-11-30T09:12:03Z INF Settings: map[ha-connections:1 protocol:quic url:http://127.0.0.1:8080]",
    "2026-11-30T09:12:03Z INF Generated Connector ID: 5d1c3c8e-54a0-4f3e-9b1e-2f7d6b0f8a11",
    "2026-11-30T09:12:03Z INF Initial protocol quic",
    "2026-11-30T09:12:03Z INF ICMP proxy will use 192.168.1.5 as source for IPv4",
    "2026-11-30T09:12:04Z INF Starting metrics server on 127.0.0.1:20241/metrics",
    "2026-11-30T09:12:04Z INF Registered tunnel connection connIndex=0 connection=8e0b2f3a-1c4d-4a77-a0c5-3e1f0b9d7c42 "
    "event=0 ip=198.41.200.193 location=bom08 protocol=quic",
]
CLOUDFLARED_FAILED = [
    "2026-11-30T09:12:01Z INF Requesting new quick Tunnel on trycloudflare.com...",
    "2026-11-30T09:12:31Z ERR Error unmarshaling QuickTunnel response: error=\"invalid character 'e' looking for "
    'beginning of value" status_code="500 Internal Server Error"',
    '2026-11-30T09:12:31Z ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: '
    "lookup api.trycloudflare.com on 127.0.0.53:53: no such host",
]
# tailscale 1.76, `tailscale funnel 8080` (foreground), and when Funnel is not yet allowed.
TAILSCALE_OUTPUT = [
    "Available on the internet:",
    "",
    "https://meena-laptop.tail4c2e1.ts.net/",
    "|-- / proxy http://127.0.0.1:8080",
    "",
    "Press Ctrl+C to exit.",
]
TAILSCALE_NOT_ENABLED = [
    "Funnel is not enabled on your tailnet.",
    "To enable, visit:",
    "",
    "         https://login.tailscale.com/f/funnel?node=nK3xQ2CNTRL",
    "",
]
# SSH tunnel services, `ssh -R 80:localhost:8080 …` (localhost.run, serveo, pinggy).
LOCALHOST_RUN = [
    "===============================================================================",
    "Welcome to localhost.run!",
    "",
    "Follow your favourite reverse tunnel at [https://twitter.com/localhost_run].",
    "",
    "To set up and manage custom domains go to https://admin.localhost.run/",
    "",
    "More details on custom domains (and how to enable subdomains for your custom",
    "domain) at https://localhost.run/docs/custom-domains",
    "",
    "** your connection id is 2d8e4b6c-0e0b-4bd6-9a4f-2f1f5c7e8d90, please mention it if you send me a message **",
    "",
    "3f1a9c2e7b5d40.lhr.life tunneled with tls termination, https://3f1a9c2e7b5d40.lhr.life",
]
SERVEO = ["Forwarding HTTP traffic from https://b2c41d5e8f.serveo.net"]
PINGGY = [
    "You are not authenticated.",
    "Your tunnel will expire in 60 minutes. Upgrade to Pinggy Pro to get unrestricted tunnels. https://dashboard.pinggy.io",
    "http://rnxyz-106-51-2-17.a.free.pinggy.link",
    "https://rnxyz-106-51-2-17.a.free.pinggy.link",
]

ADDRESS_TABLE = [
    (Cloudflared(), CLOUDFLARED_LOG, "https://seasonal-deck-organisms-sf.trycloudflare.com/"),
    (Cloudflared(), CLOUDFLARED_FAILED, None),
    (Tailscale(), TAILSCALE_OUTPUT, "https://meena-laptop.tail4c2e1.ts.net/"),
    (Tailscale(), TAILSCALE_NOT_ENABLED, None),
    (Ssh.parse("nokey@localhost.run"), LOCALHOST_RUN, "https://3f1a9c2e7b5d40.lhr.life/"),
    (Ssh.parse("serveo.net"), SERVEO, "https://b2c41d5e8f.serveo.net/"),
    (Ssh.parse("a.pinggy.io:443"), PINGGY, "https://rnxyz-106-51-2-17.a.free.pinggy.link/"),
]


def first_address(client, lines):
    found = [a for a in (client.address(clean_line(line)) for line in lines) if a is not None]
    return found[0] if found else None


@pytest.mark.parametrize(("client", "lines", "expected"), ADDRESS_TABLE, ids=lambda v: getattr(v, "name", None))
def test_the_address_is_read_from_the_clients_own_output(client, lines, expected):
    assert first_address(client, lines) == expected


def test_each_recorded_line_alone_yields_only_the_announced_address():
    """No other URL the clients print (terms links, docs, login pages, the API host) is taken."""
    for client, lines, expected in ADDRESS_TABLE:
        found = {client.address(clean_line(line)) for line in lines} - {None}
        assert found == ({expected} if expected else set()), lines


def test_tailscale_status_json_gives_the_stable_address():
    status = '{"Version": "1.76.1", "Self": {"DNSName": "meena-laptop.tail4c2e1.ts.net.", "HostName": "meena-laptop"}}'
    assert Tailscale.address_from_status(status) == "https://meena-laptop.tail4c2e1.ts.net/"
    assert Tailscale.address_from_status('{"Self": {"DNSName": ""}}') is None
    assert Tailscale.address_from_status("not json") is None
    assert Tailscale.address_from_status('{"BackendState": "NeedsLogin"}') is None


def test_terminal_escapes_a_client_prints_are_removed_or_made_visible():
    assert clean_line("\x1b[32mhttps://abc.serveo.net\x1b[0m\r\n") == "https://abc.serveo.net"
    assert clean_line("\x1b]0;owned\x07title") == "title"
    assert clean_line("bell\x07 and \u202eevil") == "bell\\x07 and \\u202eevil"


def test_commands_point_the_clients_at_the_web_on_loopback():
    assert Cloudflared().command(8080) == ["cloudflared", "tunnel", "--no-autoupdate", "--url", "http://127.0.0.1:8080"]
    assert Tailscale().command(8080) == ["tailscale", "funnel", "8080"]
    service = Ssh.parse("nokey@localhost.run").command(8080)
    assert service[-3:] == ["-R", "80:localhost:8080", "--", "nokey@localhost.run"][-3:]
    assert "BatchMode=yes" in service and "-N" not in service
    own = Ssh.parse("me@draw.example.in:2222", remote_port=9000, url="https://draw.example.in/").command(8080)
    assert own[own.index("-p") + 1] == "2222"
    assert own[own.index("-R") + 1] == "9000:127.0.0.1:8080" and "-N" in own
    assert own[-2:] == ["--", "me@draw.example.in"]


def only(*names):
    return lambda program: f"/usr/bin/{program}" if program in names else None


def test_auto_picks_the_first_installed_client():
    assert isinstance(choose_client("auto", which=only("cloudflared", "tailscale")), Cloudflared)
    assert isinstance(choose_client("auto", which=only("tailscale")), Tailscale)
    assert isinstance(choose_client("tailscale", which=only("cloudflared", "tailscale")), Tailscale)


def test_no_client_installed_is_one_line_saying_what_to_install():
    with pytest.raises(ShareError) as raised:
        choose_client("auto", which=only())
    message = str(raised.value)
    assert "\n" not in message
    assert "install cloudflared" in message and "Tailscale" in message and "ssh:user@host" in message
    with pytest.raises(ShareError, match="cloudflared is not installed; install cloudflared"):
        choose_client("cloudflared", which=only("tailscale"))


@pytest.mark.parametrize(
    ("spec", "options", "message"),
    [
        ("ngrok", {}, "--share takes auto, cloudflared, tailscale or ssh:user@host, not 'ngrok'"),
        ("ssh:-oProxyCommand=x", {}, "needs user@host"),
        ("ssh:me@host:99999", {}, "99999 is not a port number"),
        ("ssh:me@host", {"share_url": "https://draw.example.in/"}, "needs --share-remote-port"),
        ("ssh:me@host", {"share_url": "draw.example.in", "remote_port": 9000}, "--share-url must be the address"),
        ("cloudflared", {"share_url": "https://draw.example.in/"}, "go with --share ssh:user@host"),
    ],
)
def test_bad_share_options_are_refused_clearly(spec, options, message):
    with pytest.raises(ShareError, match=message.replace("(", r"\(").replace("?", r"\?")):
        choose_client(spec, which=only("ssh", "cloudflared"), **options)


# Running the clients (fake programs playing the recorded output) ------------------------------------


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ['PATH']}")
    return directory


def wait_gone(pids, timeout=8.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(fake_tunnel.alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if fake_tunnel.alive(p)]


@pytest.mark.parametrize(
    ("client", "name", "lines", "expected"),
    [
        (Cloudflared(), "cloudflared", CLOUDFLARED_LOG, "https://seasonal-deck-organisms-sf.trycloudflare.com/"),
        (Tailscale(), "tailscale", TAILSCALE_OUTPUT, "https://meena-laptop.tail4c2e1.ts.net/"),
    ],
)
def test_a_running_client_shows_its_address(bin_dir, tmp_path, client, name, lines, expected):
    colour = ["\x1b[90m" + lines[0] + "\x1b[0m", *lines[1:]]
    fake_tunnel.install(bin_dir, name, [{"lines": colour, "exit": None}])
    tunnel = Tunnel(client, 18080, log_path=tmp_path / "tunnel.log").start()
    try:
        assert tunnel.wait_for_address(10) == expected
        assert tunnel.state().status == "up"
        assert fake_tunnel.argv(bin_dir, name) == [client.command(18080)[1:]]
    finally:
        tunnel.stop()
    assert wait_gone(fake_tunnel.pids(bin_dir, name)) == []
    log = (tmp_path / "tunnel.log").read_text()
    assert expected in log and "\x1b" not in log


def test_tailscale_without_an_address_in_its_output_asks_tailscale_status(bin_dir, tmp_path):
    """`tailscale funnel --bg`-style output that does not repeat the address: the status has it."""
    fake_tunnel.install(
        bin_dir, "tailscale", [{"lines": ["Funnel started and running in the background."], "exit": None}]
    )
    tunnel = Tunnel(Tailscale(), 18080, log_path=None, fallback_after=0.3)
    status = '{"Self": {"DNSName": "meena-laptop.tail4c2e1.ts.net."}}'
    tunnel.client.fallback_address = lambda: Tailscale.address_from_status(status)
    tunnel.start()
    try:
        assert tunnel.wait_for_address(10) == "https://meena-laptop.tail4c2e1.ts.net/"
    finally:
        tunnel.stop()


def box(address):
    return [
        INF + "+----------------------------------------------------------+",
        INF + "|  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |",
        f"2026-11-30T09:12:03Z INF |  {address}                 |",
        INF + "+----------------------------------------------------------+",
    ]


def test_a_client_that_dies_is_restarted_and_its_new_address_shown(bin_dir, tmp_path):
    fake_tunnel.install(
        bin_dir,
        "cloudflared",
        [
            {"lines": [*box("https://first-words-here.trycloudflare.com"), "2026-11-30T09:20:00Z ERR connection lost"],
             "exit": 1},
            {"lines": CLOUDFLARED_FAILED, "exit": 1},
            {"lines": box("https://second-other-words.trycloudflare.com"), "exit": None},
        ],
    )  # fmt: skip
    seen = []
    tunnel = Tunnel(
        Cloudflared(), 18080, log_path=tmp_path / "tunnel.log", on_change=seen.append, backoff=(0.1, 0.3, 0.5)
    )
    tunnel.start()
    try:
        up = tunnel.wait_for(lambda s: s.address == "https://second-other-words.trycloudflare.com/", 20)
        assert up.status == "up" and up.restarts == 2
        assert "the buyer address changed to https://second-other-words.trycloudflare.com/" == up.message
    finally:
        tunnel.stop()
    statuses = [(s.status, s.address) for s in seen]
    first = "https://first-words-here.trycloudflare.com/"
    assert statuses.index(("up", first)) < statuses.index(("down", first))
    down = [s for s in seen if s.status == "down" and "stopped (exit 1)" in s.message]
    assert down[0].message.startswith("cloudflared stopped (exit 1): 2026-11-30T09:20:00Z ERR connection lost")
    assert any("trying again in 0.1 s" in s.message for s in seen)
    assert any("trying again in 0.3 s" in s.message for s in seen)  # the second failure waits longer
    assert seen[-1].status == "stopped"
    assert [s.version for s in seen] == sorted(set(s.version for s in seen))
    pids = fake_tunnel.pids(bin_dir, "cloudflared")
    assert len(pids) == 3 and wait_gone(pids) == []


def test_a_client_that_cannot_start_is_reported_and_retried(tmp_path):
    client = Cloudflared()
    client.program = str(tmp_path / "not-there" / "cloudflared")
    tunnel = Tunnel(client, 18080, log_path=None, backoff=(0.1,))
    tunnel.start()
    try:
        state = tunnel.wait_for(lambda s: s.restarts >= 2, 10)
    finally:
        tunnel.stop()
    assert state.status == "down" and state.address is None
    assert "No such file or directory" in state.message and "Traceback" not in state.message


SUPERVISOR = textwrap.dedent(
    """
    import sys, time
    from console.tunnels import Cloudflared, Tunnel
    tunnel = Tunnel(Cloudflared(), 18080, log_path=None).start()
    print(tunnel.wait_for_address(10), flush=True)
    time.sleep(60)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_no_tunnel_outlives_a_console_that_is_killed(bin_dir):
    fake_tunnel.install(
        bin_dir, "cloudflared", [{"lines": box("https://lonely-words-here.trycloudflare.com"), "exit": None}]
    )
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR], stdout=subprocess.PIPE, text=True)
    try:
        assert supervisor.stdout.readline().strip() == "https://lonely-words-here.trycloudflare.com/"
        pids = fake_tunnel.pids(bin_dir, "cloudflared")
        assert len(pids) == 1 and fake_tunnel.alive(pids[0])
        supervisor.send_signal(signal.SIGKILL)
        supervisor.wait()
        assert wait_gone(pids) == []
    finally:
        supervisor.kill()
        supervisor.wait()


def test_up_share_without_any_client_is_one_line_and_starts_nothing(tmp_path, monkeypatch, capsys):
    from console import cli

    monkeypatch.setenv("PATH", str(tmp_path))  # nothing installed
    monkeypatch.chdir(tmp_path)
    code = cli.main(["--db", str(tmp_path / "draw.db"), "up", "--share", "--port", "19431"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("luckydraw: no tunnel client is installed: install cloudflared")
    assert not (tmp_path / "luckydraw-web.log").exists()  # the web was not started
