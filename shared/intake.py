"""Automatic payment intake: signed messages from an SMS forwarder on the organiser's phone
(`POST /hooks/sms`) and from Razorpay webhooks (`POST /hooks/razorpay`).

Every message is stored raw in the inbox before it is read. A message whose signature checks out
is read (a bank SMS with `shared.sms`; a Razorpay payment by its documented payload) and can only
*record* a payment through `shared.payments.record_payment`: the matching rules then decide, so
nothing is confirmed on a guess. A repeat (same request, event, Razorpay payment or UTR) changes
nothing and is answered as success, so that senders stop retrying.

`receive(source, headers, body)` is the whole HTTP contract as a function of raw bytes and headers
returning a `HookResponse`, for any WSGI front end. For the console it re-exports
`shared.hook_settings` (the hooks' secrets: `enable_sms_hook`, `sms_hook_settings`, …) and
`shared.inbox` (`inbox_items`, …) and adds `retry_item`. The SMS signing scheme is described in docs/hooks.md.
"""

import hashlib
import hmac
import json
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from .db import utcnow, write_tx
from .errors import Conflict, DuplicateUTR, InvalidInput, LuckyDrawError, NotFound
from .hook_settings import (
    PATHS,
    HookSettings,
    disable_razorpay_hook,
    disable_sms_hook,
    enable_razorpay_hook,
    enable_sms_hook,
    hook_secret,
    hook_settings,
    razorpay_hook_settings,
    sms_hook_settings,
    sms_setup_payload,
)
from .ids import normalise_reference
from .inbox import (
    InboxItem,
    inbox_counts,
    inbox_item,
    inbox_items,
)
from .models import Order
from .models_intake import (
    DUPLICATE,
    IGNORED,
    OUTCOMES,
    RECEIVED,
    RECORDED_MATCHED,
    RECORDED_UNMATCHED,
    REJECTED,
    SOURCES,
    InboxKey,
    InboxMessage,
)
from .payments import record_payment
from .rate_buckets import SharedRateLimiter
from .ratelimit import Limit, RateLimiter
from .sms import SmsRejected, is_known_sender, parse_credit_sms
from .validation import SESSION_RE, clean_name, parse_utr, parse_vpa

log = logging.getLogger("luckydraw.intake")

MAX_BODY = 16 * 1024  # larger bodies are refused (413) unread
KEEP_EXPENDABLE = 2 * 1024  # unsigned, stale or repeated messages keep only this much body
MAX_EXPENDABLE_ROWS = 5000  # and only this many of them (the oldest go first)
SMS_WINDOW = 5 * 60  # a signed SMS request older than this is refused as a replay
FUTURE_SKEW = 60  # a timestamp may be this far ahead (phone clocks drift)
RAZORPAY_MAX_AGE = 8 * 24 * 3600  # Razorpay retries for 24 h; dashboard replays reach 7 days back
HANDLED_EVENTS = ("payment.captured", "qr_code.credited")
HEADERS_KEPT = (
    "content-type",
    "content-length",
    "user-agent",
    "x-signature",
    "x-timestamp",
    "x-razorpay-signature",
    "x-razorpay-event-id",
)
NOT_FOUND = "There is nothing here."


@dataclass(frozen=True)
class HookResponse:
    """What to answer: HTTP status, a JSON object, extra headers."""

    status: int
    body: dict
    headers: tuple[tuple[str, str], ...] = ()


# ---------------------------------------------------------------- rate limits


# Per source, in `shared.ratelimit` buckets: "requests" counts the signed deliveries (refusals never
# spend it, so a flood of junk cannot crowd out the real money); "failures" the refused messages
# (bad, missing or stale signatures) per sending IP, checked after the signature; "expendable" the
# unsigned, stale or repeated messages that are stored (bounded), so a flood of junk can neither
# fill the disk nor crowd the inbox. Values: (burst capacity, refill per second).
DEFAULT_LIMITS = {"requests": (120, 10.0), "failures": (30, 0.5), "expendable": (20, 0.5)}
# The junk limits ("failures", "expendable") bound what a flood can make every worker store or
# answer, so with several web workers they are kept in the database (share_rate_limits) and hold
# across all of them; "requests" stays in each process's memory (it only ever slows real money).
SHARED_KINDS = ("failures", "expendable")
_limits: dict[tuple[str, str], tuple[float, float]] = {}
_buckets: dict[tuple[str, str], RateLimiter | SharedRateLimiter] = {}
_buckets_lock = threading.Lock()
_sharing = {"on": False}


