"""NewDrawScreen: start a fresh draw. The current one is archived (never deleted) and exported to
Excel; the dialog says so and only a typed word confirms it."""

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from shared.backup import backup_before_new_draw
from shared.draw_zone import zone_of
from shared.draws import current_draw, get_draw, validate_settings
from shared.errors import InvalidInput, LuckyDrawError
from shared.money import parse_amount, rupees
from shared.new_draw import create_draw, open_business
from shared.validation import local_time_text

from ..messages import DrawStarted
from ..safe_text import literal
from ..snapshot import DrawInfo, Snapshot, draw_info
from .base import DbModal
from .confirm import ConfirmScreen

# (field id, label, DrawSettings attribute or None, placeholder)
FIELDS = (
    ("name", "Draw name", "name", "Diwali Mela 2025"),
    ("ticket_count", "Tickets", "ticket_count", "500"),
    ("price", "Price ₹", None, "5"),
    ("payee_vpa", "UPI ID", "payee_vpa", "yourname@okaxis"),
    ("payee_name", "Payee name", "payee_name", "as your UPI app shows it"),
    ("hold_minutes", "Hold minutes", "hold_minutes", "10"),
    ("max_per_order", "Max per order", "max_per_order", "20"),
    ("terms", "Terms / permit", "terms", "Permission no. 123/2026 of the Collector; one prize per ticket"),
    ("closes_at", "Sales close", "closes_at", "2026-12-25 18:00 (optional)"),
)
CONFIRM_WORD = "NEW"
FIELD_OF_SETTING = {attr or "price_paise": key for key, _label, attr, _ in FIELDS}


@dataclass(frozen=True)
class NewDrawResult:
    draw: DrawInfo
    archived: DrawInfo | None
    problem: str | None = None  # the new draw started, but something after it (the export) failed


def form_values(draw: DrawInfo | None) -> dict[str, str]:
    """What the form starts with: the current draw's settings, or the defaults."""
    if draw is None:
        return {
            "name": "",
            "ticket_count": "500",
            "price": "5",
            "payee_vpa": "",
            "payee_name": "",
            "hold_minutes": "10",
            "max_per_order": "20",
            "terms": "",
            "closes_at": "",
        }
    return {
        "name": draw.name,
        "ticket_count": str(draw.ticket_count),
        "price": rupees(draw.price_paise),
        "payee_vpa": draw.payee_vpa,
        "payee_name": draw.payee_name,
        "hold_minutes": str(draw.hold_minutes),
        "max_per_order": str(draw.max_per_order),
        "terms": draw.terms or "",
        "closes_at": local_time_text(draw.closes_at, zone_of(draw)),  # typed and shown in the draw's zone
    }


def closing_hint(zone: str) -> str:
    """The placeholder of the closing-time field: the form and the zone it is read in."""
    return f"YYYY-MM-DD HH:MM in {zone}, optional"


def _more(a: str, b: str) -> bool:
    """Whether whole number `a` is more than `b` (False when either is not a number yet)."""
    try:
        return int(a) > int(b)
    except ValueError:
        return False


def field_for(message: str) -> str:
    """The form field an InvalidInput message is about, to put the cursor there."""
    lowered = message.lower()
    for key, words in (
        ("closes_at", ("closing time",)),
        ("terms", ("terms ",)),
        ("name", ("draw name",)),
        ("ticket_count", ("ticket count",)),
        ("price", ("amount", "rupees")),
        ("payee_vpa", ("upi id",)),
        ("payee_name", ("payee",)),
        ("hold_minutes", ("hold minutes",)),
        ("max_per_order", ("max tickets",)),
    ):
        if any(word in lowered for word in words):
            return key
    return "name"


def start_new_draw(settings, exports_dir) -> NewDrawResult:
    """Runs in a worker: archive the current draw and export it (inside create_draw), start the new
    one. Refused with nothing changed, or — when only the export failed after the new draw started —
    a result that carries the problem, so the dialog does not offer to start it a second time."""
    old = current_draw(required=False)
    backup_before_new_draw()  # refused (BackupFailed) with nothing changed when no copy could be made
    try:
        new, problem = create_draw(settings, exports_dir=exports_dir), None
    except LuckyDrawError as error:
        now_current = current_draw(required=False)
        if now_current is None or (old is not None and now_current.id == old.id):
            raise
        new, problem = now_current, error.message
    return NewDrawResult(draw_info(new), draw_info(get_draw(old.id)) if old else None, problem)


