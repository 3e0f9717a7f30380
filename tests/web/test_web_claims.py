"""The buyer hands in the UTR, through the WSGI app on SQLite and PostgreSQL: the JSON API
(200, 400, 404, 409, 415, 429) and the pay and expired pages' form with its CSRF token; the pay
page for a personal and a merchant payee (pay to UPI ID with copy buttons and per-app steps, Save
QR only up to the gallery cap, Open UPI app only for a merchant, with `mc`); and the banner for
in-app browsers, detected from real user agents."""

import json
from datetime import timedelta

import lxml.html
import pytest

from buyerweb.inapp import chrome_intent, in_app_browser
from shared.booking import cancel_order, hold_tickets
from shared.db import utcnow
from shared.draws import update_settings
from shared.models import Event, Order, Payment
from shared.payments import record_payment
from tests.helpers.web import csrf_of, make_web

UTR = "412345678901"


def book(tickets=(7,), mobile="9876543210", now=None):
    return hold_tickets("Asha Devi", mobile, list(tickets), now=now)


def claim(app, session_id, body, status="*", **kw):
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return app.post(
        f"/api/orders/{session_id}/utr",
        body,
        content_type=kw.pop("content_type", "application/json"),
        status=status,
        expect_errors=True,
        **kw,
    )


def claims_of(order_id):
    return Event.select().where((Event.order == order_id) & (Event.kind == "order_utr_claimed")).count()


def tree(response):
    return lxml.html.fromstring(response.text)


def test_the_api_takes_a_claim_and_a_correction(web):
    app, _ = web
    hold = book()
    r = claim(app, hold.session_id, {"utr": "4123 4567 8901"}, status=200)
    assert r.json == {"status": "pending", "claimed_utr": UTR, "changed": True}
    r = claim(app, hold.session_id, {"utr": "412345678902"}, status=200)
    assert r.json["claimed_utr"] == "412345678902"
    assert Order.get_by_id(hold.order_id).claimed_utr == "412345678902"
    assert claims_of(hold.order_id) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"utr": "41234567890"},
        {"utr": "4123456789012"},
        {"utr": "4123-4567-8901"},
        {"utr": ""},
        {"utr": None},
        {"utr": True},
        {"utr": ["412345678901"]},
        {"reference": UTR},
        [UTR],
        "not json",
    ],
)
def test_the_api_refuses_a_malformed_claim_with_400(web, body):
    app, _ = web
    hold = book()
    r = claim(app, hold.session_id, body if body != "not json" else b"{utr:", status=400)
    assert r.content_type == "application/json" and r.json["error"]
    assert Order.get_by_id(hold.order_id).claimed_utr is None and claims_of(hold.order_id) == 0


def test_the_api_404_415_and_409s(web):
    app, _ = web
    r = claim(app, "123456789012", {"utr": UTR}, status=404)
    assert r.json["error"]
    assert claim(app, "abc", {"utr": UTR}, status=404).json["error"]
    record_payment(5, "612345678901")  # kept unmatched, recorded before the booking below was made
    hold = book()
    r = claim(app, hold.session_id, "utr=412345678901", content_type="application/x-www-form-urlencoded", status=415)
    assert "JSON" in r.json["error"]
    paid, cancelled, other = book([1], "9000000001"), book([2], "9000000002"), book([3], "9000000003")
    record_payment(paid.payable_paise, "512345678901")
    cancel_order(cancelled.session_id)
    claim(app, other.session_id, {"utr": "712345678901"}, status=200)
    for session_id, utr, reason in (
        (paid.session_id, UTR, "paid"),
        (cancelled.session_id, UTR, "cancelled"),
        (hold.session_id, "612345678901", "recorded"),
        (hold.session_id, "512345678901", "recorded"),
        (hold.session_id, "712345678901", "claimed"),
    ):
        r = claim(app, session_id, {"utr": utr}, status=409)
        assert r.json["reason"] == reason and r.json["error"]
    assert Order.get_by_id(hold.order_id).claimed_utr is None
    assert Payment.select().count() == 2


def test_the_api_is_rate_limited_per_booking_and_per_ip(db_url, tmp_path):
    from shared.ratelimit import Limit

    app, _ = make_web(db_url, tmp_path, claim_limit_order=Limit(3, 600), claim_limit_ip=Limit(6, 60))
    first, second = book([1], "9000000001"), book([2], "9000000002")
    for n in range(3):
        claim(app, first.session_id, {"utr": f"41234567890{n}"}, status=200)
    r = claim(app, first.session_id, {"utr": "412345678909"}, status=429)
    assert r.headers["Retry-After"] and r.json["retry_after"] > 0
    assert Order.get_by_id(first.order_id).claimed_utr == "412345678902"
    for _ in range(2):  # this connection's 6th try is the last one allowed
        claim(app, second.session_id, {"utr": "512345678901"}, status=200)
    claim(app, second.session_id, {"utr": "512345678902"}, status=429)
    other_ip = {"REMOTE_ADDR": "198.51.100.9"}
    claim(app, second.session_id, {"utr": "512345678903"}, extra_environ=other_ip, status=200)


