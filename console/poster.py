"""`luckydraw poster`: a printable A4 poster of the current draw for a shop window or a notice board:
its name, the ticket price, the prizes, when sales close, the buyer address as a large QR code and
as text, and the terms or permit line, in any language the buyer web speaks. Drawn with Pillow (its
Raqm layout shapes Devanagari, Tamil and the other Indian scripts) and saved as PNG or as a PDF page.

Fonts come from the system (Noto on Debian/Ubuntu: fonts-noto-core); a script without a font is one
clear line saying what to install, never a poster of empty boxes.
"""

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from shared.money import format_rupees

from .poster_text import TEXTS, script_of

DPI = 200
A4 = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))  # 1654 × 2339 pixels
MARGIN = 110
INK = (20, 20, 20)
ACCENT = (176, 38, 38)  # a deep red band for the name
PAPER = (255, 255, 255)
MUTED = (90, 90, 90)
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
LATIN_FALLBACKS = ("NotoSans", "DejaVuSans", "LiberationSans")
FONT_PACKAGE = (
    "fonts-noto-core (Debian/Ubuntu: apt install fonts-noto-core), or the Noto Sans fonts from fonts.google.com/noto"
)


class PosterError(Exception):
    """The poster cannot be made as asked; the message says why, in one sentence."""


@dataclass(frozen=True)
class PosterFacts:
    """What a poster shows. Text in it is the organiser's, drawn as text, never interpreted."""

    name: str
    price_paise: int
    address: str
    prizes: tuple[str, ...] = ()
    closes_at: datetime | None = None  # local time (the draw's zone), naive
    terms: str = ""
    quick_tunnel: bool = field(default=False, compare=False)


def find_font(family: str, bold: bool, dirs=FONT_DIRS) -> str | None:
    """The path of `<family>-Bold.ttf` (or -Regular) under the usual font folders, else None."""
    wanted = [f"{family}-{'Bold' if bold else 'Regular'}.ttf", f"{family}-Regular.ttf", f"{family}.ttf"]
    for folder in dirs:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for name in wanted:
            for found in root.rglob(name):
                return str(found)
    return None


