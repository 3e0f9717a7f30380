"""Commands that start programs: console (the TUI), web (the buyer site), up (both)."""

import os


def register(sub) -> None:
    p = sub.add_parser("console", help="open the organiser's console")
    p.set_defaults(handler=console, needs_db=False)

    for name, handler, text in (
        ("web", web, "serve the buyer web"),
        ("up", up, "start the buyer web in the background and open the console"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default=os.environ.get("LUCKYDRAW_HOST", "0.0.0.0"))
        p.add_argument("--port", type=int, default=int(os.environ.get("LUCKYDRAW_PORT", "8080")))
        p.add_argument("--workers", type=int, default=None, help="web worker processes")
        p.set_defaults(handler=handler, needs_db=False)


def console(args) -> int:
    from .launch import run_console

    return run_console(args.db)


def web(args) -> int:
    from .launch import run_web

    return run_web(args.db, args.host, args.port, args.workers)


def up(args) -> int:
    from .launch import run_up

    return run_up(args.db, args.host, args.port, args.workers)