def test_the_pay_page_form_claims_with_a_csrf_token(web):
    app, _ = web
    hold = book()
    page = app.get(f"/pay/{hold.session_id}")
    form = tree(page).get_element_by_id("claim-form")
    assert form.get("action") == f"/pay/{hold.session_id}/utr"
    assert "Paid? Enter the 12-digit UPI reference" in page.text and "UPI Ref. No." in page.text
    r = app.post(f"/pay/{hold.session_id}/utr", {"csrf": csrf_of(page), "utr": "4123 4567 8901"}, status=303)
    assert r.headers["Location"].endswith(f"/pay/{hold.session_id}#utr")
    page = r.follow()
    assert tree(page).get_element_by_id("claim-ok").xpath(".//strong")[0].text == "4123 4567 8901"
    assert Order.get_by_id(hold.order_id).claimed_utr == UTR


def test_the_form_says_what_is_wrong_and_changes_nothing(web):
    app, _ = web
    hold = book()
    page = app.get(f"/pay/{hold.session_id}")
    r = app.post(f"/pay/{hold.session_id}/utr", {"csrf": csrf_of(page), "utr": "41234"}, status=400)
    error = tree(r).get_element_by_id("utr-err")
    assert "12 digits" in error.text_content()
    assert tree(r).get_element_by_id("utr-in").get("value") == "41234"
    r = app.post(f"/pay/{hold.session_id}/utr", {"csrf": "0" * 32, "utr": UTR}, status=403)
    assert "open for too long" in tree(r).get_element_by_id("utr-err").text_content()
    assert Order.get_by_id(hold.order_id).claimed_utr is None and claims_of(hold.order_id) == 0


def test_a_refused_claims_page_links_to_the_pay_page_never_to_the_form_address(web):
    """The language links and the in-app banner's links of the page a refused claim shows lead to
    the pay page itself (the form's address only takes a POST)."""
    app, _ = web
    hold = book()
    pay = f"/pay/{hold.session_id}"
    page = app.get(pay, extra_environ={"HTTP_HOST": "draw.example.in"})
    r = app.post(
        f"{pay}/utr",
        {"csrf": csrf_of(page), "utr": "41234"},
        headers={"User-Agent": USER_AGENTS[0][0]},
        extra_environ={"HTTP_HOST": "draw.example.in"},
        status=400,
    )
    doc = tree(r)
    langs = [a.get("href") for a in doc.xpath('//nav[@class="langs"]//a')]
    assert langs and all(href.startswith(f"{pay}?lang=") for href in langs), langs
    assert doc.get_element_by_id("copy-link").get("data-copy") == f"http://draw.example.in{pay}"
    assert doc.get_element_by_id("open-chrome").get("href").startswith(f"intent://draw.example.in{pay}#")
    for href in langs:
        assert app.get(href, extra_environ={"HTTP_HOST": "draw.example.in"}).status_int == 200


def test_the_expired_page_takes_a_claim_and_a_late_payment_settles_it(web):
    app, _ = web
    hold = book(now=utcnow() - timedelta(minutes=11))
    page = app.get(f"/pay/{hold.session_id}")
    assert "This booking has expired" in page.text
    app.post(f"/pay/{hold.session_id}/utr", {"csrf": csrf_of(page), "utr": UTR}, status=303)
    result = record_payment(hold.payable_paise, UTR)
    assert (result.rule, result.outcome) == (0, "late_matched")
    assert app.get(f"/pay/{hold.session_id}", status=303).headers["Location"].endswith(f"/done/{hold.session_id}")


def test_a_cancelled_booking_page_has_no_claim_form(web):
    app, _ = web
    hold = book()
    cancel_order(hold.session_id)
    page = app.get(f"/pay/{hold.session_id}")
    assert "was cancelled" in page.text and 'id="claim-form"' not in page.text


def pay_page(app, tickets):
    hold = book(tickets)
    return hold, app.get(f"/pay/{hold.session_id}")


def test_personal_payee_pay_to_upi_id_and_no_link(web):
    app, draw = web
    hold, page = pay_page(app, [1, 2])
    doc = tree(page)
    assert doc.get_element_by_id("vpa").text == "organiser@okaxis"
    assert doc.get_element_by_id("pay-amount").text == "₹20.00"
    assert doc.xpath('//button[@data-copy="organiser@okaxis"]') and doc.xpath('//button[@data-copy="20.00"]')
    assert [s.text for s in doc.xpath('//details[@class="steps"]/summary')] == [
        "Google Pay",
        "PhonePe",
        "Paytm",
        "BHIM",
    ]
    assert not doc.xpath('//a[starts-with(@href, "upi:")]') and "Open UPI app" not in page.text
    assert doc.xpath('//a[text()="Save QR"]') and not doc.xpath('//*[@id="no-save"]')
    assert app.get(f"/pay/{hold.session_id}/qr.png").content_type == "image/png"


