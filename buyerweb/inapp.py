"""In-app browsers: the webviews of WhatsApp, Instagram, Facebook, Telegram, Snapchat and LinkedIn,
where a buyer lands from a link in a chat. They often cannot hand a payment off to a UPI app or keep
the page alive while the buyer pays, so the pages offer to open themselves in the phone's browser.

`in_app_browser(user_agent)` names the app (or None); `chrome_intent(host, path)` is the Android
link that opens the same address in Chrome."""

import re

# (name shown to the buyer, pattern in the user agent). Order matters: Instagram's and Facebook's
# webviews both carry "FBAN"/"FBAV"-like tokens in some builds, so Instagram is looked for first.
APPS = (
    ("Instagram", re.compile(r"\bInstagram\b")),
    ("Facebook", re.compile(r"\bFBAN/|\bFBAV/|\bFB_IAB/|\bFBIOS\b")),
    ("WhatsApp", re.compile(r"\bWhatsApp\b", re.IGNORECASE)),
    ("Telegram", re.compile(r"\bTelegram(?:Bot|-Android)?\b", re.IGNORECASE)),
    ("Snapchat", re.compile(r"\bSnapchat\b", re.IGNORECASE)),
    ("LinkedIn", re.compile(r"\bLinkedInApp\b|\bLinkedIn\b")),
)
ANDROID = re.compile(r"\bAndroid\b")
MAX_UA = 1024


def in_app_browser(user_agent: str | None) -> str | None:
    """The app whose webview sent this user agent, or None for an ordinary browser."""
    ua = (user_agent or "")[:MAX_UA]
    for name, pattern in APPS:
        if pattern.search(ua):
            return name
    return None


def is_android(user_agent: str | None) -> bool:
    return bool(ANDROID.search((user_agent or "")[:MAX_UA]))


def chrome_intent(host: str, path: str) -> str:
    """intent://<host><path>#Intent;scheme=https;package=com.android.chrome;end"""
    return f"intent://{host}{path}#Intent;scheme=https;package=com.android.chrome;end"
