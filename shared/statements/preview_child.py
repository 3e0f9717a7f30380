"""`python -m shared.statements.preview_child SNAPSHOT STATEMENT FILE NOW`: the dry run of a
statement import on a snapshot copy of the database, for shared.statements.preview (which starts
it): `progress DONE TOTAL` lines, then the report as one line of JSON."""

import json
import pickle
import sys
from datetime import datetime
from pathlib import Path

from ..db import bind
from ..errors import LuckyDrawError
from .importer import import_statement


def main(argv: list[str]) -> int:
    snapshot, handed, source, now = argv
    with open(handed, "rb") as f:
        statement = pickle.load(f)  # written by our parent process into its private folder
    bind(snapshot)  # a copy of the live database: its schema is current

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)

    try:
        report = import_statement(
            Path(source),
            dry_run=True,
            statement=statement,
            progress=progress,
            now=datetime.fromisoformat(now),
            on_snapshot=False,  # this is the snapshot
        )
    except LuckyDrawError as error:
        print(json.dumps({"error": error.message}))
        return 2
    print(json.dumps(report.as_dict(), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
