"""OutcomeBar: the result of the organiser's last action, kept on screen until the next one."""

from rich.text import Text
from textual.widgets import Static

from ..safe_text import visible
from ..snapshot import local_time

STYLES = {"information": "bold green", "warning": "bold yellow", "error": "bold red"}


class OutcomeBar(Static):
    """'14:03:22  ₹10.01 confirmed booking LD-7K3Q2P (Asha; 007, 008).'"""

    def __init__(self, **kwargs) -> None:
        super().__init__("Press a to add a payment as soon as money shows up on your phone.", **kwargs)
        self.text = ""

    def show(self, text: str, severity: str = "information", at=None) -> None:
        self.text = text
        line = Text()
        if at is not None:
            line.append(f"{local_time(at)}  ", style="dim")
        line.append(visible(text, keep_newlines=True), style=STYLES.get(severity, "bold"))
        self.update(line)
