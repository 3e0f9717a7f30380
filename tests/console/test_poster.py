"""`luckydraw poster`: an A4 page (PNG at 200 dpi, or a one-page PDF) whose QR code a phone reads
back as the buyer address, in every language the buyer web speaks, with the fonts found on the
system; a missing font, a wrong file type or no address is one clear line."""

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from console import poster
from console.poster import PosterError, PosterFacts, make_poster, script_runs
from console.poster_text import TEXTS, script_of
from tests.helpers.db import CLI_NEW_DRAW

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "https://meena-laptop.tail4c2e1.ts.net/"
FACTS = PosterFacts(
    name="Diwali Mela 2026 [bold]Sector 14[/bold]",
    price_paise=5000,
    address=ADDRESS,
    prizes=("Honda Activa", '32" LED TV', "मिक्सर ग्राइंडर", "Silver coin", "Pressure cooker"),
    closes_at=datetime(2026, 12, 20, 18, 0),
    terms="Permit no. LD/GGN/2026/114, Sector 14 Residents Welfare Association. Draw in public.",
)
needs_zbar = pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")


def read_qr(path: Path) -> list[str]:
    """What a QR reader finds on the image: one line per code."""
    done = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()


@needs_zbar
@pytest.mark.parametrize(
    "lang", [pytest.param(lang, marks=[pytest.mark.slow] if lang != "hi" else []) for lang in sorted(TEXTS)]
)
def test_every_language_gives_an_a4_page_whose_qr_is_the_buyer_address(lang, tmp_path):
    path = make_poster(FACTS, tmp_path / f"poster-{lang}.png", lang)
    with Image.open(path) as image:
        assert image.size == poster.A4 == (1654, 2339)  # A4 at 200 dpi
        assert round(image.info["dpi"][0]) == 200
    assert read_qr(path) == [ADDRESS]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@needs_zbar
def test_the_pdf_is_one_a4_page_that_prints_a_readable_qr(tmp_path):
    path = make_poster(FACTS, tmp_path / "poster.pdf", "hi")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") <= 1
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    assert abs(float(size[2]) - 595.3) < 1.5 and abs(float(size[4]) - 841.9) < 1.5  # A4 in points
    assert "Pages:           1" in info
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "page")], check=True)
    assert read_qr(tmp_path / "page-1.png") == [ADDRESS]


def test_text_is_cut_into_runs_of_one_script_each():
    assert script_runs("₹50 प्रति टिकट") == [("", "₹50 "), ("Devanagari", "प्रति टिकट")]
    assert script_runs("1. मिक्सर · Silver") == [("", "1. "), ("Devanagari", "मिक्सर "), ("", "· Silver")]
    assert script_runs("ஒரு டிக்கெட் ₹50") == [("Tamil", "ஒரு டிக்கெட் "), ("", "₹50")]
    assert script_of("Diwali দীপাবলি") == "Bengali" and script_of("Diwali") == ""


def test_a_script_without_a_font_is_one_line_saying_what_to_install(tmp_path):
    empty = tmp_path / "fonts"
    empty.mkdir()
    with pytest.raises(PosterError) as raised:
        poster.render(FACTS, "ta", poster.Fonts(dirs=(str(empty),)))
    assert "no font for" in str(raised.value) and "fonts-noto-core" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_poster_languages_cover_every_language_of_the_buyer_web():
    """The web's catalogs (buyerweb/locale/<lang>/) each have their poster words."""
    shipped = {p.parent.parent.name for p in (ROOT / "buyerweb" / "locale").glob("*/LC_MESSAGES/messages.po")}
    assert shipped <= set(TEXTS), shipped - set(TEXTS)
    for words in TEXTS.values():
        assert "{price}" in words.per_ticket and "{when}" in words.closes
        assert all(script_of(text) == words.script for text in (words.lucky_draw, words.scan, words.or_open))


@pytest.mark.slow
@needs_zbar
def test_luckydraw_poster_from_the_command_line(cli, tmp_path):
    assert cli(*CLI_NEW_DRAW)[0] == 0
    assert cli("prizes", "--prize", "Scooty", "--prize", "LED TV")[0] == 0
    code, out, err = cli(
        "poster", "--url", ADDRESS, "--lang", "ta", "--out", "poster.png", "--closes", "2026-12-20 18:00"
    )
    assert code == 0 and err == ""
    assert out.strip() == f"Poster of “Ganesh Utsav” (தமிழ்) for {ADDRESS} saved to poster.png"
    assert read_qr(tmp_path / "poster.png") == [ADDRESS]

    code, out, err = cli("poster", "--url", "https://seasonal-deck-organisms-sf.trycloudflare.com")
    assert code == 0 and "changes whenever the tunnel restarts" in err
    written = list((tmp_path / "exports").glob("poster-en-*.pdf"))
    assert len(written) == 1 and written[0].read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give the buyer address with --url"),
        (("--url", "javascript:alert(1)"), "give the buyer address with --url"),
        (("--url", ADDRESS, "--out", "poster.txt"), "the poster is saved as .pdf or .png, not 'poster.txt'"),
        (("--url", ADDRESS, "--closes", "tomorrow"), "closing time must look like '2026-12-20 18:00'"),
        (("--url", ADDRESS, "--lang", "xx"), "invalid choice: 'xx'"),
    ],
)
def test_bad_poster_options_are_one_line_and_write_nothing(cli, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.delenv("LUCKYDRAW_WEB_URL", raising=False)
    assert cli(*CLI_NEW_DRAW)[0] == 0
    try:
        code, out, err = cli("poster", *args)
    except SystemExit as usage:  # argparse's own refusals
        code, err = usage.code, capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert not list(tmp_path.glob("poster*")) and not list((tmp_path / "exports").glob("poster*"))
