"""The statement import decides the common cases itself (shared.statements.batch) and hands the
rest to record_payment. Both ways must leave exactly the same database: the same statement,
imported once as it is and once with every row handed to record_payment, on the same starting
data, gives the same rows in every table (ids, journal and all) and the same report, on SQLite and
PostgreSQL, whether a chunk holds the whole statement or three rows."""

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from shared import payments
from shared.booking import cancel_order, hold_tickets
from shared.claims import claim_utr
from shared.db import database, is_sqlite, utcnow
from shared.ids import REFERENCE_ALPHABET
from shared.lifecycle import mark_order_expired
from shared.models import ALL_MODELS, Event, Order, Payment, Ticket
from shared.models_statement import STATEMENT_MODELS, StatementLine
from shared.payments import record_payment
from shared.statements import batch, importer
from shared.statements.importer import import_statement
from tests.helpers.db import new_draw
from tests.statements.statement_files import Txn, write

IST = timezone(timedelta(hours=5, minutes=30))


def book(i: int, numbers):
    return hold_tickets(f"Buyer {i}", f"98765{i:05d}", numbers)


def scenario(tmp_path) -> list[Txn]:
    """A draw whose statement holds every case: confirmations by reference and by amount, a second
    payment of a paid booking in the same chunk, a late payment, a cancelled booking's amount, a
    buyer's claimed UTR, a reference that disagrees with the amount, money seen first without a
    UTR and then with one, a UTR twice, one recorded by SMS, a quick mark, a booking of the last
    draw, strangers, no-UTR credits and a debit."""
    new_draw(tmp_path, name="Last year", ticket_count=50)
    old = book(90, [1])
    new_draw(tmp_path, ticket_count=200)  # archives the last draw
    b = [book(i, [10 + 2 * i, 11 + 2 * i]) for i in range(14)]
    now = utcnow()
    mark_order_expired(b[2].order_id, Order.get_by_id(b[2].order_id).draw_id, now)
    cancel_order(b[3].reference)
    claim_utr(b[4].session_id, "512000000004")
    record_payment(b[9].payable_paise, "512000000009", source="sms")
    record_payment(b[11].payable_paise, quick=True, source="quick")  # settles b11 without a UTR
    record_payment(77700, quick=True, source="quick")  # money seen, no booking: an open quick mark
    at = datetime.now(IST).replace(tzinfo=None, microsecond=0) + timedelta(seconds=5)
    seconds = itertools.count()

    def txn(amount, utr=None, note="", **extra):
        when = at + timedelta(seconds=next(seconds))
        if utr is None and "narration" not in extra:
            extra["narration"] = f"CASH DEPOSIT {next(seconds)}"
        return Txn(when, amount, utr=utr, name="PAYER", vpa="payer@okaxis", note=note, **extra)

    return [
        txn(b[0].payable_paise, "512100000000", b[0].reference),  # rule 1
        txn(b[1].payable_paise, "512100000001", "tickets"),  # rule 2
        txn(b[1].payable_paise, "512100000101", "again"),  # paid just now: a double payment
        txn(b[2].payable_paise, "512100000002", "late"),  # expired: a late payment, re-held
        txn(b[2].payable_paise, "512100000102", "late again"),
        txn(123456, "512100000900", "gift"),  # a stranger
        txn(b[3].payable_paise, "512100000003", "cancelled"),
        txn(b[4].payable_paise, "512000000004", "claimed"),  # rule 0
        txn(b[6].payable_paise, "512100000005", b[5].reference),  # names one, fits another
        txn(b[7].payable_paise),  # no UTR: confirms by amount
        txn(b[7].payable_paise, "512100000007", "same money"),  # its UTR: attached
        txn(b[8].payable_paise, "512100000008", b[8].reference),
        txn(b[8].payable_paise, "512100000008", "the same UTR once more"),
        txn(b[9].payable_paise, "512000000009", "sms had it"),
        txn(b[11].payable_paise, "512100000011", "after the quick mark"),
        txn(77700),  # the open quick mark's money
        txn(99, "512100000090", old.reference),  # a booking of the last draw
        txn(50000, credit=False, narration="NEFT DR-TENT HOUSE"),
        txn(654321),  # a stranger without a UTR
        txn(b[12].payable_paise, "512100000012", b[12].reference),
        txn(b[13].payable_paise, "512100000013", ""),
        txn(b[10].payable_paise + 100000, "512100000010", b[10].reference),  # its reference, not its amount
    ]


def dump() -> dict:
    """Every row of every table."""
    return {
        model._meta.table_name: list(model.select().order_by(*model._meta.sorted_fields[:1]).tuples())
        for model in ALL_MODELS + STATEMENT_MODELS
    }


