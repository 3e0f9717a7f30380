"""Commands for reconciling from the bank statement: `import-statement` (every credit row through
the normal matching; `--dry-run` shows row by row what would happen and changes nothing) and
`audit` (the draw's money, statement against records, both ways)."""

import sys

from shared.statements.audit import audit_draw, audit_statement, describe_audit
from shared.statements.importer import describe, import_statement
from shared.statements.layouts import BANK_KEYS
from shared.statements.rows import read_statement

from .output import print_json

COLUMNS_HELP = (
    "name the columns of another bank's CSV: date=Txn Date,credit=Deposit,narration=Remarks[,debit=…,reference=…]"
)


def register(sub) -> None:
    p = sub.add_parser(
        "import-statement", help="import the bank statement: every credit is a payment through the matching rules"
    )
    p.add_argument("file", metavar="FILE", help="the statement as downloaded from net banking (CSV, XLS or XLSX)")
    p.add_argument("--dry-run", action="store_true", help="show row by row what the import would do; change nothing")
    p.add_argument("--bank", choices=[*BANK_KEYS, "generic"], help="the bank (found from the columns when not given)")
    p.add_argument("--columns", metavar="SPEC", help=COLUMNS_HELP)
    p.add_argument("--quiet", action="store_true", help="no row-by-row lines, only the outcome")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=import_command)

    p = sub.add_parser("audit", help="the draw's money against a bank statement, both ways (changes nothing)")
    p.add_argument("file", metavar="FILE", nargs="?", help="a statement file; without it, the statements imported")
    p.add_argument("--bank", choices=[*BANK_KEYS, "generic"])
    p.add_argument("--columns", metavar="SPEC", help=COLUMNS_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=audit_command)


class _Bar:
    """A progress bar on stderr when it is a terminal."""

    def __init__(self):
        self.on = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.on and total:
            filled = done * 30 // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} rows")
            sys.stderr.flush()
            if done >= total:
                sys.stderr.write("\n")


def import_command(args) -> int:
    statement = read_statement(args.file, args.bank, args.columns)
    report = import_statement(args.file, dry_run=args.dry_run, progress=_Bar(), statement=statement)
    audit = audit_statement(statement) if args.dry_run else audit_draw()
    if args.json:
        print_json({"import": report.as_dict(), "audit": audit.as_dict() if audit else None})
        return 0
    if not args.quiet:
        for line in describe(report):
            print(line)
    print(("Dry run, nothing changed: " if args.dry_run else "") + report.summary())
    if not args.dry_run and not report.changed:
        print("Every row of this statement was imported before: nothing changed.")
    if audit is not None:
        if args.dry_run:
            print("As things stand now, before any import:")
        for line in describe_audit(audit):
            print(line)
    return 0


def audit_command(args) -> int:
    if args.file:
        audit = audit_statement(read_statement(args.file, args.bank, args.columns))
    else:
        audit = audit_draw()
        if audit is None:
            print("luckydraw: no statement was imported into this draw; give a statement FILE.", file=sys.stderr)
            return 2
    if args.json:
        print_json(audit.as_dict())
        return 0
    for line in describe_audit(audit):
        print(line)
    return 0
