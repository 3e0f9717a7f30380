"""PaymentsTable: payments newest first, each with the booking it settled or what is wrong with it."""

from rich.text import Text
from textual.widgets import DataTable

from shared.money import format_rupees
from shared.states import PaymentState

from ..snapshot import PaymentRow, local_time

COLUMNS = (
    ("Time", "time", 8),
    ("Amount", "amount", 10),
    ("UTR", "utr", 12),
    ("Booking", "booking", 25),
    ("Payer", "payer", 11),
)
DETAILED_BOOKING_WIDTH = 37
REASONS = {
    "double_payment": "paid twice",
    "late_taken": "late, taken",
    "other_draw": "other draw",
    "quick_marks_ambiguous": "UTR of which quick mark?",
}


def utr_text(row: PaymentRow) -> Text:
    if row.source == "cash":
        return Text("CASH", style="bold cyan")
    if row.utr_missing:
        return Text("NO UTR", style="bold magenta")
    return Text(row.utr)


def booking_text(row: PaymentRow, detailed: bool = False) -> Text:
    """The booking it settled, or UNMATCHED / NEEDS ATTENTION (which booking; with `detailed`, why) /
    REFUNDED."""
    if row.status == PaymentState.MATCHED:
        text = Text(f"→ {row.order_reference}", style="bold green")
        if row.order_name:
            text.append(f" {row.order_name}", style="green")
        return text
    if row.status == PaymentState.UNMATCHED:
        return Text("UNMATCHED", style="bold white on red")
    if row.status == PaymentState.ATTENTION:
        text = Text("NEEDS ATTENTION", style="bold black on yellow")
        reason = REASONS.get(row.attention_reason or "", row.attention_reason or "") if detailed else ""
        if row.candidate_reference:
            text.append(f" {reason} {row.candidate_reference}".replace("  ", " ").rstrip(), style="yellow")
        return text
    return Text(row.status.upper(), style="dim")


class PaymentsTable(DataTable):
    """Keyed by payment id; rebuilt only when a payment was added or changed."""

    def __init__(self, *, title: str = "Recent payments", detailed: bool = False, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.heading = title
        self.detailed = detailed
        self.rows_shown: tuple[PaymentRow, ...] = ()

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            if key == "booking" and self.detailed:
                width = DETAILED_BOOKING_WIDTH
            self.add_column(label, key=key, width=width)
        self.border_title = self.heading

    def show(self, rows: tuple[PaymentRow, ...]) -> None:
        if rows == self.rows_shown:
            return
        keep = self.selected()
        self.clear()
        for row in rows:
            self.add_row(
                local_time(row.received_at),
                Text(format_rupees(row.amount_paise), justify="right"),
                utr_text(row),
                booking_text(row, self.detailed),
                row.payer or "",
                key=str(row.payment_id),
            )
        self.rows_shown = rows
        if keep is not None and any(r.payment_id == keep.payment_id for r in rows):
            self.move_cursor(row=self.get_row_index(str(keep.payment_id)), animate=False)

    def selected(self) -> PaymentRow | None:
        if not self.rows_shown or not 0 <= self.cursor_row < self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return next((r for r in self.rows_shown if str(r.payment_id) == key), None)
