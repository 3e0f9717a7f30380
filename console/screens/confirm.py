"""ConfirmScreen: a yes/no question, or — for what cannot be undone — one that only a typed word
confirms (the Enter key alone never does)."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ..safe_text import literal


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 72; max-width: 100%; height: auto; border: thick $warning;
                               background: $surface; padding: 0 1; }
    ConfirmScreen #confirm-message { margin-bottom: 1; }
    ConfirmScreen #confirm-typed { margin-bottom: 0; }
    ConfirmScreen #confirm-hint { height: auto; margin-bottom: 1; color: $warning; text-style: bold; }
    ConfirmScreen .buttons { height: auto; align: center middle; }
    ConfirmScreen .buttons > Button { margin: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "no", "Cancel"),
        Binding("y", "yes", "Yes", show=False),
        Binding("n", "no", "No", show=False),
    ]

    def __init__(
        self, message: str | Text, *, title: str = "Confirm", typed: str | None = None, yes: str = "Yes"
    ) -> None:
        super().__init__()
        self.message = message
        self.title_text = title
        self.typed = typed
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = literal(self.title_text)
            yield Static(literal(self.message, keep_newlines=True), id="confirm-message")
            if self.typed:
                yield Input(placeholder=f"type {self.typed} to confirm", id="confirm-typed", compact=True)
                yield Static("", id="confirm-hint", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.yes}" if self.typed else f"{self.yes}  y",
                    id="yes",
                    variant="warning",
                    compact=True,
                    disabled=bool(self.typed),
                )
                yield Button("Cancel  esc" if self.typed else "No  n", id="no", compact=True)

    def on_mount(self) -> None:
        if self.typed:
            self.query_one("#confirm-typed").focus()
        else:
            self.query_one("#no").focus()

    def typed_right(self, value: str) -> bool:
        """The typed word, in any case ("new" confirms NEW)."""
        return value.strip().casefold() == (self.typed or "").casefold()

    @on(Input.Changed, "#confirm-typed")
    def typed_changed(self, event: Input.Changed) -> None:
        self.query_one("#yes", Button).disabled = not self.typed_right(event.value)

    @on(Input.Submitted, "#confirm-typed")
    def typed_submitted(self, event: Input.Submitted) -> None:
        if self.typed_right(event.value):
            self.dismiss(True)
        else:
            self.query_one("#confirm-hint", Static).update(
                literal(f"Type {self.typed} (and Enter) to go ahead, or press Escape to cancel.")
            )

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        if self.typed and not self.typed_right(self.query_one("#confirm-typed", Input).value):
            return
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
