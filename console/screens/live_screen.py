"""LiveScreen: the base of a full screen that keeps itself fresh from the database and runs the
organiser's actions. Its read runs in a thread worker and is re-armed only when the last one
reported back (reads never pile up); an action runs in another worker, one at a time. Refusals
come back as the core's own words in the screen's status line."""

from textual import on, work
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from shared.db import drop_connection
from shared.errors import LuckyDrawError

from ..messages import CoreDone, ReadFailed, Refused, ScreenRead, call_core
from ..safe_text import literal


class LiveScreen(Screen):
    """Subclasses implement `read()` (runs in a worker, returns plain values) and `show(result)`;
    they run actions with `self.act(ResultMessage, func, *args)` and handle that message
    (`on_result_message`); the screen reads again after every result. Their status line is a
    `Static` with id `screen-status`."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    REFRESH_SECONDS = 2.0

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self.loaded = False
        self.read_problem: str | None = None  # shown until a read succeeds again
        self._reading = False
        self._read_again = False
        self._timer = None

    def on_mount(self) -> None:
        self.reload()

    # Reading ------------------------------------------------------------------------------------

    def read(self):  # pragma: no cover - every screen overrides
        raise NotImplementedError

    def show(self, result) -> None:  # pragma: no cover - every screen overrides
        raise NotImplementedError

    def reload(self) -> None:
        """Read now, or straight after the read in flight."""
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self._read_again = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="screen-read")
    def _read(self) -> None:
        try:
            result = self.read()
        except LuckyDrawError as error:
            self.post_message(ReadFailed(error.message))
            return
        except Exception as error:  # the database is away: say so, keep trying on a fresh connection
            drop_connection()
            self.post_message(ReadFailed(f"database: {type(error).__name__}: {str(error)[:120]}"))
            return
        self.post_message(ScreenRead(result))

    def _read_finished(self) -> None:
        self._reading = False
        if self._read_again:
            self.reload()
        elif self.is_attached:
            self._timer = self.set_timer(self.REFRESH_SECONDS, self.reload)

    # Acting -------------------------------------------------------------------------------------

    def act(self, result_type: type[CoreDone], func, *args, waiting: str = "Saving…", **kwargs) -> bool:
        """Run `func(*args, **kwargs)` in a worker unless an action is already running."""
        if self.busy:
            self.say("Still busy with the last action…", "warning")
            return False
        self.busy = True
        self.say(waiting, "dim")
        self._act(result_type, func, args, kwargs)
        return True

    @work(thread=True, exit_on_error=False, group="screen-act")
    def _act(self, result_type: type[CoreDone], func, args, kwargs) -> None:
        def post(message) -> None:
            self.app.call_from_thread(self._idle)  # free for the next action before the result is handled
            self.post_message(message)

        call_core(post, result_type, func, *args, **kwargs)

    def _idle(self) -> None:
        self.busy = False

    def refused(self, of: type[CoreDone], message: str) -> None:
        """Hook after a refusal was shown in the status line."""

    # Results ------------------------------------------------------------------------------------

    def on_screen_read(self, message: ScreenRead) -> None:
        self._read_finished()
        self.loaded = True
        if self.read_problem is not None and self.status_text == self.read_problem:
            self.say("")
        self.read_problem = None
        self.show(message.view)

    def on_read_failed(self, message: ReadFailed) -> None:
        self._read_finished()
        self.read_problem = message.message
        self.say(message.message, "error")

    @on(CoreDone)
    def _acted(self, message: CoreDone) -> None:
        """After the screen's own handler of an action's result: read again."""
        self.reload()

    def on_refused(self, message: Refused) -> None:
        self.say(message.message, "error")
        self.refused(message.of, message.message)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "screen-act":
            event.stop()
            self.busy = False
            error = event.worker.error
            self.say(f"Could not finish: {type(error).__name__}: {error}", "error")

    def say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#screen-status", Static)
        status.set_classes(kind)
        status.update(literal(text, keep_newlines=True))  # the core's words, never read as markup

    @property
    def status_text(self) -> str:
        return str(self.query_one("#screen-status", Static).content)
