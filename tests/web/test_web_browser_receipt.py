"""Real-browser tests in headless Chromium at 390×844: the receipt on screen (with "Share on WhatsApp")
and on paper, where only the receipt is left, black on white (no buttons, language switcher, banner
or footer links) and everything a buyer keeps (draw, numbers, reference, amount, dates) is there on
one A4 page; and the results page's "Was my ticket in the draw?" with and without JavaScript.
Screenshots as in test_web_browser (the printed receipt as a PNG of its PDF, made with pdftoppm)."""

import re
import shutil
import subprocess

import pytest

from shared import winner_draw
from shared.booking import hold_tickets
from shared.payments import record_payment, sell_cash
from tests.web.test_web_browser import PHONE, SHOTS, browser, phone, shot, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

WHATSAPP_UA = (
    "Mozilla/5.0 (Linux; Android 13; SM-A045F Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 WhatsApp/2.24.1.6"
)
# Everything on the receipt page that is for the screen only.
SCREEN_ONLY = {
    "header": ".top",
    "language switcher": ".langs",
    "in-app banner": "#inapp",
    "share button": "#share-wa",
    "print button": "[data-print]",
    "book more": "p.center",
    "footer": ".foot",
}


def paid_booking(numbers=(7, 21, 42)):
    hold = hold_tickets("Asha Devi", "9876543210", list(numbers))
    record_payment(hold.payable_paise, "412345678901")
    return hold


def test_the_receipt_on_screen_offers_whatsapp(site, phone):  # noqa: F811
    server, draw = site
    hold = paid_booking()
    phone.goto(f"{server.url}/done/{hold.session_id}")
    share = phone.get_by_role("link", name="Share on WhatsApp")
    assert share.is_visible() and phone.get_by_role("button", name="Print or save as PDF").is_visible()
    href = share.get_attribute("href")
    assert href.startswith("https://wa.me/?text=My%20tickets%20for%20Diwali%20Mela%202025%3A%20007%2C%20021%2C%20042.")
    box = share.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shot(phone, "receipt-share", full_page=True)


def test_the_receipt_prints_only_the_receipt_black_on_white(site, browser, tmp_path):  # noqa: F811
    server, draw = site
    hold = paid_booking()
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, user_agent=WHATSAPP_UA)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/done/{hold.session_id}")
        assert page.locator("#inapp").is_visible() and page.locator(".langs").is_visible()
        page.emulate_media(media="print")
        hidden = {name: page.locator(sel).first.is_visible() for name, sel in SCREEN_ONLY.items()}
        assert hidden == dict.fromkeys(SCREEN_ONLY, False)
        receipt = page.locator(".receipt")
        for kept in (".rcpt", ".numlist", "h1"):
            assert receipt.locator(kept).first.is_visible(), kept
        assert receipt.locator(".numlist li").all_inner_texts() == ["007", "021", "042"]
        text = receipt.inner_text()
        for value in ("Diwali Mela 2025", hold.reference, "₹30.", "Booked", "Paid"):
            assert value in text, value
        colours = page.evaluate(
            """() => {
              const seen = new Set();
              for (const el of document.querySelectorAll('.receipt, .receipt *')) {
                if (el.offsetParent === null && el.tagName !== 'svg') continue;
                const s = getComputedStyle(el);
                seen.add('color ' + s.color);
                if (s.backgroundColor !== 'rgba(0, 0, 0, 0)') seen.add('background ' + s.backgroundColor);
              }
              seen.add('page ' + getComputedStyle(document.body).backgroundColor);
              return [...seen].sort();
            }"""
        )
        assert colours == ["color rgb(0, 0, 0)", "page rgb(255, 255, 255)"]
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.numlist li')).fontSize)")
        assert size >= 16, "numbers legible on paper (14 pt)"
        pdf = tmp_path / "receipt.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        context.close()
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")):
        pytest.skip("poppler-utils (pdftotext, pdftoppm, pdfinfo) not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)", info), info
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for value in ("Diwali Mela 2025", hold.reference, "007", "021", "042", "₹30.", "Amount paid", "Booked"):
        assert value in printed, value
    for gone in ("Share on WhatsApp", "Print or save as PDF", "Book more numbers", "हिन्दी", "Open in Chrome", "Home"):
        assert gone not in printed, gone
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(SHOTS / "web-receipt-print")], check=True
    )


def shown_tickets(answer) -> list[str]:
    """The ticket labels of an answer as seen (the word "Ticket" before each is for screen readers)."""
    return [text.split()[-1] for text in answer.locator(".entries .ticket").all_inner_texts()]


def drawn_site(draw):
    sell_cash("Ravi Kumar", "9876543211", [10, 11])
    hold = paid_booking((7, 21))
    winner_draw.set_prizes(["1st: scooter", "2nd: phone"])
    winner_draw.close_sales()
    winner_draw.draw_winners()
    return hold


def test_was_my_ticket_in_the_draw(site, phone):  # noqa: F811
    server, draw = site
    hold = drawn_site(draw)
    phone.goto(server.url + "/results")
    phone.get_by_label("Booking reference or ticket number").fill(hold.reference.lower())
    phone.get_by_role("button", name="Check", exact=True).click()
    phone.wait_for_url(re.compile(r"/results\?q=ld-[0-9a-z]{6}#check$"))
    answer = phone.locator("#check-answer")
    assert answer.locator(".lead").inner_text() == f"Booking {hold.reference} was paid. Its numbers:"
    assert shown_tickets(answer) == ["007", "021"]
    assert phone.locator("#check").bounding_box()["y"] < 844 * 0.5, "the answer is scrolled into view"
    shot(phone, "results-check")
    phone.goto(server.url + "/results?q=LD-7K3Q")
    phone.locator("#q-err").wait_for()
    assert "is neither a booking reference" in phone.locator("#q-err").inner_text()


def test_the_check_works_without_javascript(site, browser):  # noqa: F811
    server, draw = site
    drawn_site(draw)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/results")
        page.get_by_label("Booking reference or ticket number").fill("10")
        page.get_by_role("button", name="Check", exact=True).click()
        page.wait_for_url(re.compile(r"/results\?q=10#check$"))
        lead = page.locator("#check-answer .lead").inner_text()
        assert lead == "Ticket 010 is on the published list of sold tickets: it was in the draw."
        assert shown_tickets(page.locator("#check-answer")) == ["010"]
    finally:
        context.close()
