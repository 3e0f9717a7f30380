"""What each racing thread or process runs: a list of booking and payment operations, started
together at a barrier, each outcome written down for the test to check afterwards.

Lives in its own module so that processes started with the "spawn" method can import it."""

import traceback

from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.errors import DuplicateUTR, LuckyDrawError, TicketsTaken
from shared.payments import record_payment


def run_ops(ops) -> list[tuple]:
    """Run ("hold", name, mobile, tickets) and ("pay", amount_paise, utr, reference) operations."""
    results = []
    for op in ops:
        try:
            if op[0] == "hold":
                _, name, mobile, tickets = op
                try:
                    hold = hold_tickets(name, mobile, tickets)
                    results.append(
                        ("held", tuple(sorted(tickets)), hold.order_id, hold.payable_paise, hold.amount_unique)
                    )
                except TicketsTaken as exc:
                    results.append(("taken", tuple(sorted(tickets)), tuple(exc.taken)))
            elif op[0] == "pay":
                _, amount, utr, reference = op
                try:
                    result = record_payment(amount, utr, reference=reference)
                    results.append(("recorded", utr, amount, result.outcome, result.order_reference, result.payment_id))
                except DuplicateUTR:
                    results.append(("duplicate", utr, amount))
            else:
                raise ValueError(f"unknown operation {op[0]!r}")
        except LuckyDrawError as exc:
            results.append(("refused", type(exc).__name__, exc.message, op))
        except Exception:  # noqa: BLE001 — the test fails on any of these, with the traceback
            results.append(("error", traceback.format_exc(), op))
    return results


def thread_main(barrier, results: list, ops) -> None:
    try:
        barrier.wait(timeout=30)
        results.extend(run_ops(ops))
    finally:
        shared_db.close()


def process_main(url: str, barrier, queue, index: int, ops) -> None:
    try:
        setup.connect(url)
        barrier.wait(timeout=60)
        queue.put((index, run_ops(ops)))
    except BaseException:  # noqa: BLE001 - whatever stops a worker goes back to the test, with the traceback
        queue.put((index, [("error", traceback.format_exc(), None)]))
    finally:
        shared_db.close()
