"""The buyer pages in every language: what each weighs (HTML bytes, raw and gzip) and what it costs
to render (ms per page through the WSGI app, in process), English against the translations.

A 500-ticket draw, a buyer with details, one booking waiting for payment. Prints figures only.
Run: .venv/bin/python bench/i18n_bench.py
"""

import gzip
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "web")]

from webkit import csrf_of, make_web, post_json  # noqa: E402

from buyerweb.i18n import LANGUAGES  # noqa: E402
from shared import db as shared_db  # noqa: E402

ROUNDS = 200


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="luckydraw-i18n-bench-"))
    app, _draw = make_web(f"sqlite:///{tmp}/bench.db", tmp, draw={"ticket_count": 500})
    home = app.get("/")
    app.post("/start", {"csrf": csrf_of(home), "name": "Asha Devi", "mobile": "98765 43210"}, status=303)
    hold = post_json(app, {"name": "Asha Devi", "mobile": "9876543210", "tickets": [7, 21]}, status=201).json
    pages = {"home": "/", "grid": "/pick", "pay": hold["pay_url"], "mine": "/mine"}
    print(f"{'lang':<5} {'page':<5} {'HTML B':>8} {'gzip B':>7} {'ms/page':>8}")
    for lang in LANGUAGES:
        app.get(f"/mine?lang={lang}")  # the cookie now says `lang`
        for name, path in pages.items():
            body = app.get(path).body
            assert re.search(rf'<html lang="{lang}">'.encode(), body), (lang, name)
            times = []
            environ = {**app.extra_environ, "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": ""}
            environ.update({"SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http"})
            environ["HTTP_COOKIE"] = "; ".join(f"{c.name}={c.value}" for c in app.cookiejar)
            for _ in range(ROUNDS):  # the WSGI app itself, without the test client's overhead
                env = {**environ, "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr}
                start = time.perf_counter()
                out = b"".join(app.app(env, lambda status, headers, exc_info=None: None))
                times.append(time.perf_counter() - start)
            assert out == body or name == "pay", (lang, name)  # the pay page's countdown moves
            print(
                f"{lang:<5} {name:<5} {len(body):>8} {len(gzip.compress(body, 6)):>7} "
                f"{statistics.median(times) * 1000:>8.2f}"
            )
    shared_db.close()


if __name__ == "__main__":
    main()
