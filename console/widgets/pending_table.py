"""PendingTable: bookings waiting for money, soonest to expire first, with a live countdown."""

from rich.text import Text

from shared.db import utcnow
from shared.money import format_rupees

from ..safe_text import literal
from ..snapshot import PendingRow, seconds_until, ticket_labels, time_left
from .literal_table import LiteralTable

# Fixed widths: columns never jump as rows come and go, and 80 columns hold them all.
COLUMNS = (
    ("Reference", "ref", 9),
    ("Name", "name", 14),
    ("Mobile", "mobile", 10),
    ("Tickets", "tickets", 14),
    ("Pay", "amount", 10),
    ("Left", "left", 5),
)


class PendingTable(LiteralTable):
    """One row per live pending booking, keyed by its reference; the cursor stays on its booking
    when rows come and go. The Left column counts down every second between refreshes."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_shown: tuple[PendingRow, ...] = ()
        self.width_digits = 1

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        self.set_interval(1.0, self.tick)

    def show(self, rows: tuple[PendingRow, ...], width_digits: int, total: int) -> None:
        self.border_title = literal(
            f"Pending ({total:,})" if total <= len(rows) else f"Pending ({len(rows)} of {total:,})"
        )
        if rows == self.rows_shown and width_digits == self.width_digits:
            self.tick()
            return
        self.width_digits = width_digits
        keep = self.cursor_reference
        self.clear()
        now = utcnow()
        for row in rows:
            amount = Text(format_rupees(row.payable_paise), style="bold", justify="right")
            if not row.amount_unique:
                amount.append("*", style="bold red")
            self.add_row(
                row.reference,
                row.name[:14],
                row.mobile,
                ticket_labels(row.tickets, width_digits, 14),
                amount,
                self._left(row, now),
                key=row.reference,
            )
        self.rows_shown = rows
        if keep is not None and keep in {r.reference for r in rows}:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    @staticmethod
    def _left(row: PendingRow, now) -> Text:
        seconds = seconds_until(row.expires_at, now)
        style = "bold red" if seconds < 60 else "yellow" if seconds < 180 else ""
        return Text(time_left(row.expires_at, now), style=style, justify="right")

    def tick(self) -> None:
        now = utcnow()
        for row in self.rows_shown:
            self.update_cell(row.reference, "left", self._left(row, now))

    @property
    def cursor_reference(self) -> str | None:
        if not self.rows_shown or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        return self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value

    def selected(self) -> PendingRow | None:
        ref = self.cursor_reference
        return next((r for r in self.rows_shown if r.reference == ref), None)
