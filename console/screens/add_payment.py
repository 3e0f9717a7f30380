"""AddPaymentScreen: record money that arrived (amount + UTR + optional reference), typed or read
from a pasted bank SMS / UPI notification and checked by the organiser before it is saved."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static, TextArea

from shared.errors import InvalidInput
from shared.money import format_rupees, parse_amount, rupees
from shared.payments import record_payment
from shared.sms import parse_credit_sms
from shared.validation import parse_utr

from ..messages import PaymentRecorded
from ..safe_text import literal
from ..snapshot import PendingRow, ticket_labels
from ..widgets.sms_box import SmsBox
from .base import DbModal


class AddPaymentScreen(DbModal):
    """Dismissed with the `MatchResult` once the payment is saved (None when closed)."""

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+r", "read_sms", "Read SMS", priority=True),
    ]

    def __init__(
        self,
        *,
        sms: bool = False,
        amount: str = "",
        reference: str = "",
        pending: tuple[PendingRow, ...] = (),
        width_digits: int = 1,
    ) -> None:
        super().__init__()
        self.pending = pending
        self.width_digits = width_digits
        self.sms_first = sms
        self.initial = (amount, reference)
        self.from_sms = False
        self.payer_vpa: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="add-payment") as box:
            box.border_title = literal("Add payment")
            yield Label("Paste a bank SMS or UPI notification (optional), then check the fields:", classes="hint")
            yield SmsBox(id="sms")
            with Grid(classes="form"):
                yield Label("Amount ₹")
                yield Input(self.initial[0], placeholder="10.01", id="amount", compact=True)
                yield Label("UTR")
                yield Input(placeholder="12 digits from the UPI app", id="utr", compact=True)
                yield Label("Reference")
                yield Input(self.initial[1], placeholder="LD-XXXXXX (optional)", id="reference", compact=True)
                yield Label("Payer")
                yield Input(placeholder="optional", id="payer", compact=True)
            yield Static("", id="preview")
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Read SMS  ctrl+r", id="read-sms", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#sms" if self.sms_first else "#amount").focus()
        if self.initial[0]:
            self.query_one("#utr").focus()
        self.preview()

    @on(Input.Changed, "#amount")
    def preview(self) -> None:
        """Which pending booking has this amount, as the main screen last showed it (the matching
        rules decide when the payment is saved)."""
        try:
            amount = parse_amount(self.query_one("#amount", Input).value)
        except InvalidInput:
            self.query_one("#preview", Static).update(literal("", keep_newlines=True))
            return
        fits = [row for row in self.pending if row.payable_paise == amount]
        if len(fits) == 1:
            row = fits[0]
            text = (
                f"Fits pending booking {row.reference}: {row.name}; tickets "
                f"{ticket_labels(row.tickets, self.width_digits, 30)}."
            )
        elif fits:
            text = f"{len(fits)} pending bookings have {format_rupees(amount)}: give the reference."
        else:
            text = (
                f"No pending booking is for {format_rupees(amount)}; matching also checks late and double "
                f"payments, else it is kept as UNMATCHED."
            )
        self.query_one("#preview", Static).update(literal(text, keep_newlines=True))

    @on(TextArea.Changed, "#sms")
    def sms_changed(self) -> None:
        if self.query_one("#sms", TextArea).text.strip():
            self.action_read_sms()

    def action_read_sms(self) -> None:
        """Fill amount, UTR and payer from the pasted text, or say why it cannot be read."""
        text = self.query_one("#sms", TextArea).text
        if not text.strip():
            self.say("Paste the SMS into the box first.", "warning")
            return
        try:
            parsed = parse_credit_sms(text)
        except InvalidInput as error:
            if self.from_sms:
                for name in ("amount", "utr", "payer"):
                    self.query_one(f"#{name}", Input).value = ""
                self.from_sms = False
                self.payer_vpa = None
            self.say(f"SMS not read: {error.message}", "warning")
            return
        self.query_one("#amount", Input).value = rupees(parsed.amount_paise)
        self.query_one("#utr", Input).value = parsed.utr
        self.query_one("#payer", Input).value = parsed.payer or parsed.payer_vpa or ""
        self.payer_vpa = parsed.payer_vpa
        self.from_sms = True
        bank = f" ({parsed.bank})" if parsed.bank else ""
        self.say(
            f"Read from SMS{bank}: {format_rupees(parsed.amount_paise)}, UTR {parsed.utr}. "
            f"Check, then press ctrl+s to save.",
            "ok",
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        fields = {n: self.query_one(f"#{n}", Input).value.strip() for n in ("amount", "utr", "reference", "payer")}
        try:
            amount = parse_amount(fields["amount"])
        except InvalidInput as error:
            self.say(error.message, "error")
            self.query_one("#amount").focus()
            return
        try:
            utr = parse_utr(fields["utr"])
        except InvalidInput as error:
            self.say(f"{error.message} (No UTR? Use quick mark, m, from the main screen.)", "error")
            self.query_one("#utr").focus()
            return
        source = "sms" if self.from_sms else "manual"
        self.start(
            PaymentRecorded,
            record_payment,
            amount,
            utr,
            reference=fields["reference"] or None,
            payer=fields["payer"] or None,
            payer_vpa=self.payer_vpa if self.from_sms else None,
            source=source,
        )

    @on(Button.Pressed, "#read-sms")
    def read_pressed(self) -> None:
        self.action_read_sms()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def refused(self, of, message: str) -> None:
        self.query_one("#utr" if "UTR" in message else "#amount").focus()

    def on_payment_recorded(self, message: PaymentRecorded) -> None:
        self.dismiss(message.result)
