"""Statistics of a draw and the reconciliation check that proves no payment went missing."""

from dataclasses import asdict, dataclass
from datetime import datetime

from peewee import fn

from . import lifecycle
from .db import utcnow
from .draws import get_draw
from .models import Order, Payment, Ticket
from .states import OrderState, PaymentState, TicketState


@dataclass(frozen=True)
class Reconciliation:
    total_paise: int
    paid_bookings_paise: int
    unmatched_paise: int
    attention_paise: int
    refunded_paise: int
    paid_orders: int
    matched_payments: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DrawStats:
    draw_id: int
    draw_name: str
    state: str
    tickets_total: int
    tickets_sold: int
    tickets_held: int
    tickets_free: int
    paid_bookings: int
    pending_orders: int
    expired_orders: int
    cancelled_orders: int
    revenue_paise: int
    unmatched_count: int
    unmatched_paise: int
    attention_count: int
    attention_paise: int
    payments_count: int
    reconciliation: Reconciliation

    def as_dict(self) -> dict:
        data = asdict(self)
        data["reconciliation"]["ok"] = self.reconciliation.ok
        return data


def reconcile(draw_id: int) -> Reconciliation:
    """Σ payments = Σ paid bookings + unmatched + needs attention (+ refunded), computed from two
    independent sides: payments by status, and orders that are paid with the payments linked to them."""
    total = Payment.select(fn.COALESCE(fn.SUM(Payment.amount_paise), 0)).where(Payment.draw == draw_id).scalar()
    by_status = dict(
        Payment.select(Payment.status, fn.COALESCE(fn.SUM(Payment.amount_paise), 0))
        .where(Payment.draw == draw_id)
        .group_by(Payment.status)
        .tuples()
    )
    paid_side = (
        Payment.select(fn.COALESCE(fn.SUM(Payment.amount_paise), 0), fn.COUNT(Payment.id))
        .join(Order, on=(Payment.order == Order.id))
        .where((Order.draw == draw_id) & (Order.state == OrderState.PAID) & (Payment.status == PaymentState.MATCHED))
        .tuples()
        .first()
    )
    paid_orders = Order.select().where((Order.draw == draw_id) & (Order.state == OrderState.PAID)).count()
    matched_count = Payment.select().where((Payment.draw == draw_id) & (Payment.status == PaymentState.MATCHED)).count()
    paid_paise, linked = paid_side
    problems = []
    other = {k: v for k, v in by_status.items() if k not in ("matched", "unmatched", "attention", "refunded")}
    if other:
        problems.append(f"payments with an unknown status: {other}")
    if total != paid_paise + by_status.get("unmatched", 0) + by_status.get("attention", 0) + by_status.get(
        "refunded", 0
    ):
        problems.append("payments do not add up to paid bookings + unmatched + needs attention + refunded")
    if linked != matched_count:
        problems.append(f"{matched_count - linked} matched payments point at a booking that is not paid")
    if linked != paid_orders:
        problems.append(f"{paid_orders} paid bookings but {linked} payments settling them")
    settled_orders = (
        Payment.select(fn.COUNT(fn.DISTINCT(Payment.order)))
        .join(Order, on=(Payment.order == Order.id))
        .where((Order.draw == draw_id) & (Order.state == OrderState.PAID) & (Payment.status == PaymentState.MATCHED))
        .scalar()
    )
    if settled_orders != linked:
        problems.append(
            f"{linked - settled_orders} paid bookings have more than one matched payment: each must have exactly one"
        )
    # Tickets: sold ⇔ listed by a paid booking.
    paid_numbers = (
        Order.select(fn.COALESCE(fn.SUM(Order.ticket_count), 0))
        .where((Order.draw == draw_id) & (Order.state == OrderState.PAID))
        .scalar()
    )
    sold_to_paid = (
        Ticket.select()
        .join(Order, on=(Ticket.order == Order.id))
        .where((Ticket.draw == draw_id) & (Order.state == OrderState.PAID) & (Ticket.state == TicketState.SOLD))
        .count()
    )
    if sold_to_paid != paid_numbers:
        problems.append(f"{paid_numbers - sold_to_paid} tickets of paid bookings are not marked sold")
    sold = Ticket.select().where((Ticket.draw == draw_id) & (Ticket.state == TicketState.SOLD)).count()
    if sold != sold_to_paid:
        problems.append(f"{sold - sold_to_paid} tickets are sold without a paid booking")
    return Reconciliation(
        total,
        paid_paise,
        by_status.get("unmatched", 0),
        by_status.get("attention", 0),
        by_status.get("refunded", 0),
        paid_orders,
        matched_count,
        tuple(problems),
    )


def draw_stats(draw_id: int | None = None, now: datetime | None = None) -> DrawStats:
    draw = get_draw(draw_id)
    now = now or utcnow()
    tickets = dict(
        Ticket.select(Ticket.state, fn.COUNT(Ticket.id)).where(Ticket.draw == draw.id).group_by(Ticket.state).tuples()
    )
    lapsed = Ticket.select().where((Ticket.draw == draw.id) & lifecycle.lapsed_holds(now)).count()
    orders = dict(
        Order.select(Order.state, fn.COUNT(Order.id)).where(Order.draw == draw.id).group_by(Order.state).tuples()
    )
    live_pending = Order.select().where((Order.draw == draw.id) & lifecycle.live_pending(now)).count()
    pay = {
        status: (count, total)
        for status, count, total in Payment.select(
            Payment.status, fn.COUNT(Payment.id), fn.COALESCE(fn.SUM(Payment.amount_paise), 0)
        )
        .where(Payment.draw == draw.id)
        .group_by(Payment.status)
        .tuples()
    }
    held = tickets.get(TicketState.HELD, 0) - lapsed
    sold = tickets.get(TicketState.SOLD, 0)
    return DrawStats(
        draw.id,
        draw.name,
        draw.state,
        draw.ticket_count,
        sold,
        held,
        draw.ticket_count - sold - held,
        orders.get(OrderState.PAID, 0),
        live_pending,
        orders.get(OrderState.EXPIRED, 0) + orders.get(OrderState.PENDING, 0) - live_pending,
        orders.get(OrderState.CANCELLED, 0),
        pay.get("matched", (0, 0))[1],
        pay.get("unmatched", (0, 0))[0],
        pay.get("unmatched", (0, 0))[1],
        pay.get("attention", (0, 0))[0],
        pay.get("attention", (0, 0))[1],
        sum(c for c, _ in pay.values()),
        reconcile(draw.id),
    )


def sales_over_time(draw_id: int | None = None, buckets: int = 24, now: datetime | None = None) -> list[int]:
    """Tickets sold per bucket over the draw's life so far (for a sparkline), oldest first."""
    draw = get_draw(draw_id)
    now = now or utcnow()
    start = draw.created_at
    span = max((now - start).total_seconds(), 60.0)
    step = span / buckets
    counts = [0] * buckets
    for paid_at, count in (
        Order.select(Order.paid_at, Order.ticket_count)
        .where((Order.draw == draw.id) & (Order.state == OrderState.PAID))
        .tuples()
    ):
        index = min(int((paid_at - start).total_seconds() / step), buckets - 1) if paid_at >= start else 0
        counts[index] += count
    return counts


__all__ = ["DrawStats", "Reconciliation", "draw_stats", "reconcile", "sales_over_time"]
