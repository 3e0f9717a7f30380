"""What the buyer's phone downloads: pages, JSON and static files arrive gzip- or brotli-compressed
when the browser accepts it, decode to exactly the page it would get uncompressed, and the grid of a
500-ticket draw weighs at most 12 KB gzip-compressed in every language. Sizes, not times."""

import gzip
import random
import re

import brotli
import pytest
from webob import Request

from buyerweb import static
from buyerweb.app import STATIC
from buyerweb.i18n import LANGUAGES
from shared import winner_draw
from shared.booking import hold_tickets
from shared.payments import sell_cash
from tests.helpers.web import make_web, start_buyer

GRID_BUDGET = 12 * 1024
GZIP = {"Accept-Encoding": "gzip, deflate"}
BROTLI = {"Accept-Encoding": "gzip, deflate, br"}


def fetch(app, path: str, headers: dict | None = None, status: int = 200, method: str = "GET"):
    """The answer exactly as the app sends it (the test client would decode a gzip body itself),
    with the cookies this browser holds."""
    cookies = "; ".join(f"{c.name}={c.value}" for c in app.cookiejar)
    request = Request.blank(path, environ={**app.extra_environ, "REQUEST_METHOD": method})
    request.headers.update({**({"Cookie": cookies} if cookies else {}), **(headers or {})})
    answer = request.get_response(app.app)
    assert answer.status_code == status, (path, answer.status)
    return answer


@pytest.fixture
def big(db_url, tmp_path):
    """A 500-ticket draw, a tenth of it sold or on hold at random, and a buyer at the grid."""
    app, draw = make_web(db_url, tmp_path, draw={"ticket_count": 500})
    numbers = list(range(1, 501))
    random.Random(7).shuffle(numbers)
    for i in range(0, 40, 4):
        sell_cash(f"Buyer {i}", f"98{i:08d}", numbers[i : i + 4])
    for i in range(40, 55, 3):
        hold_tickets(f"Holder {i}", f"97{i:08d}", numbers[i : i + 3])
    app.app.luckydraw.availability.clear()
    start_buyer(app)
    return app, draw


def test_the_grid_of_a_500_ticket_draw_weighs_at_most_12_kb_gzipped_in_every_language(big):
    app, _ = big
    for lang in LANGUAGES:
        plain = fetch(app, f"/pick?lang={lang}")
        assert f'<html lang="{lang}">' in plain.text and plain.text.count('<label class="t') == 500
        assert "Content-Encoding" not in plain.headers
        packed = fetch(app, f"/pick?lang={lang}", headers=GZIP)
        assert packed.headers["Content-Encoding"] == "gzip"
        assert int(packed.headers["Content-Length"]) == len(packed.body)
        assert len(packed.body) <= GRID_BUDGET, (lang, len(packed.body))
        assert gzip.decompress(packed.body) == plain.body, lang


def test_compressed_pages_decode_to_the_same_page(big):
    app, _ = big
    for path in ("/", "/pick", "/mine", "/results", "/nowhere"):
        status = 404 if path == "/nowhere" else 200
        plain = fetch(app, path, status=status)
        for headers, coding, decode in ((GZIP, "gzip", gzip.decompress), (BROTLI, "br", brotli.decompress)):
            packed = fetch(app, path, headers=headers, status=status)
            assert packed.headers["Content-Encoding"] == coding, path
            assert len(packed.body) < len(plain.body) / 2, path
            assert decode(packed.body) == plain.body, (path, coding)
            assert "Accept-Encoding" in vary(packed), path
        assert "Accept-Encoding" in vary(plain), "caches keep the two apart"


def vary(answer) -> list[str]:
    return [name.strip() for name in answer.headers.get("Vary", "").split(",")]


