"""The sentences that reach a buyer from the domain core and the web's own routes, translated at
the web's edge: the core speaks English and knows nothing of Babel.

Each entry is the English sentence as the core or a route writes it, with %(name)s where it
carries data (the numbers, the digits the buyer typed, a count); `localise(text)` finds the entry
an English sentence was made from and returns it in the request's language with the same data.
An error with a machine code and data (TicketsTaken: `taken`) is translated from those.
tests/web/test_i18n.py triggers the core's messages and checks every one of them is here."""

import html
import re

from .i18n import current, gettext, ngettext


def N_(message: str) -> str:
    """Marks a message for the catalog; translated later, when a request's language is known."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


# Sentences without data (titles, fixed errors) and sentences with data, in one list.
MESSAGES = [
    # page titles
    N_("Lucky Draw"),
    N_("Your details"),
    N_("Choose your numbers"),
    N_("Pay to confirm"),
    N_("Booking expired"),
    N_("Booking confirmed"),
    N_("My tickets"),
    N_("Sorry"),
    N_("Winners"),
    N_("The winner draw"),
    # the core: names and mobiles (shared/validation.py)
    N_("Name must be text."),
    N_("Name contains characters that cannot be used."),
    N_("Please enter a name."),
    N_("Name is too long: at most 80 characters, this has %(count)s."),
    N_("Mobile number must be 10 digits, like 98765 43210."),
    N_("'%(typed)s' is not a mobile number; use 10 digits, like 98765 43210."),
    N_("Mobile number must have 10 digits; '%(typed)s' has %(count)s."),
    N_("An Indian mobile number starts with 6, 7, 8 or 9."),
    N_("UTR must be exactly 12 digits; '%(typed)s' is not."),
    # the core: ticket lists and limits
    N_("Too many tickets: at most %(max)s per booking."),
    N_("Tickets must be a list of numbers."),
    N_("Tickets must be a list of ticket numbers, like [7, 21]."),
    N_("Please pick at least one ticket."),
    N_("Tickets must be whole numbers."),
    N_("'%(typed)s' is not a ticket number."),
    N_("There is no ticket %(number)s: numbers run from 1 to %(count)s."),
    N_("Ticket %(numbers)s is listed more than once."),
    N_("At most %(max)s tickets per booking; you picked %(count)s."),
    N_(
        "This mobile number already has %(count)s unpaid bookings. Pay for one or "
        "wait for it to expire before booking more."
    ),
    N_("The booking could not be saved just now; please try again."),
    N_("Sales for this draw are closed."),
    # the core: look-ups
    N_("There is no draw yet."),
    N_("There is no draw yet. Create one with 'luckydraw new-draw'."),
    N_("No booking found for '%(typed)s'."),
    N_("No booking with that id."),
    N_("The winners have not been drawn yet."),
    # the web: rate limits (buyerweb/holds.py)
    N_("Too many booking attempts from your connection. Please try again in %(wait)s s."),
    N_("Too many booking changes from your connection. Please try again in %(wait)s s."),
    N_("Too many tries from your connection. Please try again in %(wait)s s."),
    N_("Too many look-ups from your connection. Please try again in %(wait)s s."),
    N_("Too many booking attempts for this mobile number. Please try again in %(wait)s s."),
    # the web: pages (buyerweb/pages.py)
    N_(
        "Please enter your details first. (If you did, your browser may be blocking cookies for this site: "
        "they are needed to remember you between pages.)"
    ),
    N_("This form was open for too long. Please check your details and press the button again."),
    N_("This page was open for too long. Please check your numbers and press the button again."),
    N_("This form was open for too long. Please press the button again."),
    N_("Lucky dip picked your numbers. Tap any to change them."),
    N_("Please enter the reference from your booking, like LD-7K3Q2P."),
    N_("No booking matches that mobile number and reference. Check both; the reference looks like LD-7K3Q2P."),
    N_("There is no booking at this address."),
    N_("This booking is no longer waiting for payment."),
    N_("Send the form as application/x-www-form-urlencoded."),
    N_("The form could not be read."),
    # the web: errors (buyerweb/app.py, buyerweb/api.py)
    N_("The booking system is busy right now; please try again in a few seconds."),
    N_("Something went wrong on our side; please try again."),
    N_("The request could not be understood."),
    N_("This request is not allowed."),
    N_("There is nothing here. Check the address, or start from the home page."),
    N_("That method is not allowed here."),
    N_("The request is too large."),
    N_("The request is too large (at most %(max)s bytes)."),
    N_("The request could not be handled."),
    N_("'from' and 'to' must be ticket numbers."),
    N_("'to' must not be smaller than 'from'."),
    N_("Send the booking as JSON (Content-Type: application/json)."),
    N_("The request body is not valid JSON."),
    N_('The request body must be a JSON object like {"name", "mobile", "tickets"}.'),
    # the core: per-connection hold caps (shared/booking.py)
    N_(
        "Your connection has made %(count)s bookings in the last %(window)s minutes, the most allowed. "
        "Pay for a booking you have, or try again later."
    ),
    # the web: cancelling (buyerweb/holds.py)
    N_(
        "Only the phone or browser that made this booking can cancel it. If you want other numbers, "
        "let this booking expire or ask the organiser."
    ),
    # the core and the web: the buyer's UTR claim (shared/claims.py, buyerweb/claims.py)
    N_("Booking %(reference)s is already paid; there is nothing more to do."),
    N_("Booking %(reference)s was cancelled; if you paid for it, the organiser will sort it out."),
    N_("The draw of booking %(reference)s is over; if you paid for it, the organiser will sort it out."),
    N_(
        "UPI reference %(utr)s is already recorded as a payment, so it cannot be handed in for booking "
        "%(reference)s. Check the 12 digits; if they are right, the organiser will sort it out."
    ),
    N_("UPI reference %(utr)s was already handed in for another booking. Check the 12 digits."),
    N_("Too many tries for this booking. Please try again in %(wait)s s."),
    N_('Send the UPI reference as JSON (Content-Type: application/json), like {"utr": "412345678901"}.'),
    N_('The request body must be a JSON object like {"utr": "412345678901"}.'),
    # the core: cancelling a booking that is no longer waiting (shared/booking.py)
    N_("Booking %(reference)s is paid, so it cannot be cancelled."),
    N_("Booking %(reference)s is expired, so it cannot be cancelled."),
    N_("Booking %(reference)s is cancelled, so it cannot be cancelled."),
    # the web: the saved QR above the gallery cap, a bad request (buyerweb/pages.py, http.py)
    N_(
        "Saving the QR is not offered above %(cap)s: UPI apps refuse to pay a person that much from a "
        "saved QR image. Pay to the UPI ID shown on the page."
    ),
    N_("The request was sent in a form this site does not read."),
    N_("The Content-Length header is not a number."),
    # the web: results of every drawn draw (buyerweb/results.py)
    N_("There is no draw #%(number)s."),
    N_("Draw #%(number)s (%(name)s) ended without a winner draw."),
    N_("Winners of %(name)s"),
    # the core: "Was my ticket in the draw?" (shared/results.py check_entry)
    N_("Please enter your booking reference (like LD-7K3Q2P) or a ticket number."),
    N_("'%(typed)s' is neither a booking reference (like LD-7K3Q2P) nor a ticket number."),
    N_(
        "%(typed)s is not a ticket number here (they run from 1 to %(count)s). "
        "If it is your booking reference, type it with LD- in front."
    ),
    N_("No booking of this draw has the reference %(reference)s. Check it on your receipt."),
]

# Sentences whose wording follows a count: (singular, plural, the parameter that is counted: a
# list of numbers, or a number).
PLURALS = [
    (
        *Nn_(
            "Ticket %(numbers)s was just taken by someone else. Please pick other numbers.",
            "Tickets %(numbers)s were just taken by someone else. Please pick other numbers.",
        ),
        "numbers",
    ),
    (
        *Nn_(
            "Ticket %(numbers)s was just taken by someone else, so it is no longer in your selection.",
            "Tickets %(numbers)s were just taken by someone else, so they are no longer in your selection.",
        ),
        "numbers",
    ),
    (
        *Nn_(
            "Your connection already has %(held)s ticket waiting for payment, and one connection can hold at "
            "most %(cap)s at a time. Pay for those bookings or wait for them to expire before booking more.",
            "Your connection already has %(held)s tickets waiting for payment, and one connection can hold at "
            "most %(cap)s at a time. Pay for those bookings or wait for them to expire before booking more.",
        ),
        "held",
    ),
    (
        *Nn_(
            "Your connection already has %(held)s ticket waiting for payment, and one connection can hold at "
            "most %(cap)s at a time. You can book at most %(more)s more now.",
            "Your connection already has %(held)s tickets waiting for payment, and one connection can hold at "
            "most %(cap)s at a time. You can book at most %(more)s more now.",
        ),
        "held",
    ),
]

_PARAM = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern:
    parts, last = [], 0
    for match in _PARAM.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


def _build():
    exact, patterns = {}, []
    for message in MESSAGES:
        if _PARAM.search(message):
            patterns.append((_pattern(message), message, None, None))
        else:
            exact[message] = message
    for singular, plural, counted in PLURALS:
        patterns.append((_pattern(singular), singular, plural, counted))
        patterns.append((_pattern(plural), singular, plural, counted))
    return exact, patterns


_EXACT, _PATTERNS = _build()


def _count(name: str, value: str) -> int:
    """How many a counted parameter says: `numbers` is a list of ticket numbers ("007, 021"),
    any other a number."""
    if name != "numbers" and value.strip().isdigit():
        return int(value)
    return len([part for part in value.split(",") if part.strip()])


def known(text) -> bool:
    """Is `text` one of the sentences this module can translate?"""
    return isinstance(text, str) and (text in _EXACT or any(p.fullmatch(text) for p, *_ in _PATTERNS))


def localise(text):
    """An English sentence from the core or a route, in the request's language; anything else
    (a draw's name, a buyer's name, None) as it is."""
    if not isinstance(text, str) or not text:
        return text
    if current() == "en":
        return text
    if text in _EXACT:
        return gettext(text)
    for pattern, singular, plural, counted in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            params = match.groupdict()
            if plural is None:
                return gettext(singular, **params)
            return ngettext(singular, plural, _count(counted, params[counted]), **params)
    return text


def localise_error(data: dict) -> dict:
    """A JSON error body ({"error", "code", ...}) with its sentence in the request's language."""
    if current() == "en" or not isinstance(data, dict) or not isinstance(data.get("error"), str):
        return data
    if data.get("code") == "tickets_taken" and isinstance(data.get("taken"), list):
        shown = _numbers_in(data["error"])
        if shown:
            singular, plural, _ = PLURALS[0]
            message = ngettext(singular, plural, len(data["taken"]), numbers=shown)
            return {**data, "error": message}
    return {**data, "error": localise(data["error"])}


def _numbers_in(message: str) -> str | None:
    """The numbers as the core showed them (zero-padded to the draw's width) in a taken-tickets error."""
    for pattern, _s, plural, _c in _PATTERNS:
        if plural is not None:
            match = pattern.fullmatch(message)
            if match:
                return match.group("numbers")
    return None


QR_LABEL = N_("UPI payment QR code")


def localise_qr(svg: str) -> str:
    """The QR code's spoken label (shared.upi writes it in English) in the request's language."""
    english = f'aria-label="{QR_LABEL}"'
    return svg.replace(english, f'aria-label="{html.escape(gettext(QR_LABEL))}"', 1)
