"""`buyerweb.wsgi:app`: the buyer web as a module-level WSGI app, for any WSGI server that imports
an app by name (a PaaS's own server; granian or gunicorn run by hand, see docs/web.md).

The database comes from `LUCKYDRAW_DATABASE_URL` (else `luckydraw.db`) and every setting from the
environment (`buyerweb.config.WebConfig`). Importing it brings the schema up to date (migrations
queue on the database's write lock, so several workers importing it at once is safe). With more
than one process, set `LUCKYDRAW_SECRET`: otherwise each process signs forms with its own key.
`luckydraw web` does not use this module: it migrates once and shares one secret itself."""

import os
import sys

from .app import create_app

if not os.environ.get("LUCKYDRAW_SECRET"):
    print(
        "buyerweb.wsgi: LUCKYDRAW_SECRET is not set; with several server processes, forms filled "
        "in one may be refused by another",
        file=sys.stderr,
        flush=True,
    )

app = create_app(os.environ.get("LUCKYDRAW_DATABASE_URL"))
