"""`luckydraw poster`: a printable A4 poster (PDF or PNG) of the current draw, with the buyer address
as a large QR code."""

import argparse
import os
import sys
from datetime import datetime

from shared.validation import clean_terms

from .poster_text import TEXTS


def register(sub) -> None:
    p = sub.add_parser("poster", help="a printable A4 poster with the buyer address as a QR code")
    p.add_argument("--out", metavar="FILE", default=None, help="FILE.pdf or FILE.png (default: exports/poster-….pdf)")
    p.add_argument("--lang", default="en", choices=sorted(TEXTS), help="the poster's language (default en)")
    p.add_argument(
        "--url",
        default=None,
        help="the buyer address (default $LUCKYDRAW_WEB_URL): the public one `luckydraw up --share` shows",
    )
    p.add_argument(
        "--closes",
        type=closing_time,
        default=None,
        metavar="'YYYY-MM-DD HH:MM'",
        help="when sales close (default: the draw's planned closing time, see 'luckydraw settings --closes')",
    )
    p.add_argument(
        "--terms",
        default=None,
        help="a terms or permit line for the foot of the poster (default: the draw's, see 'luckydraw settings "
        "--terms'; '' prints none)",
    )
    p.set_defaults(handler=poster)


def closing_time(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(f"closing time must look like '2026-12-20 18:00', not {text!r}") from None


def poster(args) -> int:
    from .poster import PosterError, current_facts, default_path, make_poster

    address = (args.url or os.environ.get("LUCKYDRAW_WEB_URL") or "").strip()
    if not address.startswith(("https://", "http://")) or any(c.isspace() for c in address):
        print(
            "luckydraw: give the buyer address with --url https://… (the one 'luckydraw up --share' shows)",
            file=sys.stderr,
        )
        return 2
    if address.count("/") == 2:
        address += "/"
    terms = None if args.terms is None else clean_terms(args.terms) or ""
    facts = current_facts(address, closes_at=args.closes, terms=terms)
    try:
        path = make_poster(facts, args.out or default_path("exports", args.lang), args.lang)
    except PosterError as error:
        print(f"luckydraw: {error}", file=sys.stderr)
        return 2
    print(f"Poster of “{facts.name}” ({TEXTS[args.lang].language}) for {address} saved to {path}")
    if facts.quick_tunnel:
        print(
            "luckydraw: note: a cloudflared quick-tunnel address changes whenever the tunnel restarts; for a "
            "printed poster use Tailscale Funnel or your own server (--share ssh:…)",
            file=sys.stderr,
        )
    return 0