def test_json_is_compressed_too(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, draw={"ticket_count": 3000})
    plain = fetch(app, "/api/tickets")
    packed = fetch(app, "/api/tickets", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip" and packed.content_type == "application/json"
    assert gzip.decompress(packed.body) == plain.body and len(plain.json["states"]) == 3000


def test_what_is_never_compressed(big):
    app, _ = big
    tiny = fetch(app, "/healthz", headers=BROTLI)
    assert "Content-Encoding" not in tiny.headers and tiny.json == {"ok": True}
    assert tiny.headers["Vary"] == "Accept-Encoding"
    head = fetch(app, "/pick", GZIP, method="HEAD")
    assert "Content-Encoding" not in head.headers and head.body == b""
    refused = fetch(app, "/pick", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.body == fetch(app, "/pick").body
    booked = hold_tickets("Asha Devi", "9876543210", _free_pair(app))
    qr = fetch(app, f"/pay/{booked.session_id}/qr.png", headers=BROTLI)
    assert qr.content_type == "image/png" and "Content-Encoding" not in qr.headers
    assert qr.body.startswith(b"\x89PNG\r\n\x1a\n")


def _free_pair(app) -> list[int]:
    states = fetch(app, "/api/tickets").json["states"]
    return [i + 1 for i, s in enumerate(states) if s == "0"][:2]


def test_a_compressed_results_file_still_answers_304(web):
    app, _ = web
    for i in range(10):
        sell_cash(f"Buyer {i}", f"98{i:08d}", [i * 3 + 1, i * 3 + 2])
    winner_draw.set_prizes(["1st: scooter"])
    winner_draw.close_sales("drand round 5")
    winner_draw.draw_winners(public_value="abc")
    app.app.luckydraw.draws.clear()
    app.app.luckydraw.results.clear()
    plain = fetch(app, "/results.json")
    packed = fetch(app, "/results.json", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.body) == plain.body
    strong = plain.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', strong) and packed.headers["ETag"] == "W/" + strong
    again = fetch(app, "/results.json", headers={**GZIP, "If-None-Match": packed.headers["ETag"]}, status=304)
    assert again.body == b"" and again.headers["ETag"] == "W/" + strong
    assert "Content-Encoding" not in again.headers
    fresh = fetch(app, "/results.json", headers={"If-None-Match": strong}, status=304)
    assert fresh.headers["ETag"] == strong


def static_urls(app) -> dict[str, str]:
    home = fetch(app, "/").text
    return {
        "app.css": re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', home).group(1),
        "app.js": re.search(r'src="(/static/app\.js\?v=[0-9a-f]+)"', home).group(1),
    }


def test_static_files_arrive_compressed_and_cached_for_a_year(web):
    app, _ = web
    for name, url in static_urls(app).items():
        original = (STATIC / name).read_bytes()
        plain = fetch(app, url)
        assert plain.body == original and "Content-Encoding" not in plain.headers
        for headers, coding, decode in ((GZIP, "gzip", gzip.decompress), (BROTLI, "br", brotli.decompress)):
            packed = fetch(app, url, headers=headers)
            assert packed.headers["Content-Encoding"] == coding, name
            assert decode(packed.body) == original and len(packed.body) < len(original) / 2, name
            assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert packed.headers["Vary"] == "Accept-Encoding"
            assert packed.headers["X-Content-Type-Options"] == "nosniff"
        etag = plain.headers["ETag"]
        again = fetch(app, url, headers={**BROTLI, "If-None-Match": etag}, status=304)
        assert again.body == b"" and again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        head = fetch(app, url, GZIP, method="HEAD")
        assert head.body == b"" and head.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        unversioned = fetch(app, f"/static/{name}", headers=GZIP)
        assert unversioned.headers["Cache-Control"] == "public, max-age=300"
        assert gzip.decompress(unversioned.body) == original
        stale = fetch(app, f"/static/{name}?v=0000000000")
        assert stale.headers["Cache-Control"] == "public, max-age=300"
    fetch(app, "/static/app.css.gz", status=404)
    fetch(app, "/static/nothing.css", headers=GZIP, status=404)


def test_compressed_copies_are_made_once_for_each_content(tmp_path, monkeypatch):
    source = tmp_path / "files"
    source.mkdir()
    text = "body { color: #2d2118; }\n" * 200
    (source / "a.css").write_text(text)
    (source / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 2000)
    monkeypatch.setattr(static, "_cache_roots", lambda: [tmp_path / "cache"])
    folder = static.compressed_folder(source)
    assert folder.parent == tmp_path / "cache"
    assert (folder / "a.css").read_text() == text
    assert gzip.decompress((folder / "a.css.gz").read_bytes()).decode() == text
    assert brotli.decompress((folder / "a.css.br").read_bytes()).decode() == text
    assert sorted(p.name for p in folder.iterdir()) == ["a.css", "a.css.br", "a.css.gz", "b.png"], "a PNG is left as is"
    assert static.compressed_folder(source) == folder, "the next worker finds it made"
    (source / "a.css").write_text(text + "a { color: red; }\n")
    changed = static.compressed_folder(source)
    assert changed != folder and gzip.decompress((changed / "a.css.gz").read_bytes()).decode().endswith("red; }\n")
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".build-")] == []


def test_without_a_writable_cache_the_files_are_served_as_they_are(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(static, "_cache_roots", lambda: [blocked / "luckydraw"])
    assert static.compressed_folder(STATIC) == STATIC
