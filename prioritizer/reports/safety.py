"""Neutralising user-supplied text for spreadsheets and HTML.

A cell whose text begins with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return)
is executed as a formula by Excel and LibreOffice (CSV/formula injection, OWASP). Such
text is prefixed with an apostrophe-free single quote character ``'`` so it displays
literally; numbers are left alone. HTML escaping is done by Jinja2's autoescape.
"""

from __future__ import annotations

from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value