def share_rate_limits(on: bool) -> None:
    """Keep the junk limits in the database (every worker and machine) or in this process."""
    with _buckets_lock:
        _sharing["on"] = bool(on)
        _buckets.clear()


def set_rate_limit(source: str, kind: str = "requests", *, capacity: float, per_second: float) -> None:
    """Change a limit of this process (and start its buckets full)."""
    if source not in SOURCES or kind not in DEFAULT_LIMITS or capacity < 1 or per_second <= 0:
        raise InvalidInput("A rate limit needs a known source and kind, capacity ≥ 1 and a positive rate.")
    with _buckets_lock:
        _limits[(source, kind)] = (capacity, per_second)
        _buckets.pop((source, kind), None)


def reset_rate_limits() -> None:
    with _buckets_lock:
        _limits.clear()
        _buckets.clear()


def _wait(source: str, kind: str, key: str = "") -> int:
    """0 when `key` (an IP for "failures", else everyone) may go on, else the seconds to wait."""
    with _buckets_lock:
        limiter = _buckets.get((source, kind))
        if limiter is None:
            capacity, per_second = _limits.get((source, kind), DEFAULT_LIMITS[kind])
            limit = Limit(int(capacity), capacity / per_second)
            limiter = _buckets[(source, kind)] = (
                SharedRateLimiter(f"hook_{source}_{kind}", limit)
                if _sharing["on"] and kind in SHARED_KINDS
                else RateLimiter(limit)
            )
    return limiter.hit(key)


# ---------------------------------------------------------------- signatures


def sms_signature(secret: str, body: bytes, timestamp: str | int | None = None) -> str:
    """`X-Signature` for a forwarded SMS: sha256=HMAC(secret, "<X-Timestamp>." + body), or of the
    body alone when the body's `sent_at` carries the time instead."""
    material = body if timestamp is None else str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), material, hashlib.sha256).hexdigest()


def razorpay_signature(secret: str, body: bytes) -> str:
    """`X-Razorpay-Signature`: hex HMAC-SHA256 of the raw body with the webhook secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _same(expected_hex: str, given: str) -> bool:
    return hmac.compare_digest(expected_hex.encode(), given.strip().lower().encode("utf-8", "replace"))


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def _from_epoch(seconds) -> datetime | None:
    try:
        seconds = float(seconds)
        if seconds > 1e11:  # milliseconds, as phones often send them
            seconds /= 1000.0
        return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_time(value) -> datetime | None:
    """ISO 8601 with a zone, or Unix seconds/milliseconds → naive UTC; None if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        return _from_epoch(value)
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _window_problem(moment: float, now: float, max_age: float, what: str) -> str | None:
    if moment < now - max_age:
        minutes = round(max_age / 60)
        span = f"{minutes} minutes" if minutes < 120 else f"{round(max_age / 86400)} days"
        return f"The message is older than {span} ({what}), so it is refused as a possible replay."
    if moment > now + FUTURE_SKEW:
        return f"The message is dated in the future ({what}); check the sending device's clock."
    return None


@dataclass(frozen=True)
class _Auth:
    source: str
    ok: bool
    reason: str = ""
    authentic: bool = False  # the signature matched (even if the time did not)
    event_id: str | None = None  # SMS: the signature; Razorpay: x-razorpay-event-id
    timestamp: str | None = None  # SMS: X-Timestamp, when the request carries one

    @property
    def keys(self) -> tuple[str, ...]:
        """What identifies this delivery for deduplication."""
        if not self.event_id:
            return ()
        return (("sig:" if self.source == "sms" else "event:") + self.event_id,)


