"""The dry run of a statement import on SQLite, without holding the live database's write lock.

A dry run goes through every row exactly as the import would, inside one transaction that is
rolled back. On the live database that transaction would hold the write lock for the whole file
(half a minute for a 10,000-row statement), and buyers could not book meanwhile. So on SQLite the
dry run is made on a snapshot: the online backup API copies the database (one consistent
snapshot, writers not stopped), and `python -m shared.statements.preview_child SNAPSHOT STATEMENT
FILE NOW` runs the dry run there in a process of its own, printing `progress DONE TOTAL` lines and then the
report as one line of JSON. The statement, already read, is handed over as a pickle written by
the caller into its own private folder."""

import json
import os
import pickle
import subprocess
import sys
import tempfile
from datetime import date, datetime

from ..db import copy_sqlite
from ..errors import LuckyDrawError


class PreviewFailed(LuckyDrawError):
    status = 500
    code = "preview_failed"


def on_snapshot(db_path: str, statement, sha_source: str, now: datetime, progress, build_report):
    """The dry run of `statement` (read from `sha_source`) on a snapshot of the SQLite database at
    `db_path`: the report `build_report(data)` makes from the child's JSON."""
    with tempfile.TemporaryDirectory(prefix="luckydraw-preview-") as folder:
        snapshot = os.path.join(folder, "snapshot.db")
        copy_sqlite(db_path, snapshot)
        handed = os.path.join(folder, "statement.pickle")
        with open(handed, "wb") as f:
            pickle.dump(statement, f)
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "shared.statements.preview_child",
                snapshot,
                handed,
                str(sha_source),
                now.isoformat(),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        result = None
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("progress ") and progress:
                done, total = line.split()[1:3]
                progress(int(done), int(total))
            elif line.startswith("{"):
                result = json.loads(line)
        error = child.stderr.read() if child.stderr else ""
        child.wait()
    if result is None:
        raise PreviewFailed(f"The preview could not be made: {error.strip()[-300:]}")
    if "error" in result:
        raise PreviewFailed(result["error"])
    return build_report(result)


def report_from(data: dict, report_type, row_type):
    """An ImportReport rebuilt from its as_dict() form."""
    fields = {k: v for k, v in data.items() if k not in ("counts", "summary", "rows")}
    for key in ("first_day", "last_day"):
        fields[key] = date.fromisoformat(fields[key]) if fields.get(key) else None
    rows = []
    for row in data["rows"]:
        row = dict(row)
        row["day"] = date.fromisoformat(row["day"]) if row.get("day") else None
        rows.append(row_type(**row))
    return report_type(**fields, rows=rows)
