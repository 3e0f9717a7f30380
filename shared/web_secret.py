"""The buyer web's signing secret (CSRF tokens, the buyer's cookie), kept in the database.

Made once, on the first start of any web process, and stored in the Setting table, so that every
worker process and every machine serving the same database signs with the same key and a form
left open across a restart is still accepted. `LUCKYDRAW_SECRET` in the environment, when set,
takes its place (the web reads it before asking here)."""

import secrets

from .db import write_tx
from .models import Setting

KEY = "web.secret"


def web_secret() -> bytes:
    """The stored secret, made and stored first if there is none yet (under the write lock, so
    processes starting together all end with the one that was stored first)."""
    row = Setting.get_or_none(Setting.key == KEY)
    if row is None:
        with write_tx():
            row = Setting.get_or_none(Setting.key == KEY)
            if row is None:
                row = Setting.create(key=KEY, value=secrets.token_hex(32))
    return row.value.encode()


def rotate_web_secret() -> None:
    """A new secret: every open form and remembered buyer cookie stops being accepted (the web
    processes read it when they start, so restart them after this)."""
    with write_tx():
        Setting.delete().where(Setting.key == KEY).execute()
        Setting.create(key=KEY, value=secrets.token_hex(32))
