"""Starting a new draw (what organisers call "reset all data"): the current draw is archived, never
deleted, a fresh draw starts with every ticket free, and the old one is exported to the exports
folder."""

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from peewee import fn

from .db import utcnow, write_tx
from .draws import SETTING_FIELDS, DrawSettings, archive_draw, current_draw
from .errors import ExportFailed, LuckyDrawError
from .export import default_export_path, export_draw, export_in_progress
from .models import Draw, Order, Payment, Ticket, record_event
from .money import format_rupees
from .states import DrawState, OrderState, PaymentState, TicketState
from .winner_algorithm import commitment, new_seed


@dataclass(frozen=True)
class OpenBusiness:
    """What starting a new draw would leave behind in the current one."""

    pending: int = 0
    attention: int = 0
    attention_paise: int = 0
    unmatched: int = 0
    unmatched_paise: int = 0

    @property
    def any(self) -> bool:
        return bool(self.pending or self.attention or self.unmatched)

    def summary(self) -> str:
        """'2 pending bookings, 1 payment needing attention (₹10.00), 1 unmatched payment (₹25.00)'."""
        parts = []
        if self.pending:
            parts.append(f"{self.pending} pending booking{'s' if self.pending != 1 else ''}")
        if self.attention:
            parts.append(
                f"{self.attention} payment{'s' if self.attention != 1 else ''} needing attention "
                f"({format_rupees(self.attention_paise)})"
            )
        if self.unmatched:
            parts.append(
                f"{self.unmatched} unmatched payment{'s' if self.unmatched != 1 else ''} "
                f"({format_rupees(self.unmatched_paise)})"
            )
        return ", ".join(parts) or "nothing open"


def open_business(draw_id: int | None = None) -> OpenBusiness:
    """Pending bookings and unresolved money (needs attention, unmatched) of a draw (default: the current one)."""
    draw = current_draw(required=False) if draw_id is None else Draw.get_or_none(Draw.id == draw_id)
    if draw is None:
        return OpenBusiness()
    pending = Order.select().where((Order.draw == draw.id) & (Order.state == OrderState.PENDING)).count()
    rows = cast(
        list[tuple],
        Payment.select(Payment.status, fn.COUNT(Payment.id), fn.SUM(Payment.amount_paise))
        .where((Payment.draw == draw.id) & Payment.status.in_((PaymentState.ATTENTION, PaymentState.UNMATCHED)))
        .group_by(Payment.status)
        .tuples(),
    )
    money = {status: (count, total or 0) for status, count, total in rows}
    attention = money.get(PaymentState.ATTENTION, (0, 0))
    unmatched = money.get(PaymentState.UNMATCHED, (0, 0))
    return OpenBusiness(pending, attention[0], attention[1], unmatched[0], unmatched[1])


def create_draw(settings: DrawSettings, *, exports_dir: str | Path = "exports", now=None) -> Draw:
    """Start a fresh draw with every ticket free. The current draw, if any, is archived in the same
    transaction (its pending bookings cancelled, its data kept) and then exported to `exports_dir`."""
    now = now or utcnow()
    _check_writable(Path(exports_dir))
    seed = new_seed()
    with write_tx():
        # Read inside the write transaction: two new draws at once archive one another in turn
        # (and the database's draw_one_current index admits only one draw that is not archived).
        old = current_draw(required=False)
        export_path = default_export_path(old, exports_dir, now) if old is not None else None
        if old is not None:
            archive_draw(old, now, None)  # the export's path is recorded once the file is complete
        draw = Draw.create(
            seed=seed,
            seed_hash=commitment(seed),
            created_at=now,
            state=DrawState.OPEN,
            **{f: getattr(settings, f) for f in SETTING_FIELDS},
        )
        rows = [{"draw": draw.id, "number": n, "state": TicketState.FREE} for n in range(1, settings.ticket_count + 1)]
        batch = 500
        for start in range(0, len(rows), batch):
            Ticket.insert_many(rows[start : start + batch]).execute()
        record_event(
            "draw_created",
            draw=draw,
            at=now,
            seed_hash=draw.seed_hash,
            archived_draw=old.id if old else None,
            export=str(export_path) if export_path else None,
        )
    if old is not None and export_path is not None:
        # Exported after archiving, so the file is the old draw's final state (nothing can change it now).
        try:
            _export_archived(old.id, export_path, now)
        except LuckyDrawError as error:
            raise ExportFailed(
                f"Draw #{draw.id} has started and draw #{old.id} is archived, but its export "
                f"failed: {error.message} Run 'luckydraw export --draw {old.id}' to retry."
            ) from None
    return draw


def _export_archived(draw_id: int, path: Path, now) -> Path:
    """Write an archived draw's workbook (renamed into place when complete), then record its path."""
    written = export_draw(draw_id, path)
    with write_tx():
        Draw.update(export_path=str(written)).where(Draw.id == draw_id).execute()
        record_event("draw_exported", draw=draw_id, at=utcnow(), export=str(written))
    return written


def resume_exports(exports_dir: str | Path = "exports", now=None) -> list[tuple[int, Path]]:
    """At start: write again the export of every archived draw whose file is missing (a new draw
    stopped mid-export), after removing the temporary files such an export left behind.
    Returns (draw id, path written) for each."""
    missing = [
        d
        for d in Draw.select().where(Draw.state == DrawState.ARCHIVED).order_by(Draw.id)
        if not d.export_path or not Path(d.export_path).is_file()
    ]
    done = []
    for draw in missing:
        path = default_export_path(draw, exports_dir, draw.archived_at or now or utcnow())
        stale = list(path.parent.glob(f".draw-{draw.id}-*.xlsx.*.tmp"))
        if any(export_in_progress(temp) for temp in stale):
            continue  # another process is writing it right now
        for temp in stale:
            temp.unlink(missing_ok=True)
        done.append((draw.id, _export_archived(draw.id, path, now)))
    return done


def _check_writable(folder: Path) -> None:
    """Refuse before anything changes when the exports folder cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as error:
        raise ExportFailed(
            f"The exports folder {folder} cannot be written ({error.strerror}); nothing was changed."
        ) from None
