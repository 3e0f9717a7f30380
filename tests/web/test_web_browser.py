"""Real-browser tests in headless Chromium at 390×844 (a phone): a buyer picks numbers, reaches the
payment page, the organiser records the payment through the domain core while the page is open,
and the page reaches the receipt by itself; the "just taken" message keeps the rest of the
selection; the expired page. Takes phone-size screenshots of each page; with
LUCKYDRAW_SCREENSHOTS=1 they replace docs/screenshots/web-*.png (otherwise they go to a temporary
folder, so that a test run leaves the work tree alone)."""

import os
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest

from buyerweb.app import create_app
from shared import db as shared_db
from shared.booking import hold_tickets
from shared.db import utcnow
from shared.money import parse_amount
from shared.payments import record_payment
from tests.helpers.db import new_draw
from tests.helpers.web import NO_LIMITS, ROOT, ThreadServer

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("LUCKYDRAW_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "luckydraw-web-screenshots"
)
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("LUCKYDRAW_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LUCKYDRAW_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"browser tests skipped: {CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(sqlite_url, tmp_path):
    app = create_app(sqlite_url, **NO_LIMITS)
    draw = new_draw(tmp_path, name="Diwali Mela 2025", ticket_count=120, price="10")
    server = ThreadServer(app)
    yield server, draw
    server.stop()
    shared_db.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-IN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def shot(page, name, full_page=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(700)  # let the selection and message animations finish
    page.screenshot(path=str(SHOTS / f"web-{name}.png"), full_page=full_page)


def enter_details(page, url, name="Asha Devi", mobile="98765 43210"):
    page.goto(url + "/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Mobile number").fill(mobile)
    page.get_by_role("button", name="Choose your numbers").click()
    page.wait_for_url(re.compile(r"/pick"))


def tap(page, number):
    page.locator(f"#t{number}").click()


def test_buyer_pays_and_the_page_moves_on_by_itself(site, phone):
    server, draw = site
    hold_tickets("Someone", "9000000001", [2, 3])
    phone.goto(server.url + "/")
    shot(phone, "details")
    enter_details(phone, server.url)
    for n in (7, 21, 42):
        tap(phone, n)
    assert phone.locator("#sel-count").inner_text() == "3"
    assert phone.locator("#sel-total").inner_text() == "₹30.00"
    assert phone.locator("#t2 input").is_disabled()
    phone.evaluate("window.scrollTo(0, document.querySelector('#counts').offsetTop - 12)")
    shot(phone, "grid")
    phone.get_by_role("button", name="Book & pay").click()
    phone.wait_for_url(re.compile(r"/pay/\d{12}$"))
    assert phone.locator("#amount").inner_text() == "₹30.00"
    assert phone.locator(".qr svg").is_visible()
    assert phone.get_by_role("link", name="Save QR").is_visible()
    assert phone.get_by_role("button", name="Copy UPI ID").is_visible()
    assert re.match(r"\d+:\d\d", phone.locator("#countdown").inner_text())
    shot(phone, "payment", full_page=True)
    phone.get_by_role("button", name="Copy amount").click()
    phone.wait_for_timeout(300)
    record_payment(parse_amount("30.00"), "123456789012")  # the organiser saw the money arrive
    phone.wait_for_url(re.compile(r"/done/\d{12}$"), timeout=30_000)  # the page polls every 3 s; a busy machine is slow
    assert "Booking confirmed" in phone.content()
    text = phone.locator(".receipt").inner_text()
    assert phone.locator(".receipt .numlist li").all_inner_texts() == ["007", "021", "042"] and "₹30.00" in text
    assert draw.seed_hash in phone.locator(".receipt").inner_text()
    shot(phone, "success", full_page=True)


def test_taken_numbers_are_named_and_the_rest_kept(site, phone):
    server, _ = site
    enter_details(phone, server.url, name="Ravi", mobile="9123456789")
    for n in (5, 6, 9):
        tap(phone, n)
    hold_tickets("Quicker", "9000000002", [6])  # someone else books 006 meanwhile
    phone.get_by_role("button", name="Book & pay").click()
    message = phone.locator("#msg")
    message.wait_for(state="visible")
    assert "Ticket 006 was just taken by someone else" in message.inner_text()
    assert phone.locator("#t5 input").is_checked() and phone.locator("#t9 input").is_checked()
    assert not phone.locator("#t6 input").is_checked() and phone.locator("#t6 input").is_disabled()
    assert phone.locator("#sel-count").inner_text() == "2"
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "taken")
    phone.get_by_role("button", name="Book & pay").click()
    phone.wait_for_url(re.compile(r"/pay/\d{12}$"))


def test_grid_updates_without_reload_and_lucky_dip(site, phone):
    server, _ = site
    enter_details(phone, server.url, name="Meena", mobile="9988776655")
    tap(phone, 30)
    hold_tickets("Elsewhere", "9000000003", [30, 31])
    phone.locator("#t31.held").wait_for(timeout=12_000)  # availability refresh, no reload
    assert "Ticket 030 was just taken" in phone.locator("#msg").inner_text()
    assert phone.locator("#sel-count").inner_text() == "0"
    phone.select_option("#dip", "3")
    phone.get_by_role("button", name="Pick for me").click()
    phone.wait_for_function("document.querySelector('#sel-count').textContent === '3'")
    assert "Lucky dip picked" in phone.locator("#msg").inner_text()


def test_expired_page(site, phone):
    server, _ = site
    lapsed = hold_tickets("Late Payer", "9876501234", [11, 12], now=utcnow() - timedelta(minutes=30))
    phone.goto(f"{server.url}/pay/{lapsed.session_id}")
    assert "This booking has expired" in phone.content()
    assert phone.get_by_role("link", name="Start again").is_visible()
    assert "Your payment is not lost" in phone.content()
    shot(phone, "expired", full_page=True)


def test_payment_page_turns_into_the_expired_page_by_itself(site, phone):
    server, _ = site
    hold = hold_tickets("Slow", "9876501235", [50], now=utcnow() - timedelta(minutes=10) + timedelta(seconds=4))
    phone.goto(f"{server.url}/pay/{hold.session_id}")
    phone.get_by_text("This booking has expired").wait_for(timeout=15_000)


def test_the_pay_page_does_not_poll_while_the_buyer_is_in_the_upi_app(site, phone):
    """Hidden (the buyer switched to the UPI app): no status checks. Back in front: one at once."""
    server, _ = site
    hold = hold_tickets("Asha", "9000000001", [4])
    polls = []
    phone.on("request", lambda req: polls.append(req.url) if "/api/check_payment/" in req.url else None)
    phone.add_init_script(
        "window.__hidden = true;"
        "Object.defineProperty(document, 'hidden', {get: function () { return window.__hidden; }});"
        "Object.defineProperty(document, 'visibilityState',"
        " {get: function () { return window.__hidden ? 'hidden' : 'visible'; }});"
    )
    phone.goto(f"{server.url}/pay/{hold.session_id}")
    phone.wait_for_timeout(7000)  # two polling rounds of 3 s
    assert polls == []
    with phone.expect_request(lambda req: "/api/check_payment/" in req.url):
        phone.evaluate("window.__hidden = false; document.dispatchEvent(new Event('visibilitychange'))")
    phone.wait_for_timeout(3500)
    assert len(polls) >= 2  # the check on coming back, then polling again every 3 s


def test_my_tickets_page(site, phone):
    server, _ = site
    hold = hold_tickets("Asha Devi", "9876543210", [77, 78])
    record_payment(hold.payable_paise, "123456789077")
    phone.goto(server.url + "/mine")
    phone.get_by_label("Mobile number").fill("98765 43210")
    phone.get_by_label("Booking reference").fill(hold.reference)
    phone.get_by_role("button", name="Show my bookings").click()
    phone.get_by_role("heading", name="Your bookings").wait_for()
    assert "077, 078" in phone.content()
    shot(phone, "mine", full_page=True)


def test_large_draw_grid(browser, sqlite_url, tmp_path):
    app = create_app(sqlite_url, **NO_LIMITS)
    new_draw(tmp_path, name="Mega Draw", ticket_count=5000, price="20")
    hold_tickets("X", "9000000005", [1203, 1207])
    server = ThreadServer(app)
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        enter_details(page, server.url)
        started = time.perf_counter()
        page.get_by_label("Find a number").fill("1205")
        page.get_by_role("button", name="Find").click()
        page.wait_for_url(re.compile(r"r=12"))
        assert page.locator("#t1205").is_visible() and page.locator("#t1203 input").is_disabled()
        assert time.perf_counter() - started < 5
        tap(page, 1205)
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, "large-grid")
    finally:
        context.close()
        server.stop()
        shared_db.close()


def test_zoom_200_percent_still_usable(site, browser):
    """At 200% zoom a 390 px phone is a 195 px viewport: nothing may need sideways scrolling."""
    server, _ = site
    context = browser.new_context(viewport={"width": 195, "height": 422}, device_scale_factor=4)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        for path in ("/", "/mine"):
            page.goto(server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 196, f"{path} scrolls sideways at 200% zoom ({width}px)"
        enter_details(page, server.url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 196
    finally:
        context.close()
