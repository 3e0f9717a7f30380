"""DashboardScreen: the one screen the organiser lives in — figures, pending bookings, recent
payments, the last outcome — with every action one key away."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from shared.states import PaymentState

from ..snapshot import Snapshot
from ..widgets.draw_header import DrawHeader
from ..widgets.holds_warning import HoldsWarning
from ..widgets.outcome_bar import OutcomeBar
from ..widgets.payments_table import PaymentsTable
from ..widgets.pending_table import PendingTable
from ..widgets.stats_panel import StatsPanel

WIDE_COLUMNS = 150  # pending and payments side by side from here on; stacked below
ROOMY_COLUMNS = 100  # the sales sparkline from here on


class DashboardScreen(Screen):
    # The footer shows the keys of a busy evening (they fit 80 columns); ? lists every key.
    BINDINGS = [
        Binding("a", "app.add_payment", "Pay"),
        Binding("s", "app.add_payment(True)", "SMS"),
        Binding("u", "app.resolve", "Unmatched"),
        Binding("b", "app.bookings", "Bookings"),
        Binding("question_mark", "app.toggle_keys", "All keys"),
        Binding("q", "app.quit", "Quit"),
        Binding("m", "app.quick_mark", "Quick mark (no UTR)", show=False),
        Binding("c", "app.check_payments", "Check payments", show=False),
        Binding("k", "app.cash_sale", "Cash sale", show=False),
        Binding("x", "release_client", "Release a client's holds", show=False),
        Binding("e", "app.export", "Export", show=False),
        Binding("w", "app.share", "Buyer page QR", show=False),
        Binding("p", "app.poster", "Poster", show=False),
        Binding("t", "app.settings", "Settings", show=False),
        Binding("n", "app.new_draw", "New draw", show=False),
    ]

    def __init__(self, web_url: str | None = None) -> None:
        super().__init__()
        self.web_url = web_url

    def compose(self) -> ComposeResult:
        yield DrawHeader(self.web_url, id="header")
        yield StatsPanel(id="stats")
        yield OutcomeBar(id="outcome")
        yield HoldsWarning(id="holds-warning")
        with Container(id="tables"):
            yield PendingTable(id="pending")
            yield PaymentsTable(id="payments")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(PendingTable).focus()
        self.fit(self.app.size.width, self.app.size.height)

    def on_resize(self, event) -> None:
        self.fit(event.size.width, event.size.height)

    def fit(self, width: int, height: int) -> None:
        self.set_class(width >= WIDE_COLUMNS, "wide")
        self.set_class(width >= ROOMY_COLUMNS, "roomy")

    def show(self, snapshot: Snapshot, problem: str | None = None) -> None:
        header = self.query_one(DrawHeader)
        header.problem = problem
        header.show(snapshot)
        if snapshot.draw is None:
            self.query_one(OutcomeBar).show("There is no draw yet: press n to set one up.", "warning")
            return
        self.query_one(StatsPanel).show(snapshot)
        self.query_one(HoldsWarning).show(snapshot.concentration)
        self.query_one(PendingTable).show(snapshot.pending, snapshot.draw.width, snapshot.pending_count)
        self.query_one(PaymentsTable).show(snapshot.payments)

    def show_problem(self, problem: str) -> None:
        header = self.query_one(DrawHeader)
        header.problem = problem
        header.show(self.app.snapshot)

    def action_release_client(self) -> None:
        """r: release every hold of the web client that made the selected pending booking."""
        row = self.query_one(PendingTable).selected()
        if row is None:
            self.app.show_outcome("Select a pending booking first: r releases the holds of its client.", "warning")
        else:
            self.app.ask_release(row)

    @on(DataTable.RowSelected, "#pending")
    def pending_selected(self) -> None:
        row = self.query_one(PendingTable).selected()
        if row is not None:
            self.app.action_add_payment(amount_paise=row.payable_paise, reference=row.reference)

    @on(DataTable.RowSelected, "#payments")
    def payment_selected(self) -> None:
        row = self.query_one(PaymentsTable).selected()
        if row is not None and row.status in (PaymentState.UNMATCHED, "attention"):
            self.app.action_resolve(payment_id=row.payment_id)