def _authenticate(source: str, secret: str, headers: dict, raw: bytes, now: datetime) -> _Auth:
    if source == "razorpay":
        given = headers.get("x-razorpay-signature")
        if not given:
            return _Auth(source, False, "The X-Razorpay-Signature header is missing.")
        if not _same(razorpay_signature(secret, raw), given):
            return _Auth(source, False, "The X-Razorpay-Signature does not match this body; check the webhook secret.")
        event_id = (headers.get("x-razorpay-event-id") or "").strip()[:80] or None
        return _Auth(source, True, authentic=True, event_id=event_id)
    given = headers.get("x-signature")
    if not given:
        return _Auth(source, False, "The X-Signature header is missing.")
    given = given.strip()
    if given[:7].lower() == "sha256=":
        given = given[7:]
    stamp = headers.get("x-timestamp")
    if stamp is not None:
        stamp = stamp.strip()
        if not re.fullmatch(r"\d{9,13}", stamp):
            return _Auth(source, False, "X-Timestamp must be Unix time in seconds.")
    expected = sms_signature(secret, raw, stamp)[7:]
    if not _same(expected, given):
        return _Auth(source, False, "The X-Signature does not match this body; check the secret in the forwarder app.")
    if stamp is not None:
        moment = _from_epoch(stamp)
        if moment is None:
            return _Auth(source, False, "X-Timestamp must be Unix time in seconds.")
        problem = _window_problem(_epoch(moment), _epoch(now), SMS_WINDOW, "X-Timestamp")
        if problem:
            return _Auth(source, False, problem, authentic=True, event_id=expected, timestamp=stamp)
    return _Auth(source, True, authentic=True, event_id=expected, timestamp=stamp)


# ---------------------------------------------------------------- receiving a message


class _Refusal(Exception):
    """The message is authentic but is not recorded as a payment: why, and what to answer."""

    def __init__(self, status: int, outcome: str, reason: str):
        super().__init__(reason)
        self.status, self.outcome, self.reason = status, outcome, reason


@dataclass(frozen=True)
class _Credit:
    amount_paise: int
    utr: str | None
    reference: str | None
    payer: str | None
    payer_vpa: str | None
    received_at: datetime
    keys: tuple[str, ...] = ()


def _error(status: int, message: str, retry_after: float | None = None, **extra) -> HookResponse:
    headers = (("Retry-After", str(max(1, int(retry_after + 0.999)))),) if retry_after is not None else ()
    return HookResponse(status, {"error": message, **extra}, headers)


def receive(
    source: str, headers, body: bytes, *, remote: str | None = None, now: datetime | None = None
) -> HookResponse:
    """Handle one POST to a hook: `headers` any mapping (names in any case), `body` the raw bytes.

    404 when the hook is off; 413 over MAX_BODY; 429 over a rate limit (signed deliveries, refusals
    per `remote` address, stored refusals: a flood of unsigned junk never blocks signed ones); 401 for a missing, wrong
    or stale signature (stored, bounded); 400 for a signed body that is not a JSON object;
    200 with {"status": "recorded" | "duplicate" | "rejected" | "ignored"} otherwise;
    503 when a signed message was stored but there is no draw to record it in yet.
    Database errors propagate (for the front end's "busy" answer); a message that was stored by
    then stays in the inbox as "received", ready for `retry_item`."""
    secret = hook_secret(source)
    if not secret:
        return _error(404, NOT_FOUND)
    if len(body) > MAX_BODY:
        return _error(413, f"The message is too large: at most {MAX_BODY // 1024} KiB.")
    now = now or utcnow()
    headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    auth = _authenticate(source, secret, headers, body, now)  # an HMAC: cheap, and no database
    if not auth.ok:
        wait = _wait(source, "failures", str(remote or ""))
        if wait:
            return _error(429, "Too many refused messages from your address; please send again later.", wait)
    else:
        wait = _wait(source, "requests")
        if wait:
            return _error(429, "Too many messages just now; please send again shortly.", wait)
    first = _first_handled(source, auth.keys) if auth.ok else None
    if not auth.ok or first is not None:
        wait = _wait(source, "expendable")
        if wait:
            return _error(429, "Too many refused messages just now; please send again later.", wait)
        if not auth.ok:
            _store(source, body, headers, remote, now, auth, expendable=True, outcome=REJECTED, reason=auth.reason)
            return _error(401, auth.reason)
        message_id = _store(
            source,
            body,
            headers,
            remote,
            now,
            auth,
            expendable=True,
            outcome=DUPLICATE,
            reason=f"The same message was handled as inbox #{first}; nothing changed.",
        )
        return HookResponse(200, {"status": "duplicate", "inbox_id": message_id})
    message_id = _store(source, body, headers, remote, now, auth)
    return _process(message_id, source, body, auth, now, check_age=True)


