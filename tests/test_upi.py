"""UPI links for a personal UPI ID, exactly as the contract spells them, and their QR codes."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import qrcode

from shared.upi import qr_svg, qr_text, upi_uri

LINKS = [
    (
        ("organiser@okaxis", "Asha Stores", 1001, "LD-7K3Q2P"),
        "upi://pay?pa=organiser@okaxis&pn=Asha%20Stores&am=10.01&cu=INR&tn=LD-7K3Q2P",
    ),
    (
        ("organiser@okaxis", "Asha Stores", 1000, "LD-7K3Q2P"),
        "upi://pay?pa=organiser@okaxis&pn=Asha%20Stores&am=10.00&cu=INR&tn=LD-7K3Q2P",
    ),
    (("asha.stores@ybl", "Asha", 5, "LD-AAAAAA"), "upi://pay?pa=asha.stores@ybl&pn=Asha&am=0.05&cu=INR&tn=LD-AAAAAA"),
    (
        ("shop_1@paytm", "Ram & Sons", 10000000, "LD-ZZZZZZ"),
        "upi://pay?pa=shop_1@paytm&pn=Ram%20%26%20Sons&am=100000.00&cu=INR&tn=LD-ZZZZZZ",
    ),
    (
        ("m-2@upi", "Shri Ganesh Mela 2024", 12345, "LD-23456X"),
        "upi://pay?pa=m-2@upi&pn=Shri%20Ganesh%20Mela%202024&am=123.45&cu=INR&tn=LD-23456X",
    ),
    (
        ("a@ok", "आशा", 2000, "LD-7K3Q2P"),
        "upi://pay?pa=a@ok&pn=%E0%A4%86%E0%A4%B6%E0%A4%BE&am=20.00&cu=INR&tn=LD-7K3Q2P",
    ),
    (("a@ok", "A+B=C?", 100, "LD 7K3Q2P"), "upi://pay?pa=a@ok&pn=A%2BB%3DC%3F&am=1.00&cu=INR&tn=LD%207K3Q2P"),
]


@pytest.mark.parametrize("args, link", LINKS, ids=[a[1] for a, _ in LINKS])
def test_upi_uri_exact(args, link):
    assert upi_uri(*args) == link


@pytest.mark.parametrize("args", [a for a, _ in LINKS])
def test_upi_uri_has_only_personal_fields(args):
    link = upi_uri(*args)
    parts = urlsplit(link)
    assert parts.scheme == "upi" and parts.netloc == "pay"
    keys = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
    assert keys == ["pa", "pn", "am", "cu", "tn"]
    for merchant_only in ("tr", "mc", "mode", "purpose", "sign", "url", "tid", "orgid"):
        assert f"&{merchant_only}=" not in link and f"?{merchant_only}=" not in link
    assert "+" not in parts.query.replace("%2B", "")  # spaces are %20, never '+'
    assert " " not in link
    assert re.search(r"&am=\d+\.\d{2}&", link)
    fields = dict(parse_qsl(parts.query))
    assert fields["pn"] == args[1] and fields["tn"] == args[3] and fields["cu"] == "INR"


def _matrix(data, border):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def _svg_to_matrix(svg):
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    grid = [[False] * size for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\3z", svg):
        for dx in range(int(width)):
            assert not grid[int(y)][int(x) + dx], "runs overlap"
            grid[int(y)][int(x) + dx] = True
    return grid


LINK = LINKS[0][1]


def test_qr_svg_draws_exactly_the_modules_of_the_link():
    svg = qr_svg(LINK)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'shape-rendering="crispEdges"' in svg and "aria-label" in svg
    assert _svg_to_matrix(svg) == _matrix(LINK, border=4)


def test_qr_svg_differs_per_link_and_is_made_once():
    other = upi_uri("organiser@okaxis", "Asha Stores", 1002, "LD-7K3Q2P")
    assert qr_svg(LINK) is qr_svg(LINK)
    assert _svg_to_matrix(qr_svg(other)) != _svg_to_matrix(qr_svg(LINK))


def test_qr_text_draws_exactly_the_modules_of_the_link():
    lines = qr_text(LINK).split("\n")
    matrix = _matrix(LINK, border=2)
    assert len(lines) == (len(matrix) + 1) // 2
    decoded = []
    for line in lines:
        assert len(line) == len(matrix[0])
        decoded.append([ch in "█▀" for ch in line])
        decoded.append([ch in "█▄" for ch in line])
    assert decoded[: len(matrix)] == matrix
    assert not any(decoded[len(matrix) :][0]) if len(decoded) > len(matrix) else True
