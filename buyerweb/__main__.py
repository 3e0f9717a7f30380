"""`python -m buyerweb --db URL --host H --port P --workers N`: serve the buyer web.

Prints one line with the address once it listens; exits non-zero with one line when it cannot
(port taken, database unreachable)."""

import argparse
import logging
import sys

from .server import DEFAULT_HOST, DEFAULT_PORT, PortTaken, main_error, serve


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m buyerweb", description="Serve the Lucky Draw buyer web.")
    parser.add_argument(
        "--db", default=None, help="database URL or SQLite path (default: $LUCKYDRAW_DATABASE_URL or luckydraw.db)"
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: one per core, at least 2; Windows: one process)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if args.workers is not None and not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        return serve(args.db, args.host, args.port, args.workers)
    except PortTaken as exc:
        return main_error(str(exc))
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # noqa: BLE001 - one clear line, not a traceback
        return main_error(f"cannot start: {exc}")


if __name__ == "__main__":
    sys.exit(main())
