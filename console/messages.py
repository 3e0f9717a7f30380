"""Messages that database workers post back to the UI thread: small dataclasses of plain values."""

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from shared.db import drop_connection
from shared.errors import LuckyDrawError

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


def call_core(post, label: str, func, *args, **kwargs):
    """Run a core call from a worker thread and post DbDone (returning its result) or, when the
    core refuses, DbRefused with its message (returning None). Any other error drops this thread's
    connection, so the next call reconnects, and is raised for the worker's error handler."""
    try:
        result = func(*args, **kwargs)
    except LuckyDrawError as error:
        post(DbRefused(label, error.message))
        return None
    except Exception:
        drop_connection()
        raise
    post(DbDone(label, result))
    return result
