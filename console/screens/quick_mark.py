"""QuickMarkScreen: the organiser only saw "₹10.01 received" (no UTR): record it by amount."""

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from shared.errors import InvalidInput
from shared.money import parse_amount
from shared.payments import record_payment

from ..messages import PaymentRecorded
from ..safe_text import literal
from .base import DbModal


class QuickMarkScreen(DbModal):
    """Dismissed with the `MatchResult`; the payment gets an internal id and is flagged NO UTR."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="quick-mark") as box:
            box.border_title = literal("Quick mark by amount (no UTR)")
            yield Label(
                "Only when you saw the money arrive but have no UTR: the payment is flagged NO UTR "
                "in every list and the export. Add the UTR later by recording it properly.",
                classes="hint",
            )
            with Grid(classes="form"):
                yield Label("Amount ₹")
                yield Input(placeholder="10.01", id="amount", compact=True)
                yield Label("Reference")
                yield Input(placeholder="LD-XXXXXX (optional)", id="reference", compact=True)
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Mark  enter", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#amount").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        try:
            amount = parse_amount(self.query_one("#amount", Input).value)
        except InvalidInput as error:
            self.say(error.message, "error")
            self.query_one("#amount").focus()
            return
        reference = self.query_one("#reference", Input).value.strip() or None
        self.start(PaymentRecorded, record_payment, amount, None, reference=reference, quick=True, source="quick")

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_payment_recorded(self, message: PaymentRecorded) -> None:
        self.dismiss(message.result)
