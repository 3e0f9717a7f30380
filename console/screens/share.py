"""ShareScreen: the buyer page's address and its QR code, large enough to show buyers."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ..safe_text import literal
from ..widgets.qr_view import QrView


class ShareScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,w", "close", "Close")]

    def __init__(self, web_url: str | None) -> None:
        super().__init__()
        self.web_url = web_url

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="share") as box:
            box.border_title = literal("Buyer page")
            if self.web_url:
                yield Static(literal(self.web_url), id="share-url")
                yield Label("Buyers scan this with the phone camera (same Wi-Fi), or type the address.", classes="hint")
                with Center():
                    yield QrView(self.web_url, id="share-qr")
            else:
                yield Static("The buyer web is not running from this console.", id="share-url")
                yield Label(
                    "Start both with 'luckydraw up', or set LUCKYDRAW_WEB_URL to the address of the "
                    "buyer web that runs elsewhere to show it here.",
                    classes="hint",
                )
            with Center():
                yield Button("Close  esc", id="close", compact=True)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
