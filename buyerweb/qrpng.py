"""The UPI QR code as a PNG, for "Save QR": UPI apps scan QR codes from the phone's gallery, and
galleries take PNG, not SVG. A tiny PNG writer (zlib only), no imaging library needed."""

import struct
import zlib
from functools import lru_cache

import qrcode

SCALE = 10  # pixels per module: ~450 px square, sharp enough for any scanner
BORDER = 4  # the quiet zone, in modules


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@lru_cache(maxsize=1024)
def qr_png(data: str) -> bytes:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix) * SCALE
    rows = []
    for row in matrix:
        line = bytearray([0])  # filter type: none
        for dark in row:
            line.extend((b"\x00" if dark else b"\xff") * SCALE)
        rows.append(bytes(line) * SCALE)
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
