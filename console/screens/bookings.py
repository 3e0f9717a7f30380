"""BookingsScreen: browse and search every booking of the current draw or of an archived one."""

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from shared.states import DrawState, OrderState

from ..messages import BookingsFound, DrawsListed
from ..safe_text import literal
from ..snapshot import list_draw_infos, search_bookings
from ..widgets.bookings_table import BookingsTable
from .booking_picker import search_text

STATE_CHOICES = (
    ("all states", ""),
    ("paid", OrderState.PAID),
    ("pending", OrderState.PENDING),
    ("expired", OrderState.EXPIRED),
    ("cancelled", OrderState.CANCELLED),
)


class BookingsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("slash", "focus_search", "Search", priority=True),  # never typed into the search
        Binding("e", "export", "Export this draw"),
        Binding("f5", "reload", "Reload"),
    ]

    def __init__(self, draw_id: int | None = None) -> None:
        super().__init__()
        self.draw_id = draw_id
        self.draws = ()

    def compose(self) -> ComposeResult:
        yield Static("Bookings", id="bookings-title")
        with Horizontal(id="bookings-filters"):
            yield Select([], prompt="draw", allow_blank=True, id="draw-select", compact=True)
            yield Select(STATE_CHOICES, value="", allow_blank=False, id="state-select", compact=True)
            yield Input(placeholder="search: reference, name, mobile or amount", id="bookings-search", compact=True)
        yield BookingsTable(id="bookings-table")
        yield Static("", id="bookings-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bookings-search").focus()
        self.load_draws()

    @work(thread=True, exclusive=True, exit_on_error=False, group="draws")
    def load_draws(self) -> None:
        self.post_message(DrawsListed(tuple(list_draw_infos())))

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def find(self, draw_id: int, text: str, state: str) -> None:
        rows, total = search_bookings(draw_id, search_text(text), states=(state,) if state else None)
        self.post_message(BookingsFound(self.search_key(draw_id, text, state), rows, total))

    def search_key(self, draw_id: int | None, text: str, state) -> tuple:
        return draw_id, text, state if isinstance(state, str) else ""

    def on_draws_listed(self, message: DrawsListed) -> None:
        self.draws = message.draws
        if not self.draws:
            self.query_one("#bookings-status", Static).update(literal("No draw yet."))
            return
        select = self.query_one("#draw-select", Select)
        select.set_options([(literal(f"#{d.id} {d.name} ({d.state})"), d.id) for d in self.draws])
        select.value = self.draw_id if self.draw_id in {d.id for d in self.draws} else self.draws[0].id

    def on_bookings_found(self, message: BookingsFound) -> None:
        key, rows, total = message.key, message.rows, message.total
        current = self.search_key(
            self.draw_id, self.query_one("#bookings-search", Input).value, self.query_one("#state-select", Select).value
        )
        if key != current:
            return  # an earlier search finishing late: no longer what is asked
        draw = self.draw
        self.query_one(BookingsTable).show(rows, draw.width if draw else 1)
        shown = f"first {len(rows)} of {total:,}" if total > len(rows) else f"{total:,}"
        self.query_one("#bookings-status", Static).update(
            literal(
                f"{shown} booking{'s' if total != 1 else ''}  ·  / search  ·  enter: to the list, then e to export "
                f"this draw  ·  esc back",
                keep_newlines=True,
            )
        )

    @property
    def draw(self):
        return next((d for d in self.draws if d.id == self.draw_id), None)

    @on(Select.Changed, "#draw-select")
    def draw_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self.draw_id = event.value
            draw = self.draw
            archived = (
                f" · archived, exported to {draw.export_path}"
                if draw.state == DrawState.ARCHIVED and draw.export_path
                else ""
            )
            self.query_one("#bookings-title", Static).update(
                literal(f"Bookings of “{draw.name}” ({draw.state}){archived}", keep_newlines=True)
            )
            self.action_reload()

    @on(Select.Changed, "#state-select")
    @on(Input.Changed, "#bookings-search")
    def action_reload(self) -> None:
        if self.draw_id is not None and self.draws:
            self.find(
                *self.search_key(
                    self.draw_id,
                    self.query_one("#bookings-search", Input).value,
                    self.query_one("#state-select", Select).value,
                )
            )

    @on(Input.Submitted, "#bookings-search")
    def to_table(self) -> None:
        self.query_one(BookingsTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#bookings-search").focus()

    def action_export(self) -> None:
        if self.draw is not None:
            self.app.open_export(self.draw)
