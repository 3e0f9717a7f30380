"""Checks of the domain core's promises, read straight from the database after any sequence of
operations: a ticket is never held or sold by two orders, tickets sold ⇔ paid orders, payable
amounts that may still receive money are distinct, every paid order has exactly one matched
payment, every state is in the event journal, and the money reconciles. Used by the race tests,
the property test and the unit tests of booking and matching."""

from collections import Counter, defaultdict

from shared.models import Event, Order, Payment, Ticket
from shared.stats import reconcile

LIVE = ("pending", "paid")


def order_numbers(order) -> set[int]:
    return set(order.tickets)


def check_core_invariants(draw_id: int) -> list[str]:
    """Every broken promise, as a sentence; an empty list when all hold."""
    orders = {o.id: o for o in Order.select().where(Order.draw == draw_id)}
    live = {oid: o for oid, o in orders.items() if o.state in LIVE}
    payments = list(Payment.select().where(Payment.draw == draw_id))
    problems, owner = _live_orders_disjoint(live)
    problems += _ticket_rows_agree(draw_id, orders, live, owner)
    problems += _payable_amounts_distinct(orders)
    problems += _paid_orders_matched(orders, payments)
    problems += _journal_complete(draw_id, orders, payments)
    problems += list(reconcile(draw_id).problems)  # the money adds up
    return problems


def _live_orders_disjoint(live: dict) -> tuple[list[str], dict[int, int]]:
    """No number in two live orders, read from the orders' own ticket lists; also the owner of each
    number."""
    problems = []
    owner: dict[int, int] = {}
    for oid, order in live.items():
        numbers = order_numbers(order)
        if len(numbers) != order.ticket_count:
            problems.append(f"order {oid} lists {len(numbers)} numbers but ticket_count {order.ticket_count}")
        for n in numbers:
            if n in owner:
                problems.append(f"ticket {n} is in live orders {owner[n]} and {oid}")
            owner[n] = oid
    return problems, owner


def _ticket_rows_agree(draw_id: int, orders: dict, live: dict, owner: dict[int, int]) -> list[str]:
    """The Ticket rows agree: held ⇔ a pending order lists it, sold ⇔ a paid order lists it."""
    tickets = list(Ticket.select(Ticket.number, Ticket.state, Ticket.order).where(Ticket.draw == draw_id).tuples())
    numbers = Counter(n for n, _, _ in tickets)
    problems = [f"ticket {n} has {c} rows" for n, c in numbers.items() if c > 1]
    by_order = defaultdict(set)
    for number, state, order_id in tickets:
        problem = _ticket_row_problem(number, state, order_id, orders, owner)
        if problem:
            problems += problem
        elif state != "free":
            by_order[order_id].add(number)
    for oid, order in live.items():
        if by_order.get(oid, set()) != order_numbers(order):
            problems.append(
                f"{order.state} order {oid} lists {sorted(order_numbers(order))} but holds "
                f"{sorted(by_order.get(oid, set()))}"
            )
    return problems


def _ticket_row_problem(number: int, state: str, order_id, orders: dict, owner: dict[int, int]) -> list[str]:
    if state == "free":
        problems = []
        if order_id is not None:
            problems.append(f"free ticket {number} still points at order {order_id}")
        if number in owner:
            problems.append(f"ticket {number} is free but live order {owner[number]} lists it")
        return problems
    order = orders.get(order_id)
    expected = {"held": "pending", "sold": "paid"}.get(state)
    if order is None or expected is None or order.state != expected:
        return [f"ticket {number} is {state} by order {order_id} in state {order.state if order else None}"]
    if number not in order_numbers(order):
        return [f"ticket {number} is {state} by order {order_id}, which does not list it"]
    return []


def _payable_amounts_distinct(orders: dict) -> list[str]:
    """Payable amounts that may still receive money are distinct."""
    locks = Counter(o.amount_lock for o in orders.values() if o.amount_lock is not None)
    problems = [f"payable amount {a} is locked by {c} orders" for a, c in locks.items() if c > 1]
    for o in orders.values():
        if o.amount_lock is not None and o.amount_lock != o.payable_paise:
            problems.append(f"order {o.id} locks {o.amount_lock} but is payable {o.payable_paise}")
        if o.state == "pending" and o.amount_unique and o.amount_lock != o.payable_paise:
            problems.append(f"pending order {o.id} has a unique amount that is not locked")
        if not o.amount_unique and o.amount_lock is not None:
            problems.append(f"order {o.id} holds a lock on an amount that is not unique")
    in_use = Counter(o.payable_paise for o in orders.values() if o.amount_unique and o.state == "pending")
    in_use.update(o.amount_lock for o in orders.values() if o.amount_lock is not None and o.state != "pending")
    problems += [f"{c} orders share the unique amount {a}" for a, c in in_use.items() if c > 1]
    return problems


def _paid_orders_matched(orders: dict, payments: list) -> list[str]:
    """Every paid order has exactly one matched payment; matched payments settle paid orders."""
    problems = []
    settled = Counter(p.order_id for p in payments if p.status == "matched")
    for oid, order in orders.items():
        if order.state == "paid" and settled.get(oid, 0) != 1:
            problems.append(f"paid order {oid} has {settled.get(oid, 0)} matched payments")
    for p in payments:
        if p.status == "matched" and (
            p.order_id is None or orders.get(p.order_id) is None or orders[p.order_id].state != "paid"
        ):
            problems.append(f"matched payment {p.id} settles order {p.order_id}, which is not paid")
        if p.status != "matched" and p.order_id is not None:
            problems.append(f"{p.status} payment {p.id} points at order {p.order_id}")
        if p.status == "attention" and (p.candidate_id is None or p.attention_reason is None):
            problems.append(f"needs-attention payment {p.id} has no candidate or reason")
        if p.status not in ("matched", "unmatched", "attention", "refunded"):
            problems.append(f"payment {p.id} has status {p.status}")
    return problems


ORDER_EVENT = {
    "pending": "order_created",
    "expired": "order_expired",
    "cancelled": "order_cancelled",
    "paid": "order_paid",
}
PAYMENT_EVENT = {
    "matched": "order_paid",
    "unmatched": "payment_unmatched",
    "attention": "payment_needs_attention",
    "refunded": "payment_refunded",
}


def _journal_complete(draw_id: int, orders: dict, payments: list) -> list[str]:
    """The journal has an entry for every state an order or payment is in."""
    problems = []
    kinds = defaultdict(set)
    for kind, order_id, payment_id in (
        Event.select(Event.kind, Event.order, Event.payment).where(Event.draw == draw_id).tuples()
    ):
        kinds[("order", order_id)].add(kind)
        kinds[("payment", payment_id)].add(kind)
    for oid, order in orders.items():
        for kind in {"order_created", ORDER_EVENT[order.state]}:
            if kind not in kinds[("order", oid)]:
                problems.append(f"{order.state} order {oid} has no {kind} event")
    for p in payments:
        wanted = {"payment_recorded", PAYMENT_EVENT[p.status]}
        if p.status == "unmatched" and p.source == "cash":
            wanted.discard("payment_unmatched")
        missing = wanted - kinds[("payment", p.id)]
        if missing:
            problems.append(f"{p.status} payment {p.id} has no {sorted(missing)} event")
    return problems


def assert_core_invariants(draw_id: int) -> None:
    problems = check_core_invariants(draw_id)
    assert not problems, "\n".join(problems[:20])
