"""Babel extractor for the pages' Bottle SimpleTemplate files (buyerweb/views/*.tpl).

Bottle translates a template into Python (its `SimpleTemplate.code`, line for line), so the
messages are found by Babel's own Python extractor in that code: `{{_("...")}}`, `{{!_h("...")}}`,
`% x = _("...")` and the rest, with the template's line numbers. Registered in babel.cfg."""

import io

from babel.messages.extract import extract_python
from bottle import SimpleTemplate


def extract_simpletemplate(fileobj, keywords, comment_tags, options):
    """Yield (line, function, message, comments) for every marked message in one template."""
    encoding = options.get("encoding", "utf-8")
    source = fileobj.read().decode(encoding)
    code = SimpleTemplate(source=source, lookup=[]).code
    yield from extract_python(io.BytesIO(code.encode("utf-8")), keywords, comment_tags, {"encoding": "utf-8"})
