"""Messages that database workers post back to the UI thread: small dataclasses of plain values."""

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from .snapshot import Snapshot


@dataclass
class SnapshotReady(Message, bubble=False):
    """A refresh finished: everything the main screen shows, read in one go."""

    snapshot: Snapshot


@dataclass
class RefreshFailed(Message, bubble=False):
    """A refresh could not read the database; the console keeps trying."""

    error: str


@dataclass
class DbDone(Message, bubble=False):
    """A dialog's database call `label` returned `result`."""

    label: str
    result: Any


@dataclass
class DbRefused(Message, bubble=False):
    """A dialog's database call `label` was refused; `message` says why, in words for the organiser."""

    label: str
    message: str


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
