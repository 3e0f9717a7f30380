"""A sample buyer web for the page benchmarks (bench/page_weight.py, bench/lighthouse.py).

A 500-ticket draw on a fresh SQLite database with a tenth of its tickets sold and some on hold, a
booking waiting for payment, a paid one (its receipt) and one that lapsed (the expired page), served
by `python -m buyerweb` (granian, what `luckydraw web` runs) on 127.0.0.1. A buyer's details are
entered through the real form, so the grid page is fetched as a buyer fetches it (with the signed
details cookie). Every request is plain HTTP/1.1 over a socket, so that the bytes counted are the
bytes on the wire.
"""

import random
import re
import socket
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from webload import WebServer

from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.db import utcnow
from shared.draws import validate_settings
from shared.new_draw import create_draw
from shared.payments import record_payment, sell_cash

TICKETS = 500
LANGUAGES = ("en", "hi", "bn", "mr", "gu", "ta", "te", "kn", "ml")


@dataclass
class Answer:
    status: int
    headers: dict  # lower-case name -> value (the last one when repeated)
    cookies: list
    body: bytes  # as sent (still compressed when Content-Encoding says so)
    wire: int  # every byte received: status line, headers and body


def fetch(port: int, path: str, headers: dict | None = None, method: str = "GET", body: bytes = b"") -> Answer:
    """One request on its own connection; the answer as it came over the wire."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    raw = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found, cookies = {}, []
    for line in header_lines:
        name, _, value = line.partition(":")
        found[name.strip().lower()] = value.strip()
        if name.strip().lower() == "set-cookie":
            cookies.append(value.strip().split(";", 1)[0])
    if found.get("transfer-encoding", "").lower() == "chunked":
        payload = dechunk(payload)
    return Answer(int(status_line.split()[1]), found, cookies, payload, len(raw))


def dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out


def make_database(url: str, tmp: Path) -> dict:
    """The sample draw and its bookings; returns the session ids of the pages that need one."""
    setup.connect(url)
    settings = validate_settings(
        name="Diwali Mela",
        ticket_count=TICKETS,
        price_paise=5000,
        payee_vpa="organiser@okaxis",
        payee_name="Asha Stores",
        hold_minutes=30,
        max_per_order=20,
    )
    create_draw(settings, exports_dir=str(tmp / "exports"))
    rng = random.Random(11)
    numbers = list(range(1, TICKETS + 1))
    rng.shuffle(numbers)
    for i in range(0, 48, 4):  # sold at the stall
        sell_cash(f"Buyer {i}", f"98{i:08d}", numbers[i : i + 4])
    paid = hold_tickets("Divya Rao", "9988776655", numbers[48:51])
    record_payment(paid.payable_paise, "123456789012", reference=paid.reference)
    pending = hold_tickets("Asha Devi", "9876543210", numbers[51:54])
    lapsed = hold_tickets("Ravi Kumar", "9876543211", numbers[54:56], now=utcnow() - timedelta(hours=2))
    for i in range(60, 75, 3):  # other buyers' holds
        hold_tickets(f"Holder {i}", f"97{i:08d}", numbers[i : i + 3])
    shared_db.close()
    return {"paid": paid.session_id, "pending": pending.session_id, "lapsed": lapsed.session_id}


@dataclass
class SampleSite:
    """The sample web, started; `pages` maps each buyer page's name to its path."""

    server: WebServer
    cookie: str  # the buyer's cookies (details entered), as a Cookie header
    pages: dict = field(default_factory=dict)

    @property
    def port(self) -> int:
        return self.server.port

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return fetch(self.port, path, {"Cookie": self.cookie, **(headers or {})})

    def stop(self) -> None:
        self.server.stop()


def start_site(workers: int = 2) -> SampleSite:
    tmp = Path(tempfile.mkdtemp(prefix="luckydraw-pages-"))
    url = str(tmp / "luckydraw.db")
    sessions = make_database(url, tmp)
    server = WebServer(url, workers=workers)
    try:
        cookie = enter_details(server.port)
    except Exception:
        server.stop()
        raise
    pages = {
        "home": "/",
        "pick": "/pick",
        "pay": f"/pay/{sessions['pending']}",
        "receipt": f"/done/{sessions['paid']}",
        "results": "/results",
        "expired": f"/pay/{sessions['lapsed']}",
    }
    return SampleSite(server, cookie, pages)


def enter_details(port: int) -> str:
    """Fill in the details form as a buyer does; returns the cookies the browser then holds."""
    home = fetch(port, "/")
    token = re.search(rb'name="csrf" value="([0-9a-f]+)"', home.body)
    if home.status != 200 or token is None:
        raise RuntimeError(f"the home page has no form (status {home.status})")
    jar = dict(cookie.split("=", 1) for cookie in home.cookies)
    form = urlencode({"csrf": token.group(1).decode(), "name": "Asha Devi", "mobile": "98765 43210"}).encode()
    started = fetch(
        port,
        "/start",
        {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
        body=form,
    )
    if started.status != 303:
        raise RuntimeError(f"entering the details answered {started.status}")
    jar.update(cookie.split("=", 1) for cookie in started.cookies)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def asset_paths(html: bytes) -> dict:
    """The stylesheet and script a page loads (their versioned addresses)."""
    text = html.decode("utf-8", "replace")
    css = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
    js = re.findall(r'<script src="([^"]+)"', text)
    return {"css": css, "js": js}