class NewDrawScreen(DbModal):
    """Dismissed with a `NewDrawResult` (None when closed)."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("ctrl+s", "create", "Create", priority=True)]

    def __init__(self, snapshot: Snapshot | None, exports_dir: str | Path = "exports") -> None:
        super().__init__()
        self.snapshot = snapshot
        self.current = snapshot.draw if snapshot else None
        self.exports_dir = exports_dir

    def compose(self) -> ComposeResult:
        values = form_values(self.current)
        self.initial = dict(values)
        if self.current is not None:
            values["name"] = ""
            values["closes_at"] = ""  # the current draw's closing time is its own
        with Vertical(classes="dialog", id="new-draw") as box:
            box.border_title = literal("New draw" if self.current else "Welcome: set up your first draw")
            if self.current is None:
                yield Label("Buyers pay these amounts by UPI straight to this UPI ID.", classes="hint")
            else:
                yield Label(
                    literal(
                        f"“{self.current.name}” will be archived (kept, viewable under Bookings; its unpaid "
                        f"bookings cancelled) and exported to Excel in {self.exports_dir}/."
                    ),
                    classes="hint warning",
                )
            with Grid(classes="form"):
                for key, label, _attr, placeholder in FIELDS:
                    yield Label(label)
                    if key == "closes_at":  # a new draw's buyers see the default zone
                        placeholder = closing_hint(zone_of(None).key)
                    yield Input(values[key], placeholder=placeholder, id=key, compact=True)
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Create  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#{key}", Input).value for key, *_ in FIELDS}

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        keys = [key for key, *_ in FIELDS]
        index = keys.index(event.input.id)
        if index + 1 < len(keys):
            self.query_one(f"#{keys[index + 1]}").focus()
        else:
            self.action_create()

    @on(Button.Pressed, "#save")
    def action_create(self) -> None:
        try:
            values = self.values()
            if values["max_per_order"] == self.initial["max_per_order"] and _more(
                values["max_per_order"], values["ticket_count"]
            ):  # untouched and more than the new ticket count: the default, which the count clamps
                values["max_per_order"] = None
            try:
                price = parse_amount(values.pop("price"))
            except InvalidInput as error:
                error.field = "price_paise"
                raise
            settings = validate_settings(price_paise=price, **values)
        except InvalidInput as error:
            key = FIELD_OF_SETTING.get(error.field or "") or field_for(error.message)
            label = next(label for k, label, *_ in FIELDS if k == key)
            self.say(f"{label}: {error.message}", "error")
            self.query_one(f"#{key}").focus()
            return
        if self.current is None:
            self.start(DrawStarted, start_new_draw, settings, self.exports_dir, waiting="Creating the draw…")
            return
        s = self.snapshot
        still_open = open_business(self.current.id)
        open_line = (
            f"STILL OPEN in it: {still_open.summary()}. Sort them out first (u: unmatched and needs attention), "
            f"or they stay with the archived draw.\n\n"
            if still_open.any
            else ""
        )
        message = open_line + (
            f"Start “{settings.name}” ({settings.ticket_count:,} tickets at ₹{rupees(settings.price_paise)})?\n\n"
            f"The current draw “{self.current.name}” ({s.tickets_sold:,} sold, {s.paid_bookings:,} paid "
            f"bookings, {s.pending_count:,} pending) is ARCHIVED — nothing is deleted, but its pending "
            f"bookings are cancelled and buyers can no longer book it — and its final state EXPORTED to "
            f"Excel in {self.exports_dir}/.\n\nType {CONFIRM_WORD} to go ahead."
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.start(
                    DrawStarted,
                    start_new_draw,
                    settings,
                    self.exports_dir,
                    waiting="Archiving the current draw, creating the new one, exporting the old one…",
                )

        self.app.push_screen(
            ConfirmScreen(message, title="New draw", typed=CONFIRM_WORD, yes="Start new draw"), confirmed
        )

    def refused(self, of, message: str) -> None:
        self.query_one(f"#{field_for(message)}").focus()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_draw_started(self, message: DrawStarted) -> None:
        self.dismiss(message.result)
