"""The inbox of automatic payment intake as the console lists it: every message the hooks
received, with what became of each. `shared.intake` receives the messages and re-exports this and
`shared.hook_settings`, so front ends need only that one module."""

from dataclasses import asdict, dataclass
from datetime import datetime

from peewee import JOIN, fn

from .errors import NotFound
from .models import Order, Payment
from .models_intake import RECEIVED, REJECTED, InboxMessage


@dataclass(frozen=True)
class InboxItem:
    id: int
    source: str
    received_at: datetime
    outcome: str
    reason: str | None
    authenticated: bool
    sender: str | None
    event_type: str | None
    event_id: str | None
    external_id: str | None
    sent_at: datetime | None
    amount_paise: int | None
    utr: str | None
    payment_id: int | None
    order_reference: str | None
    match_outcome: str | None
    body_bytes: int
    truncated: bool
    expendable: bool  # unsigned, stale or a repeat: its body is cut to 2 KiB and it may be pruned
    text: str

    @property
    def retryable(self) -> bool:
        """A signed message that was not recorded (not processed yet, or refused) can be tried again."""
        return self.authenticated and not self.expendable and self.outcome in (RECEIVED, REJECTED)

    def as_dict(self) -> dict:
        return asdict(self) | {"retryable": self.retryable}


def _items(query) -> list[InboxItem]:
    rows = (
        query.select_extend(Order.reference.alias("order_reference"))
        .join(Payment, JOIN.LEFT_OUTER, on=(InboxMessage.payment == Payment.id))
        .join(Order, JOIN.LEFT_OUTER, on=(Payment.order == Order.id))
        .objects()
    )
    return [
        InboxItem(
            m.id,
            m.source,
            m.received_at,
            m.outcome,
            m.reason,
            m.authenticated,
            m.sender,
            m.event_type,
            m.event_id,
            m.external_id,
            m.sent_at,
            m.amount_paise,
            m.utr,
            m.payment_id,
            m.order_reference,
            m.match_outcome,
            m.body_bytes,
            m.truncated,
            m.expendable,
            m.text,
        )
        for m in rows
    ]


def inbox_items(
    limit: int = 50,
    *,
    source: str | None = None,
    outcome: str | None = None,
    before_id: int | None = None,
    after_id: int | None = None,
) -> list[InboxItem]:
    """The newest inbox messages first (at most `limit`, up to 1,000), optionally of one source or
    outcome; `before_id` pages further back, `after_id` gives only what arrived since."""
    query = InboxMessage.select()
    if source:
        query = query.where(InboxMessage.source == source)
    if outcome:
        query = query.where(InboxMessage.outcome == outcome)
    if before_id:
        query = query.where(InboxMessage.id < before_id)
    if after_id:
        query = query.where(InboxMessage.id > after_id)
    return _items(query.order_by(InboxMessage.id.desc()).limit(max(1, min(int(limit), 1000))))


def inbox_item(inbox_id: int) -> InboxItem:
    found = _items(InboxMessage.select().where(InboxMessage.id == inbox_id)) if str(inbox_id).isdigit() else []
    if not found:
        raise NotFound(f"There is no inbox message #{str(inbox_id)[:12]}.")
    return found[0]


def inbox_counts() -> dict[str, int]:
    """How many inbox messages have each outcome."""
    return dict(
        InboxMessage.select(InboxMessage.outcome, fn.COUNT(InboxMessage.id)).group_by(InboxMessage.outcome).tuples()
    )