def test_above_the_gallery_cap_save_qr_is_not_offered_and_says_why(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, draw={"price": "500", "ticket_count": 100})
    hold, page = pay_page(app, list(range(1, 8)))  # ₹3,500
    doc = tree(page)
    assert doc.get_element_by_id("pay-amount").text == "₹3,500.00"
    assert not doc.xpath('//a[text()="Save QR"]')
    assert "₹2,000.00" in doc.get_element_by_id("no-save").text_content()
    assert app.get(f"/pay/{hold.session_id}/qr.png", status=404)
    update_settings({"gallery_cap_paise": 400_000})
    assert tree(app.get(f"/pay/{hold.session_id}")).xpath('//a[text()="Save QR"]')


def test_merchant_payee_gets_open_upi_app_with_mc(web):
    app, _ = web
    update_settings({"payee_kind": "merchant", "merchant_code": "5999"})
    app.app.luckydraw.draws._at = -1e9  # the draw cache is a second old at most; do not wait
    hold, page = pay_page(app, [1])
    (link,) = tree(page).xpath('//a[@id="open-upi"]')
    href = link.get("href")
    assert href.startswith("upi://pay?pa=organiser@okaxis&pn=Asha%20Stores&mc=5999&am=10.00&cu=INR&tn=LD-")
    assert not any(f"&{key}=" in href for key in ("tr", "mode", "purpose", "sign"))
    update_settings({"merchant_code": ""})
    href = tree(app.get(f"/pay/{hold.session_id}")).xpath('//a[@id="open-upi"]')[0].get("href")
    assert "mc=" not in href


# Real user agents: (user agent, the app it is, or None)
USER_AGENTS = [
    (
        "Mozilla/5.0 (Linux; Android 13; SM-A045F Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 WhatsApp/2.24.1.6",
        "WhatsApp",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; RMX3085 Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram 312.1.0.34.111 Android "
        "(31/12; 480dpi; 1080x2158; realme; RMX3085; RMX3085L1; mt6785; en_IN; 548323757)",
        "Instagram",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Instagram 309.0.2.17.110 (iPhone14,5; iOS 17_1_2; en_IN; en; scale=3.00; 1170x2532; 538257153)",
        "Instagram",
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; Redmi Note 8 Pro Build/RP1A.200720.011; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.111 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/440.0.0.31.105;]",
        "Facebook",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone12,1;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/2;FBID/phone;FBLC/en_US;FBOP/5]",
        "Facebook",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 "
        "Mobile Safari/537.36 Telegram-Android/10.5.0 (Xiaomi M2006C3LI; Android 10; SDK 29; AVERAGE)",
        "Telegram",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; 2201117TI Build/TKQ1.221114.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36 Snapchat/12.62.0.38 (2201117TI; Android 13#...; gzip)",
        "Snapchat",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; CPH2239 Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/117.0.5938.153 Mobile Safari/537.36 [LinkedInApp]/9.28.7823",
        "LinkedIn",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
        "Mobile Safari/537.36",
        None,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.2 Mobile/15E148 Safari/604.1",
        None,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-M135F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
        "Chrome/115.0.0.0 Mobile Safari/537.36",
        None,
    ),
    ("", None),
]


@pytest.mark.parametrize(("agent", "app_name"), USER_AGENTS)
def test_in_app_browsers_are_told_apart_from_real_ones(agent, app_name):
    assert in_app_browser(agent) == app_name


def test_the_chrome_intent_link():
    assert (
        chrome_intent("draw.example.in", "/pay/123456789012")
        == "intent://draw.example.in/pay/123456789012#Intent;scheme=https;package=com.android.chrome;end"
    )


def test_the_banner_in_an_android_webview_and_on_ios(web):
    app, _ = web
    hold = book()
    path = f"/pay/{hold.session_id}"
    android = app.get(path, headers={"User-Agent": USER_AGENTS[0][0]}, extra_environ={"HTTP_HOST": "draw.example.in"})
    doc = tree(android)
    assert "WhatsApp" in doc.get_element_by_id("inapp").text_content()
    assert doc.get_element_by_id("open-chrome").get("href") == (
        f"intent://draw.example.in{path}#Intent;scheme=https;package=com.android.chrome;end"
    )
    assert doc.get_element_by_id("copy-link").get("data-copy") == f"http://draw.example.in{path}"
    ios = tree(app.get(path, headers={"User-Agent": USER_AGENTS[2][0]}))
    assert not ios.xpath('//*[@id="open-chrome"]') and ios.xpath('//*[@id="copy-link"]')
    plain = tree(app.get(path, headers={"User-Agent": USER_AGENTS[8][0]}))
    assert not plain.xpath('//*[@id="inapp"]')
    home = tree(app.get("/", headers={"User-Agent": USER_AGENTS[3][0]}))
    assert "Facebook" in home.get_element_by_id("inapp").text_content()
