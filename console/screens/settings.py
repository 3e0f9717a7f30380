"""SettingsScreen: change the current draw (UPI ID, payee name, price, ticket count, hold minutes,
terms and permit line, planned closing time…)."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from shared.draws import update_settings
from shared.money import parse_amount, rupees

from ..messages import SettingsSaved
from ..safe_text import literal
from ..snapshot import DrawInfo, draw_info
from .base import DbModal
from .new_draw import FIELDS, closing_hint, field_for, form_values

EXTRA = (
    ("max_pending_per_mobile", "Unpaid per mobile"),
    ("late_window_minutes", "Late window min"),
    ("payee_kind", "Payee kind"),
    ("merchant_code", "Merchant code"),
    ("gallery_cap", "Save QR up to ₹"),
)


def save_settings(changes: dict) -> DrawInfo:
    changes = dict(changes)
    for typed, key in (("price", "price_paise"), ("gallery_cap", "gallery_cap_paise")):
        if typed in changes:  # rupees as typed, parsed here at the edge
            changes[key] = parse_amount(changes.pop(typed))
    return draw_info(update_settings(changes))


class SettingsScreen(DbModal):
    """Dismissed with the updated `DrawInfo` (None when closed)."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, draw: DrawInfo) -> None:
        super().__init__()
        self.draw = draw

    def compose(self) -> ComposeResult:
        values = form_values(self.draw)
        values.update(
            max_pending_per_mobile=str(self.draw.max_pending_per_mobile),
            late_window_minutes=str(self.draw.late_window_minutes),
            payee_kind=self.draw.payee_kind,
            merchant_code=self.draw.merchant_code or "",
            gallery_cap=rupees(self.draw.gallery_cap_paise),
        )
        with Vertical(classes="dialog", id="settings") as box:
            box.border_title = literal(f"Settings of “{self.draw.name}”")
            yield Label("Tickets can only be added; the price is fixed once bookings exist.", classes="hint")
            yield Label(
                "Payee kind: personal (buyers pay to your UPI ID) or merchant (an 'Open UPI app' link too).",
                classes="hint",
            )
            with Grid(classes="form"):
                for key, label in [(k, lbl) for k, lbl, *_ in FIELDS] + list(EXTRA):
                    yield Label(label)
                    hint = closing_hint(self.draw.time_zone) if key == "closes_at" else ""
                    yield Input(values[key], placeholder=hint, id=key, compact=True)
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{FIELDS[0][0]}").focus()  # the first field, as Tab order goes

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        changes = {
            key: self.query_one(f"#{key}", Input).value for key in [k for k, *_ in FIELDS] + [k for k, _ in EXTRA]
        }
        self.start(SettingsSaved, save_settings, changes)

    def refused(self, of, message: str) -> None:
        lowered = message.lower()
        key = (
            field_for(message)
            if lowered.startswith(("closing time", "terms "))
            else "payee_kind"
            if "payee kind" in lowered
            else "merchant_code"
            if "merchant category" in lowered
            else "gallery_cap"
            if "gallery" in lowered
            else "max_pending_per_mobile"
            if "per mobile" in lowered
            else "late_window_minutes"
            if "late-payment" in lowered
            else "price"
            if "price" in lowered
            else field_for(message)
        )
        self.query_one(f"#{key}").focus()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_settings_saved(self, message: SettingsSaved) -> None:
        self.dismiss(message.draw)
