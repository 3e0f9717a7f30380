"""Placing a hold from the web: rate limits per IP and per mobile (cancels count against the IP's
limit too), a read-only look for numbers
that are already taken, then the domain's `hold_tickets`, which decides under the write lock and
changes nothing when it refuses, and caps what one client (its IP, `client_ip`) holds at once.

At a sale opening most attempts are refusals (numbers just taken). Answering the obvious ones
with one SELECT, without queueing for the write lock, keeps the queue for buyers who can win.
The look is only a shortcut: `hold_tickets` re-checks everything inside its transaction."""

from shared.booking import Hold, cancel_order, hold_tickets
from shared.errors import InvalidInput, LuckyDrawError, SalesClosed, TicketsTaken
from shared.reports import taken_numbers
from shared.states import DrawState
from shared.validation import clean_name, parse_mobile, parse_ticket_list

from .http import client_ip
from .security import owns_booking

NOT_YOURS = (
    "Only the phone or browser that made this booking can cancel it. If you want other numbers, "
    "let this booking expire or ask the organiser."
)


class RateLimited(LuckyDrawError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class NotYours(LuckyDrawError):
    status = 403
    code = "not_your_booking"


# Whole sentences (each one translated as a whole, see i18n_messages), {wait} the seconds to wait.
TOO_MANY_BOOKINGS = "Too many booking attempts from your connection. Please try again in {wait} s."
TOO_MANY_CHANGES = "Too many booking changes from your connection. Please try again in {wait} s."
TOO_MANY_LOOKUPS = "Too many look-ups from your connection. Please try again in {wait} s."
TOO_MANY_TRIES = "Too many tries from your connection. Please try again in {wait} s."


def check_ip_limit(ctx, limiter, message: str = TOO_MANY_BOOKINGS) -> None:
    if limiter is None:
        return
    wait = limiter.hit(client_ip())
    if wait:
        raise RateLimited(message.format(wait=wait), wait)


def place_hold(ctx, name, mobile, tickets, *, ip_checked: bool = False) -> Hold:
    """Rate-limit, then hold. Raises LuckyDrawError subclasses (RateLimited, InvalidInput,
    TicketsTaken, SalesClosed, LimitReached)."""
    if not ip_checked:
        check_ip_limit(ctx, ctx.hold_ip)
    if not isinstance(tickets, (list, tuple)):
        raise InvalidInput("Tickets must be a list of ticket numbers, like [7, 21].")
    for item in tickets:
        if isinstance(item, bool) or not isinstance(item, int):
            raise InvalidInput(f"'{str(item)[:12]}' is not a ticket number.")
    name = clean_name(name, "Name")
    mobile_digits = parse_mobile(mobile)
    draw = ctx.draws.get()
    if draw is not None:
        numbers = parse_ticket_list(list(tickets), draw.ticket_count, draw.max_per_order)
        if draw.state != DrawState.OPEN:
            raise SalesClosed("Sales for this draw are closed.")
    else:
        numbers = list(tickets)
    if ctx.hold_mobile is not None:
        wait = ctx.hold_mobile.hit(mobile_digits)
        if wait:
            raise RateLimited(f"Too many booking attempts for this mobile number. Please try again in {wait} s.", wait)
    if draw is not None:
        taken = taken_numbers(draw.id, numbers)
        if taken:
            raise TicketsTaken(taken, draw.width)
    return hold_tickets(name, mobile_digits, numbers, client_key=client_ip())


def cancel_own(ctx, session_id: str):
    """Cancel a pending booking for the browser that made it. The attempt counts against the IP's
    hold limit first (hold-and-cancel churn is limited like holds); another browser gets NotYours.
    Raises RateLimited, NotYours, NotFound or Conflict (no longer pending); returns the order."""
    check_ip_limit(ctx, ctx.hold_ip, TOO_MANY_CHANGES)
    if not owns_booking(ctx.config.secret, session_id):
        raise NotYours(NOT_YOURS)
    return cancel_order(session_id, reason="buyer started again")
