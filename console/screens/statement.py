"""StatementScreen: reconcile from the bank statement. The organiser gives the file's path, sees a
preview of what the import would do row by row (a dry run: nothing changes), imports it with a
progress bar, and reads the outcome and the audit. Everything that comes from the file is shown as
literal text, never as markup."""

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, ProgressBar, Static

from shared.money import format_rupees
from shared.statements.audit import audit_draw, audit_statement
from shared.statements.importer import ImportReport, import_statement
from shared.statements.rows import read_statement

from ..messages import StatementImported, StatementPreviewed
from .base import DbModal

PREVIEW_ROWS = 2000  # rows shown in the table (the outcome counts every row)
ACTION_STYLES = {
    "confirmed": "green",
    "attention": "yellow",
    "unmatched": "yellow",
    "unreadable": "red",
    "debit": "dim",
    "already_imported": "dim",
    "already_recorded": "dim",
}


@dataclass
class StatementProgress(Message, bubble=False):
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StatementProgress)


@dataclass(frozen=True)
class StatementResult:
    report: ImportReport
    audit_lines: tuple[str, ...]


def run_statement(path: str, dry_run: bool, progress) -> StatementResult:
    """The worker's call: read the file, import it (or preview it), audit."""
    statement = read_statement(path)
    report = import_statement(path, dry_run=dry_run, progress=progress, statement=statement)
    audit = audit_statement(statement) if dry_run else audit_draw()
    lines = (audit.summary(),) if audit else ()
    if audit:
        lines += tuple(item.text for item in audit.missing_credits + audit.unfound_payments)
    return StatementResult(report, lines)


class StatementScreen(DbModal):
    """Dismissed with the import's report once imported (None when closed before)."""

    BINDINGS = [Binding("escape", "cancel", "Close")]
    DEFAULT_CSS = """
    #statement #rows { height: 1fr; }
    #statement #audit { height: auto; max-height: 8; }
    """

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial_path = path
        self._pending_path = ""
        self.previewed: str | None = None
        self.imported: ImportReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="statement") as box:
            box.border_title = "Reconcile from the bank statement"
            yield Label(
                "The statement as downloaded from net banking (CSV, XLS or XLSX). Preview first: nothing changes.",
                classes="hint",
            )
            yield Input(self.initial_path, placeholder="path/to/statement.xls", id="path", compact=True)
            table = DataTable(id="rows", zebra_stripes=True, cursor_type="row")
            table.add_columns("Row", "Date", "Amount", "UTR", "What happens", "Narration")
            yield table
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Static("", id="status")
            yield Static("", id="audit")
            with Horizontal(classes="buttons"):
                yield Button("Preview  enter", id="preview", variant="primary", compact=True)
                yield Button("Import", id="import", variant="warning", compact=True, disabled=True)
                yield Button("Close  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#path").focus()

    def say(self, text, kind: str = "") -> None:
        super().say(text if isinstance(text, Text) else Text(str(text)), kind)

    def _path(self) -> str | None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.say("Please give the statement file's path.", "error")
            return None
        return str(Path(text).expanduser())

    @on(Input.Changed, "#path")
    def path_changed(self) -> None:
        self.query_one("#import", Button).disabled = self.previewed != self._typed()

    def _typed(self) -> str:
        return str(Path(self.query_one("#path", Input).value.strip()).expanduser())

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#preview")
    def preview(self) -> None:
        path = self._path()
        if path:
            self._begin(path, True)

    @on(Button.Pressed, "#import")
    def do_import(self) -> None:
        path = self._path()
        if path and path == self.previewed:
            self._begin(path, False)

    def _begin(self, path: str, dry_run: bool) -> None:
        if self.busy:
            return
        for button in ("#preview", "#import"):
            self.query_one(button, Button).disabled = True
        self.query_one(ProgressBar).update(total=None, progress=0)
        result_type = StatementPreviewed if dry_run else StatementImported
        waiting = f"Reading {Path(path).name}…" if dry_run else f"Importing {Path(path).name}…"
        self.start(result_type, run_statement, path, dry_run, self.progress, waiting=waiting)
        self._pending_path = path

    def progress(self, done: int, total: int) -> None:
        self.post_message(StatementProgress(done, total))

    def on_statement_progress(self, message: StatementProgress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def _show_rows(self, report: ImportReport) -> None:
        table = self.query_one("#rows", DataTable)
        table.clear()
        for row in report.rows[:PREVIEW_ROWS]:
            table.add_row(
                Text(str(row.number)),
                Text(f"{row.day:%d %b %Y}" if row.day else "-"),
                Text(format_rupees(row.amount_paise) if row.amount_paise else "-", justify="right"),
                Text(row.utr or "-"),
                Text(row.text, style=ACTION_STYLES.get(row.action, "")),
                Text(row.narration[:80], style="dim"),
            )
        if len(report.rows) > PREVIEW_ROWS:
            table.add_row(
                Text("…"), Text(""), Text(""), Text(""), Text(f"{len(report.rows) - PREVIEW_ROWS:,} more rows")
            )

    def on_statement_previewed(self, message: StatementPreviewed) -> None:
        self.done("preview", message.result)

    def on_statement_imported(self, message: StatementImported) -> None:
        self.done("import", message.result)

    def done(self, label: str, result: StatementResult) -> None:
        report = result.report
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self._show_rows(report)
        self.query_one("#audit", Static).update(Text("\n".join(result.audit_lines)))
        self.query_one("#preview", Button).disabled = False
        if label == "preview":
            self.previewed = self._pending_path
            self.say("Preview, nothing changed: " + report.summary(), "ok")
            self.query_one("#import", Button).disabled = False
            self.query_one("#import", Button).focus()
            return
        self.imported = report
        self.previewed = None
        if report.changed:
            self.say("Imported: " + report.summary(), "ok")
        else:
            self.say("Every row of this statement was imported before: nothing changed.", "ok")
        self.query_one("#cancel", Button).focus()

    def refused(self, of, message: str) -> None:
        self.query_one("#preview", Button).disabled = False
        self.query_one("#import", Button).disabled = self.previewed != self._typed()
        self.query_one("#path").focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(self.imported)
