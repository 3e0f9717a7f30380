"""`luckydraw demo`: a demo draw with every state a newcomer should see: paid, pending and expired
bookings, a cash sale, a quick mark, an unmatched payment and a possible double payment."""

from datetime import timedelta

from shared import booking, draws, new_draw, payments
from shared.db import utcnow
from shared.errors import Conflict
from shared.money import parse_amount
from shared.reports import draw_has_activity

from .output import echo, print_json

DEMO_NAME = "Demo draw"
BUYERS = [
    ("Asha Patil", "9876543210"),
    ("Bala Krishnan", "9812345678"),
    ("Chitra Rao", "9823456789"),
    ("Deepak Singh", "9834567890"),
    ("Esha Nair", "9845678901"),
    ("Farhan Ali", "9856789012"),
    ("Gita Sharma", "9867890123"),
    ("Harish Kumar", "9878901234"),
]


def register(sub) -> None:
    p = sub.add_parser("demo", help="fill a demo draw so you can see everything working")
    p.add_argument("--force", action="store_true", help="archive the current draw even if it has bookings")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=demo)


def demo(args) -> int:
    current = draws.current_draw(required=False)
    if current is not None and current.name != DEMO_NAME and not args.force:
        if draw_has_activity(current.id):
            raise Conflict(
                f"Draw '{current.name}' already has bookings; a demo would archive it. "
                f"Use another database (--db demo.db) or --force."
            )
    summary = fill_demo()
    if args.json:
        print_json(summary)
    else:
        for line in summary["lines"]:
            echo(line)
    return 0


def fill_demo() -> dict:
    """Create the demo draw and its history; returns what was made."""
    settings = draws.validate_settings(
        name=DEMO_NAME,
        ticket_count=200,
        price_paise=1000,
        payee_vpa="demo.organiser@okaxis",
        payee_name="Demo Organiser",
        hold_minutes=10,
        max_per_order=10,
    )
    draw = new_draw.create_draw(settings)
    now = utcnow()
    lines = [f"Demo draw #{draw.id}: 200 tickets at ₹10.00, UPI demo.organiser@okaxis."]
    earlier = now - timedelta(minutes=45)
    # Paid bookings: one by reference, one by its unique amount.
    paid = []
    for i, (numbers, (name, mobile)) in enumerate(zip(([7, 8], [21], [99, 100, 101]), BUYERS[:3])):
        hold = booking.hold_tickets(name, mobile, numbers, now=earlier + timedelta(minutes=i))
        result = payments.record_payment(
            hold.payable_paise,
            f"4{i:011d}",
            reference=hold.reference if i == 0 else None,
            payer=name,
            source="manual",
            now=earlier + timedelta(minutes=i + 2),
        )
        paid.append(result)
        lines.append(f"Paid:      {hold.reference} {name} tickets {numbers}: {result.message}")
    # A second payment of the same amount soon after: a possible double payment.
    double = payments.record_payment(
        paid[1].amount_paise, "499999999999", payer=BUYERS[1][0], now=earlier + timedelta(minutes=6)
    )
    lines.append(f"Attention: {double.message}")
    # Expired bookings: held long ago and never paid.
    for i, (numbers, (name, mobile)) in enumerate(zip(([13], [42, 43]), BUYERS[3:5])):
        hold = booking.hold_tickets(name, mobile, numbers, now=now - timedelta(minutes=30 + i))
        lines.append(f"Expired:   {hold.reference} {name} tickets {numbers} (hold ended unpaid)")
    booking.expire_due(now)
    # Pending bookings, still within their hold.
    for i, (numbers, (name, mobile)) in enumerate(zip(([1, 2, 3], [150]), BUYERS[5:7])):
        hold = booking.hold_tickets(name, mobile, numbers, now=now - timedelta(minutes=i))
        lines.append(f"Pending:   {hold.reference} {name} tickets {numbers}, pay ₹{hold.payable_paise / 100:.2f}")
    cash = payments.sell_cash(BUYERS[7][0], BUYERS[7][1], [77, 78], now=now)
    lines.append(f"Cash:      {cash.message}")
    unmatched = payments.record_payment(parse_amount("55.00"), "488888888888", payer="UNKNOWN PAYER", now=now)
    lines.append(f"Unmatched: {unmatched.message}")
    quick = payments.record_payment(parse_amount("25.00"), None, quick=True, now=now)
    lines.append(f"Quick:     {quick.message} (no UTR: {quick.utr})")
    lines.append("Try: luckydraw stats, luckydraw bookings, luckydraw export, luckydraw console")
    return {"draw_id": draw.id, "lines": lines}
