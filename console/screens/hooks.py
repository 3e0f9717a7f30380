"""HooksScreen: turn automatic payment intake on and off. The SMS-forwarder hook gets a new secret,
shown as text and as a QR code of the forwarder's setup (the buyer web's address included when
this console started it); the Razorpay hook takes the webhook secret entered in Razorpay's
dashboard (or makes one to enter there). Both only ever record payments for the matching rules."""

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static

from shared.errors import LuckyDrawError
from shared.intake import (
    HookSettings,
    disable_razorpay_hook,
    disable_sms_hook,
    enable_razorpay_hook,
    enable_sms_hook,
    razorpay_hook_settings,
    sms_hook_settings,
    sms_setup_payload,
)
from shared.upi import qr_text

from ..messages import RazorpayHookChanged, SmsHookOff, SmsHookOn
from ..safe_text import literal
from ..snapshot import local_time
from ..widgets.qr_view import QrView
from .base import DbModal
from .confirm import ConfirmScreen
from .live_screen import LiveScreen


@dataclass(frozen=True)
class HooksView:
    sms: HookSettings
    razorpay: HookSettings
    setup: str | None  # the forwarder's setup JSON, when the SMS hook is on
    setup_problem: str | None  # why it has no full address


def load_hooks(web_url: str | None) -> HooksView:
    sms, razorpay = sms_hook_settings(), razorpay_hook_settings()
    setup = problem = None
    if sms.enabled:
        try:
            setup = sms_setup_payload(web_url)
        except LuckyDrawError as error:  # an address the forwarder could not use: say so
            problem = error.message
    return HooksView(sms, razorpay, setup, problem)


def address(web_url: str | None, path: str) -> str:
    return web_url.strip().rstrip("/") + path if web_url else f"<the buyer web's address>{path}"