def _store(source, raw, headers, remote, now, auth, *, expendable=False, outcome=RECEIVED, reason=None) -> int:
    """Keep the message as it came, before anything reads it."""
    kept = raw[:KEEP_EXPENDABLE] if expendable else raw
    with write_tx():
        message = InboxMessage.create(
            source=source,
            received_at=now,
            remote=str(remote)[:64] if remote else None,
            authenticated=auth.authentic,
            expendable=expendable,
            headers=json.dumps({k: headers[k][:200] for k in HEADERS_KEPT if k in headers}, sort_keys=True),
            body=kept,
            body_bytes=len(raw),
            body_sha256=hashlib.sha256(raw).hexdigest(),
            truncated=len(kept) < len(raw),
            event_id=auth.event_id if auth.authentic else None,
            outcome=outcome,
            reason=reason,
            processed_at=None if outcome == RECEIVED else now,
        )
        if expendable:
            cutoff = (
                InboxMessage.select(InboxMessage.id)
                .where(InboxMessage.expendable == True)  # noqa: E712
                .order_by(InboxMessage.id.desc())
                .offset(MAX_EXPENDABLE_ROWS)
                .limit(1)
                .scalar()
            )
            if cutoff:
                InboxMessage.delete().where(
                    (InboxMessage.expendable == True)  # noqa: E712
                    & (InboxMessage.id <= cutoff)
                ).execute()
    return message.id


def _first_handled(source: str, keys, excluding: int | None = None) -> int | None:
    """The inbox id that first handled any of these keys, if one did."""
    if not keys:
        return None
    query = InboxKey.select(InboxKey.message).where((InboxKey.source == source) & InboxKey.key.in_(list(keys)))
    if excluding is not None:
        query = query.where(InboxKey.message != excluding)
    row = query.order_by(InboxKey.id).first()
    return row.message_id if row else None


def _process(message_id: int, source: str, raw: bytes, auth: _Auth, now: datetime, check_age: bool) -> HookResponse:
    info: dict = {}
    try:
        data = _json_object(raw)
        read = _read_sms if source == "sms" else _read_razorpay
        credit = read(data, auth, now, info, check_age)
        return _record(message_id, source, credit, auth, info, now)
    except _Refusal as refusal:
        with write_tx():
            _finish(message_id, source, auth.keys, refusal.outcome, refusal.reason, info, now)
        if refusal.status >= 400:
            return _error(refusal.status, refusal.reason, inbox_id=message_id)
        return HookResponse(
            refusal.status, {"status": refusal.outcome, "reason": refusal.reason, "inbox_id": message_id}
        )
    except NotFound as error:  # no draw to record it in yet: keep it for a retry
        _note(message_id, f"Not processed yet: {error.message}")
        return _error(503, f"{error.message} The message is kept in the inbox.", 60, inbox_id=message_id)
    except LuckyDrawError as error:
        with write_tx():
            _finish(message_id, source, auth.keys, REJECTED, error.message, info, now)
        return HookResponse(200, {"status": REJECTED, "reason": error.message, "inbox_id": message_id})
    except Exception:  # the database failed: the message stays in the inbox as received
        _note(message_id, "Not processed yet: the database was busy or failed.")
        raise


def _note(message_id: int, reason: str) -> None:
    try:
        with write_tx():
            InboxMessage.update(reason=reason).where(
                (InboxMessage.id == message_id) & (InboxMessage.outcome == RECEIVED)
            ).execute()
    except Exception:  # noqa: BLE001 - the note is a courtesy; the row already says "received"
        log.exception("could not annotate inbox message %s", message_id)


def _record(message_id, source, credit: _Credit, auth: _Auth, info: dict, now: datetime) -> HookResponse:
    keys = auth.keys + credit.keys
    with write_tx():
        first = _first_handled(source, keys, excluding=message_id)
        if first is not None:
            _finish(
                message_id, source, keys, DUPLICATE, f"Already handled as inbox #{first}; nothing changed.", info, now
            )
            return HookResponse(200, {"status": DUPLICATE, "inbox_id": message_id})
        try:
            result = record_payment(
                credit.amount_paise,
                credit.utr,
                reference=credit.reference,
                payer=credit.payer,
                payer_vpa=credit.payer_vpa,
                source=source,
                received_at=credit.received_at,
                now=now,
                quick=credit.utr is None,
            )
        except DuplicateUTR as error:
            _finish(message_id, source, keys, DUPLICATE, error.message, info, now)
            return HookResponse(200, {"status": DUPLICATE, "inbox_id": message_id})
        outcome = RECORDED_MATCHED if result.confirmed else RECORDED_UNMATCHED
        reason = result.message if credit.utr else f"{result.message} (No UTR came with it: recorded as {result.utr}.)"
        _finish(
            message_id,
            source,
            keys,
            outcome,
            reason,
            info,
            now,
            payment=result.payment_id,
            match_outcome=result.outcome,
        )
        digest = InboxMessage.select(InboxMessage.body_sha256).where(InboxMessage.id == message_id).scalar()
        InboxMessage.update(
            outcome=DUPLICATE,
            processed_at=now,
            reason=f"A later copy of this message was processed as inbox #{message_id}.",
        ).where(
            (InboxMessage.source == source)
            & (InboxMessage.body_sha256 == digest)
            & (InboxMessage.outcome == RECEIVED)
            & (InboxMessage.id < message_id)
        ).execute()
    return HookResponse(200, {"status": "recorded", "confirmed": result.confirmed, "inbox_id": message_id})


