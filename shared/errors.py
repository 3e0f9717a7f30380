"""Errors that carry a message a person can read, and the HTTP status a web front end should use."""


class LuckyDrawError(Exception):
    """Base error: `message` is safe to show to a buyer or organiser as it is."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class InvalidInput(LuckyDrawError):
    """A value typed by a person is not acceptable (amount, mobile, UTR, name, ticket list).
    `field` names the setting at fault, where one is (a DrawSettings attribute), so that each
    front end can point at its own option or form field."""

    status = 422
    code = "invalid_input"
    field: str | None = None


class NotFound(LuckyDrawError):
    status = 404
    code = "not_found"


class Conflict(LuckyDrawError):
    """The request is fine but the state of the draw does not allow it."""

    status = 409
    code = "conflict"


class TicketsTaken(Conflict):
    """Some requested tickets are held or sold; `taken` lists exactly which."""

    code = "tickets_taken"

    def __init__(self, taken, width: int = 1):
        self.taken = sorted(taken)
        shown = ", ".join(str(n).zfill(width) for n in self.taken)
        noun = "Ticket" if len(self.taken) == 1 else "Tickets"
        verb = "was" if len(self.taken) == 1 else "were"
        super().__init__(
            f"{noun} {shown} {verb} just taken by someone else. Please pick other numbers.", taken=self.taken
        )


class DuplicateUTR(Conflict):
    code = "duplicate_utr"


class Overpayment(Conflict):
    """A payment larger than the booking it is assigned to by hand: the organiser must accept it."""

    code = "overpayment"


class SalesClosed(Conflict):
    code = "sales_closed"


class LimitReached(Conflict):
    """A per-draw limit (pending orders per mobile, tickets per order) stops the request."""

    code = "limit_reached"


class ExportFailed(LuckyDrawError):
    """A workbook could not be written where it was asked to go."""

    status = 500
    code = "export_failed"
