"""Importing a bank statement through the normal matching rules, on SQLite and PostgreSQL: what is
confirmed, what is already on record, what is left for the organiser; a dry run and a second import
change nothing; rows of an earlier draw's period never confirm this draw's bookings."""

from datetime import datetime, timedelta, timezone

import pytest

from shared.booking import hold_tickets
from shared.models import Event, Order, Payment, Ticket
from shared.models_statement import StatementImport, StatementLine
from shared.payments import record_payment
from shared.statements import importer
from shared.statements.audit import audit_draw, audit_statement
from shared.statements.importer import import_statement
from shared.statements.read import StatementUnreadable
from shared.statements.rows import read_statement
from tests.helpers.db import new_draw
from tests.statements.statement_files import Txn, write

IST = timezone(timedelta(hours=5, minutes=30))


def ist_now() -> datetime:
    return datetime.now(IST).replace(tzinfo=None, microsecond=0)


def state():
    """Everything an import could change."""
    return (
        sorted(Payment.select(Payment.utr, Payment.status, Payment.order).tuples()),
        sorted(Order.select(Order.reference, Order.state).tuples()),
        Ticket.select().where(Ticket.state != "free").count(),
        Event.select().count(),
        StatementLine.select().count(),
        StatementImport.select().count(),
    )


def _txns(first, second):
    at = ist_now() + timedelta(seconds=5)
    return [
        Txn(at, first.payable_paise, utr="412345678901", name="ASHA DEVI", vpa="asha@okaxis", note=first.reference),
        Txn(at + timedelta(seconds=1), 50000, credit=False, narration="NEFT DR-BESCOM ELECTRICITY"),
        Txn(
            at + timedelta(seconds=2),
            second.payable_paise,
            utr="412345678902",
            name="BALA M",
            vpa="bala@oksbi",
            note="tickets",
        ),
        Txn(at + timedelta(seconds=3), 3000, utr="412345678903", reversal=True),
        Txn(at + timedelta(seconds=4), 77700, narration="CASH DEPOSIT BY SELF"),
    ]


@pytest.fixture
def bookings(draw):
    return hold_tickets("Asha", "9876543210", [1]), hold_tickets("Bala", "9876543211", [2, 3])


@pytest.mark.parametrize("bank, fmt", [("hdfc", "csv"), ("icici", "xlsx"), ("sbi", "xls"), ("kotak", "html")])
def test_import_confirms_bookings_skips_debits_and_keeps_the_rest(tmp_path, bookings, bank, fmt):
    first, second = bookings
    path = write(tmp_path / f"s.{'xls' if fmt == 'html' else fmt}", bank, fmt, _txns(first, second))
    report = import_statement(path)
    actions = [(row.number, row.action) for row in report.rows]
    assert [a for _, a in actions] == ["confirmed", "debit", "confirmed", "reversal", "unmatched"]
    assert [row.order_reference for row in report.rows if row.action == "confirmed"] == [
        first.reference,
        second.reference,
    ]
    assert report.rows[0].text == f"confirm {first.reference}"
    assert {Order.get(Order.reference == r).state for r in (first.reference, second.reference)} == {"paid"}
    paid = Payment.get(Payment.utr == "412345678901")
    assert paid.source == "statement" and paid.status == "matched"
    # The row's date is the payment's received time (date-only rows: 00:00 India time that day).
    row = read_statement(path).rows[0]
    assert paid.received_at == row.when.at
    cash = Payment.get((Payment.amount_paise == 77700))
    assert cash.utr_missing and cash.status == "unmatched" and "CASH DEPOSIT BY SELF" in cash.note
    assert not Payment.select().where(Payment.amount_paise == 3000).exists()  # the reversal is no payment
    assert not Payment.select().where(Payment.amount_paise == 50000).exists()  # nor the debit
    assert report.counts["debit"] == 1 and report.changed
    imported = StatementImport.get()
    assert (imported.credits, imported.debits, imported.recorded, imported.confirmed) == (4, 1, 3, 2)


