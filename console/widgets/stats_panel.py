"""StatsPanel: the draw's figures at a glance, with a sparkline of tickets sold over time."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from shared.money import format_rupees

from ..safe_text import literal
from ..snapshot import Snapshot


def stats_text(s: Snapshot) -> Text:
    """Three lines: tickets; bookings and money; what still needs the organiser."""
    text = Text()
    text.append("Tickets ", style="dim")
    text.append(f"{s.tickets_total:,}", style="bold")
    text.append("  sold ", style="dim")
    text.append(f"{s.tickets_sold:,}", style="bold green")
    text.append("  held ", style="dim")
    text.append(f"{s.tickets_held:,}", style="bold yellow")
    text.append("  free ", style="dim")
    text.append(f"{s.tickets_free:,}\n", style="bold")
    text.append("Paid bookings ", style="dim")
    text.append(f"{s.paid_bookings:,}", style="bold green")
    text.append("  revenue ", style="dim")
    text.append(format_rupees(s.revenue_paise), style="bold green")
    text.append("  pending ", style="dim")
    text.append(f"{s.pending_count:,}\n", style="bold yellow")
    text.append("Unmatched ", style="dim")
    text.append(
        f"{s.unmatched_count:,} · {format_rupees(s.unmatched_paise)}",
        style="bold white on red" if s.unmatched_count else "bold",
    )
    text.append("  needs attention ", style="dim")
    text.append(
        f"{s.attention_count:,} · {format_rupees(s.attention_paise)}",
        style="bold black on yellow" if s.attention_count else "bold",
    )
    return text


class StatsPanel(Horizontal):
    """Figures on the left, the sales sparkline on the right (hidden when the terminal is narrow)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="stats-text")
        with Vertical(id="sales"):
            yield Static("tickets sold over time", id="sales-label")
            yield Sparkline([], id="sales-sparkline")

    def show(self, snapshot: Snapshot) -> None:
        self.query_one("#stats-text", Static).update(literal(stats_text(snapshot), keep_newlines=True))
        self.query_one("#sales-sparkline", Sparkline).data = list(snapshot.sales)

    @property
    def text(self) -> str:
        """The figures as plain text (what the organiser reads)."""
        return str(self.query_one("#stats-text", Static).content)
