"""PaymentsTable: payments newest first, each with the booking it settled or what is wrong with it."""

from rich.text import Text
from textual.widgets.data_table import ColumnKey

from shared.money import format_rupees
from shared.states import PaymentState

from ..safe_text import literal, visible
from ..snapshot import PaymentRow, local_time
from .literal_table import LiteralTable

COLUMNS = (
    ("Time", "time", 8),
    ("Amount", "amount", 10),
    ("UTR", "utr", 12),
    ("Booking", "booking", 25),
    ("Payer", "payer", 11),
)
DETAILED_BOOKING_WIDTH = 37
WIDEST = {"utr": 20, "payer": 30}  # where room beyond 80 columns goes: long UTRs, full payer names
REASONS = {"double_payment": "paid twice", "late_taken": "late, taken"}


def utr_text(row: PaymentRow) -> Text:
    if row.source == "cash":
        return Text("CASH", style="bold cyan")
    if row.utr_missing:
        return Text("NO UTR", style="bold magenta")
    return literal(row.utr)


def booking_text(row: PaymentRow, detailed: bool = False) -> Text:
    """The booking it settled, or UNMATCHED / NEEDS ATTENTION (which booking; with `detailed`, why) /
    REFUNDED."""
    if row.status == PaymentState.MATCHED:
        text = Text(f"→ {row.order_reference}", style="bold green")
        if row.order_name:
            text.append(f" {visible(row.order_name)}", style="green")
        return text
    if row.status == PaymentState.UNMATCHED:
        return Text("UNMATCHED", style="bold white on red")
    if row.status == PaymentState.ATTENTION:
        text = Text("NEEDS ATTENTION", style="bold black on yellow")
        reason = REASONS.get(row.attention_reason or "", row.attention_reason or "") if detailed else ""
        if row.candidate_reference:
            text.append(f" {reason} {visible(row.candidate_reference)}".replace("  ", " ").rstrip(), style="yellow")
        return text
    return Text(row.status.upper(), style="dim")


class PaymentsTable(LiteralTable):
    """Keyed by payment id; rebuilt only when a payment was added or changed."""

    def __init__(self, *, title: str = "Recent payments", detailed: bool = False, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.heading = title
        self.detailed = detailed
        self.rows_shown: tuple[PaymentRow, ...] = ()

    def base_widths(self) -> dict[str, int]:
        return {key: DETAILED_BOOKING_WIDTH if key == "booking" and self.detailed else w for _, key, w in COLUMNS}

    def on_mount(self) -> None:
        widths = self.base_widths()
        for label, key, _width in COLUMNS:
            self.add_column(label, key=key, width=widths[key])
        self.border_title = literal(self.heading)

    def on_resize(self, event) -> None:
        self.fit_columns(event.size.width)

    def fit_columns(self, width: int) -> None:
        """Give the room a wide terminal has to UTR and Payer (the columns that were cut)."""
        widths = self.base_widths()
        spare = width - sum(widths.values()) - 2 * self.cell_padding * len(widths) - 2  # the scrollbar
        for key in ("utr", "payer"):
            extra = max(0, min(spare, WIDEST[key] - widths[key]))
            widths[key] += extra
            spare -= extra
        changed = False
        for key, w in widths.items():
            column = self.columns[ColumnKey(key)]
            if column.width != w:
                column.width, changed = w, True
        if changed:
            self._require_update_dimensions = True
            self.refresh(layout=True)

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
