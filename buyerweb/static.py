"""Static files (CSS, the one script, icons), served by WhiteNoise with their gzip and brotli copies.

Their URLs carry a content hash (`?v=…`, see WebContext.static_url), so an answer to the current
version is cached for a year and never revalidated (`immutable`); any other address of the same
file (no version, an old one) is cached five minutes. WhiteNoise answers conditional requests
(ETag, Last-Modified), HEAD and ranges, and picks the smallest copy the browser accepts (with
`Vary: Accept-Encoding`).

WhiteNoise serves compressed copies that lie beside each file, so they are made once per content
version, at start-up, into a folder of the user's cache (or the system's temporary folder) named by
the files' hash: several workers and restarts share it, and a change to a file is a new folder.
Where no such folder can be written the files are served uncompressed, as they are.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

from bottle import static_file
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .context import STATIC, WebContext
from .http import Route

PREFIX = "/static/"
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"
TYPES = {".py": "text/x-python"}


def _digest(source: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(p for p in source.iterdir() if p.is_file()):
        hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()[:16]


def _cache_roots() -> list[Path]:
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    user = getattr(os, "getuid", lambda: "user")()
    return [Path(home) / "luckydraw", Path(tempfile.gettempdir()) / f"luckydraw-{user}"]


def _complete(folder: Path, source: Path) -> bool:
    return folder.is_dir() and all((folder / p.name).is_file() for p in source.iterdir() if p.is_file())


def _build(folder: Path, source: Path) -> None:
    """Copy the files and write their compressed copies, in a scratch folder renamed into place
    at the end (so that a folder under its final name is always complete)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent))
    try:
        compressor = Compressor(quiet=True)
        for path in source.iterdir():
            if path.is_file():
                copy = scratch / path.name
                shutil.copy2(path, copy)
                if compressor.should_compress(path.name):
                    compressor.compress(str(copy))
        try:
            os.rename(scratch, folder)
        except OSError:  # another worker got there first: its folder is the same
            if not _complete(folder, source):
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def compressed_folder(source: Path = STATIC) -> Path:
    """The folder WhiteNoise serves: the static files with their .gz and .br copies (or, when no
    cache folder can be written, the files alone)."""
    name = f"static-{_digest(source)}"
    for root in _cache_roots():
        folder = root / name
        if _complete(folder, source):
            return folder
        try:
            _build(folder, source)
            return folder
        except OSError:
            continue
    return source


class StaticFiles(WhiteNoise):
    """WhiteNoise for /static/, in front of `app` (which gets every other request)."""

    def __init__(self, app, versions: dict, root: Path | None = None):
        self.versions = versions
        super().__init__(
            app,
            root=str(root or compressed_folder()),
            prefix=PREFIX,
            max_age=300,
            allow_all_origins=False,
            mimetypes=TYPES,
            add_headers_function=lambda headers, path, url: headers.__setitem__("Cache-Control", SHORT_CACHE),
        )

    def serve(self, static_file, environ, start_response):
        name = environ.get("PATH_INFO", "")[len(PREFIX) :]
        version = parse_qs(environ.get("QUERY_STRING", "")).get("v", [None])[0]
        if version is None or version != self.versions.get(name):
            return super().serve(static_file, environ, start_response)

        def start(status, headers, exc_info=None):
            headers = [(k, LONG_CACHE if k.lower() == "cache-control" else v) for k, v in headers]
            return start_response(status, headers, exc_info)

        return super().serve(static_file, environ, start)


def favicon(ctx: WebContext):
    result = static_file("favicon.svg", root=str(STATIC), mimetype="image/svg+xml")
    result.set_header("Cache-Control", "public, max-age=86400")
    return result


ROUTES = (Route("favicon", "GET", "/favicon.ico", favicon),)
