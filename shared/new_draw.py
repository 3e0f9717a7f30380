"""Starting a new draw (what organisers call "reset all data"): the current draw is archived, never
deleted, a fresh draw starts with every ticket free, and the old one is exported to the exports
folder."""

import tempfile
from pathlib import Path

from .db import utcnow, write_tx
from .draws import SETTING_FIELDS, DrawSettings, archive_draw, current_draw
from .errors import ExportFailed, LuckyDrawError
from .export import default_export_path, export_draw
from .models import Draw, Ticket, record_event
from .states import DrawState, TicketState
from .winner_algorithm import commitment, new_seed


def create_draw(settings: DrawSettings, *, exports_dir: str | Path = "exports", now=None) -> Draw:
    """Start a fresh draw with every ticket free. The current draw, if any, is archived in the same
    transaction (its pending bookings cancelled, its data kept) and then exported to `exports_dir`."""
    now = now or utcnow()
    old = current_draw(required=False)
    export_path = default_export_path(old, exports_dir, now) if old is not None else None
    if export_path is not None:
        _check_writable(export_path.parent)
    seed = new_seed()
    with write_tx():
        if old is not None:
            archive_draw(old, now, str(export_path))
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
    if old is not None:
        # Exported after archiving, so the file is the old draw's final state (nothing can change it now).
        try:
            export_draw(old.id, export_path)
        except LuckyDrawError as error:
            raise ExportFailed(
                f"Draw #{draw.id} has started and draw #{old.id} is archived, but its export "
                f"failed: {error.message} Run 'luckydraw export --draw {old.id}' to retry."
            ) from None
    return draw


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
