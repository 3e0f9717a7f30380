"""Commands that end a draw: close-sales (with an optional public-value announcement),
open-sales, prizes, draw-status, draw-winners, redraw, results, and verify (a published results
file, no database needed)."""

import argparse
import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from shared import results as published
from shared import winner_draw
from shared.draws import current_draw, get_draw
from shared.errors import Conflict
from shared.winner_algorithm import verify_file

from .output import echo, local_time, print_json


def register(sub) -> None:
    p = sub.add_parser("close-sales", help="stop taking new bookings (pending ones may still pay)")
    p.add_argument(
        "--announce",
        metavar="TEXT",
        help='a future public value to mix into the draw, e.g. "drand round 123456" (recorded now, cannot be changed)',
    )
    p.set_defaults(handler=close_sales)

    p = sub.add_parser("open-sales", help="take bookings again (before the draw only)")
    p.set_defaults(handler=open_sales)

    p = sub.add_parser("prizes", help="show the planned prizes, or set them with --prize")
    p.add_argument("--prize", action="append", metavar="NAME", help="a prize, in drawing order (repeat)")
    p.add_argument("--one-prize-per-buyer", action="store_true", help="a buyer wins at most one prize")
    p.set_defaults(handler=prizes)

    p = sub.add_parser("draw-status", help="what the draw is waiting for, and the commitment")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=draw_status)

    p = sub.add_parser("draw-winners", help="draw the winners (sales must be closed)")
    p.add_argument(
        "--prize",
        action="append",
        metavar="NAME",
        help="a prize, in drawing order (repeat; default: the planned prizes)",
    )
    p.add_argument("--public-value", metavar="VALUE", help="the announced public value, once it is known")
    p.add_argument(
        "--one-prize-per-buyer",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="whether a buyer wins at most one prize (default: as planned, else no)",
    )
    p.add_argument(
        "--expire-pending",
        action="store_true",
        help="let bookings that are still pending expire now instead of waiting for them",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=draw_winners)

    p = sub.add_parser("redraw", help="draw an unclaimed prize again (a new drawing; the first is kept)")
    p.add_argument(
        "--prize",
        action="append",
        required=True,
        metavar="NAME",
        help="the prize to redraw, by name or number (repeat)",
    )
    p.add_argument("--reason", default="", help='e.g. "unclaimed"')
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=redraw)

    p = sub.add_parser("results", help="the published results of a draw (write them with --out)")
    p.add_argument("--draw", type=int, help="a draw id (default: the current draw)")
    p.add_argument("--out", metavar="FILE", help="write the results file (JSON) to publish")
    p.add_argument("--json", action="store_true", help="print the results file")
    p.set_defaults(handler=results)

    p = sub.add_parser("verify", help="recompute the winners of a published results file")
    p.add_argument("file")
    p.set_defaults(handler=verify, needs_db=False)


def close_sales(args) -> int:
    draw = winner_draw.close_sales(args.announce)
    echo(f"Sales for draw #{draw.id} '{draw.name}' are closed; pending bookings may still be paid.")
    commitment = published.public_commitment(draw.id)
    if commitment["announcement"]:
        echo(
            f"Announced public value: {commitment['announcement']} (at {_local(commitment['announced_at'])}). "
            f"Type it with 'luckydraw draw-winners --public-value ...' once it is known."
        )
    return 0


def open_sales(args) -> int:
    draw = winner_draw.open_sales()
    echo(f"Sales for draw #{draw.id} '{draw.name}' are open.")
    announcement = published.public_commitment(draw.id)["announcement"]
    if announcement:
        echo(f"The announcement '{announcement}' stays on record.")
    return 0


def prizes(args) -> int:
    if args.prize:
        plan = winner_draw.set_prizes(args.prize, args.one_prize_per_buyer)
    else:
        plan = winner_draw.prize_plan()
    if not plan.prizes:
        echo("No prizes planned yet; set them with 'luckydraw prizes --prize \"1st: scooter\" ...'.")
        return 0
    for number, name in enumerate(plan.prizes, start=1):
        echo(f"{number}. {name}")
    echo("One prize per buyer." if plan.one_prize_per_buyer else "A buyer may win more than one prize.")
    return 0