def _finish(message_id, source, keys, outcome, reason, info, now, payment=None, match_outcome=None) -> None:
    """Inside a write transaction: remember the keys and write down what became of the message."""
    for key in keys:
        if not InboxKey.select().where((InboxKey.source == source) & (InboxKey.key == key)).exists():
            InboxKey.create(source=source, key=key[:120], message=message_id, created_at=now)
    InboxMessage.update(
        outcome=outcome, reason=reason, processed_at=now, payment=payment, match_outcome=match_outcome, **info
    ).where(InboxMessage.id == message_id).execute()


# ---------------------------------------------------------------- reading the two kinds of message


def _json_object(raw: bytes) -> dict:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise _Refusal(400, REJECTED, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise _Refusal(400, REJECTED, "The body must be a JSON object.")
    return data


def _pick(data: dict, *names):
    for name in names:
        if name in data:
            return data[name]
    return None


def _payer(name) -> str | None:
    try:
        return clean_name(name, "Payer") if name else None
    except InvalidInput:
        return None


def _vpa(text) -> str | None:
    try:
        return parse_vpa(text) if isinstance(text, str) and text else None
    except InvalidInput:
        return None


_REFERENCE_IN_TEXT = re.compile(r"\bLD[-\s]?[0-9A-Z]{6}\b", re.IGNORECASE)


def _read_sms(data: dict, auth: _Auth, now: datetime, info: dict, check_age: bool) -> _Credit:
    text, sender = _pick(data, "text", "message"), _pick(data, "sender", "from")
    sent = _pick(data, "sent_at", "timestamp")
    if not isinstance(text, str) or not text.strip():
        raise _Refusal(400, REJECTED, 'The body needs "text": the SMS as a string.')
    if not isinstance(sender, str) or not sender.strip():
        raise _Refusal(400, REJECTED, 'The body needs "sender": the SMS sender id, like "VM-HDFCBK".')
    info["sender"] = sender.strip()[:40]
    sent_at = None
    if sent is not None:
        sent_at = _parse_time(sent)
        if sent_at is None:
            raise _Refusal(
                400, REJECTED, '"sent_at" must be ISO 8601 with a time zone (2025-01-05T10:31:00+05:30) or Unix time.'
            )
        info["sent_at"] = sent_at
    if auth.timestamp is None:
        if sent_at is None:
            raise _Refusal(401, REJECTED, 'Without an X-Timestamp header the signed body needs "sent_at".')
        problem = _window_problem(_epoch(sent_at), _epoch(now), SMS_WINDOW, "sent_at") if check_age else None
        if problem:
            raise _Refusal(401, REJECTED, problem)
    if not is_known_sender(sender):
        raise _Refusal(
            200,
            REJECTED,
            f"'{sender.strip()[:40]}' is not a known bank sender id, so the message is not read as a payment.",
        )
    try:
        parsed = parse_credit_sms(text)
    except SmsRejected as error:
        raise _Refusal(200, REJECTED, error.message) from None
    info.update(amount_paise=parsed.amount_paise, utr=parsed.utr)
    found = _REFERENCE_IN_TEXT.search(text)
    return _Credit(
        parsed.amount_paise,
        parsed.utr,
        normalise_reference(found.group()) if found else None,
        _payer(parsed.payer),
        _vpa(parsed.payer_vpa),
        min(sent_at or now, now),
    )


def _dig(data, *path):
    for name in path:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def _booking_reference(*notes_list) -> str | None:
    """The booking named in Razorpay `notes` (reference, or the buyer's session id)."""
    for notes in notes_list:
        if not isinstance(notes, dict):  # Razorpay sends [] for "no notes"
            continue
        notes = {str(k).lower(): v for k, v in notes.items()}
        for name in ("reference", "booking", "booking_reference", "ref"):
            if isinstance(notes.get(name), str) and normalise_reference(notes[name]):
                return normalise_reference(notes[name])
        session = notes.get("session_id")
        if isinstance(session, (str, int)) and not isinstance(session, bool) and SESSION_RE.match(str(session)):
            order = Order.get_or_none(Order.session_id == str(session))
            if order is not None:
                return order.reference
    return None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_razorpay(data: dict, auth: _Auth, now: datetime, info: dict, check_age: bool) -> _Credit:
    event = data.get("event")
    if not isinstance(event, str):
        raise _Refusal(400, REJECTED, 'The body has no "event"; it is not a Razorpay webhook.')
    info.update(sender="razorpay", event_type=event[:40])
    if event not in HANDLED_EVENTS:
        raise _Refusal(200, IGNORED, f"Razorpay event '{event[:40]}' is not money received; nothing to do.")
    if check_age and _whole(data.get("created_at")):
        problem = _window_problem(data["created_at"], _epoch(now), RAZORPAY_MAX_AGE, "created_at")
        if problem:
            raise _Refusal(200, REJECTED, problem)
    payment = _dig(data, "payload", "payment", "entity")
    if not isinstance(payment, dict):
        raise _Refusal(200, REJECTED, "The event has no payload.payment.entity, so there is nothing to record.")
    payment_id = payment.get("id")
    if not isinstance(payment_id, str) or not re.fullmatch(r"pay_[A-Za-z0-9]{4,36}", payment_id):
        raise _Refusal(200, REJECTED, "The payment in the event has no valid id (pay_…).")
    info["external_id"] = payment_id
    amount = payment.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise _Refusal(200, REJECTED, f"Payment {payment_id} has no amount in whole paise.")
    info["amount_paise"] = amount
    if payment.get("currency") != "INR":
        raise _Refusal(200, REJECTED, f"Payment {payment_id} is not in INR; only rupee payments are recorded.")
    if payment.get("status") != "captured":
        raise _Refusal(200, REJECTED, f"Payment {payment_id} is '{str(payment.get('status'))[:20]}', not captured.")
    try:
        utr = parse_utr(_dig(payment, "acquirer_data", "rrn"))
    except InvalidInput:
        utr = None
    info["utr"] = utr
    received = _from_epoch(payment["created_at"]) if _whole(payment.get("created_at")) else None
    reference = _booking_reference(payment.get("notes"), _dig(data, "payload", "qr_code", "entity", "notes"))
    return _Credit(
        amount,
        utr,
        reference,
        None,
        _vpa(payment.get("vpa") or _dig(payment, "upi", "vpa")),
        min(received or now, now),
        (f"payment:{payment_id}",),
    )


def retry_item(inbox_id: int, now: datetime | None = None) -> InboxItem:
    """Process a signed message again that was not recorded: one kept while there was no draw or
    the database failed, or one refused (a stale timestamp, say) that the organiser has checked.
    The payment rules and every duplicate check apply as for a new message."""
    item = inbox_item(inbox_id)
    if not item.retryable:
        if not item.authenticated or item.expendable:
            raise Conflict(
                f"Inbox message #{item.id} did not come with a valid signature, or is a repeat; it cannot be processed."
            )
        raise Conflict(f"Inbox message #{item.id} was already handled ({item.outcome.replace('_', ' ')}).")
    message = InboxMessage.get_by_id(item.id)
    stamp = json.loads(message.headers or "{}").get("x-timestamp")
    auth = _Auth(
        message.source,
        True,
        authentic=True,
        event_id=message.event_id,
        timestamp=stamp if message.source == "sms" else None,
    )
    _process(message.id, message.source, bytes(message.body), auth, now or utcnow(), check_age=False)
    return inbox_item(item.id)


__all__ = [
    # receiving
    "HookResponse",
    "MAX_BODY",
    "PATHS",
    "razorpay_signature",
    "receive",
    "reset_rate_limits",
    "set_rate_limit",
    "sms_signature",
    # for the console (from shared.hook_settings and shared.inbox)
    "OUTCOMES",
    "SOURCES",
    "HookSettings",
    "InboxItem",
    "disable_razorpay_hook",
    "disable_sms_hook",
    "enable_razorpay_hook",
    "enable_sms_hook",
    "hook_secret",
    "hook_settings",
    "inbox_counts",
    "inbox_item",
    "inbox_items",
    "razorpay_hook_settings",
    "retry_item",
    "sms_hook_settings",
    "sms_setup_payload",
]
