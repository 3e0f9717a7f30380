"""The checker used by the race and property tests finds each kind of broken promise, so a race
test that passes means something."""

import pytest

from shared.booking import hold_tickets
from shared.db import database
from shared.payments import record_payment
from tests.helpers.core_invariants import check_core_invariants


@pytest.fixture
def sold(sqlite_draw):
    a = hold_tickets("Asha", "9000000001", [1, 2])
    b = hold_tickets("Ravi", "9000000002", [3])
    record_payment(a.payable_paise, "100000000001")
    record_payment(b.payable_paise, "100000000002")
    hold_tickets("Mina", "9000000003", [4])
    assert check_core_invariants(sqlite_draw.id) == []
    return sqlite_draw, a, b


def _sql(statement):
    with database.atomic():
        database.execute_sql(statement)


TAMPERING = [
    (
        lambda a, b: _sql(f"UPDATE booking SET tickets = '1,2,3', ticket_count = 3 WHERE id = {a.order_id}"),
        "ticket 3 is in live orders",
    ),
    (lambda a, b: _sql("UPDATE ticket SET state = 'free', order_id = NULL WHERE number = 4"), "is free but live order"),
    (lambda a, b: _sql(f"UPDATE ticket SET order_id = {a.order_id} WHERE number = 3"), "which does not list it"),
    (
        lambda a, b: _sql(
            f"UPDATE booking SET amount_lock = NULL, payable_paise = {a.payable_paise} WHERE name = 'Mina'"
        ),
        "share the unique amount",
    ),
    (
        lambda a, b: _sql(f"UPDATE payment SET order_id = {a.order_id} WHERE order_id = {b.order_id}"),
        "matched payments",
    ),
    (
        lambda a, b: _sql(f"DELETE FROM event WHERE kind = 'order_paid' AND order_id = {b.order_id}"),
        "has no order_paid event",
    ),
    (lambda a, b: _sql("UPDATE booking SET state = 'expired' WHERE name = 'Mina'"), "held by order"),
]


@pytest.mark.parametrize("tamper, problem", TAMPERING)
def test_checker_finds_tampering(sold, tamper, problem):
    draw, a, b = sold
    tamper(a, b)
    problems = check_core_invariants(draw.id)
    assert any(problem in p for p in problems), problems
