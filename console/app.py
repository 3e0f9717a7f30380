"""LuckyDrawApp: the organiser's console. It keeps the main screen fresh from the database (one
poll at a time, re-armed only after the last one finished), opens a dialog per action, and turns
every result into words on the screen and a toast."""

import asyncio
import os
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from shared import db as shared_db
from shared import setup
from shared.backup import auto_backup, backup_due
from shared.booking import release_client_holds
from shared.db import drop_connection, utcnow
from shared.errors import LuckyDrawError
from shared.money import format_rupees, rupees
from shared.new_draw import resume_exports
from shared.payments import check_payments
from shared.states import PaymentState

from .health_watch import CHECK_SECONDS, HealthChecked, HealthNotices, read_health
from .messages import ClientHoldsReleased, Outcome, PaymentsChecked, RefreshFailed, Refused, SnapshotReady, call_core
from .safe_text import visible
from .screens.add_payment import AddPaymentScreen
from .screens.bookings import BookingsScreen
from .screens.cash_sale import CashSaleScreen
from .screens.confirm import ConfirmScreen
from .screens.dashboard import DashboardScreen
from .screens.export import ExportScreen
from .screens.hooks import HooksScreen
from .screens.inbox import InboxScreen
from .screens.new_draw import NewDrawScreen
from .screens.quick_mark import QuickMarkScreen
from .screens.resolve import ResolveScreen
from .screens.settings import SettingsScreen
from .screens.share import ShareScreen
from .screens.statement import StatementScreen
from .screens.winners import WinnersScreen
from .snapshot import DrawInfo, PendingRow, Snapshot, take_snapshot, ticket_labels
from .widgets.holds_warning import plain_key
from .widgets.keys_panel import KeysPanel

REFRESH_SECONDS = 1.0
TUNNEL_CHECK_SECONDS = 0.5
NOTICE_SEVERITY = {
    "matched": "information",
    "late_matched": "information",
    "utr_attached": "information",
    "late_taken": "warning",
    "double_payment": "warning",
    "other_draw": "warning",
    "ambiguous": "warning",
    "unmatched": "warning",
}
ACTIONS = (  # (title, help, action) for the command palette
    ("Add payment", "Record money that arrived: amount, UTR, optional reference", "add_payment"),
    ("Paste bank SMS", "Read amount, UTR and payer from a pasted SMS or UPI notification", "add_payment(True)"),
    ("Quick mark by amount", "Money arrived but no UTR: record it by amount", "quick_mark"),
    ("Check payments", "Run matching again over every unmatched payment", "check_payments"),
    ("Unmatched and needs attention", "Assign a payment by hand, move it, or mark it refunded", "resolve"),
    ("Cash sale", "Book numbers for someone who paid in cash", "cash_sale"),
    ("Bookings", "Search and browse bookings of this or an archived draw", "bookings"),
    ("Export to Excel", "Write the current draw to a workbook", "export"),
    ("Buyer page address and QR", "Show buyers where to book", "share"),
    ("Poster", "A printable A4 poster (PDF) with the buyer address as a QR code", "poster"),
    ("Settings", "UPI ID, payee name, price, tickets, hold minutes", "settings"),
    ("New draw", "Export and archive this draw, start a fresh one", "new_draw"),
    ("Winner draw", "Close sales, prizes, draw the winners, redraw, results file", "winners"),
    ("Payment inbox", "What each SMS-forwarder or Razorpay message became; retry one", "inbox"),
    ("Payment hooks", "Turn the SMS forwarder and Razorpay hooks on or off; setup QR", "hooks"),
)
MAIN_SCREEN_ACTIONS = ("winners", "inbox", "hooks", "statement")  # app-level keys that act on the main screen only


@dataclass(frozen=True)
class Crash:
    """An unexpected error that ended the console: one line for the organiser, the traceback for the log."""

    summary: str
    details: str


