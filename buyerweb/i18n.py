"""The buyer web in the buyer's language.

Which languages the site speaks (each named in its own script for the switcher), which one a
request gets (`?lang=xx`, then remembered in the `lang` cookie; else the browser's
Accept-Language; else English), and gettext for it: `gettext`/`ngettext` for text, `markup` for a
translated sentence that carries a little HTML of its own (its parameters are escaped), and the
strings the page's script shows (extracted from static/app.js, sent as JSON inside the page).

Catalogs are Babel-managed gettext files in buyerweb/locale/<lang>/LC_MESSAGES/messages.(po|mo)
(`make i18n-extract`, `make i18n-update`, `make i18n-compile`). The domain core never sees any of
this: its messages are translated at the web's edge (see i18n_messages)."""

import html
import json
import re
from gettext import NullTranslations
from pathlib import Path

from babel.messages.extract import extract_javascript
from babel.support import Translations
from bottle import request, response

from .addresses import page_path

HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
SCRIPT = HERE / "static" / "app.js"
DOMAIN = "messages"
DEFAULT = "en"
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
ENVIRON_KEY = "luckydraw.lang"

# Each language named in its own script, in the order of how many buyers speak it.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "hi": "हिन्दी",
    "bn": "বাংলা",
    "mr": "मराठी",
    "te": "తెలుగు",
    "ta": "தமிழ்",
    "gu": "ગુજરાતી",
    "kn": "ಕನ್ನಡ",
    "ml": "മലയാളം",
}
# Babel locale for dates; a language installed without one (a test catalog) formats like English.
BABEL_LOCALES = {code: code for code in LANGUAGES}

# The script's translatable calls: t("text", {params}) and tn("one", "many", n, {params}).
SCRIPT_KEYWORDS = {"t": None, "tn": (1, 2)}

_catalogs: dict[str, NullTranslations] = {}
_script_strings: dict[str, dict] = {}
_TAG_RE = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


# ---------------------------------------------------------------------------------------- catalogs


def catalog(lang: str) -> NullTranslations:
    """The compiled catalog of `lang` (English: no catalog, the messages are the English text)."""
    found = _catalogs.get(lang)
    if found is None:
        if lang == DEFAULT:
            found = NullTranslations()
        else:
            found = Translations.load(str(LOCALE_DIR), [lang], domain=DOMAIN)
        _catalogs[lang] = found
    return found


def install_catalog(lang: str, name: str, translations: NullTranslations, babel_locale: str = "en") -> None:
    """Serve one more language from a catalog built elsewhere (the tests' pseudo-locale)."""
    LANGUAGES[lang] = name
    BABEL_LOCALES[lang] = babel_locale
    _catalogs[lang] = translations
    _script_strings.pop(lang, None)


def remove_catalog(lang: str) -> None:
    if lang != DEFAULT:
        LANGUAGES.pop(lang, None)
        BABEL_LOCALES.pop(lang, None)
        _catalogs.pop(lang, None)
        _script_strings.pop(lang, None)


# ------------------------------------------------------------------------------------- negotiation


def supported(code) -> str | None:
    """The language a tag like 'hi', 'hi-IN' or 'TA_in' names, if the site speaks it."""
    if not isinstance(code, str) or not _TAG_RE.match(code.replace("_", "-")):
        return None
    code = code.replace("_", "-").lower()
    if code in LANGUAGES:
        return code
    primary = code.split("-", 1)[0]
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The best language of an Accept-Language header that the site speaks (q-values respected)."""
    choices = []
    for position, part in enumerate((header or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and tag.strip():
            choices.append((-quality, position, tag.strip()))
    for _q, _p, tag in sorted(choices):
        if tag == "*":
            return DEFAULT
        lang = supported(tag)
        if lang:
            return lang
    return None


def negotiate(query_lang=None, cookie_lang=None, accept_language=None) -> str:
    return supported(query_lang) or supported(cookie_lang) or from_accept_language(accept_language) or DEFAULT


def current() -> str:
    """The language of the request being served (English outside a request)."""
    try:
        environ = request.environ
    except (AttributeError, RuntimeError, KeyError):
        return DEFAULT
    lang = environ.get(ENVIRON_KEY)
    if lang is None or lang not in LANGUAGES:
        lang = negotiate(request.query.get("lang"), request.get_cookie(COOKIE), environ.get("HTTP_ACCEPT_LANGUAGE"))
        environ[ENVIRON_KEY] = lang
    return lang


def babel_locale() -> str:
    return BABEL_LOCALES.get(current(), DEFAULT)


def remember_choice() -> None:
    """Before each request: a `?lang=xx` the site speaks is kept in a cookie for the next pages."""
    chosen = supported(request.query.get("lang"))
    if chosen and chosen != request.get_cookie(COOKIE):
        response.set_cookie(
            COOKIE,
            chosen,
            path="/",
            max_age=COOKIE_AGE,
            samesite="lax",
            httponly=True,
            secure=request.urlparts.scheme == "https",
        )


def install(app) -> None:
    app.add_hook("before_request", remember_choice)


# ------------------------------------------------------------------------------------------ gettext


def _fill(text: str, params: dict) -> str:
    return text % params if params else text


def gettext(message: str, **params) -> str:
    """`message` in the request's language, with %(name)s parameters filled in."""
    return _fill(catalog(current()).gettext(message), params)


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    params.setdefault("n", n)
    return _fill(catalog(current()).ngettext(singular, plural, n), params)


def markup(message: str, **params) -> str:
    """A translated sentence with its own HTML (e.g. <strong>), for `{{!...}}` in a template:
    the sentence is ours, the parameters are data and are escaped."""
    return _fill(catalog(current()).gettext(message), {k: html.escape(str(v)) for k, v in params.items()})


def nmarkup(singular: str, plural: str, n: int, **params) -> str:
    params.setdefault("n", n)
    text = catalog(current()).ngettext(singular, plural, n)
    return _fill(text, {k: html.escape(str(v)) for k, v in params.items()})


# ------------------------------------------------------------------------------------- the switcher


def _switch_base() -> str:
    """This page's address without its language, ready for `lang=xx` (see addresses.page_path)."""
    path = page_path(drop=("lang",))
    return path + ("&" if "?" in path else "?")


def switcher() -> list[tuple[str, str, str, bool]]:
    """(code, name in its own script, address, is it the current one) for every language."""
    now, base = current(), _switch_base()
    return [(code, name, f"{base}lang={code}", code == now) for code, name in LANGUAGES.items()]


# ------------------------------------------------------------------------------ the script's strings


def script_messages() -> list:
    """The messages app.js shows, as Babel's JavaScript extractor finds them: msgid strings and
    (singular, plural) pairs."""
    with SCRIPT.open("rb") as fp:
        found = extract_javascript(fp, SCRIPT_KEYWORDS, [], {"encoding": "utf-8"})
        return [message for _line, _func, message, _comments in found]


def script_strings_json(lang: str | None = None) -> str:
    """The script's messages in the request's language, as JSON that is safe inside <script>."""
    lang = lang or current()
    cached = _script_strings.get(lang)
    if cached is None:
        translations = catalog(lang)
        table = {}
        for message in script_messages():
            if isinstance(message, tuple):
                singular, plural = message[0], message[1]
                table[singular] = [
                    translations.ngettext(singular, plural, 1),
                    translations.ngettext(singular, plural, 2),
                ]
            else:
                table[message] = translations.gettext(message)
        text = json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        cached = {"json": text.replace("<", "\\u003c")}
        _script_strings[lang] = cached
    return cached["json"]