def draw_status(args) -> int:
    ready = winner_draw.draw_readiness()
    public = published.public_commitment(ready.draw_id)
    if args.json:
        print_json(asdict(ready) | {"ok": ready.ok, "commitment": public})
        return 0
    draw = current_draw()
    echo(f"Draw #{draw.id} '{draw.name}' ({draw.state}): {ready.sold_tickets} tickets sold")
    echo(f"Commitment (SHA-256 of the secret seed): {public['commitment']}")
    if public["announcement"]:
        echo(f"Announced public value: {public['announcement']} (at {_local(public['announced_at'])})")
    if public["prizes"]:
        echo("Prizes: " + "; ".join(public["prizes"]))
    if ready.ok:
        echo("Ready to draw.")
    for problem in ready.problems:
        echo(f"Waiting: {problem}")
    return 0


def _winner_lines(result) -> list[str]:
    width = max(len(w.prize) for w in result.winners)
    lines = []
    for w in result.winners:
        contact = " ".join(x for x in (w.buyer_name, w.mobile, w.reference) if x)
        lines.append(f'  {w.prize:<{width}}  ticket {w.label}  {contact}  (published as "{w.public_name}")')
    return lines


def _print_drawing(result, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    kind = "Drawing 1" if result.number == 1 else f"Redraw (drawing {result.number})"
    value = f"public value '{result.public_value}'" if result.public_value else "no public value"
    echo(f"{kind} of draw #{result.draw_id}: {result.sold_count} sold tickets, list hash {result.list_hash}, {value}.")
    if result.reason:
        echo(f"Reason: {result.reason}")
    if result.cancelled_pending:
        echo(f"Let expire: {len(result.cancelled_pending)} pending bookings ({', '.join(result.cancelled_pending)}).")
    echo("\n".join(_winner_lines(result)))
    echo("Publish the results: luckydraw results --out results.json")


def draw_winners(args) -> int:
    result = winner_draw.draw_winners(args.prize, args.public_value, args.one_prize_per_buyer, args.expire_pending)
    _print_drawing(result, args.json)
    return 0


def redraw(args) -> int:
    _print_drawing(winner_draw.redraw(args.prize, args.reason), args.json)
    return 0


def results(args) -> int:
    draw = get_draw(args.draw)
    text = published.results_json(draw.id)
    if text is None:
        raise Conflict(f"Draw #{draw.id} has no winners yet; draw them with 'luckydraw draw-winners'.")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    if args.json:
        print(text, end="")  # results.json itself: json.dumps escapes control characters
        return 0
    doc = json.loads(text)
    echo(f"Results of draw #{draw.id} '{doc['name']}': {doc['sold_count']} sold tickets")
    echo(f"Commitment {doc['commitment']}\nSeed       {doc['seed']}\nList hash  {doc['list_hash']}")
    if doc["public_value_description"] or doc["public_value"]:
        echo(f"Public value '{doc['public_value']}' ({doc['public_value_description']})")
    for row in doc["winners_by_prize"]:
        redrawn = ""
        if row["drawing"] > 1:
            redrawn = f" (redraw {row['drawing']}: {row['redraw_reason'] or 'no reason given'})"
        echo(f"  {row['prize']}: ticket {row['label']} {row['name']}{redrawn}")
    if args.out:
        echo(
            f"Wrote {args.out}; anyone can check it with 'luckydraw verify {args.out}' or the verify_draw.py script served at /verify_draw.py."
        )
    return 0


def verify(args) -> int:
    outcome = verify_file(args.file)
    if not outcome.ok:
        for problem in outcome.problems:
            echo(f"MISMATCH: {problem}")
        echo(f"{args.file} does NOT match: {len(outcome.problems)} problem(s).")
        return 1
    with open(args.file, encoding="utf-8") as fh:
        doc = json.load(fh)
    count = sum(len(d["winners"]) for d in doc["drawings"])
    echo(
        f"{args.file} matches: commitment, list hash ({len(doc['sold'])} tickets) and {count} winners in "
        f"{len(doc['drawings'])} drawing(s) recomputed."
    )
    for d in doc["drawings"]:
        for w in d["winners"]:
            echo(f"  drawing {d['number']} {w['prize']}: ticket {w['ticket']}")
    return 0


def _local(iso: str | None) -> str:
    if not iso:
        return "-"
    return local_time(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))
