"""What each racing thread or process runs: a list of booking and payment operations, started
together at a barrier, each outcome written down for the test to check afterwards.

Lives in its own module so that processes started with the "spawn" method can import it."""

import traceback

from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.claims import ClaimRefused, claim_utr
from shared.draws import validate_settings
from shared.errors import DuplicateUTR, LuckyDrawError, TicketsTaken
from shared.new_draw import create_draw
from shared.payments import record_payment


def run_ops(ops) -> list[tuple]:
    """Run ("hold", name, mobile, tickets[, client_key]), ("pay", amount_paise, utr, reference),
    ("claim", session_id, utr) and ("new_draw", name, exports_dir) operations."""
    results = []
    for op in ops:
        try:
            if op[0] == "hold":
                _, name, mobile, tickets, *client = op
                try:
                    hold = hold_tickets(name, mobile, tickets, client_key=client[0] if client else None)
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
            elif op[0] == "claim":
                _, session_id, utr = op
                try:
                    claim = claim_utr(session_id, utr)
                    results.append(("claimed", session_id, claim.claimed_utr, str(claim.state)))
                except ClaimRefused as exc:
                    results.append(("claim_refused", session_id, utr, exc.reason))
            elif op[0] == "new_draw":
                _, name, exports = op
                settings = validate_settings(name, 20, 1000, "racer@okaxis", "Race Samiti", max_per_order=5)
                results.append(("created", name, create_draw(settings, exports_dir=exports).id))
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


def limit_hits_main(url, barrier, queue, name, count, seconds, key, hits) -> None:
    """A process that hits one shared rate limit `hits` times at once with the others and reports
    how many of its hits were allowed."""
    from shared.rate_buckets import SharedRateLimiter
    from shared.ratelimit import Limit

    try:
        setup.connect(url, create=False)
        limiter = SharedRateLimiter(name, Limit(count, seconds))
        barrier.wait(timeout=30)
        queue.put(("ok", sum(1 for _ in range(hits) if limiter.hit(key) == 0)))
    except Exception:  # noqa: BLE001 — the test fails on it, with the traceback
        queue.put(("error", traceback.format_exc()))
    finally:
        shared_db.close()
