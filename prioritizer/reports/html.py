"""Self-contained HTML renderer: inline CSS and plotly.js, no network needed to open it.

Every user-supplied string goes through Jinja2 autoescaping (names such as
``<script>`` come out as text).
"""

from __future__ import annotations

from pathlib import Path

import plotly.io as pio
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from prioritizer.reports.document import Document, Figure, KeyValues, Para, Table
from prioritizer.reports.formatting import cell_text

_TEMPLATE = """<!doctype html>
<html lang="{{ doc.lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ doc.title }}</title>
<style>
body{font-family:"Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1b1b;line-height:1.6}
h1{border-bottom:3px solid #1f4e79}h2{color:#1f4e79;border-left:6px solid #1f4e79;padding-left:.5rem;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}th,td{border:1px solid #ccd;padding:.2rem .4rem;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dt{font-weight:bold}p{white-space:pre-line}.note{color:#666;font-size:.8rem}
</style></head><body>
<h1>{{ doc.title }}</h1>
<dl>{% for k, v in doc.cover %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
{% for s in sections %}<h2>{{ s.title }}</h2>
{% for kind, b in s.blocks %}
{% if kind == "para" %}<p>{{ b.text }}</p>
{% elif kind == "kv" %}<dl>{% for k, v in b.items %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
{% elif kind == "table" %}<h3>{{ b.title }}</h3><table><thead><tr>{% for c in b.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in b.rows %}<tr>{% for v, num in row %}<td{% if num %} class="num"{% endif %}>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% if b.more %}<p class="note">… {{ b.more }} more rows (XLSX has all rows)</p>{% endif %}
{% elif kind == "figure" %}{{ b }}
{% endif %}{% endfor %}{% endfor %}
</body></html>
"""


def render_html(doc: Document, out: Path) -> None:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    first = True
    sections = []
    for s in doc.sections:
        blocks = []
        for b in s.blocks:
            if isinstance(b, Para):
                blocks.append(("para", b))
            elif isinstance(b, KeyValues):
                blocks.append(("kv", b))
            elif isinstance(b, Table):
                frame = b.frame  # HTML carries every row; only the PDF previews long tables
                rows = [
                    [
                        (
                            cell_text(v, b.formats.get(c)),
                            isinstance(v, int | float) and not isinstance(v, bool),
                        )
                        for c, v in zip(frame.columns, rec, strict=False)
                    ]
                    for rec in frame.itertuples(index=False)
                ]
                more = len(b.frame) - len(frame)
                blocks.append(
                    ("table", {"title": b.title, "columns": list(frame.columns), "rows": rows, "more": more})
                )
            elif isinstance(b, Figure):
                # plotly.js is inlined once (first figure) so the file opens offline.
                div = pio.to_html(
                    b.plotly,
                    full_html=False,
                    include_plotlyjs=first,
                    config={"displaylogo": False},
                )
                first = False
                blocks.append(
                    ("figure", Markup(div))
                )  # plotly's own output; data strings are JSON-escaped by plotly
        sections.append({"title": s.title, "blocks": blocks})
    html = env.from_string(_TEMPLATE).render(doc=doc, sections=sections)
    out.write_text(html, encoding="utf-8")
