"""Commands that keep the organiser's data safe: backup (a verified, consistent copy while the web
and console keep writing; the automatic backups' schedule) and restore."""

from shared import backup as backups
from shared.setup import connect


def register(sub) -> None:
    p = sub.add_parser("backup", help="a consistent, verified copy of the database (safe while selling)")
    p.add_argument("path", nargs="?", help="file or folder to write (default: backups/ next to the database)")
    p.add_argument(
        "--every", type=int, metavar="MIN", help="automatic backups while the console runs every MIN minutes (0: off)"
    )
    p.add_argument("--keep", type=int, metavar="K", help="keep the newest K automatic backups")
    p.set_defaults(handler=backup)

    p = sub.add_parser("restore", help="replace the database by a backup (the buyer web must be stopped)")
    p.add_argument("path", help="the backup file")
    p.set_defaults(handler=restore)


def backup(args) -> int:
    if args.every is not None or args.keep is not None:
        every, keep = backups.set_schedule(args.every, args.keep)
        when = f"every {every} minutes while the console runs" if every else "off while the console runs"
        print(f"Automatic backups: {when}, and before every new draw; the newest {keep} are kept.")
        if args.path is None:
            return 0
    result = backups.backup(args.path, url=args.db)
    if result.contents is None:
        print(f"Backed up to {result.path} (pg_dump, read back by pg_restore) in {result.seconds:.1f} s.")
    else:
        checked = "checked: integrity and reconciliation OK"
        print(f"Backed up to {result.path} in {result.seconds:.1f} s: {result.contents.line()}; {checked}.")
    return 0


def restore(args) -> int:
    contents, kept = backups.restore(args.path, url=args.db)
    connect(args.db)  # a backup of an older version is brought up to date
    print(f"Restored {args.path}: {contents.line()}.")
    print(f"The database as it was before is kept in {kept}.")
    return 0
