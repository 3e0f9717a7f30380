"""ExportScreen: write a draw to an Excel workbook, with a progress bar and the file's path."""

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, ProgressBar, Static

from shared.db import utcnow
from shared.export import default_export_path

from ..messages import Exported, ExportProgress
from ..safe_text import literal
from ..snapshot import DrawInfo
from .base import DbModal


class ExportScreen(DbModal):
    """Dismissed with the workbook's path once written (None when closed before)."""

    BINDINGS = [Binding("escape", "cancel", "Close")]

    def __init__(self, draw: DrawInfo, exports_dir: str | Path = "exports") -> None:
        super().__init__()
        self.draw = draw
        self.exports_dir = exports_dir
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        path = default_export_path(self.draw, self.exports_dir, utcnow())
        with Vertical(classes="dialog", id="export") as box:
            box.border_title = literal(f"Export “{self.draw.name}” to Excel")
            yield Label("Summary, Bookings, Tickets and Payments sheets. Save to:", classes="hint")
            yield Input(str(path), id="path", compact=True)
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Export  enter", id="save", variant="primary", compact=True)
                yield Button("Close  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#path").focus()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#save")
    def export(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.say("Please give a file name ending in .xlsx.", "error")
            return
        path = Path(text).expanduser()
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.query_one("#save", Button).disabled = True
        self.start(Exported, self.write, path.resolve(), waiting=f"Writing {path}…")

    def write(self, path: Path) -> Path:
        """Runs in the worker thread: the progress callback posts to the UI thread."""
        from shared.export import export_draw

        path.parent.mkdir(parents=True, exist_ok=True)
        return Path(export_draw(self.draw.id, path, progress=self.progress))

    def progress(self, done: int, total: int) -> None:
        self.post_message(ExportProgress(done, total))

    def on_export_progress(self, message: ExportProgress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_exported(self, message: Exported) -> None:
        self.written = Path(message.path)
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.say(f"Saved: {self.written}", "ok")
        self.query_one("#save", Button).disabled = False
        self.query_one("#cancel", Button).focus()

    def refused(self, of, message: str) -> None:
        self.query_one("#save", Button).disabled = False

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(self.written)
