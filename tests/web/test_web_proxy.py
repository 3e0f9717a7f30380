"""Behind a reverse proxy: X-Forwarded-For and X-Forwarded-Proto are believed only from the
configured proxies (LUCKYDRAW_TRUSTED_PROXIES; LUCKYDRAW_TRUST_PROXY=1 means loopback), so rate
limits see each buyer's own address and cookies get `Secure` over HTTPS, while a client that talks
to the app directly can claim neither another address nor HTTPS. First through the WSGI app, then
through a real Caddy in front of a server that passes headers through untouched (as granian does)."""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from buyerweb.app import create_app
from buyerweb.config import WebConfig
from buyerweb.ratelimit import Limit
from shared import db as shared_db
from shared.models import Order
from tests.helpers.web import ThreadServer, make_web, post_json

TIGHT = dict(hold_limit_ip=Limit(3, 600), hold_limit_mobile=None, lookup_limit_ip=None)
PORTS = range(18300, 18400)


def attempt(app, peer, **headers):
    """One booking attempt (an empty JSON object: refused as bad input unless rate-limited)."""
    r = app.post(
        "/api/orders",
        "{}",
        content_type="application/json",
        headers=headers,
        extra_environ={"REMOTE_ADDR": peer},
        expect_errors=True,
    )
    return r.status_int


@pytest.fixture
def web_behind_proxy(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, **TIGHT, trusted_proxies="127.0.0.1,::1")
    yield app
    shared_db.close()


def test_the_settings_read_the_trusted_proxies():
    config = WebConfig.from_env({"LUCKYDRAW_TRUSTED_PROXIES": "127.0.0.1, ::1,10.0.0.0/8"})
    assert config.trusted_proxies == ("127.0.0.1/32", "::1/128", "10.0.0.0/8")
    assert WebConfig.from_env({}).proxy_networks == ()
    loopback = WebConfig.from_env({"LUCKYDRAW_TRUST_PROXY": "1"}).proxy_networks
    assert [str(n) for n in loopback] == ["127.0.0.0/8", "::1/128"]
    with pytest.raises(ValueError, match="'10.0.0.300' is not an IP address"):
        WebConfig.from_env({"LUCKYDRAW_TRUSTED_PROXIES": "10.0.0.300"})


def test_clients_behind_the_trusted_proxy_get_their_own_limits(web_behind_proxy):
    app = web_behind_proxy
    a = [attempt(app, "127.0.0.1", X_Forwarded_For="203.0.113.5") for _ in range(4)]
    b = [attempt(app, "127.0.0.1", X_Forwarded_For="198.51.100.7") for _ in range(4)]
    assert a == [422, 422, 422, 429] and b == [422, 422, 422, 429]


