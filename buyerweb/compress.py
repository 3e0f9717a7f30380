"""Compressed answers for the buyer web's pages and JSON: a small WSGI layer around the Bottle app.

A text answer (HTML, CSS, JavaScript, JSON, SVG, plain text) of at least `MIN_SIZE` bytes is sent
brotli-compressed when the request accepts `br` (and the brotli package is installed), else
gzip-compressed when it accepts `gzip`; q-values are respected (`gzip;q=0` refuses it). Such answers
always say `Vary: Accept-Encoding`, compressed or not, so that a cache never hands a compressed
page to a client that did not ask for one. Never compressed: HEAD requests, 204/206/304 answers,
answers that already carry a Content-Encoding or `Cache-Control: no-transform`, and every other
type (the QR code PNG is compressed already).

A compressed answer's strong ETag becomes weak (W/"…"), as the compressed bytes differ from the
uncompressed ones; the app compares If-None-Match by substring, so the weak tag a browser sends back
still matches, and the 304 then carries the same weak tag. Static files never reach this layer:
WhiteNoise sends their compressed copies made at start-up (buyerweb/static.py)."""

import gzip
import zlib

try:
    import brotli
except ImportError:  # gzip only
    brotli = None

MIN_SIZE = 1024  # smaller answers fit in one packet anyway; compressing them costs more than it saves
GZIP_LEVEL = 6
BROTLI_QUALITY = 4  # for answers made per request: quicker than 5 and no larger on the pages (static files get 11)
TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    }
)
NO_BODY = ("204", "206", "304")


def accepted_codings(header: str | None) -> dict[str, float]:
    """Accept-Encoding as coding -> q-value ("*" included when given)."""
    codings: dict[str, float] = {}
    for part in (header or "")[:500].split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        codings[name] = quality
    return codings


def choose_coding(environ: dict) -> str | None:
    """The coding to compress this request's answer with: "br", "gzip" or None."""
    if environ.get("REQUEST_METHOD", "GET") == "HEAD":
        return None
    codings = accepted_codings(environ.get("HTTP_ACCEPT_ENCODING"))
    wildcard = codings.get("*", 0.0)
    if brotli is not None and codings.get("br", wildcard) > 0:
        return "br"
    if codings.get("gzip", codings.get("x-gzip", wildcard)) > 0:
        return "gzip"
    return None


def compress_bytes(data: bytes, coding: str) -> bytes:
    if coding == "br" and brotli is not None:
        return brotli.compress(data, quality=BROTLI_QUALITY)
    return gzip.compress(data, GZIP_LEVEL, mtime=0)


def decompress_bytes(data: bytes, coding: str) -> bytes:
    """The other way (tests and benchmarks check that an answer decodes to the page)."""
    if coding == "br":
        if brotli is None:
            raise ValueError("brotli is not installed")
        return brotli.decompress(data)
    if coding == "gzip":
        return zlib.decompress(data, 16 + zlib.MAX_WBITS)
    return data


def _header(headers: list, name: str) -> str | None:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _without(headers: list, *names: str) -> list:
    drop = {n.lower() for n in names}
    return [(k, v) for k, v in headers if k.lower() not in drop]


def _add_vary(headers: list) -> list:
    vary = _header(headers, "Vary")
    if vary is None:
        return [*headers, ("Vary", "Accept-Encoding")]
    fields = [f.strip().lower() for f in vary.split(",")]
    if "accept-encoding" in fields or "*" in fields:
        return headers
    return [*_without(headers, "Vary"), ("Vary", f"{vary}, Accept-Encoding")]


def _compressible(status: str, headers: list) -> bool:
    if status[:3] in NO_BODY or status[:1] == "1":
        return False
    kind = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
    if kind not in TYPES or _header(headers, "Content-Encoding"):
        return False
    return "no-transform" not in (_header(headers, "Cache-Control") or "").lower()


def _weak_304(environ: dict, headers: list) -> list:
    """A 304 answering the weak tag of a compressed answer carries that weak tag back."""
    etag = _header(headers, "ETag")
    asked = environ.get("HTTP_IF_NONE_MATCH", "")
    if etag and not etag.startswith("W/") and f"W/{etag}" in asked:
        headers = [*_without(headers, "ETag"), ("ETag", f"W/{etag}")]
    return _add_vary(headers)


class Compressed:
    """WSGI middleware: `Compressed(app)` answers like `app`, compressed where that helps."""

    def __init__(self, app, min_size: int = MIN_SIZE):
        self.app = app
        self.min_size = min_size

    def __call__(self, environ, start_response):
        coding = choose_coding(environ)
        held: dict = {}
        written: list[bytes] = []

        def start(status, headers, exc_info=None):
            held.clear()
            if status[:3] == "304":
                held["mode"] = "pass"
                return start_response(status, _weak_304(environ, headers), exc_info)
            if not _compressible(status, headers):
                held["mode"] = "pass"
                return start_response(status, headers, exc_info)
            if coding is None:
                held["mode"] = "pass"
                return start_response(status, _add_vary(headers), exc_info)
            held.update(mode="hold", status=status, headers=headers, exc_info=exc_info)  # sent with the body
            return written.append

        result = self.app(environ, start)
        if held.get("mode") == "pass":
            return result
        try:
            chunks = list(result)  # a lazy app calls start_response while it is read
        finally:
            if hasattr(result, "close"):
                result.close()
        if held.get("mode") != "hold":
            return chunks
        body = b"".join([*written, *chunks])
        headers = _add_vary(held["headers"])
        if len(body) >= self.min_size:
            body = compress_bytes(body, coding)
            headers = _without(headers, "Content-Length", "Content-Encoding")
            headers += [("Content-Encoding", coding), ("Content-Length", str(len(body)))]
            etag = _header(headers, "ETag")
            if etag and not etag.startswith("W/"):
                headers = [*_without(headers, "ETag"), ("ETag", f"W/{etag}")]
        start_response(held["status"], headers, held["exc_info"])
        return [body]
