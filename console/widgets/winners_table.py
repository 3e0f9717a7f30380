"""WinnersTable: every drawing's winners by prize, with what the organiser needs to reach them (full
name, mobile, booking reference) and how the results page shows them. A winner whose prize was
redrawn stays listed, dimmed, with the drawing that replaced them."""

from rich.text import Text

from shared.winner_draw import DrawingResult, DrawnWinner

from ..safe_text import literal
from .literal_table import LiteralTable

# Drawing ("1", "2", or "1→2" for a winner whose prize drawing 2 drew again) first, so that the
# columns needed to reach a winner fit 80 columns; the public name and the redraw's reason follow.
COLUMNS = (
    ("#", "drawing", 4),
    ("Prize", "prize", 18),
    ("Ticket", "ticket", 6),
    ("Winner", "name", 15),
    ("Mobile", "mobile", 10),
    ("Booking", "ref", 9),
    ("Published as", "public", 12),
    ("Note", "note", 30),
)


def replaced_by(drawings: tuple[DrawingResult, ...]) -> dict[tuple[int, str], int]:
    """(drawing number, prize) -> the next drawing that drew that prize again, for replaced winners."""
    later: dict[tuple[int, str], int] = {}
    for d in drawings:
        for w in d.winners:
            again = [e.number for e in drawings if e.number > d.number and any(x.prize == w.prize for x in e.winners)]
            if again:
                later[(d.number, w.prize)] = min(again)
    return later


class WinnersTable(LiteralTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_shown: tuple[tuple[int, DrawnWinner], ...] = ()

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, drawings: tuple[DrawingResult, ...]) -> None:
        rows = tuple((d.number, w) for d in drawings for w in d.winners)
        if rows == self.rows_shown:
            return
        keep = self.selected()
        replaced = replaced_by(drawings)
        reasons = {d.number: d.reason for d in drawings}
        self.clear()
        for number, w in sorted(rows, key=lambda r: (self._order(r[1].prize, drawings), r[0])):
            by = replaced.get((number, w.prize))
            style = "dim" if by else ""
            note = f"redrawn in drawing {by}" if by else reasons.get(number, "") if number > 1 else ""
            self.add_row(
                Text(f"{number}→{by}" if by else str(number), style=style),
                literal(w.prize, style=style or "bold"),
                literal(w.label, style=style or "bold green"),
                literal(w.buyer_name, style=style),
                literal(w.mobile, style=style),
                literal(w.reference, style=style),
                literal(w.public_name, style=style),
                literal(note, style=style),
                key=f"{number}:{w.prize_index}",
            )
        self.rows_shown = rows
        if keep is not None:
            key = f"{keep[0]}:{keep[1].prize_index}"
            if any(f"{n}:{w.prize_index}" == key for n, w in rows):
                self.move_cursor(row=self.get_row_index(key), animate=False)

    @staticmethod
    def _order(prize: str, drawings: tuple[DrawingResult, ...]) -> int:
        first = drawings[0].prizes if drawings else ()
        return first.index(prize) if prize in first else len(first)

    def selected(self) -> tuple[int, DrawnWinner] | None:
        if not self.rows_shown or not 0 <= self.cursor_row < self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return next(((n, w) for n, w in self.rows_shown if f"{n}:{w.prize_index}" == key), None)