def test_dry_run_shows_the_same_rows_and_changes_nothing(tmp_path, bookings):
    path = write(tmp_path / "s.csv", "hdfc", "csv", _txns(*bookings))
    before = state()
    preview = import_statement(path, dry_run=True)
    assert state() == before
    assert not preview.changed and preview.dry_run
    real = import_statement(path)
    assert [(r.number, r.action, r.text) for r in preview.rows] == [(r.number, r.action, r.text) for r in real.rows]
    assert state() != before


def test_importing_twice_changes_nothing_also_from_another_export_of_it(tmp_path, bookings):
    txns = _txns(*bookings)
    csv_path = write(tmp_path / "s.csv", "hdfc", "csv", txns)
    import_statement(csv_path)
    after = state()
    again = import_statement(csv_path)
    assert state() == after and not again.changed
    assert {r.action for r in again.rows} == {"already_imported", "debit"}
    # The same statement downloaded as XLS (dates with times): the same rows, nothing new.
    import_statement(write(tmp_path / "s.xls", "hdfc", "xls", txns))
    assert state() == after


def test_a_utr_recorded_by_sms_is_skipped_never_doubled(tmp_path, bookings):
    first, second = bookings
    sms = record_payment(first.payable_paise, "412345678901", source="sms")
    assert sms.confirmed
    report = import_statement(write(tmp_path / "s.csv", "axis", "csv", _txns(first, second)))
    row = report.rows[0]
    assert row.action == "already_recorded" and row.order_reference == first.reference
    assert "sms" in row.text
    assert Payment.select().where(Payment.utr == "412345678901").count() == 1
    assert Payment.select().where(Payment.order == first.order_id).count() == 1
    assert StatementLine.get(StatementLine.utr == "412345678901").payment_id == sms.payment_id


def test_a_utr_recorded_in_an_earlier_draw_is_skipped(tmp_path, draw):
    record_payment(1000, "412345678901", source="manual")
    new_draw(tmp_path, name="Second")
    booking = hold_tickets("Asha", "9876543210", [1])
    assert booking.payable_paise == 1000
    txns = [Txn(ist_now() + timedelta(seconds=5), 1000, utr="412345678901", name="A", vpa="a@okaxis", note="x")]
    report = import_statement(write(tmp_path / "s.csv", "generic", "csv", txns))
    assert report.rows[0].action == "already_recorded" and "in draw #1" in report.rows[0].text
    assert Order.get(Order.reference == booking.reference).state == "pending"


def test_a_row_from_an_earlier_draws_period_never_confirms_a_booking_of_this_draw(tmp_path, db):
    start = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=3)
    new_draw(tmp_path, name="First")
    from shared.models import Draw

    Draw.update(created_at=start).execute()
    second = new_draw(tmp_path, name="Second")
    booking = hold_tickets("Asha", "9876543210", [1])
    old_day = ist_now() - timedelta(days=2)
    txns = [
        Txn(old_day, booking.payable_paise, utr="412345678901", name="A", vpa="a@okaxis", note="old"),
        Txn(old_day, booking.payable_paise, narration="NEFT CR-NO UTR OLD PAYMENT"),
    ]
    for fmt in ("csv", "xls"):  # date only (generic CSV has times; HDFC CSV has dates) and with times
        path = write(tmp_path / f"s.{fmt}", "hdfc" if fmt == "csv" else "icici", fmt, txns)
        report = import_statement(path, dry_run=True)
        assert [r.action for r in report.rows] == ["other_draw", "other_draw"], fmt
        assert "draw #1" in report.rows[0].text
    report = import_statement(write(tmp_path / "s.csv", "hdfc", "csv", txns))
    assert Order.get(Order.reference == booking.reference).state == "pending"
    assert not Payment.select().exists()
    assert StatementLine.get(StatementLine.utr == "412345678901").draw_id == 1
    assert second.id == 2 and report.changed


