"""UPI payment links (`upi://pay?...`) for a personal or a merchant UPI ID, and their QR codes as SVG."""

from functools import lru_cache
from urllib.parse import quote

import qrcode

from .money import rupees


def upi_uri(payee_vpa: str, payee_name: str, amount_paise: int, note: str, merchant_code: str | None = None) -> str:
    """pa, pn, am (2 decimals), cu=INR, tn — and nothing a personal UPI ID would be refused for;
    `mc` only when given (a merchant payee's category code). Never tr, mode, purpose or sign."""

    def enc(value: str) -> str:
        return quote(value, safe="@.-_")

    mc = f"&mc={enc(merchant_code)}" if merchant_code else ""
    return f"upi://pay?pa={enc(payee_vpa)}&pn={enc(payee_name)}{mc}&am={rupees(amount_paise)}&cu=INR&tn={enc(note)}"


def link_merchant_code(payee_kind: str, merchant_code: str | None) -> str | None:
    """The `mc` a draw's links carry: its code for a merchant payee, none for a person."""
    return merchant_code if payee_kind == "merchant" and merchant_code else None


def _matrix(data: str, border: int) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


@lru_cache(maxsize=4096)
def qr_svg(data: str) -> str:
    """A crisp, scalable SVG QR code: one path of horizontal runs, made once per link and cached."""
    matrix = _matrix(data, border=4)
    size = len(matrix)
    path = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                path.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" aria-label="UPI payment QR code">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(path)}"/></svg>'
    )


def qr_text(data: str) -> str:
    """The QR as text (half-block characters) for a terminal."""
    matrix = _matrix(data, border=2)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    lines = []
    for top, bottom in zip(matrix[0::2], matrix[1::2]):
        row = []
        for a, b in zip(top, bottom):
            row.append("█" if a and b else "▀" if a else "▄" if b else " ")
        lines.append("".join(row))
    return "\n".join(lines)
