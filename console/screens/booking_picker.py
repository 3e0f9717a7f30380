"""BookingPickerScreen: find a booking by reference, name, mobile or amount and pick it."""

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from shared.ids import REFERENCE_ALPHABET
from shared.states import OrderState

from ..messages import BookingsFound
from ..safe_text import literal
from ..snapshot import BookingRow, search_bookings
from ..widgets.bookings_table import BookingsTable

ASSIGNABLE = (OrderState.PENDING, OrderState.EXPIRED, OrderState.CANCELLED)


def search_text(text: str) -> str:
    """What to search for: the start of a reference typed without "LD-" (e.g. "7k3q", letters
    and digits as references have them) is searched as "LD-7K3Q"; anything else as typed."""
    raw = text.strip().upper()
    if (
        2 <= len(raw) < 6
        and all(ch in REFERENCE_ALPHABET for ch in raw)
        and any(ch.isdigit() for ch in raw)
        and any(ch.isalpha() for ch in raw)
    ):
        return "LD-" + raw
    return text


class BookingPickerScreen(ModalScreen[BookingRow | None]):
    """Dismissed with the chosen `BookingRow` (None when closed). Paid bookings are not offered:
    a payment cannot settle a booking twice."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("down", "to_table", show=False)]

    def __init__(
        self,
        draw_id: int,
        width_digits: int,
        *,
        search: str = "",
        title: str = "Pick a booking",
        states: tuple[str, ...] = ASSIGNABLE,
    ) -> None:
        super().__init__()
        self.draw_id = draw_id
        self.width_digits = width_digits
        self.search = search
        self.title_text = title
        self.states = states

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="picker") as box:
            box.border_title = literal(self.title_text)
            yield Label("Search by reference, name, mobile or amount; ↓ to the list, enter to pick.", classes="hint")
            yield Input(self.search, placeholder="LD-7K3Q2P, Asha, 98765, 10.01", id="search", compact=True)
            yield BookingsTable(id="picker-table")
            yield Static("", id="status")

    def on_mount(self) -> None:
        self.query_one("#search").focus()
        self.find(self.search)

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.find(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def find(self, text: str) -> None:
        rows, total = search_bookings(self.draw_id, search_text(text), states=self.states, limit=100)
        self.post_message(BookingsFound(text, rows, total))

    def on_bookings_found(self, message: BookingsFound) -> None:
        if message.key != self.query_one("#search", Input).value:
            return  # an earlier search finishing late: its text is no longer what is typed
        rows, total = message.rows, message.total
        self.query_one(BookingsTable).show(rows, self.width_digits)
        shown = f"{len(rows)} of {total}" if total > len(rows) else f"{total}"
        self.query_one("#status", Static).update(
            literal(f"{shown} booking{'s' if total != 1 else ''} ({', '.join(self.states)})", keep_newlines=True)
        )

    @on(Input.Submitted, "#search")
    def pick_first(self) -> None:
        table = self.query_one(BookingsTable)
        if table.row_count == 1:
            self.dismiss(table.selected())
        elif table.row_count:
            table.focus()

    def action_to_table(self) -> None:
        self.query_one(BookingsTable).focus()

    @on(DataTable.RowSelected, "#picker-table")
    def picked(self) -> None:
        self.dismiss(self.query_one(BookingsTable).selected())

    def action_cancel(self) -> None:
        self.dismiss(None)
