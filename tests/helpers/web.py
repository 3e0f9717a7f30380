"""The buyer web under test: a WebTest app on a fresh database, form and JSON shortcuts, and the
app served for real (in a thread, or as `python -m buyerweb` in a subprocess)."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
from webtest import TestApp

from buyerweb.app import create_app
from tests.helpers.db import new_draw
from tests.helpers.wsgi_thread import ThreadServer  # noqa: F401 - re-exported for the web tests

ROOT = Path(__file__).resolve().parents[2]
NO_LIMITS = dict(hold_limit_ip=None, hold_limit_mobile=None, lookup_limit_ip=None)


def make_web(db_url, tmp_path, draw=True, **overrides):
    app = create_app(db_url, **{**NO_LIMITS, **overrides})
    made = new_draw(tmp_path, **(draw if isinstance(draw, dict) else {})) if draw else None
    return TestApp(app, extra_environ={"REMOTE_ADDR": "203.0.113.7"}), made


def csrf_of(response) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', response.text)
    assert match, "page has no CSRF token"
    return match.group(1)


def receipt_numbers(html: str) -> list[str]:
    """The ticket numbers a receipt page lists, exactly as shown (read from its number list, so that
    ids, times or amounts elsewhere on the page never count)."""
    tree = lxml.html.fromstring(html)
    return [li.text_content().strip() for li in tree.xpath('//ul[@class="numlist"]/li')]


def bookings_listed(html: str) -> dict[str, list[int]]:
    """The "My tickets" page's bookings: reference → the ticket numbers shown for it."""
    tree = lxml.html.fromstring(html)
    listed = {}
    for item in tree.xpath('//ul[@class="bookings"]/li'):
        (reference,) = item.xpath('./p[@class="bk-top"]/strong')
        (numbers,) = item.xpath("./p[2]/strong")
        listed[reference.text_content().strip()] = [int(n) for n in re.findall(r"\d+", numbers.text_content())]
    return listed


def start_buyer(app, name="Asha Devi", mobile="98765 43210"):
    """Fill the details form; returns the ticket grid page."""
    home = app.get("/")
    page = app.post("/start", {"csrf": csrf_of(home), "name": name, "mobile": mobile}, status=303)
    return page.follow()


def post_json(app, body, status="*", **kw):
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return app.post("/api/orders", body, content_type="application/json", status=status, expect_errors=True, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProcessServer:
    """`python -m buyerweb` (what `luckydraw web` runs) as a subprocess on a free port."""

    def __init__(self, db_url, workers=2, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "buyerweb",
                "--db",
                db_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env={**os.environ, "LUCKYDRAW_HOLD_LIMIT_IP": "off", "LUCKYDRAW_HOLD_LIMIT_MOBILE": "off", **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.banner = self.proc.stdout.readline().strip()
        if "http://" not in self.banner:
            self.stop()
            raise RuntimeError(f"server did not start: {self.banner} {self.proc.stderr.read()}")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    if b"200" in sock.recv(200):
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server never became ready")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
