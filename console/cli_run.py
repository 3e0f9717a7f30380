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
        if name == "up":
            add_share_options(p)


def add_share_options(p) -> None:
    p.add_argument(
        "--share",
        nargs="?",
        const="auto",
        default=None,
        metavar="CLIENT",
        help="also give buyers a public HTTPS address through a tunnel: auto (the first installed), "
        "cloudflared, tailscale, or ssh:user@host[:port]",
    )
    p.add_argument(
        "--share-url",
        metavar="URL",
        default=None,
        help="with --share ssh:…: the address buyers open on your own server (its reverse proxy forwards "
        "to --share-remote-port on the server)",
    )
    p.add_argument(
        "--share-remote-port",
        type=int,
        default=None,
        metavar="PORT",
        help="with --share ssh:…: the port on the SSH server that forwards to the web (default 80)",
    )
    p.add_argument(
        "--ssh-option",
        action="append",
        default=[],
        metavar="OPTION",
        help="with --share ssh:…: an ssh -o option, e.g. IdentityFile=~/.ssh/draw (repeatable)",
    )


def console(args) -> int:
    from .launch import run_console

    return run_console(args.db)


def web(args) -> int:
    from .launch import run_web

    return run_web(args.db, args.host, args.port, args.workers)


def up(args) -> int:
    from .launch import run_up, say
    from .tunnels import ShareError, choose_client

    share = None
    if args.share is not None or args.share_url or args.share_remote_port or args.ssh_option:
        try:
            share = choose_client(
                args.share or "auto",
                share_url=args.share_url,
                remote_port=args.share_remote_port,
                ssh_options=tuple(args.ssh_option),
            )
        except ShareError as error:
            say(str(error))
            return 2
    return run_up(args.db, args.host, args.port, args.workers, share=share)