def test_money_that_arrived_before_a_booking_was_made_does_not_confirm_it(tmp_path, draw):
    booking = hold_tickets("Asha", "9876543210", [1])
    Order.update(created_at=datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=1)).execute()
    txns = [Txn(ist_now(), booking.payable_paise, utr="412345678901", name="A", vpa="a@okaxis", note="x")]
    report = import_statement(write(tmp_path / "s.csv", "generic", "csv", txns))
    assert report.rows[0].action == "unmatched"
    assert Order.get(Order.reference == booking.reference).state == "pending"


def test_a_credit_that_a_debit_takes_back_is_not_a_payment(tmp_path, bookings):
    first, _ = bookings
    at = ist_now() + timedelta(seconds=5)
    txns = [
        Txn(at, first.payable_paise, utr="412345678901", name="A", vpa="a@okaxis", note="x"),
        Txn(at + timedelta(minutes=1), first.payable_paise, credit=False, narration="UPI/412345678901/CHARGEBACK DR"),
    ]
    report = import_statement(write(tmp_path / "s.csv", "generic", "csv", txns))
    assert [r.action for r in report.rows] == ["reversed", "debit"]
    assert Order.get(Order.reference == first.reference).state == "pending"


def test_a_quick_mark_is_recognised_as_the_credits_money(tmp_path, draw):
    booking = hold_tickets("Asha", "9876543210", [1])
    quick = record_payment(booking.payable_paise, None, quick=True, source="quick")
    assert quick.confirmed
    txns = [Txn(ist_now(), booking.payable_paise, utr="412345678901", name="A", vpa="a@okaxis", note="x")]
    report = import_statement(write(tmp_path / "s.csv", "generic", "csv", txns))
    assert report.rows[0].action == "quick_mark" and report.rows[0].order_reference == booking.reference
    assert Payment.select().count() == 1  # no second payment, no "double payment" flag
    assert audit_draw().ok


def test_a_bad_file_changes_nothing(tmp_path, bookings):
    before = state()
    path = tmp_path / "statement.xls"
    path.write_bytes(b"%PDF-1.4 encrypted")
    with pytest.raises(StatementUnreadable, match="is a PDF"):
        import_statement(path)
    assert state() == before


def test_a_failure_mid_import_keeps_what_was_committed_and_a_rerun_finishes(tmp_path, bookings, monkeypatch):
    first, second = bookings
    path = write(tmp_path / "s.csv", "hdfc", "csv", _txns(first, second))
    monkeypatch.setattr(importer, "CHUNK", 1)
    calls = {"n": 0}
    real = importer._Run.handle

    def flaky(self, row, known):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(self, row, known)

    monkeypatch.setattr(importer._Run, "handle", flaky)
    with pytest.raises(RuntimeError):
        import_statement(path)
    assert Order.get(Order.reference == first.reference).state == "paid"
    assert Order.get(Order.reference == second.reference).state == "pending"
    monkeypatch.setattr(importer._Run, "handle", real)
    report = import_statement(path)
    assert [r.action for r in report.rows] == ["already_imported", "debit", "confirmed", "reversal", "unmatched"]
    assert Payment.select().where(Payment.utr == "412345678901").count() == 1


def test_audit_both_ways(tmp_path, bookings):
    first, second = bookings
    txns = _txns(first, second)
    path = write(tmp_path / "s.csv", "hdfc", "csv", txns)
    # Before any import: the SMS-recorded credit is found; a typed UTR the bank never showed and
    # a quick mark with no credit of its amount are listed; credits nobody recorded are listed.
    record_payment(first.payable_paise, "412345678901", source="sms")
    typo = record_payment(second.payable_paise, "412345678999", source="manual")
    quick = record_payment(4242, None, quick=True, source="quick")
    audit = audit_statement(read_statement(path))
    assert {i.utr for i in audit.missing_credits} == {"412345678902", None}
    assert [i.row_number for i in audit.missing_credits if i.utr is None] == [11]
    unfound = {i.kind: i for i in audit.unfound_payments}
    assert unfound.keys() == {"utr_not_in_statement", "quick_mark_without_credit"}
    assert unfound["utr_not_in_statement"].utr == typo.utr and "typo" in unfound["utr_not_in_statement"].text
    assert quick.utr in unfound["quick_mark_without_credit"].text
    assert audit.left_out == 1  # the reversal
    assert not audit.ok
    # After the import every credit is on record; the typed UTR and the quick mark still are not found.
    import_statement(path)
    after = audit_draw()
    assert after.missing_credits == []
    assert {i.kind for i in after.unfound_payments} == {"utr_not_in_statement", "quick_mark_without_credit"}
    assert after.credits == after.credits_accounted == 3


