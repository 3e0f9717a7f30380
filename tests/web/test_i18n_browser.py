"""The buyer web in Hindi and Tamil in headless Chromium at 390×844 (a phone): a buyer arrives with
a Hindi or Tamil browser, books from the grid and reaches the payment page in that language; the
script's own messages follow the page's language; Devanagari and Tamil are drawn with the phone's
own fonts (no web font is downloaded) and nothing runs off the screen. With
LUCKYDRAW_SCREENSHOTS=1 the screenshots replace docs/screenshots/pay-hi.png and pay-ta.png."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from buyerweb.app import create_app
from buyerweb.i18n import catalog
from shared import db as shared_db
from shared.booking import hold_tickets
from tests.helpers.db import new_draw
from tests.helpers.web import NO_LIMITS, ROOT, ThreadServer
from tests.web.test_web_browser import ARGS, CHROMIUM, PHONE

pytestmark = pytest.mark.browser

SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("LUCKYDRAW_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "luckydraw-i18n-screenshots"
)
SCRIPTS = {"hi": "Devanagari", "ta": "Tamil"}


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
    new_draw(tmp_path, name="Diwali Mela 2025", ticket_count=120, price="10")
    server = ThreadServer(app)
    yield server
    server.stop()
    shared_db.close()


def platform_fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium really drew a node's text with, and how many glyphs each."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"]: f["glyphCount"] for f in fonts}


@pytest.mark.parametrize("lang", ["hi", "ta"])
def test_pay_page_in_the_buyers_language(site, browser, lang):
    t = catalog(lang).gettext
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=f"{lang}-IN"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    errors, fonts = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: fonts.append(req.url) if req.resource_type == "font" else None)
    try:
        hold_tickets("Someone", "9000000001", [2])
        page.goto(site.url + "/")  # no ?lang=: the browser's language (Accept-Language) decides
        assert page.locator("html").get_attribute("lang") == lang
        page.get_by_label(t("Your name")).fill("Asha Devi")
        page.get_by_label(t("Mobile number")).fill("98765 43210")
        page.get_by_role("button", name=t("Choose your numbers")).click()
        page.wait_for_url(re.compile(r"/pick"))
        assert page.locator("#chips").inner_text() == t("Tap numbers to pick them.")
        page.get_by_role("button", name=t("Book & pay")).click()  # nothing picked: the script says so
        assert page.locator("#msg").inner_text() == t("Please pick at least one number.")
        page.locator("#t7").click()
        page.locator("#t21").click()
        assert page.locator("#chips").inner_text() == "007, 021"
        page.get_by_role("button", name=t("Book & pay")).click()
        page.wait_for_url(re.compile(r"/pay/\d{12}$"))
        assert page.locator("#amount").inner_text() == "₹20.00"
        assert page.locator("#payto-h").inner_text() == t("Pay to UPI ID")
        assert page.get_by_role("button", name=t("Copy UPI ID")).is_visible()
        page.get_by_role("button", name=t("Copy UPI ID")).click()
        expect(page.get_by_role("button", name=t("Copy UPI ID"))).to_have_text(t("Copied"))
        used = platform_fonts(page, "#payto-h")
        assert any(SCRIPTS[lang] in family and count > 0 for family, count in used.items()), used
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "nothing runs off the screen"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(2000)  # the copy button says "copied" for a moment
        page.screenshot(path=str(SHOTS / f"pay-{lang}.png"), full_page=True)
    finally:
        context.close()
    assert fonts == [], "no web fonts: the phone's own fonts draw the page"
    assert errors == []
