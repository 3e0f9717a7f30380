"""InboxScreen: every message the SMS-forwarder and Razorpay hooks received, newest first, with what
became of it and why, refreshed every two seconds. A signed message that was not recorded (kept
while there was no draw or the database failed, or refused and checked by the organiser) can be
processed again; the payment rules then decide, as for any new message."""

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from shared.intake import InboxItem, inbox_counts, inbox_items, razorpay_hook_settings, retry_item, sms_hook_settings

from ..messages import InboxRetried
from ..safe_text import literal
from ..widgets.inbox_table import InboxTable, detail_text, outcome_text
from .confirm import ConfirmScreen
from .hooks import HooksScreen
from .live_screen import LiveScreen

LIMIT = 200
COUNT_WORDS = (
    ("recorded_matched", "recorded and matched"),
    ("recorded_unmatched", "recorded unmatched"),
    ("received", "not processed"),
    ("duplicate", "duplicate"),
    ("rejected", "rejected"),
    ("ignored", "ignored"),
)


@dataclass(frozen=True)
class InboxView:
    items: tuple[InboxItem, ...]
    counts: tuple[tuple[str, int], ...]
    sms_on: bool
    razorpay_on: bool


def load_inbox(limit: int = LIMIT) -> InboxView:
    counts = inbox_counts()
    return InboxView(
        tuple(inbox_items(limit)),
        tuple(sorted(counts.items())),
        sms_hook_settings().enabled,
        razorpay_hook_settings().enabled,
    )


def summary_text(view: InboxView) -> Text:
    text = Text()
    text.append(" Payment inbox ", style="bold reverse")
    counts = dict(view.counts)
    total = sum(counts.values())
    parts = [f"{counts[key]:,} {words}" for key, words in COUNT_WORDS if counts.get(key)]
    text.append(f"  {total:,} message{'s' if total != 1 else ''}", style="bold")
    if parts:
        text.append(": " + " · ".join(parts))
    text.append("   hooks: ", style="dim")
    for name, on_ in (("SMS", view.sms_on), ("Razorpay", view.razorpay_on)):
        text.append(f"{name} {'on' if on_ else 'off'}", style="bold green" if on_ else "dim")
        text.append(" · " if name == "SMS" else "", style="dim")
    return text


class InboxScreen(LiveScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "retry", "Retry"),
        Binding("h", "hooks", "Hooks"),
        Binding("f5", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: InboxView | None = None

    def compose(self) -> ComposeResult:
        yield Static(" Payment inbox  reading…", id="inbox-title")
        yield InboxTable(id="inbox-table")
        yield Static("", id="inbox-detail")
        yield Static("", id="screen-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(InboxTable).focus()

    def read(self) -> InboxView:
        return load_inbox()

    def show(self, view: InboxView) -> None:
        self.view = view
        self.query_one("#inbox-title", Static).update(literal(summary_text(view), keep_newlines=True))
        table = self.query_one(InboxTable)
        table.show(view.items)
        table.border_title = literal(
            f"Newest {LIMIT} messages" if len(view.items) >= LIMIT else "Messages, newest first"
        )
        self.show_detail()
        if not view.items and not self.status_text:
            self.say("No messages yet. Press h to turn on the SMS forwarder or Razorpay hook.")

    @on(DataTable.RowHighlighted, "#inbox-table")
    def show_detail(self) -> None:
        item = self.query_one(InboxTable).selected()
        self.query_one("#inbox-detail", Static).update(literal(detail_text(item) if item else "", keep_newlines=True))

    def action_reload(self) -> None:
        self.reload()

    def action_retry(self) -> None:
        item = self.query_one(InboxTable).selected()
        if item is None or self.busy:
            return
        if not item.retryable:  # the core says why it cannot be processed again
            self.act(InboxRetried, retry_item, item.id, waiting=f"Inbox #{item.id}…")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(InboxRetried, retry_item, item.id, waiting=f"Processing inbox #{item.id} again…")

        was = f"\n\nIt was: {item.reason}" if item.reason else ""
        self.app.push_screen(
            ConfirmScreen(
                f"Process inbox message #{item.id} ({item.source}) again? If it is a payment it is recorded and "
                f"matched by the usual rules; a repeat changes nothing.{was}",
                title="Retry",
                yes="Process",
            ),
            confirmed,
        )

    def on_inbox_retried(self, message: InboxRetried) -> None:
        result = message.item
        line = Text(f"Inbox #{result.id}: ")
        line.append_text(outcome_text(result, booking=True))
        if result.reason:
            line.append(f". {result.reason}")
        self.say(line.plain, "ok" if result.outcome == "recorded_matched" else "warning")
        self.app.notify(
            line.plain,
            title="Inbox",
            markup=False,
            severity="information" if result.outcome == "recorded_matched" else "warning",
        )

    def action_hooks(self) -> None:
        self.app.push_screen(HooksScreen(self.app.web_url))
