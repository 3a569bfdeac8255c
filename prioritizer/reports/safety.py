"""Neutralising user-supplied text for spreadsheets and HTML.

Spreadsheet text goes through :func:`prioritizer.csvsafe.neutralise`, the one rule shared
with every CSV export (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or CR unless
the text is just a number). HTML escaping is done by Jinja2's autoescape.
"""

from __future__ import annotations

from prioritizer.csvsafe import neutralise

__all__ = ["neutralise"]
