"""The one boundary between what buyers typed or hooks delivered and the organiser's terminal.

Everything from outside (names, payer names, SMS bodies, inbox reasons, references, UPI IDs, draw
names) reaches the screen through `literal()` (a rich `Text`, never read as Textual or Rich markup)
or, on the command line, through `visible()`. Both turn terminal control characters into visible
escapes: `\\x1b]0;pwned\\x07` shows as the ten characters `\\x1b]0;pwned` plus `\\x07`, so no byte
a buyer sent can set the window title, move the cursor, ring the bell or hide text. Unicode
direction overrides and zero-width characters are made visible the same way, so a name cannot
reorder or hide the text around it.
"""

import re

from rich.text import Text

# C0 controls, DEL, C1 controls, and the format characters that reorder or hide text.
# Lone surrogates (which JSON can carry) cannot be written to a terminal at all.
_HIDDEN_FORMAT = "\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_HIDDEN_FORMAT}]")
_CONTROL_KEEP_LINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_HIDDEN_FORMAT}]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object, *, keep_newlines: bool = False) -> str:
    """`value` as text whose every character is printable: control characters (and, unless
    `keep_newlines`, line breaks) become visible escapes such as `\\x1b`; None becomes ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the common case: nothing to do
        return text
    pattern = _CONTROL_KEEP_LINES if keep_newlines else _CONTROL
    return pattern.sub(_escape, text)


def is_visible(text: str, *, keep_newlines: bool = False) -> bool:
    """True when `text` has nothing `visible()` would change."""
    pattern = _CONTROL_KEEP_LINES if keep_newlines else _CONTROL
    return text.isprintable() or pattern.search(text) is None


def literal(value: object, style: str = "", *, keep_newlines: bool = False, justify=None) -> Text:
    """`value` as a rich Text to put in a table cell, a Static, a toast or a title: shown exactly
    as typed (brackets and all), with control characters made visible. A Text passes through
    unchanged unless it holds control characters (then it is rebuilt, plain, in its base style)."""
    if isinstance(value, Text):
        if is_visible(value.plain, keep_newlines=keep_newlines):
            return value
        return Text(visible(value.plain, keep_newlines=keep_newlines), style=value.style, justify=value.justify)
    return Text(visible(value, keep_newlines=keep_newlines), style=style, justify=justify)


def safe_cell(value: object):
    """A DataTable cell: strings and Text become literal Text; other values pass unchanged."""
    if isinstance(value, (str, Text)):
        return literal(value)
    return value
