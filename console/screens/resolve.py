"""ResolveScreen: payments that still need the organiser — UNMATCHED and NEEDS ATTENTION — and what
can be done with each: assign it to a booking by hand (also: move it to another booking), or mark
it refunded once the money went back."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from shared.money import format_rupees
from shared.payments import assign_payment, refund_payment

from ..messages import OpenPaymentsRead, Outcome, PaymentAssigned, PaymentRefunded
from ..safe_text import literal
from ..snapshot import DrawInfo, open_payments
from ..widgets.payments_table import PaymentsTable
from .base import DbModal
from .booking_picker import BookingPickerScreen
from .confirm import ConfirmScreen


class ResolveScreen(DbModal):
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("a", "assign", "Assign to booking"),
        Binding("r", "refund", "Mark refunded"),
        Binding("f5", "reload", "Reload", show=False),
    ]

    def __init__(self, draw: DrawInfo, payment_id: int | None = None) -> None:
        super().__init__()
        self.draw = draw
        self.focus_payment = payment_id
        self.notice = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="resolve") as box:
            box.border_title = literal("Unmatched and needs attention")
            yield Label("a assign to a booking (or move to another)  ·  r mark refunded  ·  esc close", classes="hint")
            yield PaymentsTable(title="Payments to sort out", detailed=True, id="open-payments")
            yield Static("", id="status")

    def on_mount(self) -> None:
        self.query_one(PaymentsTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.busy = False
        self.start(OpenPaymentsRead, open_payments, self.draw.id, waiting="Loading…")

    def on_open_payments_read(self, message: OpenPaymentsRead) -> None:
        rows = message.rows
        table = self.query_one(PaymentsTable)
        table.show(rows)
        if self.focus_payment is not None and any(r.payment_id == self.focus_payment for r in rows):
            table.move_cursor(row=table.get_row_index(str(self.focus_payment)), animate=False)
            self.focus_payment = None
        count = (
            f"{len(rows)} payment{'s' if len(rows) != 1 else ''} left to sort out."
            if rows
            else "Nothing left to sort out: every payment is on a booking or refunded."
        )
        self.say(f"{self.notice}  {count}" if self.notice else count, "ok" if self.notice else "")
        self.notice = ""

    def on_payment_refunded(self, message: PaymentRefunded) -> None:
        payment = message.payment
        self.sorted_out(f"{format_rupees(payment.amount_paise)} (UTR {payment.utr}) marked refunded.")

    def on_payment_assigned(self, message: PaymentAssigned) -> None:
        self.sorted_out(message.result.message)

    def sorted_out(self, notice: str) -> None:
        """A payment was sorted out: say so here and on the main screen, and read the list again."""
        self.notice = notice
        self.app.post_message(Outcome(notice, "information", "Payment"))
        self.start(OpenPaymentsRead, open_payments, self.draw.id, waiting=notice)

    @on(DataTable.RowSelected, "#open-payments")
    def row_selected(self) -> None:
        self.action_assign()

    def action_assign(self) -> None:
        payment = self.query_one(PaymentsTable).selected()
        if payment is None or self.busy:
            return

        def chosen(booking) -> None:
            if booking is None:
                return
            if payment.amount_paise < booking.payable_paise:

                def forced(yes: bool | None) -> None:
                    if yes:
                        self.start(PaymentAssigned, assign_payment, payment.utr, booking.reference, force=True)

                self.app.push_screen(
                    ConfirmScreen(
                        f"This payment of {format_rupees(payment.amount_paise)} is less than booking "
                        f"{booking.reference}'s {format_rupees(booking.payable_paise)}. Confirm the booking anyway?",
                        title="Less than the amount due",
                        yes="Confirm anyway",
                    ),
                    forced,
                )
                return
            self.start(PaymentAssigned, assign_payment, payment.utr, booking.reference)

        self.app.push_screen(
            BookingPickerScreen(
                self.draw.id,
                self.draw.width,
                title=f"Assign {format_rupees(payment.amount_paise)} (UTR {payment.utr}) to…",
            ),
            chosen,
        )

    def action_refund(self) -> None:
        payment = self.query_one(PaymentsTable).selected()
        if payment is None or self.busy:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.start(PaymentRefunded, refund_payment, payment.utr, note="refunded from the console")

        self.app.push_screen(
            ConfirmScreen(
                f"Mark {format_rupees(payment.amount_paise)} (UTR {payment.utr}) as refunded?\n"
                f"Do this only after the money has gone back to the payer.",
                title="Refund",
                yes="Refunded",
            ),
            confirmed,
        )
