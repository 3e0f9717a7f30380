"""Starting a new draw, raced (issue 10, item 3), on SQLite and PostgreSQL, from threads and from
processes: however many `new-draw`s run at once, exactly one draw is current afterwards, every
other one is archived (its pending bookings cancelled, its workbook exported) and no draw, booking
or ticket is lost. The database itself refuses a second current draw."""

from pathlib import Path

import pytest
from peewee import IntegrityError

from shared.booking import hold_tickets
from shared.db import utcnow, write_tx
from shared.models import Draw, Event, Order, Ticket
from tests.concurrency.test_races import run_processes, run_threads
from tests.helpers.db import new_draw


def race_ops(workers: int, each: int, exports: Path):
    return [[("new_draw", f"Draw {w}-{i}", str(exports)) for i in range(each)] for w in range(workers)]


def check_one_current(first: Draw, outputs, exports: Path, created_expected: int):
    errors = [r for out in outputs for r in out if r[0] != "created"]
    assert not errors, errors[0]
    created = [r[2] for out in outputs for r in out]
    assert len(created) == len(set(created)) == created_expected
    draws = list(Draw.select().order_by(Draw.id))
    assert [d.id for d in draws] == sorted([first.id, *created])
    current = [d for d in draws if d.state != "archived"]
    assert len(current) == 1 and current[0].id == max(created)
    for draw in draws[:-1]:  # every other one archived once, exported, its tickets kept
        assert draw.state == "archived" and draw.archived_at is not None
        assert draw.export_path and Path(draw.export_path).is_file(), draw.id
        assert Path(draw.export_path).parent == exports
        assert Event.select().where((Event.kind == "draw_archived") & (Event.draw == draw.id)).count() == 1
    for draw in draws:
        assert Ticket.select().where(Ticket.draw == draw.id).count() == draw.ticket_count
    # the first draw's booking was cancelled by archiving, not lost
    assert [o.state for o in Order.select()] == ["cancelled"]
    assert not list(exports.glob(".*"))  # no temporary files left behind


@pytest.fixture
def first(db, tmp_path):
    draw = new_draw(tmp_path)
    hold_tickets("Asha", "9800000001", [1, 2])
    return draw


def test_threads_start_new_draws_at_once(first, tmp_path):
    exports = tmp_path / "exports"
    outputs = run_threads(race_ops(8, 2, exports))
    check_one_current(first, outputs, exports, 16)


def test_processes_start_new_draws_at_once(first, tmp_path, db_url):
    exports = tmp_path / "exports"
    outputs = run_processes(db_url, race_ops(4, 2, exports))
    check_one_current(first, outputs, exports, 8)


def test_the_database_refuses_a_second_current_draw(first):
    row = {f: getattr(first, f) for f in ("name", "ticket_count", "price_paise", "payee_vpa", "payee_name")}
    with pytest.raises(IntegrityError), write_tx():
        Draw.create(**row, seed="0" * 64, seed_hash="0" * 64, created_at=utcnow(), state="closed")
    Draw.create(**row, seed="0" * 64, seed_hash="0" * 64, created_at=utcnow(), state="archived")
    assert Draw.select().where(Draw.state != "archived").count() == 1
