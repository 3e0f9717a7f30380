"""DbModal: the base of every dialog that writes: it runs one database call at a time in a thread
worker and hands the result back to the UI thread as a typed message (`PaymentRecorded`,
`SettingsSaved`…, see console.messages), or the refusal, in words."""

from textual import on, work
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from ..messages import CoreDone, PaymentRecorded, Refused, call_core
from ..safe_text import literal


class DbModal(ModalScreen):
    """Subclasses call `self.start(ResultMessage, func, *args)` and handle that message
    (`on_result_message`); a refusal is shown in the dialog's `#status` line, `refused(of, why)`
    is called, and the dialog stays open."""

    BINDINGS = [Binding("escape", "cancel", "Close")]

    busy = False

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_descendant_focus(self, event) -> None:
        self._mark_label(event.widget, True)

    def on_descendant_blur(self, event) -> None:
        self._mark_label(event.widget, False)

    def _mark_label(self, widget, focused: bool) -> None:
        """In a form, the label of the focused field is lit as well as the field itself, so the
        organiser sees at a glance which field the keys go to."""
        parent = widget.parent
        if parent is None or not parent.has_class("form"):
            return
        children = list(parent.children)
        index = children.index(widget)
        if index > 0 and isinstance(children[index - 1], Label):
            children[index - 1].set_class(focused, "focused-label")

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog-db")
    def run_db(self, result_type: type[CoreDone], func, *args, **kwargs) -> None:
        def post(message):
            if isinstance(message, PaymentRecorded) and hasattr(self.app, "recorded_here"):
                self.app.recorded_here(message.result.payment_id)  # before the toast logic sees it
            self.app.call_from_thread(self._idle)  # free for the next call before the result is handled
            self.post_message(message)

        call_core(post, result_type, func, *args, **kwargs)

    def _idle(self) -> None:
        self.busy = False

    def start(self, result_type: type[CoreDone], func, *args, waiting: str = "Saving…", **kwargs) -> None:
        if self.busy:
            return
        self.busy = True
        self.say(waiting, "dim")
        self.run_db(result_type, func, *args, **kwargs)

    def on_refused(self, message: Refused) -> None:
        self.say(message.message, "error")
        self.refused(message.of, message.message)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "dialog-db":
            self.busy = False
            error = event.worker.error
            self.say(f"Could not finish: {type(error).__name__}: {error}", "error")

    def refused(self, of: type[CoreDone], message: str) -> None:
        """Hook: focus the field at fault, for example."""

    def say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#status", Static)
        status.set_classes(kind)
        status.update(literal(text, keep_newlines=True))  # the core's words may quote what a buyer typed

    @property
    def status_text(self) -> str:
        return str(self.query_one("#status", Static).content)
