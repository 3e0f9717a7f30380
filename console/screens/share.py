"""ShareScreen: the buyer page's address and its QR code, large enough to show buyers. With a
tunnel (`luckydraw up --share`) it follows the tunnel: a new address replaces the old one and its
QR at once, and while the tunnel is down it says so."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from shared.upi import qr_text

from ..safe_text import literal
from ..widgets.qr_view import QrView

LAN_HINT = "Buyers scan this with the phone camera (same Wi-Fi), or type the address."
PUBLIC_HINT = "Buyers anywhere scan this with the phone camera, or type the address. Press p for a poster."


class ShareScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,w", "close", "Close"), Binding("p", "app.poster", "Poster")]

    def __init__(self, web_url: str | None, *, public: bool = False, note: str = "") -> None:
        super().__init__()
        self.web_url = web_url
        self.public = public
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="share") as box:
            box.border_title = literal("Buyer page")
            if self.web_url:
                yield Static(literal(self.web_url), id="share-url")
                yield Label(literal(self.note), id="share-note", classes="hint")
                yield Label(PUBLIC_HINT if self.public else LAN_HINT, id="share-hint", classes="hint")
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

    def on_mount(self) -> None:
        self._show()

    def show_address(self, web_url: str, *, public: bool, note: str = "") -> None:
        """The tunnel's address changed (or it went down: `note` says so): show the new one and its QR.
        Called on the app's timer, so the screen may be pushed but not yet composed: the values are
        kept and `on_mount` shows them."""
        if not self.web_url:  # composed without an address: build it again with one
            self.web_url, self.public, self.note = web_url, public, note
            self.refresh(recompose=True)
            return
        self.web_url, self.public, self.note = web_url, public, note
        if self.is_mounted:
            self._show()

    def _show(self) -> None:
        """Put the kept address, hint, note and QR into whichever of their widgets exist."""
        if not self.web_url:
            return
        for url in self.query("#share-url").results(Static):
            url.update(literal(self.web_url))
        for hint in self.query("#share-hint").results(Label):
            hint.update(PUBLIC_HINT if self.public else LAN_HINT)
        for note in self.query("#share-note").results(Label):
            note.update(literal(self.note))
            note.display = bool(self.note)
        for qr in self.query("#share-qr").results(QrView):
            if qr.data != self.web_url:
                qr.data = self.web_url
                qr.update(qr_text(self.web_url))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