def sequences() -> dict:
    """PostgreSQL's id sequences (a rolled-back insert still uses up its id there)."""
    if is_sqlite():
        return {}
    found = {}
    for model in ALL_MODELS + STATEMENT_MODELS:
        if "id" not in model._meta.fields:
            continue
        name = database.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", (model._meta.table_name,)).fetchone()
        if name and name[0]:
            found[name[0]] = database.execute_sql(f"SELECT last_value, is_called FROM {name[0]}").fetchone()
    return found


def import_and_undo(path, now, monkeypatch) -> tuple[dict, list, dict]:
    """(every table after the import, the report's rows, how many rows record_payment decided);
    the database is left as it was."""
    start = sequences()
    numbers = itertools.count()
    monkeypatch.setattr(
        batch,
        "new_internal_payment_id",
        lambda: "NOUTR-" + "".join(REFERENCE_ALPHABET[(next(numbers) // 31**k) % 31] for k in range(10)),
    )
    monkeypatch.setattr(payments, "new_internal_payment_id", batch.new_internal_payment_id)
    handed = {"rows": 0}

    def counted(*args, **kwargs):
        handed["rows"] += 1
        return record_payment(*args, **kwargs)

    monkeypatch.setattr(batch, "record_payment", counted)
    with database.atomic() as tx:
        report = import_statement(path, now=now)
        after = dump()
        tx.rollback()
    for name, (last, called) in start.items():
        database.execute_sql("SELECT setval(%s, %s, %s)", (name, last, called))
    rows = [(r.number, r.action, r.text, r.order_reference) for r in report.rows]
    return after, rows, handed


@pytest.mark.parametrize("chunk", [3, 500])
def test_the_fast_way_leaves_exactly_what_record_payment_would(db, tmp_path, monkeypatch, chunk):
    path = write(tmp_path / "s.csv", "icici", "csv", scenario(tmp_path))  # times of day
    monkeypatch.setattr(importer, "CHUNK", chunk)
    now = utcnow() + timedelta(seconds=40)
    before = dump()

    fast, fast_rows, fast_handed = import_and_undo(path, now, monkeypatch)
    assert dump() == before
    monkeypatch.setattr(batch.ChunkRecorder, "_decide", lambda self, *args: (None, None))
    exact, exact_rows, exact_handed = import_and_undo(path, now, monkeypatch)

    assert fast_rows == exact_rows
    assert fast == exact
    # Both ways were taken: eight rows by rules 1, 2 and 5 here, the other nine by record_payment.
    recorded = sum(1 for r in fast_rows if r[1] in ("confirmed", "unmatched", "attention"))
    assert exact_handed["rows"] == recorded == 17
    assert fast_handed["rows"] == 9
    # And the import did what the rows say (a few spot checks of the outcome itself).
    actions = dict((r[0], r[1]) for r in fast_rows)
    assert list(actions.values()).count("confirmed") >= 8
    assert "already_recorded" in actions.values() and "quick_mark" in actions.values()


def test_a_chunk_sees_its_own_confirmations(db, tmp_path):
    """A second payment of the amount of a booking confirmed earlier in the same chunk is a possible
    double payment, never a second confirmation; a credit with the UTR of money confirmed without one
    in the same chunk is attached to it."""
    new_draw(tmp_path)
    first, second = book(1, [1]), book(2, [2])
    at = datetime.now(IST).replace(tzinfo=None, microsecond=0) + timedelta(seconds=5)
    txns = [
        Txn(at, first.payable_paise, utr="612000000001", name="A", vpa="a@okaxis", note="x"),
        Txn(at + timedelta(seconds=1), first.payable_paise, utr="612000000002", name="A", vpa="a@okaxis", note="y"),
        Txn(at + timedelta(seconds=2), second.payable_paise, narration="CASH DEPOSIT"),
        Txn(at + timedelta(seconds=3), second.payable_paise, utr="612000000003", name="B", vpa="b@oksbi", note="z"),
    ]
    report = import_statement(write(tmp_path / "s.csv", "hdfc", "csv", txns))
    assert [r.action for r in report.rows] == ["confirmed", "attention", "confirmed", "unmatched"]
    assert "double payment" in report.rows[1].text
    assert Payment.get(Payment.utr == "612000000002").status == "attention"
    attached = Payment.get(Payment.utr == "612000000003")  # the no-UTR payment, now with its UTR
    assert attached.order.reference == second.reference and not attached.utr_missing
    assert Payment.select().where(Payment.amount_paise == second.payable_paise).count() == 1
    assert Order.select().where(Order.state == "paid").count() == 2
    assert Ticket.select().where(Ticket.state == "sold").count() == 2
    assert Event.select().where(Event.kind == "order_paid").count() == 2
    assert StatementLine.select().count() == 4
