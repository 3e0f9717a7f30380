"""InboxTable: messages the payment hooks received, newest first: when, from where, the amount, and
what became of each (recorded and matched, recorded unmatched, duplicate, rejected, ignored, or
not processed yet) with the reason."""

from rich.text import Text

from shared.intake import InboxItem
from shared.money import format_rupees

from ..safe_text import literal, visible
from ..snapshot import local_time
from .literal_table import LiteralTable

COLUMNS = (
    ("Time", "time", 12),
    ("Source", "source", 8),
    ("Amount", "amount", 9),
    ("Outcome", "outcome", 20),
    ("Reason", "reason", 90),
)
ATTENTION = ("late_taken", "double_payment")


def outcome_text(item: InboxItem, booking: bool = False) -> Text:
    """What became of a message, in the organiser's words (with `booking`, the booking it paid)."""
    if item.outcome == "recorded_matched":
        text = Text("recorded and matched", style="bold green")
        if booking and item.order_reference:
            text.append(f" → {visible(item.order_reference)}", style="green")
        return text
    if item.outcome == "recorded_unmatched":
        if item.match_outcome in ATTENTION:
            return Text("recorded: ATTENTION", style="bold black on yellow")
        return Text("recorded unmatched", style="bold white on red")
    if item.outcome == "received":
        return Text("NOT PROCESSED yet", style="bold magenta")
    if item.outcome == "rejected":
        return Text("rejected", style="bold red")
    if item.outcome == "duplicate":
        return Text("duplicate", style="dim")
    if item.outcome == "ignored":
        return Text("ignored", style="dim")
    return literal(item.outcome)


def detail_text(item: InboxItem) -> Text:
    """The selected message in full: who sent it, whether it was signed, the reason, the body."""
    text = Text()
    text.append(f"#{item.id} ", style="bold")
    text.append(visible(item.source), style="bold")
    if item.sender:
        text.append(f" from {visible(item.sender)}")
    text.append(f"  {local_time(item.received_at, '%d %b %H:%M:%S')}", style="dim")
    text.append("  signed" if item.authenticated else "  NOT signed", style="green" if item.authenticated else "red")
    if item.amount_paise is not None:
        text.append(f"  {format_rupees(item.amount_paise)}", style="bold")
    if item.utr:
        text.append(f"  UTR {visible(item.utr)}")
    text.append("  ")
    text.append_text(outcome_text(item, booking=True))
    if item.retryable:
        text.append("  r: process it again", style="bold")
    if item.reason:
        text.append(f"\n{visible(item.reason)}")
    body = " ".join(item.text.split())
    if body:
        text.append(f"\n{visible(body[:300])}{'…' if len(body) > 300 or item.truncated else ''}", style="dim")
    return text


class InboxTable(LiteralTable):
    """Keyed by inbox id; rebuilt only when a message arrived or changed."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_shown: tuple[InboxItem, ...] = ()

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, items: tuple[InboxItem, ...]) -> bool:
        """True when the rows changed."""
        if items == self.rows_shown:
            return False
        keep = self.selected()
        self.clear()
        for item in items:
            amount = format_rupees(item.amount_paise) if item.amount_paise is not None else ""
            reason = " ".join((item.reason or "").split())
            self.add_row(
                local_time(item.received_at, "%d %b %H:%M"),
                item.source,
                Text(amount, justify="right"),
                outcome_text(item),
                reason,
                key=str(item.id),
            )
        self.rows_shown = items
        if keep is not None and any(i.id == keep.id for i in items):
            self.move_cursor(row=self.get_row_index(str(keep.id)), animate=False)
        return True

    def selected(self) -> InboxItem | None:
        if not self.rows_shown or not 0 <= self.cursor_row < self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return next((i for i in self.rows_shown if str(i.id) == key), None)
