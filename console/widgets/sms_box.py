"""SmsBox: where the organiser pastes one bank SMS or UPI notification. A new paste replaces what
was there, so pasting the next message never glues two together."""

from textual import events
from textual.widgets import TextArea

from ..safe_text import visible


class SmsBox(TextArea):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            soft_wrap=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder="e.g. Rs.10.01 credited to a/c XX1234 … UPI Ref 512345678901",
            **kwargs,
        )

    async def _on_paste(self, event: events.Paste) -> None:
        # Runs before TextArea's own paste handler (Textual calls each class's handler in turn),
        # which then replaces the selection with the pasted text — with its control characters
        # made visible, so a pasted escape sequence is never drawn to the terminal.
        self.select_all()
        text = event.text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        event.text = visible(text, keep_newlines=True)
