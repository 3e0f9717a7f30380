"""Commands that change a draw: new-draw, settings, pay, check, assign, refund, sell, cancel, release.
(Closing and opening sales live with the winner draw, in cli_winners.)"""

from dataclasses import asdict

from shared import booking, draws, payments
from shared.backup import backup_before_new_draw
from shared.draw_zone import zone_of
from shared.errors import Conflict, InvalidInput, Overpayment
from shared.fields import ticket_list_text
from shared.money import format_rupees, parse_amount
from shared.new_draw import create_draw, open_business
from shared.validation import TERMS_MAX, local_time_text

from .output import echo, print_json


def register(sub) -> None:
    p = sub.add_parser("new-draw", help="archive and export the current draw, then start a fresh one")
    p.add_argument("--name", required=True)
    p.add_argument("--tickets", default="500", help="number of tickets (default 500)")
    p.add_argument("--price", default="5", help="price per ticket in rupees (default 5)")
    p.add_argument("--upi-id", required=True, help="the organiser's UPI ID, e.g. name@okaxis")
    p.add_argument("--payee", required=True, help="payee name shown in UPI apps")
    p.add_argument("--hold-minutes", default="10")
    p.add_argument("--max-per-order", default=None, help="default 20, or the ticket count if smaller")
    p.add_argument("--max-pending-per-mobile", default="2")
    p.add_argument("--late-window", default="60", help="late-payment window in minutes (default 60)")
    _payee_options(p, defaults=True)
    _terms_options(p)
    p.add_argument(
        "--max-held-per-client",
        help="tickets one web client (IP) may hold at once (default 3 x --max-per-order)",
    )
    p.add_argument(
        "--max-bookings-per-client",
        default="30",
        help="bookings one web client may make within one late-payment window (default 30, at most 50)",
    )
    p.add_argument("--exports", default="exports", help="folder for the old draw's export")
    p.add_argument("--yes", action="store_true", help="archive even with pending bookings or unresolved payments")
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
    _payee_options(p, defaults=False)
    _terms_options(p, clears=True)
    p.add_argument("--max-held-per-client")
    p.add_argument("--max-bookings-per-client")
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
    p.add_argument("--accept-overpayment", action="store_true", help="confirm even if the payment is larger")
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

    p = sub.add_parser("release", help="cancel every pending booking one web client (IP) holds")
    p.add_argument("--client", required=True, help="the client's IP address, as the console shows it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=release)


def _payee_options(p, defaults: bool) -> None:
    p.add_argument(
        "--payee-kind",
        choices=("personal", "merchant"),
        default="personal" if defaults else None,
        help="whose UPI ID: a person's (default; the pay page shows the UPI ID to pay to) or a merchant's "
        "(the page also offers an 'Open UPI app' link)",
    )
    p.add_argument("--mc", help="merchant category code, 4 digits (merchant payee only); '' clears it")
    p.add_argument(
        "--gallery-cap",
        default="2000" if defaults else None,
        help="rupees up to which 'Save QR' is offered to pay a person from the gallery (default 2000)",
    )


def _terms_options(p, clears: bool = False) -> None:
    clear = "; '' clears it" if clears else ""
    p.add_argument(
        "--terms",
        help=f"the terms and permit line buyers see and the poster prints, at most {TERMS_MAX} characters, e.g. "
        f"'Permission no. 123/2026 of the District Collector, Pune. One prize per ticket.'{clear}",
    )
    p.add_argument(
        "--closes",
        metavar="'YYYY-MM-DD HH:MM'",
        help=f"when sales are planned to close, in the draw's time zone (shown to buyers; you still close "
        f"sales yourself){clear}",
    )


def _terms_line(draw) -> str:
    """'Terms: …' and when sales are planned to close, on two lines."""
    closes = local_time_text(draw.closes_at, zone_of(draw))
    planned = f"Sales planned to close {closes} ({draw.time_zone} time)." if closes else "No closing time set."
    return f"Terms: {draw.terms or 'none'}\n{planned}"


def _payee_settings(args) -> dict:
    values = {"payee_kind": args.payee_kind, "merchant_code": args.mc}
    if args.gallery_cap is not None:
        values["gallery_cap_paise"] = parse_amount(args.gallery_cap)
    return values


def _payee_line(draw) -> str:
    kind = f"merchant UPI ID (mc {draw.merchant_code})" if draw.merchant_code else "merchant UPI ID"
    return (
        f"Payee: {kind if draw.payee_kind == 'merchant' else 'personal UPI ID'}; "
        f"Save QR up to {format_rupees(draw.gallery_cap_paise)}."
    )


OPTIONS = {  # DrawSettings attribute → the options that change it
    "name": "--name",
    "ticket_count": "--tickets",
    "price_paise": "--price",
    "payee_vpa": "--upi-id",
    "payee_name": "--payee",
    "hold_minutes": "--hold-minutes",
    "max_per_order": "--max-per-order (at most --tickets)",
    "max_pending_per_mobile": "--max-pending-per-mobile",
    "late_window_minutes": "--late-window",
    "terms": "--terms",
    "closes_at": "--closes",
}


def _naming_the_option(check, *args, **kwargs):
    """Run a settings check; a refusal names the option to change."""
    try:
        return check(*args, **kwargs)
    except InvalidInput as error:
        option = OPTIONS.get(error.field or "")
        if option is None:
            raise
        raise InvalidInput(f"{error.message.rstrip('.')} (change {option}).") from None


def _price(text) -> int:
    try:
        return parse_amount(text)
    except InvalidInput as error:
        error.field = "price_paise"
        raise


def new_draw(args) -> int:
    settings = _naming_the_option(
        draws.validate_settings,
        name=args.name,
        ticket_count=args.tickets,
        price_paise=_naming_the_option(_price, args.price),
        payee_vpa=args.upi_id,
        payee_name=args.payee,
        hold_minutes=args.hold_minutes,
        max_per_order=args.max_per_order,
        max_pending_per_mobile=args.max_pending_per_mobile,
        late_window_minutes=args.late_window,
        **_payee_settings(args),
        max_held_per_client=args.max_held_per_client,
        max_bookings_per_client_window=args.max_bookings_per_client,
        terms=args.terms,
        closes_at=args.closes,
    )
    old = draws.current_draw(required=False)
    still_open = open_business()
    if old is not None and still_open.any and not args.yes:
        raise Conflict(
            f"Draw #{old.id} '{old.name}' still has {still_open.summary()}; starting a new draw archives it "
            f"(pending bookings cancelled). Sort them out first, or add --yes to go ahead."
        )
    saved = backup_before_new_draw()
    if saved is not None and not args.json:
        echo(f"Backed up the database to {saved.path} first.")
    draw = create_draw(settings, exports_dir=args.exports)
    if args.json:
        print_json(
            {
                "draw_id": draw.id,
                "name": draw.name,
                "seed_hash": draw.seed_hash,
                "archived_draw_id": old.id if old else None,
                "archived_export": draws.get_draw(old.id).export_path if old else None,
                "terms": draw.terms,
                "closes_at": draw.closes_at.isoformat() + "Z" if draw.closes_at else None,
            }
        )
        return 0
    if old is not None:
        echo(f"Draw #{old.id} '{old.name}' archived; its export: {draws.get_draw(old.id).export_path}")
    echo(
        f"Draw #{draw.id} '{draw.name}' is open: {draw.ticket_count} tickets at "
        f"{format_rupees(draw.price_paise)}, paid to {draw.payee_vpa}."
    )
    echo(_payee_line(draw))
    echo(_terms_line(draw))
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
        **_payee_settings(args),
        "max_held_per_client": args.max_held_per_client,
        "max_bookings_per_client_window": args.max_bookings_per_client,
        "terms": args.terms,
        "closes_at": args.closes,
    }
    if args.price is not None:
        changes["price_paise"] = _naming_the_option(_price, args.price)
    draw = _naming_the_option(draws.update_settings, changes)
    echo(
        f"Draw #{draw.id} '{draw.name}': {draw.ticket_count} tickets at {format_rupees(draw.price_paise)}, "
        f"UPI {draw.payee_vpa} ({draw.payee_name}), hold {draw.hold_minutes} min, "
        f"max {draw.max_per_order} per order."
    )
    print(_payee_line(draw))
    echo(_terms_line(draw))
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
    try:
        result = payments.assign_payment(
            args.utr, args.order, force=args.force, accept_overpayment=args.accept_overpayment
        )
    except Overpayment as error:
        raise Overpayment(error.message.replace("accept the overpayment", "add --accept-overpayment")) from None
    _print_result(result, args.json)
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


def release(args) -> int:
    result = booking.release_client_holds(args.client)
    if args.json:
        print_json(asdict(result))
        return 0
    count = len(result.references)
    if not count:
        print(f"Client {result.client_key} holds no pending bookings; nothing changed.")
        return 0
    print(
        f"Released {count} booking{'s' if count != 1 else ''} of client {result.client_key} "
        f"({', '.join(result.references)}): {result.tickets} tickets are free again."
    )
    return 0
