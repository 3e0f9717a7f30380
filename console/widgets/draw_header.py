"""DrawHeader: one line naming the draw, its state, the buyer page's address and the clock."""

from rich.text import Text
from textual.widgets import Static

from shared.states import DrawState

from ..safe_text import visible
from ..snapshot import Snapshot, local_time


class DrawHeader(Static):
    """'Lucky Draw · Diwali Mela · OPEN · buyers: http://192.168.1.5:8080 · 14:03:22'."""

    def __init__(self, web_url: str | None = None, **kwargs) -> None:
        super().__init__("Lucky Draw · opening the database…", **kwargs)
        self.web_url = web_url
        self.problem: str | None = None
        self.tunnel_note: str | None = None  # the tunnel is starting or down: what it is doing
        self.tunnel_down = False

    def show(self, snapshot: Snapshot | None) -> None:
        text = Text()
        text.append(" Lucky Draw ", style="bold reverse")
        if snapshot is None or snapshot.draw is None:
            text.append("  no draw yet: press n to start one", style="bold")
        else:
            draw = snapshot.draw
            text.append(f"  {visible(draw.name)}  ", style="bold")
            text.append(
                f" {draw.state.upper()} ",
                style="bold black on green" if draw.state == DrawState.OPEN else "bold black on yellow",
            )
        text.append("  buyers: ")
        text.append(visible(self.web_url) or "web not started here", style="bold underline" if self.web_url else "dim")
        if self.tunnel_note:
            text.append(
                f"  {visible(self.tunnel_note)}", style="bold white on red" if self.tunnel_down else "bold yellow"
            )
        if snapshot is not None:
            text.append(f"  {local_time(snapshot.taken_at)}", style="dim")
        if self.problem:
            text.append(f"  {visible(self.problem)}", style="bold white on red")
        self.update(text)
