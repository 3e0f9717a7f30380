"""Races that really race: the same statement imported from several threads and processes at once
(the console and a cron job), while the SMS forwarder records one of its payments. Afterwards each
UTR is recorded once, each booking paid once, each row stored once, and the money adds up."""

import multiprocessing
import threading
from datetime import timedelta

from shared.booking import hold_tickets
from shared.models import Order, Payment
from shared.models_statement import StatementLine
from shared.payments import record_payment
from shared.statements.importer import import_statement
from shared.stats import reconcile
from tests.statements.statement_files import Txn, write
from tests.statements.statement_race_worker import import_in_process
from tests.statements.test_statement_import import ist_now

BOOKINGS = 12


def _setup(tmp_path):
    bookings = [hold_tickets(f"Buyer {i}", f"98765432{i:02d}", [i + 1]) for i in range(BOOKINGS)]
    at = ist_now() + timedelta(seconds=5)
    txns = [
        Txn(
            at + timedelta(seconds=i),
            b.payable_paise,
            utr=f"4123456789{i:02d}",
            name="B",
            vpa=f"b{i}@okaxis",
            note=b.reference,
        )
        for i, b in enumerate(bookings)
    ]
    txns.append(Txn(at, 55500, narration="CASH DEPOSIT"))  # no UTR: only its checksum keeps it single
    return bookings, write(tmp_path / "s.csv", "hdfc", "csv", txns)


def _check(bookings, draw_id):
    utrs = [u for (u,) in Payment.select(Payment.utr).where(Payment.utr_missing == False).tuples()]  # noqa: E712
    assert len(utrs) == len(set(utrs)) == BOOKINGS
    assert Payment.select().where(Payment.amount_paise == 55500).count() == 1
    assert Order.select().where(Order.state == "paid").count() == BOOKINGS
    for b in bookings:
        assert Payment.select().where(Payment.order == b.order_id).count() == 1
    sums = [c for (c,) in StatementLine.select(StatementLine.checksum).tuples()]
    assert len(sums) == len(set(sums)) == BOOKINGS + 1
    assert reconcile(draw_id).ok


def test_threads_import_the_same_statement_while_an_sms_arrives(tmp_path, draw, monkeypatch):
    from shared.statements import importer

    monkeypatch.setattr(importer, "CHUNK", 3)  # many small transactions: the imports interleave
    bookings, path = _setup(tmp_path)
    barrier = threading.Barrier(4)
    errors = []

    def importing():
        try:
            barrier.wait(10)
            import_statement(path)
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    def sms():
        try:
            barrier.wait(10)
            record_payment(bookings[5].payable_paise, "412345678905", source="sms")
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=importing) for _ in range(3)] + [threading.Thread(target=sms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and not any(t.is_alive() for t in threads)
    _check(bookings, draw.id)


def test_processes_import_the_same_statement_at_once(tmp_path, draw, db_url):
    bookings, path = _setup(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=import_in_process, args=(db_url, path, barrier, queue)) for _ in range(3)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert all(kind == "ok" for kind, _ in results), results
    confirmed = sum(actions.count("confirmed") for _, actions in results)
    assert confirmed == BOOKINGS  # between them, each booking confirmed once
    _check(bookings, draw.id)