def test_the_last_untrusted_hop_is_the_client(web_behind_proxy):
    """A buyer's own X-Forwarded-For in front of the proxy's entry cannot pick their bucket."""
    app = web_behind_proxy
    seen = [attempt(app, "127.0.0.1", X_Forwarded_For=f"10.9.9.{n}, 203.0.113.5") for n in range(4)]
    assert seen == [422, 422, 422, 429]


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("203.0.113.9:5123", "203.0.113.9"),  # a proxy that adds the port
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8:0::8", "2001:db8::8"),
        ('<b>x</b>\x1b[31m"', "127.0.0.1"),  # not an address: the proxy's own is what is known
        ("203.0.113.5, unknown", "127.0.0.1"),
        ("203.0.113.5:" + "0" * 60 + "80", "127.0.0.1"),  # longer than any address with its port
    ],
)
def test_a_forwarded_hop_is_kept_only_as_an_address(web_behind_proxy, forwarded, client):
    """The client key a booking keeps (and the console shows) is an IP address, never a text a
    client made up."""
    r = post_json(
        web_behind_proxy,
        {"name": "Asha", "mobile": "9876543210", "tickets": [4]},
        headers={"X-Forwarded-For": forwarded},
        extra_environ={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert r.status_int == 201, r.text
    assert Order.get(Order.session_id == r.json["session_id"]).client_key == client


def test_a_direct_client_cannot_spoof_forwarded_headers(web_behind_proxy):
    app = web_behind_proxy
    spoofed = [attempt(app, "192.0.2.44", X_Forwarded_For=f"203.0.113.{n}") for n in range(4)]
    assert spoofed == [422, 422, 422, 429]
    home = app.get("/", headers={"X-Forwarded-Proto": "https"}, extra_environ={"REMOTE_ADDR": "192.0.2.44"})
    assert "secure" not in home.headers["Set-Cookie"].lower()


def test_https_at_the_trusted_proxy_makes_cookies_secure(web_behind_proxy):
    app = web_behind_proxy
    home = app.get("/", headers={"X-Forwarded-Proto": "https"}, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    assert "; secure" in home.headers["Set-Cookie"].lower()
    plain = app.get("/", headers={"X-Forwarded-Proto": "http"}, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    assert "secure" not in plain.headers["Set-Cookie"].lower()


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_every_cookie_of_a_booking_is_secure_over_https(web_behind_proxy, scheme):
    """The language, the CSRF seed, the buyer's details, the booking's owner and the newest
    booking: all `Secure` when the buyer came over HTTPS, none over plain HTTP."""
    app = web_behind_proxy
    env = {"REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": scheme}  # the test client's cookie jar sees it too
    proto = {"X-Forwarded-Proto": scheme}
    home = app.get("/?lang=hi", headers=proto, extra_environ=env)
    csrf = home.html.find("input", {"name": "csrf"})["value"]
    start = app.post("/start", {"csrf": csrf, "name": "Asha", "mobile": "9876543210"}, headers=proto, extra_environ=env)
    grid = start.follow(headers=proto, extra_environ=env)
    booked = app.post("/pick", {"csrf": csrf, "action": "hold", "t": "5"}, headers=proto, extra_environ=env, status=303)
    made = home.headers.getall("Set-Cookie") + start.headers.getall("Set-Cookie") + booked.headers.getall("Set-Cookie")
    names = {c.split("=", 1)[0] for c in made}
    assert {"lang", "ld_csrf", "ld_buyer", "ld_last"} <= names, names
    for cookie in made:
        assert ("; secure" in cookie.lower()) == (scheme == "https"), cookie
    assert grid.status_int == 200


def test_without_trusted_proxies_forwarded_headers_are_ignored(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, **TIGHT)
    seen = [attempt(app, "127.0.0.1", X_Forwarded_For=f"203.0.113.{n}") for n in range(4)]
    assert seen == [422, 422, 422, 429]
    shared_db.close()


# ------------------------------------------------------------------------------ through Caddy


def free_port_in_range() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18300-18399")


def wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class PassThroughServer(ThreadServer):
    """The app over real HTTP with proxy headers passed through untouched (as granian does), so the
    only thing deciding what to believe is the app itself."""

    def __init__(self, app):
        super().__init__(app, port=free_port_in_range())
        wait_for(self.port)


def request(port, method, path, *, source="127.0.0.1", tls=False, headers=None, body=None):
    """An HTTP(S) request to 127.0.0.1:`port` sent from the loopback address `source`."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # Caddy's own local CA
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=20, context=context, source_address=(source, 0)
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheader("Set-Cookie") or ""
    finally:
        connection.close()


def book(port, source, **kw):
    headers = {"Content-Type": "application/json", **kw.pop("headers", {})}
    return request(port, "POST", "/api/orders", source=source, headers=headers, body=b"{}", **kw)[0]


@pytest.fixture
def caddy_in_front(db_url, tmp_path):
    """Caddy on loopback ports of 18300-18399 (HTTP and HTTPS with its internal CA), reverse-proxying
    to the app, which trusts 127.0.0.1 only (Caddy connects from there). Yields the ports."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (apt-get install caddy)")
    make_web(db_url, tmp_path)
    app = create_app(db_url, migrate=False, **TIGHT, trusted_proxies="127.0.0.1")
    server = PassThroughServer(app)
    http_port, https_port = free_port_in_range(), None
    with socket.socket() as hold:
        hold.bind(("127.0.0.1", http_port))  # keep it while the second port is chosen
        https_port = free_port_in_range()
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(
        "{\n  admin off\n  auto_https disable_redirects\n  skip_install_trust\n"
        f"  storage file_system {tmp_path / 'caddy-data'}\n"
        f"  http_port {http_port}\n  https_port {https_port}\n}}\n"
        f"http://127.0.0.1:{http_port} {{\n  reverse_proxy 127.0.0.1:{server.port}\n}}\n"
        f"https://127.0.0.1:{https_port} {{\n  tls internal\n  reverse_proxy 127.0.0.1:{server.port}\n}}\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg-data")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    proc = subprocess.Popen(
        [caddy, "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(http_port)
        wait_for(https_port)
        deadline = time.monotonic() + 30
        while True:  # the internal certificate is issued in the background
            try:
                request(https_port, "GET", "/healthz", tls=True)
                break
            except (ssl.SSLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield {"http": http_port, "https": https_port, "app": server.port}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        server.stop()
        shared_db.close()


def test_through_caddy_each_buyer_gets_their_own_limit_and_nobody_can_spoof(caddy_in_front):
    ports = caddy_in_front
    # Two buyers reach Caddy from different addresses: Caddy's X-Forwarded-For tells them apart.
    first = [book(ports["http"], "127.0.0.2") for _ in range(4)]
    second = [book(ports["http"], "127.0.0.3") for _ in range(4)]
    assert first == [422, 422, 422, 429] and second == [422, 422, 422, 429]
    # A buyer who sends their own X-Forwarded-For through Caddy still has one bucket.
    tricks = [book(ports["http"], "127.0.0.4", headers={"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(4)]
    assert tricks == [422, 422, 422, 429]
    # A client that bypasses the proxy cannot claim other addresses (it is not a trusted proxy).
    direct = [book(ports["app"], "127.0.0.5", headers={"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(4)]
    assert direct == [422, 422, 422, 429]


def test_through_caddy_https_cookies_are_secure_and_http_ones_are_not(caddy_in_front):
    ports = caddy_in_front
    status, cookie = request(ports["https"], "GET", "/", tls=True)
    assert status == 200 and "ld_csrf=" in cookie and "; secure" in cookie.lower()
    status, cookie = request(ports["http"], "GET", "/")
    assert status == 200 and "ld_csrf=" in cookie and "secure" not in cookie.lower()
    status, cookie = request(ports["app"], "GET", "/", source="127.0.0.6", headers={"X-Forwarded-Proto": "https"})
    assert status == 200 and "secure" not in cookie.lower()
