"""Commands that change a draw: new-draw, settings, pay, check, assign, refund, sell, cancel.
(Closing and opening sales live with the winner draw, in cli_winners.)"""

from dataclasses import asdict

from shared import booking, draws, payments
from shared.fields import ticket_list_text
from shared.money import format_rupees, parse_amount
from shared.new_draw import create_draw

from .output import echo, print_json


def register(sub) -> None:
    p = sub.add_parser("new-draw", help="archive and export the current draw, then start a fresh one")
    p.add_argument("--name", required=True)
    p.add_argument("--tickets", default="500", help="number of tickets (default 500)")
    p.add_argument("--price", default="5", help="price per ticket in rupees (default 5)")
    p.add_argument("--upi-id", required=True, help="the organiser's UPI ID, e.g. name@okaxis")
    p.add_argument("--payee", required=True, help="payee name shown in UPI apps")
    p.add_argument("--hold-minutes", default="10")
    p.add_argument("--max-per-order", default="20")
    p.add_argument("--max-pending-per-mobile", default="2")
    p.add_argument("--late-window", default="60", help="late-payment window in minutes (default 60)")
    p.add_argument("--exports", default="exports", help="folder for the old draw's export")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=new_draw)

    p = sub.add_parser("settings", help="change settings of the current draw")
    p.add_argument("--name")
    p.add_argument("--tickets")
    p.add_argument("--price")
    p.add_argument("--upi-id")
    p.add_argument("--payee")
    p.add_argument("--hold-minutes")
    p.add_argument("--max-per-order")
    p.add_argument("--max-pending-per-mobile")
    p.add_argument("--late-window")
    p.set_defaults(handler=settings)

    p = sub.add_parser("pay", help="record a payment you saw arrive and match it to a booking")
    p.add_argument("--amount", required=True, help="rupees, e.g. 10.01")
    p.add_argument("--utr", help="the 12-digit UPI transaction reference")
    p.add_argument("--ref", help="the booking reference from the UPI note, e.g. LD-7K3Q2P")
    p.add_argument("--payer", help="payer name, if shown")
    p.add_argument("--quick", action="store_true", help="record without a UTR (you only saw the amount)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=pay)

    p = sub.add_parser("check", help="run matching again over unmatched payments")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=check)

    p = sub.add_parser("assign", help="assign an unmatched payment to a booking by hand")
    p.add_argument("--utr", required=True, help="the payment's UTR (or NOUTR-… id)")
    p.add_argument("--order", required=True, help="the booking's session id or reference")
    p.add_argument("--force", action="store_true", help="confirm even if the payment is smaller")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=assign)

    p = sub.add_parser("refund", help="mark an unmatched or needs-attention payment as refunded")
    p.add_argument("--utr", required=True)
    p.add_argument("--note")
    p.set_defaults(handler=refund)

    p = sub.add_parser("sell", help="cash sale: book numbers for someone who paid in hand")
    p.add_argument("--name", required=True)
    p.add_argument("--mobile", required=True)
    p.add_argument("--tickets", required=True, help="e.g. 7,8,9")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=sell)

    p = sub.add_parser("cancel", help="cancel a pending booking and free its numbers")
    p.add_argument("--order", required=True, help="session id or reference")
    p.set_defaults(handler=cancel)


def new_draw(args) -> int:
    settings = draws.validate_settings(
        name=args.name,
        ticket_count=args.tickets,
        price_paise=parse_amount(args.price),
        payee_vpa=args.upi_id,
        payee_name=args.payee,
        hold_minutes=args.hold_minutes,
        max_per_order=args.max_per_order,
        max_pending_per_mobile=args.max_pending_per_mobile,
        late_window_minutes=args.late_window,
    )
    old = draws.current_draw(required=False)
    draw = create_draw(settings, exports_dir=args.exports)
    if args.json:
        print_json(
            {
                "draw_id": draw.id,
                "name": draw.name,
                "seed_hash": draw.seed_hash,
                "archived_draw_id": old.id if old else None,
                "archived_export": draws.get_draw(old.id).export_path if old else None,
            }
        )
        return 0
    if old is not None:
        echo(f"Draw #{old.id} '{old.name}' archived; its export: {draws.get_draw(old.id).export_path}")
    echo(
        f"Draw #{draw.id} '{draw.name}' is open: {draw.ticket_count} tickets at "
        f"{format_rupees(draw.price_paise)}, paid to {draw.payee_vpa}."
    )
    echo(f"Commitment (SHA-256 of the secret seed): {draw.seed_hash}")
    return 0


def settings(args) -> int:
    changes = {
        "name": args.name,
        "ticket_count": args.tickets,
        "payee_vpa": args.upi_id,
        "payee_name": args.payee,
        "hold_minutes": args.hold_minutes,
        "max_per_order": args.max_per_order,
        "max_pending_per_mobile": args.max_pending_per_mobile,
        "late_window_minutes": args.late_window,
    }
    if args.price is not None:
        changes["price_paise"] = parse_amount(args.price)
    draw = draws.update_settings(changes)
    echo(
        f"Draw #{draw.id} '{draw.name}': {draw.ticket_count} tickets at {format_rupees(draw.price_paise)}, "
        f"UPI {draw.payee_vpa} ({draw.payee_name}), hold {draw.hold_minutes} min, "
        f"max {draw.max_per_order} per order."
    )
    return 0


def _print_result(result, as_json: bool) -> None:
    if as_json:
        data = asdict(result)
        data["confirmed"] = result.confirmed
        print_json(data)
    else:
        echo(result.message)
        if result.candidates:
            echo("Candidates: " + ", ".join(result.candidates))


def pay(args) -> int:
    result = payments.record_payment(
        parse_amount(args.amount),
        args.utr,
        reference=args.ref,
        payer=args.payer,
        source="cli" if not args.quick else "quick",
        quick=args.quick,
    )
    _print_result(result, args.json)
    return 0


def check(args) -> int:
    results = payments.check_payments()
    if args.json:
        print_json([asdict(r) | {"confirmed": r.confirmed} for r in results])
        return 0
    confirmed = [r for r in results if r.confirmed]
    for r in results:
        echo(f"{r.utr}: {r.message}")
    echo(f"Checked {len(results)} unmatched payments; {len(confirmed)} confirmed a booking.")
    return 0


def assign(args) -> int:
    _print_result(payments.assign_payment(args.utr, args.order, force=args.force), args.json)
    return 0


def refund(args) -> int:
    payment = payments.refund_payment(args.utr, note=args.note)
    echo(f"Payment {payment.utr} ({format_rupees(payment.amount_paise)}) marked refunded.")
    return 0


def sell(args) -> int:
    _print_result(payments.sell_cash(args.name, args.mobile, args.tickets), args.json)
    return 0


def cancel(args) -> int:
    order = booking.cancel_order(args.order, reason="cancelled by organiser")
    echo(f"Booking {order.reference} cancelled; numbers {ticket_list_text(order.tickets)} are free again.")
    return 0
