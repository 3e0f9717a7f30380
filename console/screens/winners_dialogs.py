"""The winner draw's dialogs: close sales (with an optional public-value announcement), plan the
prizes, draw the winners, redraw a prize. Each runs one call of `shared.winner_draw` and shows its
refusal word for word; what cannot be undone asks first (letting pending bookings expire only
with a typed word)."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from shared.results import public_commitment
from shared.winner_draw import close_sales, draw_winners, redraw, set_prizes

from ..messages import PrizeRedrawn, PrizesSaved, SalesClosed, WinnersDrawn
from ..safe_text import literal
from .base import DbModal
from .confirm import ConfirmScreen

EXPIRE_WORD = "EXPIRE"


def close_and_describe(announcement: str) -> str:
    """Runs in a worker: close sales (or add the announcement) and say what is now on record."""
    draw = close_sales(announcement or None)
    public = public_commitment(draw.id)
    text = f"Sales for “{draw.name}” are closed: no new bookings; pending ones may still be paid."
    if public["announcement"]:
        text += f" Public value announced: “{public['announcement']}”."
    return text


def prize_lines(text: str) -> list[str]:
    """One prize per line, in drawing order; blank lines are left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def numbered(prizes) -> str:
    return "  ".join(f"{i}. {name}" for i, name in enumerate(prizes, start=1))


class CloseSalesScreen(DbModal):
    """Dismissed with a sentence saying what happened (None when closed). With `announce_only` the
    sales are already closed and only an announcement can be added."""

    def __init__(self, draw_name: str, *, announce_only: bool = False) -> None:
        super().__init__()
        self.draw_name = draw_name
        self.announce_only = announce_only

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="close-sales") as box:
            box.border_title = literal(
                "Announce the public value" if self.announce_only else f"Close sales of “{self.draw_name}”"
            )
            if not self.announce_only:
                yield Label(
                    "No new bookings after this; bookings still pending may be paid. You can open "
                    "sales again until the draw.",
                    classes="hint",
                )
            yield Label(
                "Optional: a public value, known only after sales end, to mix into the draw — "
                "e.g. “drand round 4512000”. It is recorded now and can never be changed; without "
                "one the draw uses none.",
                classes="hint",
            )
            yield Input(
                placeholder="announcement (leave empty for none)"
                if not self.announce_only
                else "e.g. drand round 4512000",
                id="announcement",
                compact=True,
            )
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button(
                    "Announce  enter" if self.announce_only else "Close sales  enter",
                    id="save",
                    variant="primary",
                    compact=True,
                )
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#announcement").focus()

    @on(Input.Submitted, "#announcement")
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        text = self.query_one("#announcement", Input).value.strip()
        if not text:
            self.start(SalesClosed, close_and_describe, text, waiting="Closing sales…")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.start(SalesClosed, close_and_describe, text, waiting="Recording the announcement…")

        self.app.push_screen(
            ConfirmScreen(
                f"Announce “{text}” as the public value of the draw?\n\nIt is published with the time, and the "
                f"draw will need that value once it is known. It can never be changed.",
                title="Public value",
                yes="Announce",
            ),
            confirmed,
        )

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_sales_closed(self, message: SalesClosed) -> None:
        self.dismiss(message.text)


def one_per_buyer_label(on: bool) -> str:
    """The checkbox says its state in words: the box alone looks alike on and off in many terminals."""
    if on:
        return "One prize per buyer: ON (a buyer's other tickets leave the draw once they win)"
    return "One prize per buyer: OFF (a buyer may win with each of their tickets)"