def test_audit_pairs_quick_marks_with_credits_of_their_amount(tmp_path, draw):
    record_payment(1234, None, quick=True, source="quick")
    txns = [Txn(ist_now(), 1234, utr="412345678901", name="A", vpa="a@okaxis", note="x")]
    audit = audit_statement(read_statement(write(tmp_path / "s.csv", "generic", "csv", txns)))
    assert audit.ok and audit.credits_accounted == 1 and audit.payments_found == 1


def test_a_new_draw_started_during_an_import_stops_it_between_chunks(draw, tmp_path, monkeypatch):
    """The first chunk is in; the organiser starts a new draw; the import stops before the next
    chunk (its rows are never recorded into the new draw) and says so. Imported again, the rows
    done before are skipped and the others are left to the organiser."""
    monkeypatch.setattr(importer, "CHUNK", 3)
    at = ist_now() + timedelta(seconds=5)
    txns = [Txn(at, 77700 + n, utr=f"41234567{n:04d}", name="STRANGER", vpa="s@okaxis", note="x") for n in range(7)]
    path = write(tmp_path / "statement.csv", "hdfc", "csv", txns)
    started = []

    def new_draw_after_the_first_chunk(done, total):
        if not started:
            started.append(new_draw(tmp_path, name="Next Draw"))

    with pytest.raises(importer.Conflict, match="A new draw was started during the import"):
        import_statement(path, progress=new_draw_after_the_first_chunk)
    recorded = list(Payment.select().order_by(Payment.id))
    assert [p.amount_paise for p in recorded] == [77700, 77701, 77702]
    assert {p.draw_id for p in recorded} == {draw.id}
    again = import_statement(path)
    assert [r.action for r in again.rows[:3]] == [importer.ALREADY_IMPORTED] * 3
    # the rest carry the day the old draw ended and the new one began (HDFC shows no time): by hand
    assert [r.action for r in again.rows[3:]] == [importer.OTHER_DRAW] * 4
    assert Payment.select().count() == 3


def test_buyers_keep_booking_while_the_organiser_previews_a_statement(sqlite_url, tmp_path):
    """On SQLite (the laptop), the dry run of a long statement never holds the live database's
    write lock: it runs on a snapshot in a process of its own. A buyer who books while it runs,
    from another thread, gets the booking at once, and it stays when the preview ends. (On
    PostgreSQL the preview is one rolled-back transaction under the write lock, as the import.)"""
    import threading

    from shared import setup

    setup.connect(sqlite_url)
    new_draw(tmp_path, ticket_count=50)
    at = ist_now() + timedelta(seconds=5)
    txns = [Txn(at, 90000 + n, utr=f"51234567{n:04d}", name="STRANGER", vpa="s@okaxis", note="x") for n in range(600)]
    path = write(tmp_path / "statement.csv", "hdfc", "csv", txns)
    booked = []

    def a_buyer_books():
        booked.append(hold_tickets("Asha Devi", "9876543210", [7]))

    def meanwhile(done, total):
        if done < total and not booked:
            buyer = threading.Thread(target=a_buyer_books)
            buyer.start()
            buyer.join(timeout=60)
            assert booked, "the buyer's booking waited for the preview"

    preview = import_statement(path, dry_run=True, progress=meanwhile)
    assert preview.count(importer.UNMATCHED) == 600 and not preview.changed
    assert [o.reference for o in Order.select()] == [booked[0].reference]
    assert not Payment.select().exists()
