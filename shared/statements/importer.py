"""Importing a bank statement: every credit row becomes a payment (source `statement`) through the
normal matching rules of `shared.payments`, unless the money is already on record.

For each credit row, in order: a row imported before (same checksum) is left alone; the bank's own
reversal, or a credit that a debit of the same UTR takes back, is not a payment; a UTR already
recorded (SMS, console, hook, an earlier statement; any draw) is linked, never doubled; a row dated
in an earlier draw's period is reported, never matched against this draw's bookings; a credit of
the amount of an unreconciled quick mark (money seen without a UTR) is that quick mark's money;
everything else is recorded and matched, with only bookings made before the money arrived as
candidates. Debits are counted and ignored.

`import_statement(..., dry_run=True)` runs exactly the same steps inside a transaction that is
rolled back, so its row-by-row preview is what the import would do, and nothing changes; on SQLite
it runs on a snapshot copy in a process of its own, so the live write lock is never held for it.
"""

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from ..booking import expire_due
from ..db import database, is_sqlite, utcnow, write_tx
from ..draws import current_draw
from ..errors import Conflict, DuplicateUTR
from ..models import Draw, Order, Payment, record_event
from ..models_statement import (
    ALREADY_RECORDED,
    OTHER_DRAW,
    QUICK_MARK,
    RECORDED,
    REVERSAL,
    REVERSED,
    StatementImport,
    StatementLine,
)
from ..money import format_rupees
from . import preview
from .batch import ChunkRecorder
from .preview import report_from
from .rows import CREDIT, DEBIT, Statement, StatementRow, read_statement
from .values import INDIA

CHUNK = 500  # rows per write transaction: holds never wait long behind an import
ARRIVAL_SLACK = timedelta(minutes=10)  # the bank's clock against ours
QUICK_BEFORE = timedelta(minutes=30)  # a quick mark is made after the money shows, rarely before
QUICK_AFTER = timedelta(days=2)

# Row actions (what the import does, or would do, with each row).
CONFIRMED = "confirmed"
ATTENTION = "attention"
UNMATCHED = "unmatched"
ALREADY_IMPORTED = "already_imported"
DEBIT_SKIPPED = "debit"
UNREADABLE_ROW = "unreadable"
ACTIONS = (
    CONFIRMED,
    ATTENTION,
    UNMATCHED,
    ALREADY_RECORDED,
    ALREADY_IMPORTED,
    QUICK_MARK,
    OTHER_DRAW,
    REVERSAL,
    REVERSED,
    DEBIT_SKIPPED,
    UNREADABLE_ROW,
)


@dataclass(frozen=True)
class RowResult:
    number: int
    action: str
    text: str  # what happened, in words ("confirm LD-7K3Q2P", "debit skipped", …)
    amount_paise: int = 0
    day: date | None = None
    utr: str | None = None
    order_reference: str | None = None
    narration: str = ""


@dataclass
class ImportReport:
    file_name: str
    bank: str
    file_kind: str
    dry_run: bool
    first_day: date | None
    last_day: date | None
    rows: list = field(default_factory=list)
    import_id: int | None = None
    noise_rows: int = 0

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict:
        return {action: self.count(action) for action in ACTIONS}

    @property
    def changed(self) -> bool:
        return self.import_id is not None

    def summary(self, with_name: bool = True) -> str:
        """The outcome in one line; `with_name` starts it with the file's name and bank."""
        c = self.counts
        verb = "would be" if self.dry_run else "were"
        parts = [
            f"{c[CONFIRMED]} confirmed a booking",
            f"{c[ATTENTION]} need attention",
            f"{c[UNMATCHED]} unmatched",
            f"{c[ALREADY_RECORDED] + c[QUICK_MARK]} already recorded",
            f"{c[ALREADY_IMPORTED]} imported before",
        ]
        if c[OTHER_DRAW]:
            parts.append(f"{c[OTHER_DRAW]} from another draw's period")
        if c[REVERSAL] + c[REVERSED]:
            parts.append(f"{c[REVERSAL] + c[REVERSED]} reversals")
        credits = sum(c[a] for a in ACTIONS if a not in (DEBIT_SKIPPED, UNREADABLE_ROW))
        head = f"{self.file_name} ({self.bank}): " if with_name else f"Bank statement ({self.bank}): "
        text = head + f"{credits} credits {verb} handled: " + ", ".join(parts)
        text += f"; {c[DEBIT_SKIPPED]} debits skipped"
        if c[UNREADABLE_ROW]:
            text += f"; {c[UNREADABLE_ROW]} rows unreadable"
        return text + "."

    def as_dict(self) -> dict:
        data = asdict(self)
        data["counts"] = self.counts
        data["summary"] = self.summary()
        return data


