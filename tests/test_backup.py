"""Backups while buyers book and payments arrive: every copy passes its checks and, restored, holds
every booking and payment acknowledged before the backup started and still reconciles. Restore
refuses while a buyer web runs on the database and refuses a file that is not a sound backup,
keeping the current database aside when it does restore."""

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from buyerweb.app import create_app
from shared import backup as backups
from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.models import Order, Payment
from shared.payments import record_payment
from shared.stats import reconcile
from tests.helpers.db import new_draw
from tests.helpers.web import ROOT

TICKETS = 400


def burst(stop: threading.Event, acked: list, lock: threading.Lock, worker: int, errors: list) -> None:
    """Hold one ticket, pay for it, again and again; every write the core acknowledged is noted
    with the moment it was acknowledged."""
    try:
        for number in range(worker + 1, TICKETS + 1, 4):
            if stop.is_set():
                return
            hold = hold_tickets("Asha Devi", f"9{worker:01d}{number:08d}", [number])
            with lock:
                acked.append((time.monotonic(), "hold", hold.order_id))
            utr = f"{worker}{number:011d}"
            record_payment(hold.payable_paise, utr, reference=hold.reference)
            with lock:
                acked.append((time.monotonic(), "pay", utr))
    except Exception as exc:  # noqa: BLE001 - the test reports it
        errors.append(repr(exc))
    finally:
        shared_db.close()


def test_backups_taken_during_a_burst_restore_every_acknowledged_write(sqlite_url, tmp_path):
    setup.connect(sqlite_url)
    draw = new_draw(tmp_path, ticket_count=TICKETS, max_pending_per_mobile=5)
    acked, lock, stop, errors = [], threading.Lock(), threading.Event(), []
    threads = [threading.Thread(target=burst, args=(stop, acked, lock, w, errors)) for w in range(4)]
    for thread in threads:
        thread.start()
    taken = []
    try:
        for n in range(3):
            time.sleep(0.3)
            started = time.monotonic()
            with lock:
                before = [entry for entry in acked if entry[0] < started]
            result = backups.backup(tmp_path / f"burst-{n}.db")
            assert result.contents is not None and result.contents.problems == ()
            taken.append((result.path, before))
            print(f"\nbackup {n} during the burst: {len(before)} writes acknowledged before it, {result.seconds:.2f} s")
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert errors == []
    assert len(taken[-1][1]) > len(taken[0][1]) > 0  # the writes went on while the copies were made

    for path, before in taken:
        restore_started = time.monotonic()
        contents, kept = backups.restore(path)
        print(f"restored {path.name} in {time.monotonic() - restore_started:.2f} s: {contents.line()}")
        assert kept.is_file() and contents.problems == ()
        setup.connect(sqlite_url)
        assert reconcile(draw.id).ok
        holds = {ident for _, kind, ident in before if kind == "hold"}
        paid = {ident for _, kind, ident in before if kind == "pay"}
        assert holds <= {o.id for o in Order.select(Order.id)}
        restored = {p.utr: p for p in Payment.select()}
        assert paid <= set(restored)
        assert all(restored[utr].status == "matched" for utr in paid)
        assert contents.bookings == Order.select().count() and contents.payments == len(restored)
        # Nothing acknowledged after the copy could have been in it beyond what it says it holds.
        assert contents.bookings >= len(holds) and contents.payments >= len(paid)


def test_restore_refuses_while_the_web_runs_and_keeps_the_database_aside(sqlite_url, tmp_path):
    setup.connect(sqlite_url)
    new_draw(tmp_path)
    copy = backups.backup(tmp_path / "copy.db").path
    hold = hold_tickets("Asha Devi", "9876543210", [7])  # after the backup
    create_app(sqlite_url, migrate=False)  # a buyer web serving this database
    with pytest.raises(backups.RestoreRefused, match="buyer web is running"):
        backups.restore(copy)
    assert Order.get_or_none(Order.id == hold.order_id) is not None  # nothing changed


def test_restore_without_a_web_brings_the_copy_back(sqlite_url, tmp_path):
    setup.connect(sqlite_url)
    new_draw(tmp_path)
    copy = backups.backup(tmp_path / "copy.db").path
    hold = hold_tickets("Asha Devi", "9876543210", [7])
    contents, kept = backups.restore(copy)
    setup.connect(sqlite_url)
    assert Order.get_or_none(Order.id == hold.order_id) is None
    assert contents.bookings == 0 and contents.draw.startswith("#1 ")
    # What was there before the restore is itself a sound backup holding the later booking.
    assert backups.check_file(kept).bookings == 1


