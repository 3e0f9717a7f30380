"""`luckydraw time-zone [ZONE]`: the time zone the current draw's buyers see (default Asia/Kolkata),
whatever the clock zone of the server the web runs on."""

from shared.draw_zone import set_time_zone
from shared.draws import current_draw


def register(sub) -> None:
    p = sub.add_parser("time-zone", help="show or set the time zone buyers see (e.g. Asia/Kolkata)")
    p.add_argument("zone", nargs="?", help="an IANA time zone name; without it, show the current one")
    p.set_defaults(handler=time_zone)


def time_zone(args) -> int:
    if args.zone is None:
        print(f"Buyers see times in {current_draw().time_zone}.")
        return 0
    print(f"Buyers now see times in {set_time_zone(args.zone)} (the web shows it within a second).")
    return 0
