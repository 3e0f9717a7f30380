"""HoldsWarning: one warning line when one web client or one mobile prefix holds a large share of
the draw (shared.dashboard.hold_concentration), hidden otherwise. Keys are shown as plain text."""

from rich.text import Text
from textual.widgets import Static

from ..snapshot import HoldConcentration

SHOWN = 3  # flags named on the line; the rest are counted


def plain_key(key: str) -> str:
    """A client key or mobile prefix made safe to print: characters of an address or number only."""
    return "".join(c if c.isalnum() or c in ".:-" else "?" for c in str(key))[:64]


def warning_text(flags: tuple[HoldConcentration, ...]) -> Text:
    line = Text("⚠ ", style="bold yellow")
    parts = []
    for flag in flags[:SHOWN]:
        what = f"Client {plain_key(flag.key)}" if flag.kind == "client" else f"Mobiles {plain_key(flag.key)}…"
        parts.append(f"{what} hold {flag.tickets} tickets ({flag.percent}%) in {flag.bookings} bookings")
    if len(flags) > SHOWN:
        parts.append(f"{len(flags) - SHOWN} more")
    line.append("; ".join(parts) + ".", style="bold yellow")
    if any(flag.kind == "client" for flag in flags):
        line.append("  Press x on one of its bookings to release that client's holds.", style="yellow")
    return line


class HoldsWarning(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.flags: tuple[HoldConcentration, ...] = ()
        self.display = False

    def show(self, flags: tuple[HoldConcentration, ...]) -> None:
        if flags == self.flags:
            return
        self.flags = flags
        self.display = bool(flags)
        self.update(warning_text(flags) if flags else "")
