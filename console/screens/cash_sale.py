"""CashSaleScreen: book numbers for someone who paid in hand; the booking is paid at once."""

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from shared.errors import InvalidInput
from shared.money import format_rupees
from shared.payments import sell_cash
from shared.validation import parse_ticket_list

from ..messages import PaymentRecorded
from ..safe_text import literal
from ..snapshot import DrawInfo
from .base import DbModal


class CashSaleScreen(DbModal):
    """Dismissed with the `MatchResult` of the cash payment."""

    def __init__(self, draw: DrawInfo) -> None:
        super().__init__()
        self.draw = draw

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="cash-sale") as box:
            box.border_title = literal("Cash sale")
            yield Label(f"Tickets at {format_rupees(self.draw.price_paise)} each, paid in cash now.", classes="hint")
            with Grid(classes="form"):
                yield Label("Name")
                yield Input(id="name", compact=True)
                yield Label("Mobile")
                yield Input(placeholder="98765 43210", id="mobile", compact=True)
                yield Label("Tickets")
                yield Input(placeholder=f"e.g. 7, 8, 9 (1–{self.draw.ticket_count})", id="tickets", compact=True)
            yield Static("", id="total")
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Sell  enter", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    @on(Input.Changed, "#tickets")
    def show_total(self, event: Input.Changed) -> None:
        try:
            numbers = parse_ticket_list(event.value, self.draw.ticket_count, self.draw.ticket_count)
        except InvalidInput:
            self.query_one("#total", Static).update(literal("", keep_newlines=True))
            return
        self.query_one("#total", Static).update(
            literal(
                f"{len(numbers)} ticket{'s' if len(numbers) != 1 else ''}: collect "
                f"{format_rupees(len(numbers) * self.draw.price_paise)} in cash",
                keep_newlines=True,
            )
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        values = [self.query_one(f"#{n}", Input).value for n in ("name", "mobile", "tickets")]
        if not all(v.strip() for v in values):
            empty = next(n for n, v in zip(("name", "mobile", "tickets"), values) if not v.strip())
            self.say(f"Please fill in the {empty}.", "error")
            self.query_one(f"#{empty}").focus()
            return
        self.start(PaymentRecorded, sell_cash, *values)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_payment_recorded(self, message: PaymentRecorded) -> None:
        self.dismiss(message.result)
