"""QrView: a QR code drawn with half blocks, dark modules on a light background (with a light margin
all round, the quiet zone scanners need) so phones scan it."""

from textual.widgets import Static

from shared.upi import qr_text


class QrView(Static):
    DEFAULT_CSS = """
    QrView {
        width: auto;
        height: auto;
        padding: 1 2;
        color: black;
        background: white;
    }
    """

    def __init__(self, data: str, **kwargs) -> None:
        self.data = data
        super().__init__(qr_text(data), markup=False, **kwargs)
