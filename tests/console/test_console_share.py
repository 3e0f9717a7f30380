"""The console with `luckydraw up --share`: the tunnel's address is the buyer address in the header
and on the QR screen; when the tunnel dies the console says so at once (toast and header), and when
it comes back with a new address the header, the QR screen and a toast show the new one. The poster
key writes an A4 PDF of the draw for the address shown."""

import os

import pytest

from console.tunnels import Cloudflared, Tunnel
from shared.upi import qr_text
from tests.helpers import fake_tunnel
from tests.helpers.console import RecordingApp, run, started, until

FIRST = "https://first-words-here.trycloudflare.com/"
SECOND = "https://second-other-words.trycloudflare.com/"


def banner(address):
    return [
        "2026-11-30T09:12:03Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time):  |",
        f"2026-11-30T09:12:03Z INF |  {address.rstrip('/')}                     |",
    ]


def header_text(app) -> str:
    return str(app.dashboard.query_one("#header").content)


@pytest.mark.slow
def test_the_console_follows_a_tunnel_that_dies_and_returns_with_a_new_address(
    sqlite_draw, sqlite_url, tmp_path, monkeypatch
):
    bin_dir = tmp_path / "bin"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    fake_tunnel.install(
        bin_dir,
        "cloudflared",
        [
            {"lines": [*banner(FIRST), "2026-11-30T09:20:00Z ERR \x1b[31mconnection lost\x1b[0m"], "exit": 1,
             "until": str(tmp_path / "die")},
            {"lines": banner(SECOND), "exit": None, "pause": 0.6},
        ],
    )  # fmt: skip
    tunnel = Tunnel(Cloudflared(), 18080, log_path=None, backoff=(1.0,)).start()
    assert tunnel.wait_for_address(10) == FIRST

    async def scenario():
        app = RecordingApp(sqlite_url, web_url=FIRST, tunnel=tunnel, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(100, 40)) as pilot:
            await started(pilot)
            assert FIRST in header_text(app)
            await pilot.press("w")
            share = app.screen
            assert str(share.query_one("#share-url").content) == FIRST
            assert "anywhere" in str(share.query_one("#share-hint").content)
            (tmp_path / "die").touch()  # the tunnel drops

            await until(pilot, lambda: "tunnel down" in header_text(app), 10, "the header to say the tunnel is down")
            assert "cloudflared stopped (exit 1)" in header_text(app) and "connection lost" in header_text(app)
            assert "\x1b" not in header_text(app)
            down = [t for t in app.toasts if t[0] == "Tunnel down"]
            assert down and down[0][2] == "error" and "cloudflared stopped (exit 1)" in down[0][1]
            assert share.query_one("#share-note").display and "tunnel down" in str(
                share.query_one("#share-note").content
            )

            await until(pilot, lambda: app.web_url == SECOND, 15, "the new address")
            await pilot.pause()
            assert SECOND in header_text(app) and FIRST not in header_text(app)
            assert "tunnel" not in header_text(app)
            changed = [t for t in app.toasts if t[0] == "Buyer address changed"]
            assert changed and SECOND in changed[0][1]
            assert str(share.query_one("#share-url").content) == SECOND
            assert str(share.query_one("#share-qr").content) == qr_text(SECOND)
            assert not share.query_one("#share-note").display

            await pilot.press("escape")
            await pilot.press("p")
            await until(pilot, lambda: any(t[0] == "Poster" and "saved to" in t[1] for t in app.toasts), 30, "poster")
            saved = next(t for t in app.toasts if t[0] == "Poster" and "saved to" in t[1])
            assert saved[2] == "warning" and "quick-tunnel" in saved[1]  # a quick tunnel's address is for today

    try:
        run(scenario)
    finally:
        tunnel.stop()
    posters = list((tmp_path / "exports").glob("poster-en-*.pdf"))
    assert len(posters) == 1 and posters[0].read_bytes().startswith(b"%PDF")


def test_without_a_tunnel_the_poster_key_asks_for_an_address(sqlite_draw, sqlite_url, tmp_path):
    async def scenario():
        app = RecordingApp(sqlite_url, web_url="", exports_dir=tmp_path / "exports")
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("p")
            await pilot.pause()
            assert any("luckydraw up --share" in t[1] for t in app.toasts)

    run(scenario)
    assert not list(tmp_path.rglob("poster-*"))  # nothing was drawn
