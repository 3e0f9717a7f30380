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


# ------------------------------------------------------------------ the closing time and the terms line


def lines_of(facts: PosterFacts, lang: str = "en") -> list[str]:
    return [line.text for line in poster.layout(facts, lang)[1]]


def foot_of(facts: PosterFacts, lang: str = "en") -> tuple[list[poster.DrawnLine], int]:
    """The lines drawn below the steps line, and where the steps line ends (pixels from the top)."""
    drawn = poster.layout(facts, lang)[1]
    steps = next(i for i, line in enumerate(drawn) if line.text == TEXTS[lang].steps)
    return drawn[steps + 1 :], drawn[steps].box[3]


def ink(image: Image.Image, box) -> int:
    """How many pixels in `box` are dark: printed text, not paper."""
    return sum(image.convert("L").crop(box).histogram()[:128])


LONG_TERMS = (
    "Permission no. LD/PUNE/2026/0417 of the District Collector, Pune, dated 12 Nov 2026. Terms: one prize per "
    "ticket; prizes are not exchangeable for cash; winners announced on 26 Dec at the Sector 14 community hall "
    "and on this page; unclaimed prizes are drawn again after thirty days, in public at noon."
)


def test_the_poster_prints_the_closing_time_and_every_word_of_the_terms():
    assert len(LONG_TERMS) == 300
    facts = PosterFacts(**{**FACTS.__dict__, "terms": LONG_TERMS})
    drawn = lines_of(facts)
    assert drawn[drawn.index("₹50 a ticket") + 1] == "Sales close 20/12/2026, 18:00"
    foot, steps_end = foot_of(facts)
    assert len(foot) >= 3 and " ".join(line.text for line in foot) == LONG_TERMS
    for line in foot:  # below the steps, inside the page's margins
        left, top, right, bottom = line.box
        assert top >= steps_end and bottom <= poster.A4[1] - 40 and left >= 40 and right <= poster.A4[0] - 40
    hindi = lines_of(facts, "hi")
    assert "बिक्री बंद: 20/12/2026, 18:00" in hindi and " ".join(hindi[-len(foot) :]) == LONG_TERMS


def test_nothing_is_printed_for_a_closing_time_or_terms_not_set():
    facts = PosterFacts(**{**FACTS.__dict__, "closes_at": None, "terms": ""})
    drawn = lines_of(facts)
    assert not [text for text in drawn if text.startswith("Sales close")]
    foot, steps_end = foot_of(facts)
    assert foot == []
    image = poster.render(facts)
    assert ink(image, (0, steps_end + 1, poster.A4[0], poster.A4[1])) == 0  # blank paper below the steps


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_printed_pdf_carries_the_closing_time_and_the_terms_where_they_were_laid_out(tmp_path):
    """Read back from the PDF (rasterised at 100 dpi, half the poster's pixels): ink in the box of
    the closing time and of each terms line; none below the steps when neither is set."""
    with_terms = PosterFacts(**{**FACTS.__dict__, "terms": LONG_TERMS})
    bare = PosterFacts(**{**FACTS.__dict__, "closes_at": None, "terms": ""})
    pages = {}
    for name, facts in (("with", with_terms), ("bare", bare)):
        path = make_poster(facts, tmp_path / f"{name}.pdf", "en")
        subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / name)], check=True)
        pages[name] = Image.open(tmp_path / f"{name}-1.png")
    assert pages["with"].size == pages["bare"].size == (827, 1170)
    half = lambda box: tuple(v // 2 for v in box)  # noqa: E731
    drawn = poster.layout(with_terms)[1]
    closes = next(line for line in drawn if line.text.startswith("Sales close"))
    foot, steps_end = foot_of(with_terms)
    for line in [closes, *foot]:
        assert ink(pages["with"], half(line.box)) > 50, line.text
    _, bare_steps_end = foot_of(bare)
    assert ink(pages["bare"], (0, bare_steps_end // 2 + 2, 827, 1170)) == 0


def test_the_poster_takes_the_draws_closing_time_and_terms_unless_told_otherwise(db, tmp_path):
    from shared.draw_zone import set_time_zone
    from shared.models import Draw
    from tests.helpers.db import new_draw

    draw = new_draw(tmp_path, terms="Permit no. 7/2026, Collector Pune")
    assert (poster.current_facts(ADDRESS).closes_at, poster.current_facts(ADDRESS).terms) == (
        None,
        "Permit no. 7/2026, Collector Pune",
    )
    Draw.update(closes_at=datetime(2099, 12, 25, 12, 30)).where(Draw.id == draw.id).execute()
    assert poster.current_facts(ADDRESS).closes_at == datetime(2099, 12, 25, 18, 0)  # in the draw's zone
    set_time_zone("Asia/Dubai")
    assert poster.current_facts(ADDRESS).closes_at == datetime(2099, 12, 25, 16, 30)
    told = poster.current_facts(ADDRESS, closes_at=datetime(2099, 12, 24, 20, 0), terms="")
    assert (told.closes_at, told.terms) == (datetime(2099, 12, 24, 20, 0), "")


@pytest.mark.slow
def test_luckydraw_poster_prints_the_draws_settings(cli, tmp_path):
    assert cli(*CLI_NEW_DRAW, "--terms", LONG_TERMS, "--closes", "2099-12-25 18:00")[0] == 0
    code, out, err = cli("poster", "--url", ADDRESS, "--out", "poster.png")
    assert (code, err) == (0, "")
    facts = poster.current_facts(ADDRESS)
    assert (facts.terms, facts.closes_at) == (LONG_TERMS, datetime(2099, 12, 25, 18, 0))
    with Image.open(tmp_path / "poster.png") as written:
        assert written.convert("RGB").tobytes() == poster.render(facts).tobytes()  # exactly that poster
    code, out, err = cli("poster", "--url", ADDRESS, "--out", "bare.png", "--terms", "")
    assert code == 0
    with Image.open(tmp_path / "bare.png") as written:
        bare = PosterFacts(**{**facts.__dict__, "terms": ""})
        assert written.convert("RGB").tobytes() == poster.render(bare).tobytes()


def test_a_terms_line_with_control_characters_is_refused_in_one_line(cli, tmp_path):
    assert cli(*CLI_NEW_DRAW)[0] == 0
    code, out, err = cli("poster", "--url", ADDRESS, "--out", "poster.png", "--terms", "Permit\x1b[2J")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith("luckydraw: Terms contain a control character (U+001B)")
    assert not (tmp_path / "poster.png").exists()
