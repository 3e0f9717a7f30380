"""`luckydraw new-draw` with business still open, and a new draw killed mid-export (issue 10,
item 7): refused without --yes, naming what is open; the archived draw records its export only
once the file is complete, and the next start writes a missing export again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.models import Draw
from shared.payments import record_payment
from tests.helpers.db import CLI_NEW_DRAW


def test_new_draw_refuses_while_business_is_open_unless_yes(cli):
    cli(*CLI_NEW_DRAW)
    hold_tickets("Asha", "9876543210", [1])
    hold_tickets("Bala", "9876543211", [2])
    record_payment(1000, "111111111111")  # Asha's ₹10.00: matched
    record_payment(1000, "222222222222")  # again: a possible double payment → attention
    record_payment(2500, "333333333333")  # fits nothing → unmatched
    code, out, err = cli(*CLI_NEW_DRAW)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "1 pending booking" in err
    assert "1 payment needing attention (₹10.00)" in err and "1 unmatched payment (₹25.00)" in err
    assert "--yes" in err
    assert Draw.select().count() == 1
    code, out, err = cli(*CLI_NEW_DRAW, "--yes")
    assert code == 0 and [d.state for d in Draw.select().order_by(Draw.id)] == ["archived", "open"]


def test_new_draw_with_nothing_open_needs_no_yes(cli):
    cli(*CLI_NEW_DRAW)
    assert cli(*CLI_NEW_DRAW)[0] == 0
    assert Draw.select().count() == 2


def luckydraw(db: str, cwd: Path, *args, env=None, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "console.cli", "--db", db, *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_a_new_draw_killed_mid_export_is_exported_on_the_next_start(tmp_path):
    db = str(tmp_path / "kill.db")
    exports = tmp_path / "exports"
    first = luckydraw(db, tmp_path, *CLI_NEW_DRAW)
    assert first.wait(60) == 0, first.stderr.read()
    slow = luckydraw(db, tmp_path, *CLI_NEW_DRAW, "--yes", env={"LUCKYDRAW_EXPORT_PAUSE": "60"})
    deadline = time.monotonic() + 60
    while not list(exports.glob(".*.tmp")):
        assert slow.poll() is None, slow.stderr.read()
        assert time.monotonic() < deadline, "the export never started"
        time.sleep(0.05)
    slow.send_signal(signal.SIGKILL)
    slow.wait(30)
    setup.connect(db)
    archived = Draw.get_by_id(1)
    assert archived.state == "archived" and archived.export_path is None  # no name of a missing file
    assert Draw.get_by_id(2).state == "open"
    shared_db.close()
    again = luckydraw(db, tmp_path, "stats")
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert "export of draw #1 was missing" in err
    setup.connect(db)
    archived = Draw.get_by_id(1)
    written = tmp_path / archived.export_path  # relative to the folder it was run in
    assert archived.export_path and written.stat().st_size > 0
    assert written.parent.resolve() == exports.resolve()
    assert not list(exports.glob(".*.tmp"))  # the temporary file is gone
    shared_db.close()
    quiet = luckydraw(db, tmp_path, "stats")
    assert quiet.communicate(timeout=60)[1] == ""  # nothing to do the second time
