"""Real-browser test in headless Chromium at 390×844: the ₹3,500 booking paid to a personal UPI ID
with no dead end. The pay page leads with the UPI ID and the amount (copy buttons that say
"Copied"), offers no Save QR (and says why: above the ₹2,000 gallery cap) and no Open UPI app; the
buyer hands in the UTR; the organiser records the payment with the `luckydraw` command line in
another process; the page moves to the receipt by itself. Screenshots as in test_web_browser."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from buyerweb.app import create_app
from shared import db as shared_db
from tests.helpers.db import new_draw
from tests.helpers.web import NO_LIMITS, ThreadServer
from tests.web.test_web_browser import PHONE, browser, enter_details, shot, tap  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

UTR = "512398765432"
LUCKYDRAW = Path(sys.executable).with_name("luckydraw")


@pytest.fixture
def big_site(sqlite_url, tmp_path):
    app = create_app(sqlite_url, **NO_LIMITS)
    draw = new_draw(tmp_path, name="Diwali Mela 2025", ticket_count=100, price="500", payee_vpa="asha.k@okicici")
    server = ThreadServer(app)
    yield server, draw, sqlite_url
    server.stop()
    shared_db.close()


def test_a_3500_rupee_personal_payment_without_a_dead_end(big_site, browser):  # noqa: F811
    server, draw, url = big_site
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-IN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    phone = context.new_page()
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    enter_details(phone, server.url)
    for n in (3, 9, 14, 27, 33, 48, 61):
        tap(phone, n)
    assert phone.locator("#sel-total").inner_text() == "₹3500.00"
    phone.get_by_role("button", name="Book & pay").click()
    phone.wait_for_url(re.compile(r"/pay/\d{12}$"))
    session_id = phone.url.rsplit("/", 1)[1]

    assert phone.locator("#amount").inner_text() == "₹3,500.00"
    assert phone.get_by_role("heading", name="Pay to UPI ID").is_visible()
    assert phone.locator("#vpa").inner_text() == "asha.k@okicici"
    assert phone.locator("#pay-amount").inner_text() == "₹3,500.00"
    assert phone.get_by_role("link", name="Save QR").count() == 0
    assert "more than ₹2,000.00" in phone.locator("#no-save").inner_text()
    assert phone.get_by_role("link", name="Open UPI app").count() == 0
    assert phone.locator('a[href^="upi:"]').count() == 0
    copy = phone.get_by_role("button", name="Copy UPI ID")
    copy.click()
    expect(copy).to_have_text("Copied")  # the clipboard write is a promise: the label follows it
    assert phone.evaluate("navigator.clipboard.readText()") == "asha.k@okicici"
    phone.locator("details.steps summary", has_text="PhonePe").click()
    assert phone.get_by_text("To Bank/UPI ID").is_visible()
    shot(phone, "pay-personal-3500", full_page=True)

    phone.get_by_label("UPI reference (UTR), 12 digits").fill("5123 9876 5432")
    phone.get_by_role("button", name="Send").click()
    phone.wait_for_url(re.compile(rf"/pay/{session_id}#utr$"))
    assert "5123 9876 5432" in phone.locator("#claim-ok").inner_text()
    shot(phone, "pay-claimed")

    done = subprocess.run(
        [str(LUCKYDRAW), "--db", url, "pay", "--amount", "3500", "--utr", UTR],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    phone.wait_for_url(re.compile(rf"/done/{session_id}$"), timeout=30_000)  # polled every 3 s; a busy machine is slow
    assert phone.locator(".receipt .numlist li").all_inner_texts() == ["003", "009", "014", "027", "033", "048", "061"]
    assert "₹3,500.00" in phone.locator(".receipt").inner_text()
    shot(phone, "receipt-3500", full_page=True)
    context.close()
    assert not errors, errors
