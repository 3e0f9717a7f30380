"""BookingsTable: bookings of a draw (any state) as the search found them, newest first."""

from rich.text import Text

from shared.money import format_rupees
from shared.states import OrderState

from ..safe_text import literal
from ..snapshot import BookingRow, local_time, ticket_labels
from .literal_table import LiteralTable

COLUMNS = (
    ("Reference", "ref", 9),
    ("State", "state", 9),
    ("Name", "name", 14),
    ("Mobile", "mobile", 10),
    ("Tickets", "tickets", 14),
    ("Amount", "amount", 10),
    ("Booked", "booked", 12),
    ("UTR", "utr", 12),
)
STATE_STYLES = {
    OrderState.PAID: "bold green",
    OrderState.PENDING: "bold yellow",
    OrderState.EXPIRED: "dim",
    OrderState.CANCELLED: "dim",
}


class BookingsTable(LiteralTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_shown: tuple[BookingRow, ...] = ()

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, rows: tuple[BookingRow, ...], width_digits: int) -> None:
        self.clear()
        for row in rows:
            utr = "CASH" if row.source == "cash" else (row.utr or "")
            if utr.startswith("NOUTR-"):
                utr = "NO UTR"
            self.add_row(
                row.reference,
                literal(row.state, style=STATE_STYLES.get(row.state, "")),
                row.name,
                row.mobile,
                ticket_labels(row.tickets, width_digits, 14),
                Text(format_rupees(row.payable_paise), justify="right"),
                local_time(row.created_at, "%d %b %H:%M"),
                utr,
                key=row.reference,
            )
        self.rows_shown = rows

    def selected(self) -> BookingRow | None:
        if not self.rows_shown or not 0 <= self.cursor_row < self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return next((r for r in self.rows_shown if r.reference == key), None)