class _DryRun(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """(start, end) of an India day as naive UTC."""
    start = datetime.combine(day, time(0, 0), INDIA).astimezone(timezone.utc).replace(tzinfo=None)
    return start, start + timedelta(days=1)


def india_day(moment: datetime) -> date:
    return moment.replace(tzinfo=timezone.utc).astimezone(INDIA).date()


class _Run:
    """The state of one import: the draws' periods, the quick marks still open, what was stored."""

    def __init__(self, statement: Statement, sha256: str, now: datetime):
        self.statement = statement
        self.sha256 = sha256
        self.now = now
        self.draw = current_draw()
        self.earlier = list(Draw.select().where(Draw.id != self.draw.id).order_by(Draw.id))
        self.import_id = None
        self.recorder: ChunkRecorder | None = None
        self.on_record = self.recorded_utrs(statement.rows)
        self.lines: list[dict] = []  # statement lines not yet written
        self.recorded = self.confirmed = self.new_lines = 0
        self.reversed_by: dict[tuple[str, int], int] = {}  # (UTR, amount) -> the debit row that took it back
        for row in statement.debits:
            if row.utr:
                self.reversed_by.setdefault((row.utr, row.amount_paise), row.number)
        # amount -> [(received_at, payment id, internal id)], open quick marks
        self.quick: dict[int, list[tuple[datetime, int, str]]] = {}
        linked = StatementLine.select(StatementLine.payment).where(StatementLine.payment.is_null(False))
        for pid, amount, received, utr in (
            Payment.select(Payment.id, Payment.amount_paise, Payment.received_at, Payment.utr)
            .where(
                (Payment.draw == self.draw.id)
                & (Payment.utr_missing == True)  # noqa: E712 — peewee expression
                & (Payment.source == "quick")
                & Payment.id.not_in(linked)
            )
            .tuples()
        ):
            self.quick.setdefault(amount, []).append((received, pid, utr))

    def begin_chunk(self, rows) -> None:
        """In the chunk's write transaction: the draw is still the current one (else the import
        stops, its earlier chunks kept), the holds due are expired once for every row, and what
        matching these rows looks at is read once (shared.statements.batch)."""
        if current_draw().id != self.draw.id:
            raise Conflict(
                "A new draw was started during the import: nothing more was imported. Import the "
                "statement again; the rows imported so far are skipped."
            )
        expire_due(self.now)
        self.recorder = ChunkRecorder(self.draw, self.now, rows)

    def recorded_utrs(self, rows: list) -> dict:
        """UTR -> payment id of the statement's UTRs already on record (one query per 500)."""
        utrs = sorted({row.utr for row in rows if row.kind == CREDIT and row.utr})
        found = {}
        for i in range(0, len(utrs), 500):
            found.update(Payment.select(Payment.utr, Payment.id).where(Payment.utr.in_(utrs[i : i + 500])).tuples())
        return found

    def known_checksums(self, rows: list) -> set:
        sums = [row.checksum for row in rows if row.kind == CREDIT]
        known: set[str] = set()
        for i in range(0, len(sums), 500):
            part = sums[i : i + 500]
            known.update(
                c
                for (c,) in StatementLine.select(StatementLine.checksum)
                .where(StatementLine.checksum.in_(part))
                .tuples()
            )
        return known

    # Which draw a row's date falls in ----------------------------------------------------------

    def other_draw(self, row: StatementRow) -> tuple[Draw | None, str] | None:
        """(draw, words) when the row is not of the current draw's period; None when it is."""
        when = row.dated
        start = self.draw.created_at
        if when.timed:
            if when.at >= start.replace(second=0, microsecond=0):  # statements often show minutes only
                return None
            for draw in reversed(self.earlier):
                if draw.created_at <= when.at and (draw.archived_at is None or when.at < draw.archived_at):
                    return draw, f"dated in the period of draw #{draw.id} “{draw.name}”"
            return None, "dated before this draw began"
        first_day = india_day(start)
        if when.day > first_day:
            return None
        ended_that_day = [d for d in self.earlier if d.archived_at and india_day(d.archived_at) >= when.day]
        if when.day == first_day and not ended_that_day:
            return None
        if when.day == first_day:
            draw = ended_that_day[-1]
            return draw, (
                f"dated {when.day:%d %b}, the day draw #{draw.id} “{draw.name}” ended and this one began "
                f"(no time of day to tell them apart): check it by hand"
            )
        for draw in reversed(self.earlier):
            if india_day(draw.created_at) <= when.day and (
                draw.archived_at is None or when.day <= india_day(draw.archived_at)
            ):
                return draw, f"dated in the period of draw #{draw.id} “{draw.name}”"
        return None, "dated before this draw began"

    def booked_before(self, row: StatementRow) -> datetime:
        when = row.dated
        if when.timed:
            return when.at + ARRIVAL_SLACK
        return day_bounds(when.day)[1]

    def quick_mark(self, row: StatementRow):
        """The open quick mark that is this credit's money, if any (nearest in time)."""
        marks = self.quick.get(row.amount_paise)
        if not marks:
            return None
        when = row.dated
        start, end = (when.at, when.at) if when.timed else day_bounds(when.day)
        fits = [m for m in marks if start - QUICK_BEFORE <= m[0] <= end + QUICK_AFTER]
        if not fits:
            return None
        pending = Order.select().where(
            (Order.draw == self.draw.id) & (Order.state == "pending") & (Order.payable_paise == row.amount_paise)
        )
        if pending.exists():  # a booking waits for exactly this: let matching have it
            return None
        chosen = min(fits, key=lambda m: abs((m[0] - start).total_seconds()))
        marks.remove(chosen)
        return chosen

    # Storing -----------------------------------------------------------------------------------

    def store(self, row: StatementRow, outcome: str, *, draw=None, payment_id=None, note=None) -> None:
        if self.import_id is None:
            period = self.statement.period
            self.import_id = StatementImport.create(
                draw=self.draw.id,
                file_name=self.statement.name[:255],
                file_sha256=self.sha256,
                file_kind=self.statement.file_kind,
                bank=self.statement.layout.name,
                first_day=period[0] if period else None,
                last_day=period[1] if period else None,
                imported_at=self.now,
            ).id
        when = row.dated
        self.lines.append(
            dict(
                statement=self.import_id,
                draw=draw.id if draw is not None else None,
                checksum=row.checksum,
                row_number=row.number,
                booked_at=when.at,
                booked_day=when.day,
                timed=when.timed,
                amount_paise=row.amount_paise,
                utr=row.utr,
                reference=row.reference or None,
                payer=row.payer,
                payer_vpa=row.payer_vpa,
                narration=row.narration,
                outcome=outcome,
                payment=payment_id,
                note=note,
            )
        )
        self.new_lines += 1

    def flush(self) -> None:
        """Write the lines stored since the last flush (in the chunk's transaction)."""
        for i in range(0, len(self.lines), 100):
            StatementLine.insert_many(self.lines[i : i + 100]).execute()
        self.lines = []

    # One row ------------------------------------------------------------------------------------

    def handle(self, row: StatementRow, known: set) -> RowResult:
        def result(action, text, reference=None):
            return RowResult(
                row.number,
                action,
                text,
                row.amount_paise,
                row.when.day if row.when else None,
                row.utr,
                reference,
                row.narration,
            )

        if row.kind == DEBIT:
            return result(DEBIT_SKIPPED, "debit skipped")
        if row.kind != CREDIT:
            return result(UNREADABLE_ROW, f"unreadable: {row.problem}")
        if row.checksum in known:
            return result(ALREADY_IMPORTED, "imported before: nothing to do")
        known.add(row.checksum)
        if row.reversal:
            self.store(row, REVERSAL, note="the bank's reversal, not a buyer's payment")
            return result(REVERSAL, "bank reversal: not a payment")
        taken_back = self.reversed_by.get((row.utr, row.amount_paise)) if row.utr else None
        if taken_back:
            self.store(row, REVERSED, note=f"taken back by row {taken_back}")
            return result(REVERSED, f"credited and taken back (row {taken_back}): not a payment")
        if row.utr and row.utr in self.on_record:
            return self._already(row, Payment.get_by_id(self.on_record[row.utr]), result)
        elsewhere = self.other_draw(row)
        if elsewhere is not None:
            draw, words = elsewhere
            self.store(row, OTHER_DRAW, draw=draw, note=words)
            return result(OTHER_DRAW, f"not recorded here: {words}")
        mark = self.quick_mark(row)
        if mark is not None:
            self.store(row, QUICK_MARK, draw=self.draw, payment_id=mark[1], note=f"the money of quick mark {mark[2]}")
            reference = (
                Order.select(Order.reference)
                .join(Payment, on=(Payment.order == Order.id))
                .where(Payment.id == mark[1])
                .scalar()
            )
            return result(QUICK_MARK, f"already recorded as quick mark {mark[2]}", reference)
        return self._record(row, result)

    def _already(self, row, existing: Payment, result) -> RowResult:
        self.store(row, ALREADY_RECORDED, draw=Draw.get_by_id(existing.draw_id), payment_id=existing.id)
        reference = (
            Order.select(Order.reference).where(Order.id == existing.order_id).scalar() if existing.order_id else None
        )
        where = "" if existing.draw_id == self.draw.id else f" in draw #{existing.draw_id}"
        settled = f", settled {reference}" if reference else f", {existing.status}"
        return result(ALREADY_RECORDED, f"already recorded ({existing.source}{where}{settled})", reference)

    def _record(self, row, result) -> RowResult:
        assert self.recorder is not None, "begin_chunk reads the chunk first"
        try:
            match = self.recorder.record(
                row,
                booked_before=self.booked_before(row),
                note=f"Statement {self.statement.name[:60]} row {row.number}: {row.narration}",
            )
        except DuplicateUTR:  # recorded a moment ago by another source
            return self._already(row, Payment.get(Payment.utr == row.utr), result)
        self.store(row, RECORDED, draw=self.draw, payment_id=match.payment_id, note=match.message)
        self.recorded += 1
        if match.confirmed:
            self.confirmed += 1
            late = " (late payment, numbers re-held)" if match.outcome == "late_matched" else ""
            return result(CONFIRMED, f"confirm {match.order_reference}{late}", match.order_reference)
        if match.outcome in ("late_taken", "double_payment", "after_draw"):
            return result(ATTENTION, f"needs attention: {match.message}", match.order_reference)
        return result(UNMATCHED, f"unmatched: {match.message}")

    def finish(self) -> None:
        if self.import_id is None:
            return
        counts = dict(
            rows=len(self.statement.rows),
            credits=len(self.statement.credits),
            debits=len(self.statement.debits),
            unreadable=len(self.statement.unreadable),
            new_lines=self.new_lines,
            recorded=self.recorded,
            confirmed=self.confirmed,
        )
        StatementImport.update(**counts).where(StatementImport.id == self.import_id).execute()
        record_event("statement_imported", draw=self.draw.id, at=self.now, statement=self.import_id, **counts)


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_statement(
    path, *, bank=None, columns=None, dry_run=False, progress=None, now=None, statement=None, on_snapshot=True
) -> ImportReport:
    """Import (or with `dry_run`, preview) the statement at `path`. A file that cannot be read
    raises StatementUnreadable before anything is touched. `progress(done, total)` is called as
    rows are handled. On SQLite a dry run is made on a snapshot of the database in a process of its
    own (shared.statements.preview), so buyers keep booking while the organiser looks."""
    statement = statement or read_statement(path, bank, columns)
    sha256 = file_sha256(path)
    now = now or utcnow()
    period = statement.period
    report = ImportReport(
        Path(path).name,
        statement.layout.name,
        statement.file_kind,
        dry_run,
        period[0] if period else None,
        period[1] if period else None,
        noise_rows=statement.noise_rows,
    )
    rows = statement.rows
    total = len(rows)
    if dry_run and on_snapshot and is_sqlite() and database.obj.database not in ("", ":memory:"):
        return preview.on_snapshot(
            database.obj.database,
            statement,
            path,
            now,
            progress,
            lambda data: report_from(data, ImportReport, RowResult),
        )
    if dry_run:
        try:
            with write_tx():
                run = _Run(statement, sha256, now)
                _handle_all(run, rows, set(), report, progress, total)
                raise _DryRun
        except _DryRun:
            pass
        return report
    run = _Run(statement, sha256, now)
    known: set[str] = set()
    for start in range(0, total, CHUNK):
        with write_tx():
            _handle_chunk(run, rows[start : start + CHUNK], known, report)
        if progress:
            progress(min(start + CHUNK, total), total)
    with write_tx():
        run.finish()
    report.import_id = run.import_id
    return report


def _handle_chunk(run, rows, known, report) -> None:
    # Inside the chunk's write transaction: rows another import stored since we looked are known now.
    known |= run.known_checksums(rows)
    run.begin_chunk(rows)
    for row in rows:
        report.rows.append(run.handle(row, known))
    run.flush()


def _handle_all(run, rows, known, report, progress, total) -> None:
    for start in range(0, total, CHUNK):
        _handle_chunk(run, rows[start : start + CHUNK], known, report)
        if progress:
            progress(min(start + CHUNK, total), total)
    run.finish()


def describe(report: ImportReport) -> list[str]:
    """One line per row, as the CLI and the console show them."""
    lines = []
    for row in report.rows:
        amount = format_rupees(row.amount_paise) if row.amount_paise else "-"
        day = f"{row.day:%d %b %Y}" if row.day else "-"
        line = f"row {row.number:>5}  {day:<11} {amount:>12}  {row.utr or '-':<12}  {row.text}"
        if row.action in (UNMATCHED, ATTENTION, OTHER_DRAW) and row.narration:
            line += f"  [{row.narration[:80]}]"
        lines.append(line)
    return lines