class PrizesScreen(DbModal):
    """Dismissed with the saved `PrizePlan` (None when closed)."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, prizes: tuple[str, ...], one_prize_per_buyer: bool) -> None:
        super().__init__()
        self.prizes = prizes
        self.one = one_prize_per_buyer

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prizes") as box:
            box.border_title = literal("Prizes")
            yield Label(
                "One prize per line, in drawing order (the first line is drawn first). Buyers see "
                "these on the buyer page.",
                classes="hint",
            )
            yield TextArea(
                "\n".join(self.prizes),
                id="prize-lines",
                show_line_numbers=True,
                soft_wrap=False,
                placeholder="1st: scooter\n2nd: phone\n3rd: dinner set",
            )
            yield Checkbox(one_per_buyer_label(self.one), self.one, id="one-per-buyer", compact=True)
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#prize-lines").focus()

    @on(Checkbox.Changed, "#one-per-buyer")
    def one_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = one_per_buyer_label(event.value)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        names = prize_lines(self.query_one("#prize-lines", TextArea).text)
        self.start(PrizesSaved, set_prizes, names, self.query_one("#one-per-buyer", Checkbox).value)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_prizes_saved(self, message: PrizesSaved) -> None:
        self.dismiss(message.plan)


class DrawScreen(DbModal):
    """Dismissed with the `DrawingResult` of drawing 1 (None when closed). `view` is what the
    winner screen last read (a `DrawView`); the draw itself checks everything again."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("ctrl+s", "draw", "Draw", priority=True)]

    def __init__(self, view) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        view, ready = self.view, self.view.readiness
        with Vertical(classes="dialog", id="draw-dialog") as box:
            box.border_title = literal(f"Draw the winners of “{view.draw.name}”")
            if view.prizes:
                rule = "one prize per buyer" if view.one_prize_per_buyer else "a buyer may win more than one prize"
                yield Static(literal(f"Prizes in drawing order: {numbered(view.prizes)}  ({rule})"), id="draw-prizes")
            else:
                yield Static(
                    "No prizes are planned yet: close this and press p to name them.",
                    id="draw-prizes",
                    classes="warning",
                )
            yield Static(f"{ready.sold_tickets:,} sold tickets take part.", classes="hint")
            if ready.problems:
                yield Static(
                    literal("\n".join(ready.problems), keep_newlines=True), id="draw-problems", classes="warning"
                )
            if view.announcement:
                yield Static(literal(f"Public value announced as “{view.announcement}”. Type it exactly as published:"))
                yield Input(placeholder="the public value", id="public-value", compact=True)
            else:
                yield Label("No public value was announced when sales closed, so the draw uses none.", classes="hint")
            if ready.pending_orders:
                yield Checkbox(
                    f"Let the {ready.pending_orders:,} pending booking"
                    f"{'s' if ready.pending_orders != 1 else ''} expire now",
                    False,
                    id="expire",
                    compact=True,
                )
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Draw  ctrl+s", id="draw", variant="warning", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        first = self.query("#public-value") or self.query("#expire") or self.query("#draw")
        first.first().focus()

    @on(Input.Submitted, "#public-value")
    @on(Button.Pressed, "#draw")
    def action_draw(self) -> None:
        if self.busy:
            return
        value = self.query_one("#public-value", Input).value if self.query("#public-value") else None
        expire = bool(self.query("#expire")) and self.query_one("#expire", Checkbox).value
        name = self.view.draw.name
        if expire:
            count = self.view.readiness.pending_orders
            message = (
                f"Let {count:,} pending booking{'s' if count != 1 else ''} of “{name}” expire now?\n\n"
                f"They are CANCELLED in the same step as the draw and their numbers take no part; money "
                f"that still arrives for one is kept, for you to refund. Then the winners are drawn; "
                f"that cannot be undone.\n\nType {EXPIRE_WORD} to let them expire and draw."
            )
            confirm = ConfirmScreen(
                message, title="Let pending bookings expire", typed=EXPIRE_WORD, yes="Expire and draw"
            )
        else:
            confirm = ConfirmScreen(
                f"Draw the winners of “{name}” now?\n\nThe result is final: a prize "
                f"that is not claimed can only be drawn again as a new drawing, with "
                f"the first one kept on record.",
                title="Draw the winners",
                yes="Draw",
            )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.start(WinnersDrawn, draw_winners, None, value, None, expire, waiting="Drawing…")

        self.app.push_screen(confirm, confirmed)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_winners_drawn(self, message: WinnersDrawn) -> None:
        self.dismiss(message.result)


class RedrawScreen(DbModal):
    """Dismissed with the `DrawingResult` of the new drawing (None when closed)."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("ctrl+s", "redraw", "Redraw", priority=True)]

    def __init__(self, view, prize: str | None = None) -> None:
        super().__init__()
        self.view = view
        self.prize = prize if prize in view.drawings[0].prizes else None

    def compose(self) -> ComposeResult:
        first = self.view.drawings[0]
        with Vertical(classes="dialog", id="redraw-dialog") as box:
            box.border_title = literal("Redraw a prize")
            yield Label(
                "For a prize that was not claimed. The earlier winner stays on record; the new winner is "
                "drawn from the same inputs, leaving out every earlier winner.",
                classes="hint",
            )
            yield Select(
                [(f"{i}. {p}", p) for i, p in enumerate(first.prizes, start=1)],
                prompt="prize",
                value=self.prize if self.prize else Select.NULL,
                id="redraw-prize",
                compact=True,
            )
            yield Input(placeholder="reason, e.g. not collected within 7 days", id="reason", compact=True)
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Redraw  ctrl+s", id="redraw", variant="warning", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#reason" if self.prize else "#redraw-prize").focus()

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#redraw")
    def action_redraw(self) -> None:
        if self.busy:
            return
        prize = self.query_one("#redraw-prize", Select).value
        if not isinstance(prize, str):
            self.say("Choose the prize to draw again.", "error")
            self.query_one("#redraw-prize").focus()
            return
        reason = self.query_one("#reason", Input).value
        current = self.current_winner(prize)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.start(PrizeRedrawn, redraw, [prize], reason, waiting="Drawing again…")

        self.app.push_screen(
            ConfirmScreen(
                f"Draw “{prize}” again?\n\n{current} stays on record; the new winner is drawing "
                f"{self.view.drawings[-1].number + 1}. This cannot be undone.",
                title="Redraw",
                yes="Redraw",
            ),
            confirmed,
        )

    def current_winner(self, prize: str) -> str:
        for drawing in reversed(self.view.drawings):
            for w in drawing.winners:
                if w.prize == prize:
                    return f"Ticket {w.label} ({w.buyer_name or w.public_name}, drawing {drawing.number})"
        return "The earlier winner"

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_prize_redrawn(self, message: PrizeRedrawn) -> None:
        self.dismiss(message.result)