class Fonts:
    """Fonts by script and size: Latin for digits, ₹ and Latin letters, a Noto font per Indian script."""

    def __init__(self, dirs=FONT_DIRS) -> None:
        self.dirs = dirs
        self._paths: dict[tuple[str, bool], str] = {}
        self._fonts: dict[tuple[str, bool, int], ImageFont.FreeTypeFont] = {}

    def path(self, script: str, bold: bool) -> str:
        key = (script, bold)
        if key not in self._paths:
            families = [f"NotoSans{script}", f"NotoSerif{script}"] if script else list(LATIN_FALLBACKS)
            found = next((p for p in (find_font(f, bold, self.dirs) for f in families) if p), None)
            if found is None:
                what = f"the {script} script" if script else "Latin letters"
                raise PosterError(f"no font for {what} is installed; install {FONT_PACKAGE}")
            self._paths[key] = found
        return self._paths[key]

    def get(self, script: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (script, bold, size)
        if key not in self._fonts:
            layout = ImageFont.Layout.RAQM if ImageFont.core.HAVE_RAQM else ImageFont.Layout.BASIC
            if script and layout != ImageFont.Layout.RAQM:
                raise PosterError(f"drawing {script} needs Pillow with Raqm text layout (the PyPI wheels have it)")
            self._fonts[key] = ImageFont.truetype(self.path(script, bold), size, layout_engine=layout)
        return self._fonts[key]


def script_runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into (script, piece) runs: each Indian script's letters in its own run, spaces and
    punctuation kept with the run they sit in, everything else (digits, ₹, Latin) in "" runs."""
    runs: list[list[str]] = []
    for char in text:
        script = script_of(char)
        if not script and runs and (char.isspace() or char in "\u200c\u200d:,.()-/!?"):
            script = runs[-1][0]  # joiners, spaces and punctuation stay in the current run
        if runs and runs[-1][0] == script:
            runs[-1][1] += char
        else:
            runs.append([script, char])
    return [(s, t) for s, t in runs]


@dataclass(frozen=True)
class DrawnLine:
    """One line of text on the poster and the box (left, top, right, bottom) in pixels it was drawn in."""

    text: str
    box: tuple[int, int, int, int]


class Writer:
    """Draws lines of mixed-script text, wrapped and centred, down the page; keeps what it drew."""

    def __init__(self, image: Image.Image, fonts: Fonts) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.fonts = fonts
        self.y = 0
        self.drawn: list[DrawnLine] = []

    def width(self, text: str, size: int, bold: bool) -> float:
        return sum(self.draw.textlength(t, font=self.fonts.get(s, size, bold)) for s, t in script_runs(text))

    def wrap(self, text: str, size: int, bold: bool, width: float) -> list[str]:
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}" if line else word
                if line and self.width(trial, size, bold) > width:
                    lines.append(line)
                    line = word
                else:
                    line = trial
            lines.append(line)
        return lines

    def line(self, text: str, size: int, *, bold: bool = False, fill=INK, x: float | None = None, gap: float = 0.3):
        """One line centred (or from x), baseline placed below self.y; self.y moves past it."""
        baseline = self.y + size
        left = start = (self.image.width - self.width(text, size, bold)) / 2 if x is None else x
        for script, piece in script_runs(text):
            font = self.fonts.get(script, size, bold)
            self.draw.text((left, baseline), piece, font=font, fill=fill, anchor="ls")
            left += self.draw.textlength(piece, font=font)
        self.drawn.append(DrawnLine(text, (int(start), int(self.y), int(left + 1), int(baseline + size * 0.3))))
        self.y = baseline + size * gap

    def paragraph(self, text: str, size: int, *, bold: bool = False, fill=INK, width: float | None = None, **kw):
        for text_line in self.wrap(text, size, bold, width or self.image.width - 2 * MARGIN):
            self.line(text_line, size, bold=bold, fill=fill, **kw)

    def fit(self, text: str, size: int, bold: bool, width: float, smallest: int) -> int:
        """The largest size ≤ size at which text fits on one line (or `smallest`)."""
        while size > smallest and self.width(text, size, bold) > width:
            size -= 4
        return size


def qr_image(data: str, box: int) -> Image.Image:
    """The QR code of `data`, `box` pixels wide, dark modules on white with the quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = max(1, box // len(matrix))
    image = Image.new("L", (cell * len(matrix),) * 2, 255)
    pixels = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                pixels.rectangle((col * cell, row * cell, (col + 1) * cell - 1, (row + 1) * cell - 1), fill=0)
    return image


TERMS_SIZE = 32
TERMS_LINE = 1.3  # a terms line's height, in font sizes
CLOSES_FORMAT = "%d/%m/%Y, %H:%M"


def render(facts: PosterFacts, lang: str = "en", fonts: Fonts | None = None) -> Image.Image:
    """The poster as an A4 page at DPI dots per inch."""
    return layout(facts, lang, fonts)[0]


def layout(facts: PosterFacts, lang: str = "en", fonts: Fonts | None = None) -> tuple[Image.Image, list[DrawnLine]]:
    """The poster and every line of text drawn on it, top to bottom, with where it was drawn."""
    if lang not in TEXTS:
        raise PosterError(f"no poster text in {lang!r}; languages: {', '.join(TEXTS)}")
    words = TEXTS[lang]
    fonts = fonts or Fonts()
    for text in (words.scan, facts.name, facts.terms, *facts.prizes):  # every script needed, before drawing
        fonts.path(script_of(text), True)
        fonts.path(script_of(text), False)
    page = Image.new("RGB", A4, PAPER)
    out = Writer(page, fonts)
    inner = A4[0] - 2 * MARGIN

    # The band: "Lucky Draw" and the draw's name.
    band_top = 0
    out.y = band_top + 70
    name_lines = out.wrap(facts.name, 118, True, inner)[:2]
    size = 118 if len(name_lines) == 1 else 96
    band_height = 70 + 62 + 24 + len(name_lines) * size * 1.3 + 40
    out.draw.rectangle((0, band_top, A4[0], band_top + band_height), fill=ACCENT)
    out.line(words.lucky_draw, 62, bold=True, fill=PAPER)
    out.y += 24
    for text in name_lines:
        out.line(text, out.fit(text, size, True, inner, 60), bold=True, fill=PAPER)
    out.y = band_top + band_height + 60

    out.line(words.per_ticket.format(price=format_rupees(facts.price_paise).removesuffix(".00")), 92, bold=True)
    if facts.closes_at is not None:
        out.y += 10
        out.line(words.closes.format(when=facts.closes_at.strftime(CLOSES_FORMAT)), 56, fill=ACCENT, bold=True)
    if facts.prizes:
        out.y += 30
        out.line(words.prizes, 46, bold=True, fill=MUTED)
        shown = [f"{i}. {p}" for i, p in enumerate(facts.prizes, 1)]
        if len(shown) > 4:  # the first ones a line each, the rest together
            shown[3:] = [" · ".join(shown[3:])]
        for prize in shown:
            out.paragraph(prize, 50, width=inner, gap=0.25)

    # The terms at the foot, wrapped to the page's width (300 characters are three or four lines).
    terms = out.wrap(facts.terms, TERMS_SIZE, False, inner) if facts.terms else []
    terms_height = len(terms) * TERMS_SIZE * TERMS_LINE + (40 if terms else 0)

    # The QR code, as large as the rest of the page allows.
    footer = 400 + terms_height
    out.y += 40
    out.line(words.scan, out.fit(words.scan, 58, True, inner, 36), bold=True)
    room = int(min(inner * 0.8, A4[1] - out.y - footer))
    qr = qr_image(facts.address, room)
    page.paste(qr, ((A4[0] - qr.width) // 2, int(out.y) + 10))
    out.y += qr.height + 40

    out.line(words.or_open, 44, fill=MUTED)
    address = facts.address.removesuffix("/")
    out.line(address, out.fit(address, 76, True, inner, 28), bold=True)
    out.y += 20
    out.paragraph(words.steps, 40, fill=MUTED, width=inner)
    if terms:
        out.y = max(out.y + 40, A4[1] - MARGIN / 2 - terms_height + 40)
        out.draw.line((MARGIN, out.y - 20, A4[0] - MARGIN, out.y - 20), fill=MUTED, width=2)
        for text in terms:
            out.line(text, TERMS_SIZE, fill=MUTED, gap=TERMS_LINE - 1)
    return page, out.drawn


def save(image: Image.Image, path: str | Path) -> Path:
    """PNG or a one-page PDF (by the name's ending), at A4 size."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise PosterError(f"the poster is saved as .pdf or .png, not {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        image.save(path, "PDF", resolution=DPI, title="Lucky Draw poster")
    else:
        image.save(path, "PNG", dpi=(DPI, DPI))
    return path


def is_quick_tunnel(address: str) -> bool:
    """A cloudflared quick-tunnel address: a new one on every restart, so a poor thing to print."""
    return address.split("/")[2].endswith(".trycloudflare.com") if address.count("/") >= 2 else False


def current_facts(address: str, *, closes_at: datetime | None = None, terms: str | None = None) -> PosterFacts:
    """The current draw's facts for a poster pointing at `address`: its closing time (in the draw's
    zone) and its terms line unless `closes_at` (local time) or `terms` ('' for none) are given."""
    from shared.draw_zone import zone_of
    from shared.draws import current_draw
    from shared.winner_draw import prize_plan

    draw = current_draw()
    if closes_at is None and draw.closes_at is not None:
        closes_at = draw.closes_at.replace(tzinfo=timezone.utc).astimezone(zone_of(draw)).replace(tzinfo=None)
    return PosterFacts(
        name=draw.name,
        price_paise=draw.price_paise,
        address=address,
        prizes=tuple(prize_plan(draw.id).prizes),
        closes_at=closes_at,
        terms=(draw.terms or "") if terms is None else terms,
        quick_tunnel=is_quick_tunnel(address),
    )


def default_path(folder: str | Path, lang: str, suffix: str = ".pdf") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(folder) / f"poster-{lang}-{stamp}{suffix}"


def make_poster(facts: PosterFacts, out: str | Path, lang: str = "en") -> Path:
    return save(render(facts, lang), out)
