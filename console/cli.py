"""`luckydraw`: the organiser's command line (no screen), for scripts and cron.

Every subcommand lives in a small module that registers itself here. Exit codes: 0 ok,
2 bad input or refused (one clear line on stderr, nothing changed), 1 anything else.
"""

import argparse
import importlib
import sys

from shared.errors import LuckyDrawError

from .output import echo

COMMAND_MODULES = (
    "console.cli_sales",
    "console.cli_winners",
    "console.cli_reports",
    "console.cli_demo",
    "console.cli_run",
    "console.cli_hooks",
    "console.cli_statement",
    "console.cli_backup",
    "console.cli_zone",
    "console.cli_poster",
)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2."""

    def error(self, message):
        self.exit(2, f"luckydraw: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="luckydraw", description="Sell lucky-draw tickets by UPI and run the draw.")
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="database: a SQLite file path or postgresql://… URL (default: $LUCKYDRAW_DATABASE_URL or luckydraw.db)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _resume_exports(exports_dir: str) -> None:
    """A new draw stopped mid-export (power cut, kill): write the archived draw's export again."""
    from shared.new_draw import resume_exports

    for draw_id, path in resume_exports(exports_dir):
        print(f"luckydraw: the export of draw #{draw_id} was missing; written again to {path}", file=sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "needs_db", True):
            from shared.setup import connect

            connect(args.db)
            _resume_exports(getattr(args, "exports", "exports"))
        return int(args.handler(args) or 0)
    except LuckyDrawError as error:
        echo(f"luckydraw: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head`
        return 0
    except Exception as error:  # a database that cannot be opened, a disk that is full…
        echo(f"luckydraw: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
