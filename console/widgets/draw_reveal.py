"""DrawReveal: the moment of the draw, one prize at a time. Digits roll for a moment before each
prize's winning ticket stops on screen; the ticket it stops on is the stored result of the draw
(the rolling digits are decoration and decide nothing)."""

import random
import time
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from shared.winner_draw import DrawingResult

from ..safe_text import literal, visible

TICK_SECONDS = 0.06


class DrawReveal(Static):
    """`start(result, seconds_per_prize)` rolls, `skip()` shows every winner at once; either way
    it ends by posting `DrawReveal.Finished`."""

    @dataclass
    class Finished(Message):
        number: int  # the drawing that has been revealed

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.border_title = literal("The draw")
        self.result: DrawingResult | None = None
        self.shown = 0  # prizes whose winner is on screen
        self.seconds = 1.5
        self._prize_started = 0.0
        self._timer = None
        self.ticket_count = 0
        self._digits = random.Random()

    @property
    def rolling(self) -> bool:
        return self.result is not None and self.shown < len(self.result.winners)

    def start(self, result: DrawingResult, seconds_per_prize: float, ticket_count: int = 0) -> None:
        """Roll through numbers 1..`ticket_count` (any of the labels' width when 0)."""
        self.stop_timer()
        self.result = result
        self.ticket_count = ticket_count
        self.seconds = seconds_per_prize
        self.shown = 0
        self._prize_started = time.monotonic()
        self.display = True
        self._paint()
        if not result.winners or seconds_per_prize <= 0:
            self.skip()
            return
        self._timer = self.set_interval(TICK_SECONDS, self._tick)

    def _tick(self) -> None:
        if not self.rolling:
            return
        now = time.monotonic()
        if now - self._prize_started >= self.seconds:
            self.shown += 1
            self._prize_started = now
        self._paint()
        if not self.rolling:
            self._finish()

    def skip(self) -> None:
        """Stop rolling and show every winner of the drawing now."""
        if self.result is None:
            return
        was_rolling = self.rolling or self._timer is not None
        self.shown = len(self.result.winners)
        self._paint()
        if was_rolling or not self.result.winners:
            self._finish()

    def _finish(self) -> None:
        self.stop_timer()
        self.post_message(self.Finished(self.result.number))

    def stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _paint(self) -> None:
        result = self.result
        text = Text()
        if result.number == 1:
            text.append(f"Drawing 1: {result.sold_count:,} sold tickets", style="bold")
        else:
            text.append(f"Redraw (drawing {result.number})", style="bold")
            if result.reason:
                text.append(f": {visible(result.reason)}", style="bold")
        width = max((len(w.prize) for w in result.winners), default=0)
        digits = max((len(w.label) for w in result.winners), default=1)
        for index, winner in enumerate(result.winners):
            text.append("\n")
            text.append(f"{visible(winner.prize[:30]):<{min(width, 30)}}  ", style="bold")
            if index < self.shown:
                text.append(f"ticket {visible(winner.label)}", style="bold green")
                text.append(f"  {visible(winner.public_name)}", style="green")
            elif index == self.shown:
                top = self.ticket_count or 10**digits - 1
                text.append(f"ticket {self._digits.randint(1, top):0{digits}d}", style="bold yellow")
            else:
                text.append("ticket " + "·" * digits, style="dim")
        self.update(text)

    @property
    def text(self) -> str:
        return str(self.content)
