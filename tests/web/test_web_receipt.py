"""The receipt's "Share on WhatsApp", through the WSGI app on SQLite and PostgreSQL: the message
carries exactly the draw, the numbers as the receipt shows them, the reference and the receipt's
own address (its GET page, https behind a trusted proxy, never a forwarded host from anyone else),
in the buyer's language and without the buyer's name or mobile."""

from io import BytesIO
from urllib.parse import parse_qs, quote, urlsplit

import lxml.html
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from buyerweb import i18n
from shared import db as shared_db
from shared.booking import hold_tickets
from shared.payments import record_payment
from tests.helpers.web import make_web, receipt_numbers

HOST = "mela.example.in"
SHARE = (
    "My ticket for %(draw)s: %(numbers)s. Booking reference %(reference)s. Receipt: %(url)s",
    "My tickets for %(draw)s: %(numbers)s. Booking reference %(reference)s. Receipt: %(url)s",
)


def share_link(html: str) -> str:
    (link,) = lxml.html.fromstring(html).xpath('//a[@id="share-wa"]')
    return link.get("href")


def share_text(html: str) -> str:
    """The message the link hands to WhatsApp: wa.me with one query parameter, `text`."""
    href = share_link(html)
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert list(query) == ["text"] and len(query["text"]) == 1
    return query["text"][0]


def paid(numbers, name="Asha Devi", mobile="9876543210", utr="412345678901"):
    hold = hold_tickets(name, mobile, numbers)
    record_payment(hold.payable_paise, utr)
    return hold


def test_share_on_whatsapp_carries_exactly_the_receipt(web):
    app, draw = web
    hold = paid([5, 17])
    page = app.get(f"/done/{hold.session_id}", extra_environ={"HTTP_HOST": HOST})
    assert receipt_numbers(page.text) == ["005", "017"]
    text = share_text(page.text)
    url = f"http://{HOST}/done/{hold.session_id}"
    assert text == f"My tickets for Diwali Mela: 005, 017. Booking reference {hold.reference}. Receipt: {url}"
    assert "Asha" not in text and "Devi" not in text and "9876543210" not in text
    (link,) = lxml.html.fromstring(page.text).xpath('//a[@id="share-wa"]')
    assert link.text_content().strip() == "Share on WhatsApp" and link.get("rel") == "noopener noreferrer"
    again = app.get(urlsplit(url).path, extra_environ={"HTTP_HOST": HOST})  # the address is the GET receipt
    assert again.status_int == 200 and receipt_numbers(again.text) == ["005", "017"]
    assert share_text(again.text) == text


def test_one_ticket_and_a_name_that_needs_encoding(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, draw={"name": "Holi & Eid Mela #2? 100%"})
    try:
        hold = paid([42], name="Ravi <b>Kumar</b>")
        page = app.get(f"/done/{hold.session_id}", extra_environ={"HTTP_HOST": HOST})
        text = share_text(page.text)
        url = f"http://{HOST}/done/{hold.session_id}"
        assert (
            text == f"My ticket for Holi & Eid Mela #2? 100%: 042. Booking reference {hold.reference}. Receipt: {url}"
        )
        assert share_link(page.text) == "https://wa.me/?text=" + quote(text, safe="")
        assert "Ravi" not in text
    finally:
        shared_db.close()


def test_the_receipt_address_is_https_behind_the_trusted_proxy_only(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, trusted_proxies="127.0.0.1")
    try:
        hold = paid([3])
        path = f"/done/{hold.session_id}"
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-For": "1.2.3.4"}
        proxied = app.get(path, headers=forwarded, extra_environ={"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": HOST})
        assert share_text(proxied.text).endswith(f"Receipt: https://{HOST}{path}")
        direct = app.get(path, headers=forwarded, extra_environ={"REMOTE_ADDR": "203.0.113.9", "HTTP_HOST": HOST})
        assert share_text(direct.text).endswith(f"Receipt: http://{HOST}{path}")
        in_hindi = app.get(path + "?lang=hi", extra_environ={"HTTP_HOST": HOST})
        assert share_text(in_hindi.text).endswith(f"http://{HOST}{path}"), "the address carries no language"
    finally:
        shared_db.close()


@pytest.fixture
def share_language():
    """A language whose only message is the share text (so the test does not depend on the
    shipped catalogs): the buyer's language decides the words, the data stays as it is."""
    catalog = Catalog(locale="en")
    catalog.add(
        SHARE,
        (
            "ONE %(draw)s | %(numbers)s | %(reference)s | %(url)s",
            "MANY %(draw)s | %(numbers)s | %(reference)s | %(url)s",
        ),
    )
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    i18n.install_catalog("qsh", "Share test", Translations(buffer))
    yield "qsh"
    i18n.remove_catalog("qsh")


def test_the_share_text_is_in_the_buyers_language(web, share_language):
    app, _ = web
    two, one = paid([8, 9]), paid([70], mobile="9876543211", utr="412345678902")
    for hold, word, numbers in ((two, "MANY", "008, 009"), (one, "ONE", "070")):
        page = app.get(f"/done/{hold.session_id}?lang={share_language}", extra_environ={"HTTP_HOST": HOST})
        url = f"http://{HOST}/done/{hold.session_id}"
        assert share_text(page.text) == f"{word} Diwali Mela | {numbers} | {hold.reference} | {url}"
