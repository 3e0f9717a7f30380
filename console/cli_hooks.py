"""Commands for automatic payment intake: `hooks` (turn the SMS-forwarder and Razorpay hooks on or
off, show the forwarder's setup as text and QR code) and `inbox` (what each message became)."""

from shared import intake
from shared.intake_health import set_silence_minutes, silence_minutes, source_health
from shared.money import format_rupees
from shared.upi import qr_text

from .output import echo, local_time, print_json

OUTCOME_WORDS = {
    "received": "NOT PROCESSED",
    "recorded_matched": "recorded, matched",
    "recorded_unmatched": "recorded, UNMATCHED",
    "duplicate": "duplicate",
    "rejected": "REJECTED",
    "ignored": "ignored",
}


def register(sub) -> None:
    p = sub.add_parser("hooks", help="automatic payment intake: SMS forwarder and Razorpay webhooks")
    p.add_argument(
        "--silent-after",
        type=int,
        metavar="MIN",
        help="warn when a hook that is on delivers nothing for MIN minutes while bookings are pending (default 10)",
    )
    p.set_defaults(handler=status)
    hooks = p.add_subparsers(dest="hook", metavar="HOOK", parser_class=type(p))

    s = hooks.add_parser("sms", help="the hook an SMS forwarder app on your phone posts bank SMS to")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--enable", action="store_true", help="turn it on with a new secret (the old one stops working)")
    group.add_argument("--disable", action="store_true", help="turn it off (POST /hooks/sms answers 404)")
    group.add_argument("--show", action="store_true", help="show the current setup again")
    s.add_argument("--base-url", help="the buyer web's public address, e.g. https://tickets.example.in")
    s.add_argument("--no-qr", action="store_true", help="print the setup as text only")
    s.set_defaults(handler=sms)

    r = hooks.add_parser("razorpay", help="Razorpay webhooks (payment.captured, qr_code.credited)")
    group = r.add_mutually_exclusive_group()
    group.add_argument("--secret", help="the webhook secret you entered in Razorpay's dashboard")
    group.add_argument("--generate", action="store_true", help="make a new secret to enter in Razorpay's dashboard")
    group.add_argument("--disable", action="store_true", help="turn it off (POST /hooks/razorpay answers 404)")
    r.set_defaults(handler=razorpay)

    p = sub.add_parser("inbox", help="messages the hooks received and what became of each")
    p.add_argument("--limit", type=int, default=30, help="how many, newest first (default 30)")
    p.add_argument("--source", choices=intake.SOURCES)
    p.add_argument("--outcome", choices=intake.OUTCOMES)
    p.add_argument("--show", type=int, metavar="ID", help="one message in full, with its raw body")
    p.add_argument("--retry", type=int, metavar="ID", help="process a signed message again that was not recorded")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=inbox)


def _line(settings) -> str:
    if not settings.enabled:
        return f"{settings.source}: off"
    return f"{settings.source}: on since {local_time(settings.enabled_at)}, POST {settings.path}"


def status(args) -> int:
    if getattr(args, "silent_after", None) is not None:
        set_silence_minutes(args.silent_after)
    health = {h.source: h for h in source_health()}
    for source in intake.SOURCES:
        line, h = _line(intake.hook_settings(source)), health[source]
        if h.enabled:
            line += (
                f"; last delivery {local_time(h.last_delivered_at)}"
                if h.last_delivered_at
                else "; nothing delivered yet"
            )
        echo(line)
    for h in health.values():
        if h.warning:
            echo(f"WARNING: {h.warning}")
    if any(h.enabled for h in health.values()):
        echo(f"Silence warning after {silence_minutes()} min while bookings are pending.")
    counts = intake.inbox_counts()
    if counts:
        echo("Inbox: " + ", ".join(f"{n} {OUTCOME_WORDS.get(k, k)}" for k, n in sorted(counts.items())))
    return 0


def sms(args) -> int:
    if args.disable:
        intake.disable_sms_hook()
        echo("SMS hook off: POST /hooks/sms now answers 404. The forwarder app can be removed.")
        return 0
    if args.enable:
        intake.enable_sms_hook()
    elif not args.show:
        echo(_line(intake.sms_hook_settings()))
        return 0
    settings = intake.sms_hook_settings()
    blob = intake.sms_setup_payload(args.base_url)
    echo("SMS hook on. Set up the forwarder app on your phone with:")
    echo(f"  URL:    {(args.base_url or '<the buyer web address>').rstrip('/')}{settings.path}")
    echo(f"  Secret: {settings.secret}")
    echo("  Sign:   X-Timestamp: <Unix seconds>,")
    echo("          X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + '.' + body)>")
    echo('  Body:   {"text": "<the SMS>", "sender": "<sender id, e.g. VM-HDFCBK>", "sent_at": "<ISO time>"}')
    if not args.no_qr:
        echo("\nThe same as a QR code (scan it from the phone; dark on light):\n")
        echo(qr_text(blob))
    echo(f"\nSetup JSON: {blob}")
    echo("Keep the secret private: anyone with it can post payments to your inbox (never confirm one on a guess).")
    return 0


def razorpay(args) -> int:
    if args.disable:
        intake.disable_razorpay_hook()
        echo("Razorpay hook off: POST /hooks/razorpay now answers 404.")
        return 0
    if args.secret is None and not args.generate:
        echo(_line(intake.razorpay_hook_settings()))
        return 0
    secret = intake.enable_razorpay_hook(args.secret)
    echo("Razorpay hook on: POST /hooks/razorpay (events payment.captured and qr_code.credited).")
    if args.generate:
        echo(f"Enter this secret in Razorpay's dashboard for the webhook: {secret}")
    return 0


def _print_item(item, full: bool = False) -> None:
    amount = format_rupees(item.amount_paise) if item.amount_paise is not None else "-"
    what = item.sender or item.event_type or "-"
    echo(
        f"#{item.id:<5} {local_time(item.received_at)}  {item.source:<8} {what[:18]:<18} {amount:>10}  "
        f"{item.utr or '-':<12}  {OUTCOME_WORDS.get(item.outcome, item.outcome)}"
        + (f" → {item.order_reference}" if item.order_reference else "")
    )
    if item.reason:
        echo(f"        {item.reason}")
    if full:
        echo(
            f"        signed: {'yes' if item.authenticated else 'no'}; {item.body_bytes} bytes"
            + (" (cut to 2 KiB)" if item.truncated else "")
            + (f"; event {item.event_id}" if item.event_id else "")
        )
        echo("        " + item.text.replace("\n", "\n        "))


def inbox(args) -> int:
    if args.retry is not None:
        item = intake.retry_item(args.retry)
        if args.json:
            print_json(item.as_dict())
        else:
            _print_item(item)
        return 0
    if args.show is not None:
        item = intake.inbox_item(args.show)
        if args.json:
            print_json(item.as_dict())
        else:
            _print_item(item, full=True)
        return 0
    items = intake.inbox_items(args.limit, source=args.source, outcome=args.outcome)
    if args.json:
        print_json([item.as_dict() for item in items])
        return 0
    if not items:
        echo("The inbox is empty.")
        return 0
    for item in items:
        _print_item(item)
    return 0
