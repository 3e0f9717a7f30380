"""Commands that read: stats (with the reconciliation check), export, bookings, draws."""

from pathlib import Path

from shared import draws
from shared.db import utcnow
from shared.export import default_export_path
from shared.money import format_rupees
from shared.reports import list_bookings
from shared.states import OrderState
from shared.stats import draw_stats

from .output import echo, local_time, print_json


def register(sub) -> None:
    p = sub.add_parser("stats", help="statistics and the reconciliation check (exit 1 if it fails)")
    p.add_argument("--draw", type=int, help="a draw id (default: the current draw)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=stats)

    p = sub.add_parser("export", help="export a draw to an Excel workbook")
    p.add_argument("path", nargs="?", help="where to write (default: exports/draw-N-….xlsx)")
    p.add_argument("--draw", type=int, help="a draw id (default: the current draw)")
    p.set_defaults(handler=export)

    p = sub.add_parser("bookings", help="list bookings of a draw")
    p.add_argument("--draw", type=int)
    p.add_argument("--state", choices=[state.value for state in OrderState])
    p.add_argument("--search", help="part of a name, mobile or reference")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=bookings)

    p = sub.add_parser("draws", help="list all draws, current and archived")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_draws)


def stats(args) -> int:
    s = draw_stats(args.draw)
    r = s.reconciliation
    if args.json:
        print_json(s.as_dict())
        return 0 if r.ok else 1
    echo(f"Draw #{s.draw_id} '{s.draw_name}' ({s.state})")
    echo(f"Tickets:   {s.tickets_total} total, {s.tickets_sold} sold, {s.tickets_held} held, {s.tickets_free} free")
    echo(
        f"Bookings:  {s.paid_bookings} paid, {s.pending_orders} pending, {s.expired_orders} expired, "
        f"{s.cancelled_orders} cancelled"
    )
    echo(f"Revenue:   {format_rupees(s.revenue_paise)}")
    echo(f"Unmatched: {s.unmatched_count} payments, {format_rupees(s.unmatched_paise)}")
    echo(f"Attention: {s.attention_count} payments, {format_rupees(s.attention_paise)}")
    sums = (
        f"{format_rupees(r.total_paise)} received = {format_rupees(r.paid_bookings_paise)} paid bookings + "
        f"{format_rupees(r.unmatched_paise)} unmatched + {format_rupees(r.attention_paise)} needs attention + "
        f"{format_rupees(r.refunded_paise)} refunded"
    )
    if r.ok:
        echo(f"Reconciliation OK: {sums}")
        return 0
    echo(f"RECONCILIATION FAILED: {'; '.join(r.problems)} ({sums})")
    return 1


def export(args) -> int:
    from shared.export import export_draw

    draw = draws.get_draw(args.draw)
    path = Path(args.path) if args.path else default_export_path(draw, "exports", utcnow())
    written = export_draw(draw.id, path)
    echo(f"Exported draw #{draw.id} '{draw.name}' to {written}")
    return 0


def bookings(args) -> int:
    draw = draws.get_draw(args.draw)
    rows = list_bookings(draw.id, state=args.state, search=args.search)
    if args.json:
        print_json(
            [
                {
                    "reference": o.reference,
                    "session_id": o.session_id,
                    "name": o.name,
                    "mobile": o.mobile,
                    "tickets": list(o.tickets),
                    "payable": o.payable_paise,
                    "state": o.state,
                    "created_at": o.created_at,
                    "paid_at": o.paid_at,
                }
                for o in rows
            ]
        )
        return 0
    for o in rows:
        numbers = ", ".join(draw.label(n) for n in o.tickets)
        echo(
            f"{o.reference}  {o.state:<9} {format_rupees(o.payable_paise):>11}  {o.mobile}  {o.name}  [{numbers}]  "
            f"{local_time(o.created_at)}"
        )
    echo(f"{len(rows)} bookings")
    return 0


def list_draws(args) -> int:
    rows = draws.list_draws()
    if args.json:
        print_json(
            [
                {
                    "id": d.id,
                    "name": d.name,
                    "state": d.state,
                    "tickets": d.ticket_count,
                    "price_paise": d.price_paise,
                    "created_at": d.created_at,
                    "export_path": d.export_path,
                }
                for d in rows
            ]
        )
        return 0
    for d in rows:
        echo(
            f"#{d.id}  {d.state:<9} {d.name}  {d.ticket_count} tickets at {format_rupees(d.price_paise)}  "
            f"created {local_time(d.created_at)}" + (f"  export: {d.export_path}" if d.export_path else "")
        )
    return 0
