"""The buyer web in the buyer's language: the catalogs hold every marked message of the templates,
the Python modules and the page's script; every shipped language is complete and compiled; the
language follows ?lang= (then the cookie), else Accept-Language, else English; the core's errors
reach the buyer translated; and a pseudo-locale run over every buyer page finds no English left
that is not data (names, numbers, amounts, references, the UPI ID)."""

import json
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from bottle import request

from buyerweb import i18n
from buyerweb.i18n_messages import known, localise
from shared import db as shared_db
from shared import winner_draw
from shared.booking import cancel_order, hold_tickets
from shared.db import utcnow
from shared.errors import InvalidInput, TicketsTaken
from shared.models import Order
from shared.payments import record_payment, sell_cash
from shared.results import _read_query as read_query
from shared.validation import clean_name, parse_mobile, parse_ticket_list, parse_utr
from tests.helpers.web import ROOT, csrf_of, make_web, post_json, start_buyer

LOCALES = ROOT / "buyerweb" / "locale"
POT = LOCALES / "messages.pot"
SHIPPED = sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES" / "messages.po").is_file())
REGIONAL = {"bn", "mr", "te", "ta", "gu", "kn", "ml"}


def plain(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def pot_ids(path: Path) -> set:
    with path.open("rb") as fp:
        return {m.id for m in read_po(fp) if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """`make i18n-extract` into a temporary file: what the sources hold now."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        ["make", "-s", "-C", str(ROOT), "i18n-extract", f"I18N_POT={out}", f"PYBABEL={pybabel}"],
        check=True,
        capture_output=True,
    )
    return out


# --------------------------------------------------------------------------------------- catalogs


def test_the_catalog_holds_every_marked_message(extracted):
    """Templates, Python and the script: what extraction finds now is exactly the committed
    template catalog (run `make i18n-update` after changing a message)."""
    now, committed = pot_ids(extracted), pot_ids(POT)
    assert now - committed == set(), "marked but not in buyerweb/locale/messages.pot"
    assert committed - now == set(), "in messages.pot but no longer marked anywhere"
    with extracted.open("rb") as fp:
        where = {m.id: {path for path, _line in m.locations} for m in read_po(fp) if m.id}
    # each kind of source really is extracted
    assert "buyerweb/views/pick.tpl" in where["Book & pay"] and "buyerweb/static/app.js" in where["Book & pay"]
    assert where["Your details"] >= {"buyerweb/views/details.tpl", "buyerweb/i18n_messages.py"}
    assert "buyerweb/pages.py" in where["on hold"]
    assert any(isinstance(mid, tuple) and "buyerweb/static/app.js" in where[mid] for mid in where), "tn() plurals"


def test_every_sentence_the_script_shows_is_marked(extracted):
    """No English sentence in app.js outside t()/tn(): every string literal that reads like text
    is one of the extracted messages."""
    ids = set()
    for mid in pot_ids(extracted):
        ids.update(mid if isinstance(mid, tuple) else (mid,))
    source = (ROOT / "buyerweb" / "static" / "app.js").read_text(encoding="utf-8")
    source = re.sub(r"^\s*(//|/?\*).*$", "", source, flags=re.M)  # comments
    texts = [json.loads(f'"{s}"') for s in re.findall(r'"((?:[^"\\\n]|\\.)*)"', source)]
    texts += re.findall(r"'((?:[^'\\\n]|\\.)*)'", source)
    not_text = {"use strict"}  # a directive; markup ('<span ...>') is not text either
    sentences = [
        s for s in texts if re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", s) and "<" not in s and s not in not_text
    ]
    assert sentences, "the script shows sentences"
    assert [s for s in sentences if s not in ids] == []


def test_shipped_languages(extracted):
    """English, Hindi and all seven regional languages, each named in its own script."""
    assert set(SHIPPED) == {"hi"} | REGIONAL
    assert list(i18n.LANGUAGES)[:2] == ["en", "hi"] and set(i18n.LANGUAGES) == {"en", *SHIPPED}
    assert i18n.LANGUAGES["hi"] == "हिन्दी" and i18n.LANGUAGES["ta"] == "தமிழ்"


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_shipped_catalog_is_complete(lang):
    """Every message of the template catalog translated: no empty, fuzzy or missing entry, no
    stale one, the same %(name)s placeholders as the English."""
    with POT.open("rb") as fp:
        template = [m for m in read_po(fp) if m.id]
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    assert not catalog.fuzzy
    entries = {m.id: m for m in catalog if m.id}
    assert set(entries) == {m.id for m in template}
    for message in entries.values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{lang}: empty translation of {message.id!r}"
        assert "fuzzy" not in message.flags, f"{lang}: fuzzy {message.id!r}"
        placeholders = set(re.findall(r"%\(\w+\)s", message.id if isinstance(message.id, str) else message.id[1]))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)s", s)) <= placeholders | {"%(n)s"}, (lang, message.id, s)
            assert set(re.findall(r"%\(\w+\)s", s)) >= placeholders - {"%(n)s"}, (lang, message.id, s)
            assert len(re.findall(r"<strong[ >]", s)) == s.count("</strong>"), (lang, s)
            assert s.count("<a ") == s.count("</a>"), (lang, s)
    assert [errors for _m, errors in catalog.check()] == []


@pytest.mark.parametrize("lang", SHIPPED)
def test_compiled_catalogs_are_up_to_date(lang):
    """The shipped .mo says what the .po says (run `make i18n-compile` after editing a .po)."""
    folder = LOCALES / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fp:
        po = {plain(m.id): plain(m.string) for m in read_po(fp, locale=lang) if m.id}
    with (folder / "messages.mo").open("rb") as fp:
        mo = {plain(m.id): plain(m.string) for m in read_mo(fp) if m.id}
    assert mo == po


def test_catalogs_are_package_data():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = project["tool"]["setuptools"]["package-data"]["buyerweb.locale"]
    assert "*/LC_MESSAGES/*.mo" in shipped and "*/LC_MESSAGES/*.po" in shipped
    assert any(dep.startswith("Babel") for dep in project["project"]["dependencies"])


# ------------------------------------------------------------------------------------ negotiation


@pytest.mark.parametrize(
    "header, lang",
    [
        ("hi-IN,hi;q=0.9,en-US;q=0.8,en;q=0.7", "hi"),
        ("ta-IN", "ta"),
        ("fr-FR,fr;q=0.9,ml;q=0.5", "ml"),
        ("en-IN,en;q=0.9,hi;q=0.8", "en"),
        ("hi;q=0.2,bn;q=0.8", "bn"),
        ("fr, de", None),
        ("hi;q=0", None),
        ("*", "en"),
        ("", None),
        ("hi;q=banana,,;;==", None),
        ("hi;q=banana, ta", "ta"),
        ("x" * 1000, None),
    ],
)
def test_accept_language(header, lang):
    assert i18n.from_accept_language(header) == lang


def test_negotiation_order():
    assert i18n.negotiate("ta", "hi", "bn") == "ta"
    assert i18n.negotiate("xx", "hi", "bn") == "hi"
    assert i18n.negotiate(None, "<script>", "bn-IN") == "bn"
    assert i18n.negotiate(None, None, "fr") == "en"
    assert i18n.negotiate("HI_in") == "hi"


@pytest.fixture
def site(sqlite_url, tmp_path):
    app, draw = make_web(sqlite_url, tmp_path)
    yield app, draw
    shared_db.close()


def test_lang_query_is_remembered_in_a_cookie(site):
    app, _ = site
    assert '<html lang="en">' in app.get("/").text
    first = app.get("/mine?lang=ta")
    assert '<html lang="ta">' in first.text and "என் டிக்கெட்டுகள்" in first.text
    assert "lang=ta" in first.headers["Set-Cookie"]
    again = app.get("/mine")  # no parameter: the cookie
    assert '<html lang="ta">' in again.text and "என் டிக்கெட்டுகள்" in again.text
    browser = app.get("/mine", headers={"Accept-Language": "hi-IN,hi"})  # the cookie beats the browser
    assert '<html lang="ta">' in browser.text
    back = app.get("/mine?lang=en")
    assert '<html lang="en">' in back.text and "My tickets" in back.text
    assert '<html lang="en">' in app.get("/mine").text


def test_accept_language_without_a_choice(site):
    app, _ = site
    page = app.get("/", headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.8"})
    assert '<html lang="hi">' in page.text and "आपकी जानकारी" in page.text and "Your details" not in page.text
    assert "lang=" not in page.headers.get("Set-Cookie", ""), "only an explicit choice is remembered"
    assert '<html lang="en">' in app.get("/", headers={"Accept-Language": "fr"}).text


def test_unknown_language_is_ignored(site):
    app, _ = site
    page = app.get("/?lang=xx%22%3E%3Cscript%3E")
    assert '<html lang="en">' in page.text and "<script>" not in page.text.split("</head>")[0]
    assert "lang=" not in page.headers.get("Set-Cookie", "")


def test_switcher_on_every_page(site):
    """Every page (errors too) lists every language in its own script, the current one marked,
    each link leading to the same page in that language."""
    app, _ = site
    hold = post_json(app, {"name": "Asha", "mobile": "9876543210", "tickets": [5]}, status=201).json
    for path in ("/", "/mine", "/results", hold["pay_url"], "/nowhere"):
        page = app.get(path + "?lang=bn", expect_errors=True)
        nav = page.text.split('<nav class="langs"', 1)[1].split("</nav>", 1)[0]
        for code, name in i18n.LANGUAGES.items():
            link = re.search(
                rf'<a href="([^"]+)" lang="{code}" hreflang="{code}"( aria-current="true")?>{name}</a>', nav
            )
            assert link, (path, code)
            assert link.group(1) == f"{path}?lang={code}"
            assert bool(link.group(2)) == (code == "bn"), (path, code)


def test_switcher_keeps_the_grid_selection(site):
    app, _ = site
    start_buyer(app)
    page = app.get("/pick?sel=3,4&r=0&lang=mr")
    assert 'href="/pick?sel=3%2C4&amp;r=0&amp;lang=hi"' in page.text


# ------------------------------------------------------------------------------ messages of the core


def core_messages() -> list[str]:
    """Every message the core's checks give a buyer, triggered for real."""
    out = []

    def grab(call, *args):
        with pytest.raises(InvalidInput) as caught:
            call(*args)
        out.append(caught.value.message)

    for value in (5, "a\x00b", "   ", "x" * 81):
        grab(clean_name, value, "Name")
    for value in (None, "98765abcde", "98765", "5876543210"):
        grab(parse_mobile, value)
    grab(parse_utr, "12345")
    for value in ("1 " * 500, 7, [], [True], ["x"], [0], [3, 3], list(range(1, 22))):
        grab(parse_ticket_list, value, 100, 20)
    for value in ("", "zz", "101", "234567"):
        grab(read_query, value, 100)
    out.append(TicketsTaken([7], 3).message)
    out.append(TicketsTaken([7, 8], 3).message)
    return out


# What may stay in Latin letters inside a translation: typed data in quotes, names of things.
KEPT_LATIN = r"'[^']*'|UTR|UPI|QR|JSON|LD-[0-9A-Z]+|Content-Type: application/json"


def assert_translated_everywhere(messages: list[str]) -> None:
    """Each message is one this site can translate, and in every shipped language it reads with
    no English words left (what KEPT_LATIN names aside); in English it stays as written."""
    assert all(known(m) for m in messages), [m for m in messages if not known(m)]
    for lang in SHIPPED:
        request.bind({"QUERY_STRING": f"lang={lang}", "REQUEST_METHOD": "GET", "PATH_INFO": "/"})
        for message in messages:
            translated = localise(message)
            assert translated != message, (lang, message)
            assert not re.search(r"[A-Za-z]{4,}", re.sub(KEPT_LATIN, "", translated)), (lang, translated)
    request.bind({"REQUEST_METHOD": "GET", "PATH_INFO": "/"})
    assert [localise(m) for m in messages] == messages, "English stays as the core wrote it"


def test_every_core_message_a_buyer_sees_is_translated():
    assert_translated_everywhere(core_messages())


def web_refusals(app) -> list[str]:
    """Refusals a buyer can meet beyond the core's input checks, made for real through the app (or,
    for a limit, from the sentence it answers with)."""
    from buyerweb.holds import TOO_MANY_BOOKINGS, TOO_MANY_CHANGES, TOO_MANY_LOOKUPS, TOO_MANY_TRIES
    from shared.booking import check_client_limits
    from shared.errors import Conflict, LimitReached

    out = [m.format(wait=7) for m in (TOO_MANY_BOOKINGS, TOO_MANY_CHANGES, TOO_MANY_LOOKUPS, TOO_MANY_TRIES)]
    paid = hold_tickets("Asha", "9876543210", [11])
    record_payment(paid.payable_paise, "512345678901")
    with pytest.raises(Conflict) as caught:
        cancel_order(paid.session_id)
    out.append(caught.value.message)
    from shared.draws import current_draw

    draw = {"id": current_draw().id, "late_window_minutes": 0, "max_held_per_client": 2}
    draw["max_bookings_per_client_window"] = 9
    for held, want in ((1, 5), (2, 1)):  # one ticket held (one more allowed), two held (the cap)
        hold_tickets("Bala", f"987654321{held}", [20 + held], client_key="198.51.100.4")
        with pytest.raises(LimitReached) as caught:
            check_client_limits(draw, "198.51.100.4", want, utcnow())
        out.append(caught.value.message)
    out.append(app.post("/api/orders", "x", content_type="text/plain", status=415).json["error"])
    return out


def test_every_web_refusal_a_buyer_can_meet_is_translated(site):
    app, _ = site
    messages = web_refusals(app)
    assert "already has 1 ticket waiting" in messages[5] and "already has 2 tickets waiting" in messages[6]
    assert_translated_everywhere(messages)


def test_typed_data_stays_as_typed_inside_a_translated_error():
    request.bind({"QUERY_STRING": "lang=hi", "REQUEST_METHOD": "GET", "PATH_INFO": "/"})
    assert (
        localise("Mobile number must have 10 digits; '98765' has 5.") == "मोबाइल नंबर में 10 अंक होने चाहिए; '98765' में 5 हैं।"
    )
    assert localise("Tickets 007, 008 were just taken by someone else. Please pick other numbers.") == (
        "टिकट 007, 008 अभी-अभी किसी और ने ले लिए। कृपया दूसरे नंबर चुनें।"
    )
    assert localise("Diwali Mela") == "Diwali Mela", "a name is not a message"


def test_api_errors_in_the_buyers_language(site):
    app, _ = site
    hi = {"Accept-Language": "hi"}
    bad = post_json(app, {"name": "Asha", "mobile": "98765", "tickets": [1]}, status=422, headers=hi)
    assert bad.json == {"error": "मोबाइल नंबर में 10 अंक होने चाहिए; '98765' में 5 हैं।", "code": "invalid_input"}
    post_json(app, {"name": "Ravi", "mobile": "9876543211", "tickets": [2]}, status=201)
    taken = post_json(app, {"name": "Asha", "mobile": "9876543210", "tickets": [1, 2]}, status=409, headers=hi)
    assert taken.json["taken"] == [2] and taken.json["code"] == "tickets_taken"
    assert taken.json["error"] == "टिकट 002 अभी-अभी किसी और ने ले लिया। कृपया दूसरे नंबर चुनें।"
    english = post_json(app, {"name": "Asha", "mobile": "9876543210", "tickets": [1, 2]}, status=409)
    assert english.json["error"] == "Ticket 002 was just taken by someone else. Please pick other numbers."
    missing = app.get("/api/check_payment/000000000000", headers={"Accept-Language": "ta"}, status=404)
    assert missing.json["error"] == i18n.catalog("ta").gettext("No booking with that id.") != "No booking with that id."


def test_form_errors_in_the_buyers_language(site):
    app, _ = site
    home = app.get("/?lang=ta")
    page = app.post("/start", {"csrf": csrf_of(home), "name": "", "mobile": "12"}, status=422)
    assert "பெயரை உள்ளிடுங்கள்." in page.text
    assert "மொபைல் எண்ணில் 10 இலக்கங்கள் வேண்டும்; &#039;12&#039; இல் 2 உள்ளன." in page.text


def test_buyer_names_are_never_translated(site):
    """A buyer called "Sorry" or "Paid" (both messages of the catalog) keeps their name."""
    app, _ = site
    app.get("/?lang=hi")
    grid = start_buyer(app, name="Paid Sorry", mobile="9876543210")
    assert "नमस्ते Paid Sorry" in grid.text
    start_buyer(app, name="Sorry", mobile="9876543210")
    assert "नमस्ते Sorry" in app.get("/pick").text


def test_dates_in_the_buyers_language(site):
    app, _ = site
    hold = hold_tickets("Asha", "9876543210", [9])
    record_payment(hold.payable_paise, "123456789012")
    done = app.get(f"/done/{hold.session_id}?lang=hi")
    months = "जन॰|फ़र॰|मार्च|अप्रैल|मई|जून|जुल॰|अग॰|सित॰|अक्तू॰|नव॰|दिस॰"
    assert re.search(rf"<dd>\d{{1,2}} ({months}) \d{{4}}, \d{{1,2}}:\d\d (am|pm)</dd>", done.text)


# ----------------------------------------------------------------------------------- pseudo-locale

PSEUDO = "qps"
_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥíĵķĺɱñöƥqŕšŧüvŵxýžÀßÇĐÉƑĜĤÍĴĶĹMÑÖƤQŔŠŦÜVŴXÝŽ",
)
_KEEP = re.compile(r"(%\(\w+\)s|<[^>]*>|&\w+;)")


def pseudo(text: str) -> str:
    """Every letter accented, placeholders, tags and entities left alone."""
    return "".join(part if _KEEP.fullmatch(part) else part.translate(_ACCENTS) for part in _KEEP.split(text))


@pytest.fixture
def pseudo_locale():
    with POT.open("rb") as fp:
        template = read_po(fp)
    catalog = Catalog(locale="en")
    for message in template:
        if message.id:
            value = tuple(pseudo(s) for s in message.id) if isinstance(message.id, tuple) else pseudo(message.id)
            catalog.add(message.id, value)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    i18n.install_catalog(PSEUDO, "Pseudo", Translations(buffer))
    yield
    i18n.remove_catalog(PSEUDO)


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes and the labels of controls, not code."""

    SKIP = {"script", "style", "code", "pre", "svg"}
    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        for key, value in attrs:
            if key in self.SPOKEN and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data)


DATA_PATTERNS = [
    r"LD-[0-9A-Z]{6}",  # booking references
    r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{1,2}:\d\d [ap]m",  # dates (formatted by Babel in real languages)
    r"\d{1,2}:\d\d [ap]m",
    r"results-draw-\d+\.json",
]


def english_left(html: str, data: list[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    for pattern in DATA_PATTERNS:
        text = re.sub(pattern, " ", text)
    for name in i18n.LANGUAGES.values():
        text = text.replace(name, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


INAPP_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A045F Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 WhatsApp/2.24.1.6"
)
INAPP_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Instagram 312.0.0.22.114 (iPhone14,5; iOS 17_1_2; en_IN; en-IN; scale=3.00; 1170x2532; 548084588)"
)


def test_no_hard_coded_english_on_any_buyer_page(sqlite_url, tmp_path, pseudo_locale):
    """Every page a buyer can reach, in every state, through the WSGI app in the pseudo-locale:
    all visible text comes from the catalog except data."""
    app, draw = make_web(sqlite_url, tmp_path)
    data = [draw.name, draw.payee_vpa, draw.payee_name, "Asha Devi", "Ravi Kumar", "Meena Iyer", "98765 43210"]
    data += ["UPI", "UTR", "QR", "ID", "SHA-256", "PDF", "JSON", "Python", "verify_draw.py", "+91"]
    data += ["Google Pay", "PhonePe", "Paytm", "BHIM", "GPay", "WhatsApp", "Instagram", "Chrome"]
    pages = {}

    def visit(name, response):
        assert '<html lang="qps">' in response.text, name
        pages[name] = response.text

    q = "?lang=" + PSEUDO
    visit("home", app.get("/" + q))
    home = app.get("/")
    visit("details errors", app.post("/start", {"csrf": csrf_of(home), "name": "", "mobile": "12"}, status=422))
    visit("details stale form", app.post("/start", {"csrf": "0", "name": "A", "mobile": "9876543210"}, status=403))
    visit("details without cookie", app.get("/?details=1"))
    grid = start_buyer(app)
    visit("grid", grid)
    visit("grid dipped", app.post("/pick", {"csrf": csrf_of(grid), "r": "0", "action": "dip", "dip": "3"}).follow())
    ravi = hold_tickets("Ravi Kumar", "9000000001", [30])
    visit(
        "grid taken",
        app.post("/pick", {"csrf": csrf_of(grid), "r": "0", "action": "hold", "t": ["30", "31"]}, status=409),
    )
    visit("grid bad number", app.post("/pick", {"csrf": csrf_of(grid), "r": "0", "t": ["x"]}, status=422))
    visit("grid dropped", app.get("/pick?sel=30,32"))
    meena = post_json(app, {"name": "Meena Iyer", "mobile": "9876500002", "tickets": [40, 41]}, status=201).json
    pay = app.post("/pick", {"csrf": csrf_of(grid), "r": "0", "action": "hold", "t": ["5", "17"]}, status=303)
    visit("pay (paise offset)", pay.follow())
    session = pay.headers["Location"].rsplit("/", 1)[1]
    # a personal payee's pay page with the buyer's UTR claim: refused, then taken
    paying = app.get(f"/pay/{session}")
    visit(
        "pay claim refused",
        app.post(f"/pay/{session}/utr", {"csrf": csrf_of(paying), "utr": "12345"}, status=400),
    )
    claimed = app.post(f"/pay/{session}/utr", {"csrf": csrf_of(paying), "utr": "412345678901"}, status=303)
    visit("pay with a claim", claimed.follow())
    # the banner of an in-app browser: Android (with Open in Chrome) and iPhone (the menu hint)
    for label, agent in (("Android", INAPP_ANDROID), ("iPhone", INAPP_IPHONE)):
        banner = app.get(f"/pay/{session}", headers={"User-Agent": agent})
        assert 'id="inapp"' in banner.text, label
        data.extend(re.findall(r'data-copy="([^"]+)" data-done="[^"]*" id="copy-link"', banner.text))
        visit(f"pay in an in-app browser ({label})", banner)
    visit(
        "cancel from another browser",
        app.post(f"/pay/{ravi.session_id}/cancel", {"csrf": csrf_of(paying)}, status=403),
    )
    visit("home waiting", app.get("/"))
    visit("mine", app.get("/mine"))
    mine = app.get("/mine")
    order = Order.get(Order.session_id == session)
    data.append(order.reference)
    visit(
        "mine found", app.post("/mine", {"csrf": csrf_of(mine), "mobile": "9876543210", "reference": order.reference})
    )
    visit("mine errors", app.post("/mine", {"csrf": csrf_of(mine), "mobile": "1", "reference": ""}, status=422))
    visit(
        "mine not found",
        app.post("/mine", {"csrf": csrf_of(mine), "mobile": "9876543210", "reference": "LD-AAAAAA"}, status=404),
    )
    record_payment(order.payable_paise, "123456789012")
    visit("receipt", app.get(f"/done/{session}"))
    lapsed = hold_tickets("Asha Devi", "9876543212", [60], now=utcnow() - timedelta(minutes=30))
    data.append(lapsed.reference)
    visit("expired", app.get(f"/pay/{lapsed.session_id}"))
    expired = app.get(f"/pay/{lapsed.session_id}")
    visit(
        "expired claim refused",
        app.post(f"/pay/{lapsed.session_id}/utr", {"csrf": csrf_of(expired), "utr": "123456789012"}, status=409),
    )
    late = app.post(f"/pay/{lapsed.session_id}/utr", {"csrf": csrf_of(expired), "utr": "412345678903"}, status=303)
    visit("expired with a claim", late.follow())
    cancelled = post_json(app, {"name": "Asha Devi", "mobile": "9876543213", "tickets": [61]}, status=201).json
    data.append(cancelled["reference"])
    pay_page = app.get(cancelled["pay_url"])
    app.post(f"/pay/{cancelled['session_id']}/cancel", {"csrf": csrf_of(pay_page)}, status=303)
    visit("cancelled", app.get(cancelled["pay_url"]))
    visit("not found", app.get("/nowhere", status=404))
    visit("results before", app.get("/results"))
    visit("results: not out yet", app.get("/results", {"q": "5"}))
    # sales closed, then drawn (with prizes, an announced public value and a redraw)
    prizes = ["1st: scooter", "2nd: phone"]
    for pending in (ravi.session_id, meena["session_id"]):
        cancel_order(pending, reason="test: sales close")
    for i, name in enumerate(("Asha Devi", "Ravi Kumar", "Meena Iyer")):
        sell_cash(name, f"98765100{i:02d}", [70 + i])
    winner_draw.set_prizes(prizes)
    winner_draw.close_sales("drand round 5")
    app.app.luckydraw.draws.clear()
    app.app.luckydraw.results.clear()
    visit("home closed", app.get("/"))
    visit("results closed", app.get("/results"))
    winner_draw.draw_winners(public_value="abc")
    winner_draw.redraw(["2nd: phone"], reason="not collected")
    app.app.luckydraw.draws.clear()
    app.app.luckydraw.results.clear()
    visit("results drawn", app.get("/results"))
    visit("results: a booking", app.get("/results", {"q": order.reference}))
    visit("results: a ticket", app.get("/results", {"q": "70"}))
    visit("results: a typo", app.get("/results", {"q": "LD-7K3Q"}, status=422))
    data.append("LD-7K3Q")
    visit("results: no such booking", app.get("/results", {"q": "LD-AAAAAA"}, status=404))
    visit("results: an unpaid booking", app.get("/results", {"q": lapsed.reference}))
    visit("home drawn", app.get("/"))
    data += prizes + [
        "drand round 5",
        "not collected",
        "abc",
        "Asha D.",
        "Ravi K.",
        "Meena I.",
        "Asha",
        "Ravi",
        "Meena",
    ]
    data += ["Devi", "Kumar", "Iyer", "sha256sum"]

    left = {name: english_left(text, data) for name, text in pages.items()}
    assert {name: words for name, words in left.items() if words} == {}
    assert len(pages) == 37


def test_big_draw_grid_has_no_hard_coded_english(sqlite_url, tmp_path, pseudo_locale):
    app, draw = make_web(sqlite_url, tmp_path, draw={"ticket_count": 1500})
    assert draw.ticket_count == 1500
    app.get("/?lang=" + PSEUDO)
    grid = start_buyer(app)
    assert 'class="ranges"' in grid.text
    assert english_left(grid.text, [draw.name, "Asha Devi"]) == []


def test_the_script_gets_its_strings_in_the_pages_language(site, pseudo_locale):
    app, _ = site
    page = app.get("/mine?lang=" + PSEUDO)
    table = page.text.split('<script type="application/json" id="i18n">', 1)[1].split("</script>", 1)[0]
    strings = json.loads(table)
    assert strings["Copy"] == pseudo("Copy")
    assert strings["Book & pay"] == pseudo("Book & pay")
    one, many = strings["Ticket %(numbers)s was just taken by someone else, so it is no longer in your selection."]
    assert "%(numbers)s" in one and "%(numbers)s" in many and one != many
    assert all(isinstance(v, (str, list)) for v in strings.values())
    assert "</" not in table
