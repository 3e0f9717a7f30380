"""WinnersScreen: the end of a draw in one place. It shows the commitment (the SHA-256 of the secret
seed), the state, the announced public value, the prizes and — one per line — what the draw is
still waiting for; it closes (and re-opens) sales, plans the prizes, draws with a moment of
theatre, lists the winners by prize with their contact details, redraws an unclaimed prize with
a reason, and writes the public results file that anyone can verify."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from shared.draws import current_draw
from shared.errors import Conflict, ExportFailed
from shared.results import public_commitment, results_json
from shared.states import DrawState
from shared.winner_draw import (
    DrawingResult,
    Readiness,
    draw_readiness,
    drawings,
    open_sales,
)

from ..messages import ResultsWritten, SalesReopened
from ..safe_text import literal
from ..snapshot import DrawInfo, draw_info, local_time
from ..widgets.draw_reveal import DrawReveal
from ..widgets.winners_table import WinnersTable
from .confirm import ConfirmScreen
from .live_screen import LiveScreen
from .winners_dialogs import CloseSalesScreen, DrawScreen, PrizesScreen, RedrawScreen, numbered

DRAW_ACTIONS = ("close_sales", "announce", "open_sales", "prizes", "draw", "redraw", "results_file")
STATE_STYLES = {
    DrawState.OPEN: "bold black on green",
    DrawState.CLOSED: "bold black on yellow",
    DrawState.DRAWN: "bold white on blue",
}


@dataclass(frozen=True)
class DrawView:
    """Everything the screen shows, read in one go (plain values only)."""

    draw: DrawInfo
    commitment: str
    announcement: str | None
    announced_at: str | None  # ISO UTC, as published
    closed_at: str | None
    prizes: tuple[str, ...]
    one_prize_per_buyer: bool
    readiness: Readiness
    drawings: tuple[DrawingResult, ...]

    @property
    def state(self) -> str:
        return self.draw.state


def load_view() -> DrawView:
    draw = current_draw()
    public = public_commitment(draw.id)
    return DrawView(
        draw_info(draw),
        public["commitment"],
        public["announcement"],
        public["announced_at"],
        public["closed_at"],
        tuple(public["prizes"]),
        public["one_prize_per_buyer"],
        draw_readiness(),
        tuple(drawings(draw.id)),
    )


def write_results(path: Path) -> Path:
    """Runs in a worker: the current draw's published results, as the file to hand out."""
    text = results_json()
    if text is None:
        raise Conflict("There are no winners yet, so there is no results file to write.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ExportFailed(f"Cannot write the results file {path}: {error.strerror or error}.") from None
    return path


def reopen_sales() -> str:
    """Runs in a worker: take bookings again; the draw's name, for the status line."""
    return open_sales().name


def iso_local(iso: str | None, fmt: str = "%d %b %H:%M") -> str:
    if not iso:
        return ""
    return local_time(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"), fmt)


def info_text(view: DrawView) -> Text:
    """Commitment, public value, prizes and the figures the draw depends on."""
    text = Text()
    text.append("Commitment ", style="dim")
    text.append(view.commitment + "\n", style="bold")
    text.append("Public value ", style="dim")
    if view.announcement:
        text.append(f"“{view.announcement}”", style="bold")
        text.append(f" announced {iso_local(view.announced_at)}\n", style="dim")
    else:
        text.append("none announced\n")
    text.append("Prizes ", style="dim")
    if view.prizes:
        text.append(numbered(view.prizes), style="bold")
        text.append("  (one per buyer)\n" if view.one_prize_per_buyer else "\n", style="dim")
    else:
        text.append("none planned yet\n", style="yellow")
    ready = view.readiness
    text.append("Sold ", style="dim")
    text.append(f"{ready.sold_tickets:,}", style="bold")
    text.append("  pending ", style="dim")
    text.append(f"{ready.pending_orders:,}", style="bold yellow" if ready.pending_orders else "bold")
    text.append("  unmatched ", style="dim")
    text.append(f"{ready.unmatched_payments:,}", style="bold red" if ready.unmatched_payments else "bold")
    text.append("  needs attention ", style="dim")
    text.append(f"{ready.attention_payments:,}", style="bold red" if ready.attention_payments else "bold")
    return text


def readiness_text(view: DrawView) -> Text:
    """What the draw waits for, one problem a line; or that it is ready; or how it was drawn."""
    text = Text()
    if view.drawings:
        first = view.drawings[0]
        value = f"public value “{first.public_value}”" if first.public_value else "no public value"
        text.append(
            f"Drawn {local_time(first.drawn_at, '%d %b %H:%M')}: {first.sold_count:,} sold tickets, "
            f"list hash {first.list_hash[:16]}…, {value}.",
            style="bold green",
        )
        return text
    if view.readiness.ok:
        text.append("Ready to draw: press d.", style="bold green")
        return text
    text.append("Before the draw:", style="bold")
    for problem in view.readiness.problems:
        text.append(f"\n• {problem}", style="yellow")
    return text


class WinnersScreen(LiveScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("c", "close_sales", "Close sales"),
        Binding("c", "announce", "Announce value"),
        Binding("o", "open_sales", "Open sales"),
        Binding("p", "prizes", "Prizes"),
        Binding("d", "draw", "Draw"),
        Binding("space", "skip", "Show all"),
        Binding("r", "redraw", "Redraw"),
        Binding("f", "results_file", "Results file"),
    ]
    ROLL_SECONDS = 1.5  # per prize, while the digits roll

    def __init__(self, exports_dir: str | Path = "exports") -> None:
        super().__init__()
        self.exports_dir = Path(exports_dir)
        self.view: DrawView | None = None
        self.revealing: int | None = None  # the drawing being revealed: its rows wait until it ends

    def compose(self) -> ComposeResult:
        yield Static("Winner draw", id="winners-title")
        yield Static("Reading the draw…", id="winners-info")
        yield Static("", id="winners-ready")
        yield DrawReveal(id="reveal")
        yield WinnersTable(id="winners-table")
        yield Static("", id="screen-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DrawReveal).display = False
        self.query_one(WinnersTable).focus()

    def read(self) -> DrawView:
        return load_view()

    def show(self, view: DrawView) -> None:
        self.view = view
        title = Text()
        title.append(" Winner draw ", style="bold reverse")
        title.append(f"  {view.draw.name}  ", style="bold")
        title.append(f" {view.state.upper()} ", style=STATE_STYLES.get(view.state, "bold reverse"))
        if view.closed_at and view.state != DrawState.OPEN:
            title.append(f"  sales closed {iso_local(view.closed_at)}", style="dim")
        self.query_one("#winners-title", Static).update(literal(title, keep_newlines=True))
        self.query_one("#winners-info", Static).update(literal(info_text(view), keep_newlines=True))
        self.query_one("#winners-ready", Static).update(literal(readiness_text(view), keep_newlines=True))
        shown = tuple(d for d in view.drawings if self.revealing is None or d.number < self.revealing)
        table = self.query_one(WinnersTable)
        table.show(shown)
        table.border_title = literal("Winners" if shown else "Winners: none drawn yet")
        self.refresh_bindings()

    # Which keys apply ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters) -> bool | None:
        view = self.view
        if action == "skip":
            return self.revealing is not None
        if view is None or self.revealing is not None:
            return action not in DRAW_ACTIONS
        state = view.state
        return {
            "close_sales": state == DrawState.OPEN,
            "announce": state == DrawState.CLOSED and not view.announcement,
            "open_sales": state == DrawState.CLOSED,
            "prizes": state in (DrawState.OPEN, DrawState.CLOSED),
            "draw": state == DrawState.CLOSED,
            "redraw": state == DrawState.DRAWN and bool(view.drawings),
            "results_file": bool(view.drawings),
        }.get(action, True)

    # Actions ------------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.revealing is not None:
            self.action_skip()
        self.app.pop_screen()

    def after_dialog(self, result) -> None:
        if result:
            text = result if isinstance(result, str) else f"Prizes saved: {numbered(result.prizes)}."
            self.say(text, "ok")
            self.app.notify(text, title="Winner draw", markup=False)
        self.reload()

    def action_close_sales(self) -> None:
        self.app.push_screen(CloseSalesScreen(self.view.draw.name), self.after_dialog)

    def action_announce(self) -> None:
        self.app.push_screen(CloseSalesScreen(self.view.draw.name, announce_only=True), self.after_dialog)

    def action_open_sales(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(SalesReopened, reopen_sales, waiting="Opening sales…")

        note = f" The announcement “{self.view.announcement}” stays on record." if self.view.announcement else ""
        self.app.push_screen(
            ConfirmScreen(
                f"Take bookings for “{self.view.draw.name}” again?{note}", title="Open sales", yes="Open sales"
            ),
            confirmed,
        )

    def action_prizes(self) -> None:
        self.app.push_screen(PrizesScreen(self.view.prizes, self.view.one_prize_per_buyer), self.after_dialog)

    def action_draw(self) -> None:
        self.app.push_screen(DrawScreen(self.view), self.drawn)

    def action_redraw(self) -> None:
        chosen = self.query_one(WinnersTable).selected()
        self.app.push_screen(RedrawScreen(self.view, chosen[1].prize if chosen else None), self.drawn)

    def action_results_file(self) -> None:
        path = (self.exports_dir / f"results-draw-{self.view.draw.id}.json").resolve()
        self.act(ResultsWritten, write_results, path, waiting=f"Writing {path}…")

    def on_sales_reopened(self, message: SalesReopened) -> None:
        self.say(f"Sales for “{message.draw_name}” are open again.", "ok")

    def on_results_written(self, message: ResultsWritten) -> None:
        path = message.path
        self.say(f"Results written to {path}. Anyone can check it: luckydraw verify {path}", "ok")
        self.app.notify(f"Results written to {path}", title="Results file", markup=False)

    # The draw's moment --------------------------------------------------------------------------

    def drawn(self, result: DrawingResult | None) -> None:
        if result is None:
            self.reload()
            return
        self.revealing = result.number
        reveal = self.query_one(DrawReveal)
        reveal.start(result, self.ROLL_SECONDS, self.view.draw.ticket_count if self.view else 0)
        kind = "Winners drawn" if result.number == 1 else f"Prize redrawn (drawing {result.number})"
        expired = ""
        if result.cancelled_pending:
            expired = (
                f" {len(result.cancelled_pending)} pending booking(s) let expire: "
                f"{', '.join(result.cancelled_pending[:5])}{' …' if len(result.cancelled_pending) > 5 else ''}."
            )
        self.say(f"{kind}.{expired}  space: show all", "ok")
        self.refresh_bindings()
        self.reload()

    def on_draw_reveal_finished(self, message: DrawReveal.Finished) -> None:
        if self.revealing == message.number:
            self.revealing = None
            self.say(
                "Winners by prize below, with whom to call. r redraws an unclaimed prize; f writes the "
                "results file to publish.",
                "ok",
            )
            if self.view is not None:
                self.show(self.view)
            self.reload()

    def action_skip(self) -> None:
        self.query_one(DrawReveal).skip()