class HooksScreen(LiveScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "sms_on", "SMS on / new secret"),
        Binding("x", "sms_off", "SMS off"),
        Binding("r", "razorpay", "Razorpay secret"),
    ]
    REFRESH_SECONDS = 5.0

    def __init__(self, web_url: str | None) -> None:
        super().__init__()
        self.web_url = web_url
        self.view: HooksView | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" Payment hooks ", style="bold reverse"), id="hooks-title")
        with VerticalScroll(id="hooks-body"):
            yield Static("Reading the hooks…", id="sms-state")
            yield Static("", id="sms-secret")
            yield Static("", id="razorpay-state")
            yield Label("", id="sms-hint", classes="hint", markup=False)
            with Center(id="sms-qr-box"):
                yield QrView("", id="sms-qr")
            yield Static("", id="sms-setup", markup=False)
        yield Static("", id="screen-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#hooks-body").focus()

    def read(self) -> HooksView:
        return load_hooks(self.web_url)

    def show(self, view: HooksView) -> None:
        self.view = view
        sms = view.sms
        state = Text()
        state.append("SMS forwarder  ", style="bold")
        if sms.enabled:
            state.append(" ON ", style="bold black on green")
            state.append(f"  since {local_time(sms.enabled_at, '%d %b %H:%M')}", style="dim")
            state.append(f"\nPOST  {address(self.web_url, sms.path)}")
        else:
            state.append(" OFF ", style="bold reverse")
            state.append("  press s to turn it on: the forwarder app on your phone then posts each bank SMS here.")
        self.query_one("#sms-state", Static).update(literal(state, keep_newlines=True))
        secret = Text()
        if sms.enabled:
            secret.append("Secret  ", style="dim")
            secret.append(sms.secret, style="bold")
        self.query_one("#sms-secret", Static).update(literal(secret, keep_newlines=True))
        self.query_one("#sms-secret").display = sms.enabled
        self.show_setup(view)
        self.query_one("#razorpay-state", Static).update(literal(self.razorpay_text(view.razorpay), keep_newlines=True))
        self.refresh_bindings()

    def show_setup(self, view: HooksView) -> None:
        hint, qr, box, blob = (
            self.query_one("#sms-hint", Label),
            self.query_one("#sms-qr", QrView),
            self.query_one("#sms-qr-box"),
            self.query_one("#sms-setup", Static),
        )
        with_qr = view.setup is not None and bool(self.web_url)
        if with_qr and qr.data != view.setup:
            qr.data = view.setup
            qr.update(qr_text(view.setup))
        box.display = with_qr
        blob.display = view.setup is not None
        blob.update(f"Setup JSON: {view.setup}" if view.setup else "")
        hint.display = view.sms.enabled
        if view.setup_problem:
            hint.update(f"{view.setup_problem} Set LUCKYDRAW_WEB_URL to the buyer web's public address.")
        elif not self.web_url:
            hint.update(
                "SMS forwarder setup: the buyer web is not running from this console, so its address is "
                "not known here: in the forwarder app enter the address buyers use followed by /hooks/sms, "
                "and the secret above. (Start both with 'luckydraw up', or set LUCKYDRAW_WEB_URL, to get a "
                "QR code here.)"
            )
        else:
            rows = len(qr_text(view.setup).splitlines()) + 2
            small = self.app.size.height < rows + 2
            hint.update(
                "SMS forwarder setup: scan this with the forwarder app (or type the address and secret). "
                "The phone must reach this address. Anyone with the secret can post payments to your "
                "inbox — they are still only matched by the rules."
                + (
                    f" Scroll down, or make the terminal at least {rows + 2} lines tall to scan the whole code."
                    if small
                    else ""
                )
            )

    def razorpay_text(self, settings: HookSettings) -> Text:
        text = Text()
        text.append("Razorpay  ", style="bold")
        if settings.enabled:
            text.append(" ON ", style="bold black on green")
            text.append(f"  since {local_time(settings.enabled_at, '%d %b %H:%M')}", style="dim")
            text.append(
                f"\nWebhook URL  {address(self.web_url, settings.path)}  (events payment.captured, qr_code.credited)"
            )
            text.append("\nSecret  ", style="dim")
            text.append(settings.secret, style="bold")
        else:
            text.append(" OFF ", style="bold reverse")
            text.append("  press r to enter the webhook secret from Razorpay's dashboard.")
        return text

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "sms_off":
            return self.view is not None and self.view.sms.enabled
        return True

    def action_sms_on(self) -> None:
        if self.view is None or not self.view.sms.enabled:
            self.act(SmsHookOn, enable_sms_hook, waiting="Turning the SMS hook on…")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(SmsHookOn, enable_sms_hook, waiting="Making a new secret…")

        self.app.push_screen(
            ConfirmScreen(
                "Make a new secret for the SMS hook?\n\nThe current secret stops working at once: set up the forwarder "
                "app again with the new one.",
                title="New SMS secret",
                yes="New secret",
            ),
            confirmed,
        )

    def action_sms_off(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(SmsHookOff, disable_sms_hook, waiting="Turning the SMS hook off…")

        self.app.push_screen(
            ConfirmScreen(
                "Turn the SMS hook off?\n\nMessages the forwarder sends are then refused (the address answers 404) "
                "and payments must be added by hand again.",
                title="SMS hook off",
                yes="Turn off",
            ),
            confirmed,
        )

    def action_razorpay(self) -> None:
        enabled = self.view is not None and self.view.razorpay.enabled
        self.app.push_screen(RazorpayScreen(enabled), self.razorpay_done)

    def razorpay_done(self, text: str | None) -> None:
        if text:
            self.say(text, "ok")
            self.app.notify(text, title="Razorpay hook", markup=False)
        self.reload()

    def on_sms_hook_on(self, message: SmsHookOn) -> None:
        self.hook_changed("SMS hook on. Set up the forwarder app with the secret (or the QR code) below.")

    def on_sms_hook_off(self, message: SmsHookOff) -> None:
        self.hook_changed("SMS hook off: the forwarder's messages are now refused.")

    def hook_changed(self, text: str) -> None:
        self.say(text, "ok")
        self.app.notify(text, title="SMS hook", markup=False)


def save_razorpay(secret: str | None) -> str:
    saved = enable_razorpay_hook(secret)
    return (
        f"Razorpay hook on with a new secret: {saved} — enter it in Razorpay's dashboard for the webhook."
        if secret is None
        else "Razorpay hook on with the secret from Razorpay's dashboard."
    )


def clear_razorpay() -> str:
    disable_razorpay_hook()
    return "Razorpay hook off: its address now answers 404."


class RazorpayScreen(DbModal):
    """Set the webhook secret, make one, or turn the hook off. Dismissed with what happened."""

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+g", "generate", "Make a secret", priority=True),
        Binding("ctrl+o", "turn_off", "Turn off", priority=True),
    ]

    def __init__(self, enabled: bool) -> None:
        super().__init__()
        self.enabled = enabled

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="razorpay") as box:
            box.border_title = literal("Razorpay webhook secret")
            yield Label(
                "The secret you entered for the webhook in Razorpay's dashboard (12 to 200 characters, no "
                "spaces). Entering a new one replaces the old one.",
                classes="hint",
            )
            yield Input(placeholder="webhook secret", password=False, id="secret", compact=True)
            yield Static("", id="status")
            with Horizontal(classes="buttons"):
                yield Button("Save  enter", id="save", variant="primary", compact=True)
                yield Button("Make one  ctrl+g", id="generate", compact=True)
                if self.enabled:
                    yield Button("Turn off  ctrl+o", id="off", variant="warning", compact=True)
                yield Button("Close  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#secret").focus()

    @on(Input.Submitted, "#secret")
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        self.start(RazorpayHookChanged, save_razorpay, self.query_one("#secret", Input).value.strip())

    @on(Button.Pressed, "#generate")
    def action_generate(self) -> None:
        self.start(RazorpayHookChanged, save_razorpay, None, waiting="Making a secret…")

    @on(Button.Pressed, "#off")
    def action_turn_off(self) -> None:
        if not self.enabled:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.start(RazorpayHookChanged, clear_razorpay, waiting="Turning the Razorpay hook off…")

        self.app.push_screen(
            ConfirmScreen(
                "Turn the Razorpay hook off?\n\nRazorpay's webhooks are then refused (the address answers 404); "
                "Razorpay retries them for a day.",
                title="Razorpay hook off",
                yes="Turn off",
            ),
            confirmed,
        )

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_razorpay_hook_changed(self, message: RazorpayHookChanged) -> None:
        self.dismiss(message.text)