def test_restore_refuses_a_damaged_or_foreign_file(sqlite_url, tmp_path):
    setup.connect(sqlite_url)
    new_draw(tmp_path)
    hold = hold_tickets("Asha Devi", "9876543210", [7])
    foreign = tmp_path / "notes.db"
    sqlite3.connect(foreign).execute("CREATE TABLE notes (x)").connection.commit()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    damaged = backups.backup(tmp_path / "damaged.db").path
    with open(damaged, "r+b") as handle:
        handle.seek(4096)  # every page after the first: the tables' b-trees
        handle.write(os.urandom(damaged.stat().st_size - 4096))
    for bad, reason in (
        (foreign, "not a Lucky Draw database"),
        (text, "not a Lucky Draw SQLite database"),
        (damaged, "not a sound backup"),
    ):
        with pytest.raises(backups.RestoreRefused, match=reason):
            backups.restore(bad)
    with pytest.raises(backups.RestoreRefused, match="no backup file"):
        backups.restore(tmp_path / "missing.db")
    assert Order.get_or_none(Order.id == hold.order_id) is not None


def test_automatic_backups_keep_the_newest_k(sqlite_url, tmp_path):
    setup.connect(sqlite_url)
    new_draw(tmp_path)
    backups.set_schedule(every=15, keep=2)
    made = [backups.auto_backup("every").path for _ in range(3)]
    assert sorted(p.name for p in made[0].parent.iterdir()) == sorted(p.name for p in made[1:])
    assert backups.schedule() == (15, 2)
    assert backups.backup_due(None) and not backups.backup_due(shared_db.utcnow())


def test_a_new_draw_is_preceded_by_a_backup_of_the_old_one(sqlite_url, tmp_path):
    setup.connect(sqlite_url)
    assert backups.backup_before_new_draw() is None  # nothing to keep before the first draw
    new_draw(tmp_path)
    hold_tickets("Asha Devi", "9876543210", [7])
    saved = backups.backup_before_new_draw()
    assert saved.path.parent == tmp_path / "backups" and saved.contents.bookings == 1


WEB_ON_POSTGRES = """
import sys
from shared import backup, setup
setup.connect(sys.argv[1], create=False)
backup.announce_web()
print("serving", flush=True)
sys.stdin.read()
"""


def test_postgresql_backup_and_restore(db_url, tmp_path, monkeypatch):
    """On PostgreSQL: a pg_dump file read back by pg_restore; restore refuses a file that is no dump
    and refuses while a buyer web (another process) serves the database; then it keeps the current
    data aside as a dump, puts the backup back in one transaction and says what it restored."""
    monkeypatch.chdir(tmp_path)  # on PostgreSQL backups go beside where the command runs
    if not db_url.startswith("postgresql://"):
        pytest.skip("a PostgreSQL-only test")
    if shutil.which("pg_dump") is None or shutil.which("psql") is None:
        pytest.skip("the PostgreSQL client (pg_dump, pg_restore, psql) is not installed")
    setup.connect(db_url)
    new_draw(tmp_path, name="Diwali Mela")
    first = hold_tickets("Asha Devi", "9876543210", [7])
    record_payment(first.payable_paise, "412345678901")
    result = backups.backup(tmp_path / "pg.dump", url=db_url)
    assert result.path.stat().st_size > 0 and result.contents is None
    later = hold_tickets("Bala", "9876543211", [8])  # after the backup: the restore takes it away
    not_a_dump = tmp_path / "notes.dump"
    not_a_dump.write_text("not a dump")
    with pytest.raises(backups.RestoreRefused, match="not a PostgreSQL dump"):
        backups.restore(not_a_dump, url=db_url)
    web = subprocess.Popen(
        [sys.executable, "-c", WEB_ON_POSTGRES, db_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert web.stdout.readline().strip() == "serving"
        with pytest.raises(backups.RestoreRefused, match="buyer web is running"):
            backups.restore(result.path, url=db_url)
    finally:
        web.communicate("", timeout=30)
    assert Order.select().count() == 2, "a refused restore changes nothing"
    contents, kept = backups.restore(result.path, url=db_url)
    assert (contents.draw, contents.bookings, contents.payments, contents.problems) == (
        "#1 Diwali Mela (open)",
        1,
        1,
        (),
    )
    assert contents.newest_payment is not None
    assert [o.reference for o in Order.select()] == [first.reference]
    assert Order.get_or_none(Order.reference == later.reference) is None
    assert Payment.get().utr == "412345678901" and not reconcile(Order.get().draw_id).problems
    listed = subprocess.run(["pg_restore", "--list", str(kept)], capture_output=True, text=True, check=True)
    assert "TABLE DATA" in listed.stdout and kept.name.startswith("before-restore")
    hold_tickets("Chitra", "9876543212", [9])  # the restored database takes bookings again
    assert Order.select().count() == 2