class LuckyDrawApp(App):
    CSS_PATH = Path(__file__).with_name("console.tcss")
    TITLE = "Lucky Draw"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("d", "winners", "Draw"),
        Binding("i", "inbox", "Inbox"),
        Binding("h", "hooks", "Hooks"),
        Binding("r", "statement", "Statement", show=False),
    ]

    def __init__(
        self,
        db_url: str | None = None,
        *,
        web_url: str | None = None,
        exports_dir: str | Path = "exports",
        refresh_seconds: float = REFRESH_SECONDS,
        web_status=None,
        tunnel=None,
        health_seconds: float = CHECK_SECONDS,
    ) -> None:
        """`web_status()`, when given, returns None while the buyer web runs, else what went wrong.
        `tunnel` (console.tunnels.Tunnel, from `luckydraw up --share`): its address is the buyer
        address, followed as it changes."""
        super().__init__()
        self.db_url = shared_db.resolve_url(db_url)
        self.web_url = web_url if web_url is not None else os.environ.get("LUCKYDRAW_WEB_URL") or None
        self.exports_dir = exports_dir
        self.refresh_seconds = refresh_seconds
        self.web_status = web_status
        self.tunnel = tunnel
        self._tunnel_seen = None  # the last tunnel state shown
        self.snapshot: Snapshot | None = None
        self.refresh_count = 0
        self._connected = False
        self._polling = False
        self._poll_again = False
        self._timer = None
        self._refreshed = asyncio.Event()
        self._announced: set[int] = set()  # payments already told about (also: recorded here)
        self._asked_for_draw = False
        self._checking = False
        self.dashboard: DashboardScreen | None = None
        self.health_seconds = health_seconds
        self._health = HealthNotices()
        self.crash: Crash | None = None  # set when an unexpected error ended the console

    def _handle_exception(self, error: Exception) -> None:
        """Textual's hook for an error nothing caught (it then ends the app): keep the traceback for
        the console log, which `luckydraw up` / `console` write, and say one line about it."""
        if self.crash is None:
            self.crash = Crash(
                f"{type(error).__name__}: {visible(error)[:200]}", "".join(traceback.format_exception(error))
            )
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        """Textual would print the traceback over the organiser's terminal; it is in the log instead."""
        if self.crash is not None:
            self._exit_renderables.clear()
            return
        super()._print_error_renderables()

    def notify(self, message, *, title="", severity="information", timeout=None, markup=False) -> None:
        """Every toast is literal text: names and references in it are what buyers typed, never
        markup, and control characters in them are shown, not sent to the terminal."""
        super().notify(
            visible(message, keep_newlines=True), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    # Refresh: one poll at a time; the next is armed only when this one has reported back. -----------

    def on_mount(self) -> None:
        self.dashboard = DashboardScreen(self.web_url)
        self.push_screen(self.dashboard)
        self.request_refresh()
        self.set_interval(self.health_seconds, self.watch_sources)
        self._last_backup: datetime | None = utcnow()  # the first one after the interval
        self.set_interval(60, self.periodic_backup)
        if self.tunnel is not None:
            self.set_interval(TUNNEL_CHECK_SECONDS, self.follow_tunnel)

    @work(thread=True, exclusive=True, exit_on_error=False, group="backup")
    def periodic_backup(self) -> None:
        """Every N minutes (the backup schedule) while the console runs: an automatic backup into
        backups/, the newest K kept. A failure is said on screen; selling goes on."""
        try:
            if not self._connected or not backup_due(self._last_backup):
                return
            self._last_backup = utcnow()
            auto_backup("every")
        except Exception as error:
            message = getattr(error, "message", None) or f"{type(error).__name__}: {str(error)[:120]}"
            self.call_from_thread(self.show_outcome, f"Automatic backup failed: {message}", "error", "Backup")

    # The tunnel (`up --share`): its address is the buyer address; a change is shown at once. ---------

    def follow_tunnel(self) -> None:
        headers = self.dashboard.query("#header") if self.dashboard is not None else ()
        if not headers:  # the main screen is not composed yet
            return
        state = self.tunnel.state()
        seen, self._tunnel_seen = self._tunnel_seen, state
        if seen is not None and seen.version == state.version:
            return
        header = headers.first()
        if state.status == "up":
            header.tunnel_note, header.tunnel_down = None, False
        else:
            header.tunnel_note = f"tunnel {state.status}: {state.message}"
            header.tunnel_down = state.status == "down" or state.address is not None
        moved = state.status == "up" and state.address != self.web_url
        if moved:
            self.web_url = state.address
            header.web_url = state.address
        header.show(self.snapshot)
        for screen in self.screen_stack:
            if isinstance(screen, ShareScreen) and self.web_url:
                screen.show_address(self.web_url, public=self.public_address, note=header.tunnel_note or "")
        if seen is None:
            return
        if moved:
            title = "Buyer address changed" if seen.address else "Buyer address ready"
            self.notify(
                f"{state.message}. New QR: press w.",
                title=title,
                severity="warning" if seen.address else "information",
                markup=False,
            )
        elif state.status == "up" and seen.status != "up":
            self.notify(state.message, title="Tunnel back", markup=False)
        elif state.status == "down" and seen.status != "down":
            self.notify(state.message, title="Tunnel down", severity="error", timeout=10, markup=False)

    @property
    def public_address(self) -> bool:
        """True when the buyer address is the tunnel's (reachable from anywhere), not the LAN's."""
        state = self.tunnel.state() if self.tunnel is not None else None
        return bool(state and state.address and state.address == self.web_url)

    def request_refresh(self) -> None:
        """Refresh now, or straight after the poll in flight (never two at once)."""
        if self._polling:
            self._poll_again = True
            return
        self._polling = True
        self._poll_again = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.poll()

    @work(thread=True, exclusive=True, exit_on_error=False, group="refresh")
    def poll(self) -> None:
        try:
            if not self._connected:
                setup.connect(self.db_url)
                self._connected = True
                self.resume_exports()
            snapshot = take_snapshot()
        except Exception as error:  # the database is away: say so, keep trying on a fresh connection
            drop_connection()
            self.post_message(RefreshFailed(f"database: {type(error).__name__}: {str(error)[:120]}"))
            return
        self.post_message(SnapshotReady(snapshot))

    def watch_sources(self) -> None:
        if self._connected:
            self.read_sources()

    @work(thread=True, exclusive=True, exit_on_error=False, group="health")
    def read_sources(self) -> None:
        try:
            self.post_message(read_health())
        except Exception:
            drop_connection()

    def on_health_checked(self, message: HealthChecked) -> None:
        if not self.is_running:
            return
        warnings, recovered = self._health.due(message, asyncio.get_running_loop().time())
        for warning in warnings:
            self.show_outcome(warning, "warning", "Payment source silent")
        for label in recovered:
            self.notify(f"{label} is delivering again.", title="Payment source")

    def resume_exports(self) -> None:
        """An archived draw whose export a stopped new draw left missing is exported again."""
        try:
            written = resume_exports(self.exports_dir)
        except LuckyDrawError as error:
            self.call_from_thread(self.notify, error.message, title="Export", severity="warning")
            return
        for draw_id, path in written:
            text = f"The export of draw #{draw_id} was missing; written again to {path}."
            self.call_from_thread(self.notify, text, title="Export", markup=False)

    def _poll_finished(self) -> None:
        self._polling = False
        if self._timer is not None:  # only ever one armed timer
            self._timer.stop()
            self._timer = None
        if self._poll_again:
            self.request_refresh()
        elif self.is_running:
            self._timer = self.set_timer(self.refresh_seconds, self.request_refresh)

    def on_snapshot_ready(self, message: SnapshotReady) -> None:
        if not self.is_running:  # closing: the main screen's widgets may be gone already
            return
        old, new = self.snapshot, message.snapshot
        self.snapshot = new
        self.refresh_count += 1
        self.dashboard.show(new, self.web_status() if self.web_status else None)
        self._announce(old, new)
        self._poll_finished()
        self._refreshed.set()
        if new.draw is None and not self._asked_for_draw:
            self._asked_for_draw = True
            self.action_new_draw()

    def on_refresh_failed(self, message: RefreshFailed) -> None:
        if not self.is_running:
            return
        self.dashboard.show_problem(message.error)
        self._poll_finished()

    async def wait_for_refresh(self, timeout: float = 10.0) -> Snapshot:
        """The next snapshot shown after this call (for tests and the benchmark)."""
        self._refreshed.clear()
        await asyncio.wait_for(self._refreshed.wait(), timeout)
        return self.snapshot

    async def wait_for_first_refresh(self, timeout: float = 10.0) -> Snapshot:
        if self.snapshot is None:
            await asyncio.wait_for(self._refreshed.wait(), timeout)
        return self.snapshot

    def _announce(self, old: Snapshot | None, new: Snapshot) -> None:
        """Toasts for payments that came in from elsewhere and holds that ran out."""
        if old is None or old.draw is None or new.draw is None or old.draw.id != new.draw.id:
            self._announced.update(p.payment_id for p in new.payments)
            return
        last = max((p.payment_id for p in old.payments), default=0)
        for p in reversed(new.payments):
            if p.payment_id <= last or p.payment_id in self._announced:
                continue
            self._announced.add(p.payment_id)
            amount = format_rupees(p.amount_paise)
            if p.status == PaymentState.MATCHED:
                self.notify(f"{amount} confirmed {p.order_reference} ({p.order_name})", title="Payment matched")
            elif p.status == PaymentState.ATTENTION:
                self.notify(f"{amount}: NEEDS ATTENTION ({p.candidate_reference})", title="Payment", severity="warning")
            elif p.status == PaymentState.UNMATCHED:
                self.notify(f"{amount}: UNMATCHED. Press u to assign it.", title="Payment", severity="warning")
        paid = {p.order_reference for p in new.payments if p.status == PaymentState.MATCHED}
        still = {r.reference for r in new.pending}
        expired = [
            r
            for r in old.pending
            if r.reference not in still and r.reference not in paid and r.expires_at <= new.taken_at
        ]
        for row in expired[:3]:
            self.notify(
                f"{row.reference} ({row.name}): tickets {ticket_labels(row.tickets, new.draw.width, 30)} "
                f"are free again",
                title="Hold expired",
                severity="warning",
            )
        if len(expired) > 3:
            self.notify(f"{len(expired) - 3} more holds expired", title="Hold expired", severity="warning")

    # Results of actions ----------------------------------------------------------------------------

    def recorded_here(self, payment_id: int) -> None:
        """A dialog saved this payment (called from its worker, before the next refresh can show
        it): its result is shown by the dialog, so the refresh does not toast it again."""
        self._announced.add(payment_id)

    def show_outcome(self, text: str, severity: str = "information", title: str = "") -> None:
        self.dashboard.query_one("#outcome").show(text, severity, shared_db.utcnow())
        self.notify(text, title=title, severity=severity, timeout=6)
        self.request_refresh()

    def on_outcome(self, message: Outcome) -> None:
        self.show_outcome(message.text, message.severity, message.title)

    def show_match(self, result) -> None:
        if result is None:
            return
        self._announced.add(result.payment_id)
        text = result.message
        row = next(
            (r for r in (self.snapshot.pending if self.snapshot else ()) if r.reference == result.order_reference), None
        )
        if result.confirmed and row is not None:
            text += f" {row.name}; tickets {ticket_labels(row.tickets, self.snapshot.draw.width, 40)}."
        title = "Payment matched" if result.confirmed else "Needs you" if result.outcome != "unmatched" else "Unmatched"
        self.show_outcome(text, NOTICE_SEVERITY.get(result.outcome, "warning"), title)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """One place for what a worker did not expect (the database went away mid-action…)."""
        if event.state == WorkerState.ERROR and event.worker.node is self:
            self._checking = False
            error = event.worker.error
            self.show_outcome(f"{event.worker.group}: {type(error).__name__}: {error}", "error", "Problem")

    # Actions ----------------------------------------------------------------------------------------

    def _draw(self) -> DrawInfo | None:
        if self.snapshot is None:
            self.notify("Still opening the database…", severity="warning")
            return None
        if self.snapshot.draw is None:
            self.notify("There is no draw yet: press n to start one.", severity="warning")
            return None
        return self.snapshot.draw

    def action_add_payment(self, sms: bool = False, amount_paise: int | None = None, reference: str = "") -> None:
        draw = self._draw()
        if draw:
            self.push_screen(
                AddPaymentScreen(
                    sms=sms,
                    amount=rupees(amount_paise) if amount_paise else "",
                    reference=reference,
                    pending=self.snapshot.pending,
                    width_digits=draw.width,
                ),
                self.show_match,
            )

    def action_quick_mark(self) -> None:
        if self._draw():
            self.push_screen(QuickMarkScreen(), self.show_match)

    def action_cash_sale(self) -> None:
        draw = self._draw()
        if draw:
            self.push_screen(CashSaleScreen(draw), self.show_match)

    def action_resolve(self, payment_id: int | None = None) -> None:
        draw = self._draw()
        if draw:
            self.push_screen(ResolveScreen(draw, payment_id), lambda _: self.request_refresh())

    def action_check_payments(self) -> None:
        if self._draw() and not self._checking:
            self._checking = True
            self.dashboard.query_one("#outcome").show("Checking unmatched payments…", "information")
            self.check()

    @work(thread=True, exclusive=True, exit_on_error=False, group="check payments")
    def check(self) -> None:
        call_core(self.post_message, PaymentsChecked, check_payments)

    def ask_release(self, row: PendingRow) -> None:
        """Confirm, then release every pending hold of the web client that made `row`."""
        if row.client_key is None:
            self.show_outcome(
                f"Booking {row.reference} was made at the console or the command line, not by a web client; "
                "cancel it on its own if it must go.",
                "warning",
                "Release",
            )
            return
        key = row.client_key
        mine = [r for r in (self.snapshot.pending if self.snapshot else ()) if r.client_key == key]
        tickets = sum(len(r.tickets) for r in mine)
        message = Text(
            f"Release every hold of web client {plain_key(key)}?\n\n"
            f"{len(mine)} pending booking{'s' if len(mine) != 1 else ''} with {tickets} tickets are cancelled "
            "and the tickets go back on sale now. Each cancellation is journalled; their amounts stay "
            "reserved for the late-payment window, so a late payment is still recognised."
        )
        self.push_screen(
            ConfirmScreen(message, title="Release a client's holds", yes="Release"),  # type: ignore[arg-type]
            lambda yes: self.release(key) if yes else None,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="release")
    def release(self, client_key: str) -> None:
        call_core(self.post_message, ClientHoldsReleased, release_client_holds, client_key)

    def on_client_holds_released(self, message: ClientHoldsReleased) -> None:
        result = message.result
        count = len(result.references)
        self.show_outcome(
            f"Released {count} booking{'s' if count != 1 else ''} of client {plain_key(result.client_key)}: "
            f"{result.tickets} tickets are free again.",
            "information" if count else "warning",
            "Release",
        )

    def on_payments_checked(self, message: PaymentsChecked) -> None:
        self._checking = False
        results = message.results
        confirmed = [r for r in results if r.confirmed]
        self._announced.update(r.payment_id for r in results)
        if not results:
            self.show_outcome("No unmatched payments to check.")
            return
        refs = ", ".join(r.order_reference for r in confirmed[:5])
        text = (
            f"Checked {len(results)} unmatched payment{'s' if len(results) != 1 else ''}: "
            f"{len(confirmed)} confirmed{' (' + refs + ')' if refs else ''}, "
            f"{len(results) - len(confirmed)} still need you."
        )
        self.show_outcome(text, "information" if confirmed else "warning", "Check payments")

    def on_refused(self, message: Refused) -> None:
        self._checking = False
        self.show_outcome(message.message, "error", "Refused")

    def action_bookings(self) -> None:
        if self._draw():
            self.push_screen(BookingsScreen(self.snapshot.draw.id))

    def action_export(self) -> None:
        draw = self._draw()
        if draw:
            self.open_export(draw)

    def open_export(self, draw: DrawInfo) -> None:
        def exported(path) -> None:
            if path is not None:
                self.show_outcome(f"Exported “{draw.name}” to {path}", "information", "Export")

        self.push_screen(ExportScreen(draw, self.exports_dir), exported)

    def action_share(self) -> None:
        state = self.tunnel.state() if self.tunnel is not None else None
        note = "" if state is None or state.status == "up" else f"tunnel {state.status}: {state.message}"
        self.push_screen(ShareScreen(self.web_url, public=self.public_address, note=note))

    def action_poster(self) -> None:
        if not self._draw():
            return
        if not self.web_url:
            self.notify("No buyer address to print: start with 'luckydraw up --share'.", severity="warning")
            return
        self.notify(f"Drawing the poster for {self.web_url}…", title="Poster", markup=False)
        self.write_poster(self.web_url)

    @work(thread=True, exclusive=True, exit_on_error=False, group="poster")
    def write_poster(self, address: str) -> None:
        from shared.errors import LuckyDrawError

        from .poster import PosterError, current_facts, default_path, make_poster

        try:
            facts = current_facts(address)
        except LuckyDrawError as error:  # no draw
            self.post_message(Outcome(error.message, "warning", "Poster"))
            return
        except Exception:
            drop_connection()  # the next call reconnects; the worker's error handler shows it
            raise
        try:
            path = make_poster(facts, default_path(self.exports_dir, "en").resolve())
        except PosterError as error:
            self.post_message(Outcome(str(error), "error", "Poster"))
            return
        text = f"Poster saved to {path} (in Hindi: luckydraw poster --lang hi)."
        if facts.quick_tunnel:
            text += " This quick-tunnel address changes when the tunnel restarts: print it for today only."
        self.post_message(Outcome(text, "warning" if facts.quick_tunnel else "information", "Poster"))

    def action_settings(self) -> None:
        draw = self._draw()
        if draw:
            self.push_screen(
                SettingsScreen(draw),
                lambda info: info and self.show_outcome(f"Settings of “{info.name}” saved.", "information", "Settings"),
            )

    def action_new_draw(self) -> None:
        if self.snapshot is None:
            self.notify("Still opening the database…", severity="warning")
            return

        def created(result) -> None:
            if result is None:
                return
            text = f"New draw “{result.draw.name}” started: {result.draw.ticket_count:,} tickets, all free."
            if result.archived is not None and result.problem is None:
                text += f" “{result.archived.name}” archived; exported to {result.archived.export_path}."
            elif result.archived is not None:
                text += f" “{result.archived.name}” archived. {result.problem}"
            self._announced.clear()
            self.show_outcome(text, "warning" if result.problem else "information", "New draw")

        self.push_screen(NewDrawScreen(self.snapshot, self.exports_dir), created)

    def action_winners(self) -> None:
        if self._draw():
            self.push_screen(WinnersScreen(self.exports_dir))

    def action_inbox(self) -> None:
        self.push_screen(InboxScreen())

    def action_hooks(self) -> None:
        self.push_screen(HooksScreen(self.web_url))

    def action_statement(self) -> None:
        if self._draw():
            self.push_screen(
                StatementScreen(),
                lambda report: (
                    report and self.show_outcome(report.summary(with_name=False), "information", "Bank statement")
                ),
            )

    def check_action(self, action: str, parameters) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS:
            return self.screen is self.dashboard
        return True

    def action_toggle_keys(self) -> None:
        """Every key of the screen in a side panel (the footer has room for the first few)."""
        panels = self.screen.query(KeysPanel)
        if panels:
            panels.remove()
        else:
            self.screen.mount(KeysPanel())

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        if screen is self.dashboard:
            for title, help_text, action in ACTIONS:
                yield SystemCommand(title, help_text, lambda a=action: self.run_action(a))
