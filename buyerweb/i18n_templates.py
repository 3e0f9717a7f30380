"""What every template gets for the buyer's language: gettext functions bound to the request's
catalog (plain, plural, and with escaped HTML parameters), the core's messages localised, the
language switcher and the page script's strings."""

import html

from .i18n import _fill, catalog, current, script_strings_json, switcher
from .i18n_messages import localise, localise_qr


def template_values() -> dict:
    """What every template gets for the language: the gettext functions (bound to the request's
    catalog), the language, the switcher and the script's strings."""
    lang = current()
    translations = catalog(lang)

    def _(message: str, **params) -> str:
        return _fill(translations.gettext(message), params)

    def _n(singular: str, plural: str, n: int, **params) -> str:
        params.setdefault("n", n)
        return _fill(translations.ngettext(singular, plural, n), params)

    def _h(message: str, **params) -> str:
        return _fill(translations.gettext(message), {k: html.escape(str(v)) for k, v in params.items()})

    def _nh(singular: str, plural: str, n: int, **params) -> str:
        params.setdefault("n", n)
        text = translations.ngettext(singular, plural, n)
        return _fill(text, {k: html.escape(str(v)) for k, v in params.items()})

    return {
        "_": _,
        "_n": _n,
        "_h": _h,
        "_nh": _nh,
        "_e": localise,
        "localise_qr": localise_qr,
        "lang": lang,
        "languages": switcher,
        "script_strings": lambda: script_strings_json(lang),
    }
