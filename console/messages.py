"""Messages that database workers post back to the UI thread: one small dataclass per kind of
result (a screen handles `on_payment_recorded`, `on_settings_saved`… instead of branching on a
label), a `Refused` that names the result it would have been, and the main screen's refresh."""

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from shared.db import drop_connection
from shared.errors import LuckyDrawError
from shared.intake import InboxItem
from shared.payments import MatchResult
from shared.winner_draw import DrawingResult, PrizePlan

from .snapshot import BookingRow, DrawInfo, PaymentRow, Snapshot

# The main screen's refresh -----------------------------------------------------------------------


@dataclass
class SnapshotReady(Message, bubble=False):
    """A refresh finished: everything the main screen shows, read in one go."""

    snapshot: Snapshot


@dataclass
class RefreshFailed(Message, bubble=False):
    """A refresh could not read the database; the console keeps trying."""

    error: str


# A live screen's own read ------------------------------------------------------------------------


@dataclass
class ScreenRead(Message, bubble=False):
    """A live screen's periodic read returned what it shows (its own view dataclass)."""

    view: object


@dataclass
class ReadFailed(Message, bubble=False):
    """A live screen's read failed; `message` says why (the screen keeps trying)."""

    message: str


# Results of one core call: each subclass has exactly one field, the call's return value ----------


@dataclass
class CoreDone(Message, bubble=False):
    """Base of the result of one core call made for the organiser."""


@dataclass
class PaymentRecorded(CoreDone):
    """A payment was recorded (typed, from an SMS, quick mark, cash sale) and matched by the rules."""

    result: MatchResult


@dataclass
class PaymentAssigned(CoreDone):
    """A payment was put on a booking by hand (or moved to another)."""

    result: MatchResult


@dataclass
class PaymentRefunded(CoreDone):
    """A payment was marked refunded (the stored payment)."""

    payment: object


@dataclass
class ClientHoldsReleased(CoreDone):
    """One web client's pending holds were released."""

    result: object  # shared.booking's release summary: client_key, references, tickets


@dataclass
class StatementPreviewed(CoreDone):
    """A bank statement was read and its import tried without changing anything (a dry run)."""

    result: object  # console.screens.statement's StatementResult: the report and the audit lines


@dataclass
class StatementImported(CoreDone):
    """A bank statement was imported: each credit row through the matching rules."""

    result: object


@dataclass
class PaymentsChecked(CoreDone):
    """Matching ran again over every unmatched payment."""

    results: list[MatchResult]


@dataclass
class OpenPaymentsRead(CoreDone):
    """The payments that still need the organiser."""

    rows: tuple[PaymentRow, ...]


@dataclass
class SettingsSaved(CoreDone):
    draw: DrawInfo


@dataclass
class DrawStarted(CoreDone):
    result: object  # screens.new_draw.NewDrawResult


@dataclass
class Exported(CoreDone):
    path: Path


@dataclass
class SalesClosed(CoreDone):
    """Sales closed (or the public value announced); `text` says what is now on record."""

    text: str


@dataclass
class SalesReopened(CoreDone):
    draw_name: str


@dataclass
class PrizesSaved(CoreDone):
    plan: PrizePlan


@dataclass
class WinnersDrawn(CoreDone):
    result: DrawingResult


@dataclass
class PrizeRedrawn(CoreDone):
    result: DrawingResult


@dataclass
class ResultsWritten(CoreDone):
    path: Path


@dataclass
class SmsHookOn(CoreDone):
    secret: str


@dataclass
class SmsHookOff(CoreDone):
    result: object


@dataclass
class RazorpayHookChanged(CoreDone):
    """The Razorpay secret was set, made, or cleared; `text` says which."""

    text: str


@dataclass
class InboxRetried(CoreDone):
    item: InboxItem


@dataclass
class Refused(Message, bubble=False):
    """The core refused the call that would have posted `of`; `message` says why, in words for the
    organiser."""

    of: type[CoreDone]
    message: str


# Searches ----------------------------------------------------------------------------------------


@dataclass
class DrawsListed(Message, bubble=False):
    draws: tuple[DrawInfo, ...]


@dataclass
class BookingsFound(Message, bubble=False):
    """Bookings that fit the search `key` (what was asked, to drop answers that come late)."""

    key: object
    rows: tuple[BookingRow, ...]
    total: int


@dataclass
class ExportProgress(Message, bubble=False):
    """`done` of `total` rows written to the workbook so far."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ExportProgress)


@dataclass
class Outcome(Message):
    """Something the organiser did has a result to show on the main screen (and as a toast).

    `severity` is a Textual notification severity: information, warning or error."""

    text: str
    severity: str = "information"
    title: str = ""


def call_core(post, result_type: type[CoreDone], func, *args, **kwargs):
    """Run a core call from a worker thread and post `result_type(result)` (returning the result)
    or, when the core refuses, `Refused(result_type, why)` (returning None). Any other error drops
    this thread's connection, so the next call reconnects, and is raised for the worker's error
    handler."""
    try:
        result = func(*args, **kwargs)
    except LuckyDrawError as error:
        post(Refused(result_type, error.message))
        return None
    except Exception:
        drop_connection()
        raise
    post(result_type(result))
    return result
