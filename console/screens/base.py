"""DbModal: the base of every dialog that writes: it runs one database call at a time in a thread
worker and hands the result (or the refusal, in words) back to the UI thread."""

from textual import on, work
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from ..messages import DbDone, DbRefused, call_core
from ..safe_text import literal


class DbModal(ModalScreen):
    """Subclasses call `self.run_db(label, func, *args)` and implement `done(label, result)`;
    a refusal is shown in the dialog's `#status` line and the dialog stays open."""

    BINDINGS = [Binding("escape", "cancel", "Close")]

    busy = False

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog-db")
    def run_db(self, label: str, func, *args, **kwargs) -> None:
        def post(message):
            payment_id = getattr(getattr(message, "result", None), "payment_id", None)
            if payment_id is not None and hasattr(self.app, "recorded_here"):
                self.app.recorded_here(payment_id)  # before the toast logic sees the message
            self.post_message(message)

        call_core(post, label, func, *args, **kwargs)

    def start(self, label: str, func, *args, waiting: str = "Saving…", **kwargs) -> None:
        if self.busy:
            return
        self.busy = True
        self.say(waiting, "dim")
        self.run_db(label, func, *args, **kwargs)

    def on_db_done(self, message: DbDone) -> None:
        self.busy = False
        self.done(message.label, message.result)

    def on_db_refused(self, message: DbRefused) -> None:
        self.busy = False
        self.say(message.message, "error")
        self.refused(message.label, message.message)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "dialog-db":
            self.busy = False
            error = event.worker.error
            self.say(f"Could not finish: {type(error).__name__}: {error}", "error")

    def done(self, label: str, result) -> None:  # pragma: no cover - every dialog overrides
        self.dismiss(result)

    def refused(self, label: str, message: str) -> None:
        """Hook: focus the field at fault, for example."""

    def say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#status", Static)
        status.set_classes(kind)
        status.update(literal(text, keep_newlines=True))  # the core's words may quote what a buyer typed

    @property
    def status_text(self) -> str:
        return str(self.query_one("#status", Static).content)
