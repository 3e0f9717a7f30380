"""The hosted shape end to end, with real parts: PostgreSQL, two buyer-web processes
(`python -m buyerweb`, what `luckydraw web` runs), Caddy in front with `tls internal` on loopback
(its Caddyfile derived from deploy/Caddyfile), a buyer in Chromium over HTTPS through Caddy, the
organiser's command line recording the payment, and the receipt reached. One web process is killed
while the buyer's payment page is open: the page carries on through the other."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared import db as shared_db
from shared import setup
from tests.helpers.db import make_url, new_draw
from tests.helpers.web import ROOT
from tests.web.test_web_browser import ARGS, CHROMIUM, PHONE, enter_details, tap

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PORTS = range(19300, 19400)


def free_ports(count: int) -> list[int]:
    """`count` free loopback ports of this suite's range (held until all are chosen)."""
    held, ports = [], []
    for port in PORTS:
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        held.append(sock)
        ports.append(port)
        if len(ports) == count:
            break
    for sock in held:
        sock.close()
    if len(ports) < count:
        raise RuntimeError("no free ports in 19300-19399")
    return ports


def wait_http(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                if b" 200 " in sock.recv(200):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers on {port}")


def start_web(db_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "LUCKYDRAW_TRUSTED_PROXIES": "127.0.0.1", "LUCKYDRAW_TIMEZONE": "Asia/Kolkata"}
    env.pop("LUCKYDRAW_SECRET", None)  # the processes share the secret stored in the database
    command = [sys.executable, "-m", "buyerweb", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: killed as a whole, like a crashed machine
    )
    return proc


def hosted_caddyfile(https_port: int, http_port: int, upstreams: list[int], data: Path) -> str:
    """deploy/Caddyfile with the test's loopback site, Caddy's internal CA and no log file."""
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    text = re.sub(r"\n\tlog \{.*?\n\t\}\n", "\n", text, flags=re.S)
    text = text.replace(
        "{\n\tservers",
        "{\n\tadmin off\n\tskip_install_trust\n\tauto_https disable_redirects\n"
        f"\tstorage file_system {data}\n\thttp_port {http_port}\n\thttps_port {https_port}\n\tservers",
        1,
    )
    assert "tickets.example.in {" in text and "reverse_proxy 127.0.0.1:8080 {" in text
    text = text.replace("tickets.example.in {", f"https://127.0.0.1:{https_port} {{\n\ttls internal", 1)
    backends = " ".join(f"127.0.0.1:{port}" for port in upstreams)
    return text.replace("reverse_proxy 127.0.0.1:8080 {", f"reverse_proxy {backends} {{", 1)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def hosted(tmp_path):
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (apt-get install caddy)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    url, cleanup = make_url("postgres", tmp_path)
    setup.connect(url)
    draw = new_draw(tmp_path, name="Diwali Mela", ticket_count=120, price="10")
    shared_db.close()
    web_a, web_b, https_port, http_port = free_ports(4)
    procs = [start_web(url, web_a), start_web(url, web_b)]
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(hosted_caddyfile(https_port, http_port, [web_a, web_b], tmp_path / "caddy-data"))
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    proxy = subprocess.Popen(
        [caddy, "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    procs.append(proxy)
    try:
        wait_http(web_a)
        wait_http(web_b)
        yield {"url": url, "https": f"https://127.0.0.1:{https_port}", "webs": procs[:2], "draw": draw}
    finally:
        for proc in procs:
            stop(proc)
        shared_db.close()
        cleanup()


def test_a_buyer_books_over_https_through_caddy_and_survives_a_web_process_dying(hosted):
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    site = hosted["https"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, ignore_https_errors=True)
        page = context.new_page()
        deadline = time.monotonic() + 30
        while True:  # Caddy issues its internal certificate in the background
            try:
                page.goto(site + "/healthz")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        answers = []
        page.on("response", lambda r: answers.append((r.url, r.status)) if "/api/check_payment/" in r.url else None)

        enter_details(page, site)
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["ld_buyer"]["secure"] and cookies["ld_csrf"]["secure"]
        for number in (7, 21):
            tap(page, number)
        page.get_by_role("button", name="Book & pay").click()
        page.wait_for_url(re.compile(r"/pay/\d{12}$"))
        assert page.locator("#amount").inner_text() == "₹20.00"
        reference = re.search(r"LD-[0-9A-Z]+", page.content()).group(0)

        # One web process dies (its whole process group, as a crashed machine would).
        victim = hosted["webs"][0]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(10)
        killed_at, polls_before = time.monotonic(), len(answers)
        while len(answers) - polls_before < 2 and time.monotonic() - killed_at < 20:
            page.wait_for_timeout(200)  # the page polls every 3 s
        after = answers[polls_before:]
        assert len(after) >= 2 and all(status == 200 for _, status in after), after

        # The organiser records the payment from the command line on the "laptop".
        done = subprocess.run(
            [sys.executable, "-m", "console.cli", "--db", hosted["url"], "pay", "--amount", "20.00"]
            + ["--utr", "123456789012", "--ref", reference],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        recorded_at = time.monotonic()
        page.wait_for_url(re.compile(r"/done/\d{12}$"), timeout=15_000)
        receipt_seconds = time.monotonic() - recorded_at
        assert page.locator(".receipt .numlist li").all_inner_texts() == ["007", "021"]
        assert hosted["draw"].seed_hash in page.locator(".receipt").inner_text()
        assert page.evaluate("location.protocol") == "https:"
        browser.close()
    polls_after = len(answers) - polls_before
    print(
        f"\nhosted E2E: {time.monotonic() - started:.1f} s in all; after one of two web processes was killed "
        f"{polls_after} polls through Caddy, none failed; receipt {receipt_seconds:.1f} s after the CLI recorded "
        f"the payment ({recorded_at - killed_at:.1f} s after the kill)"
    )
