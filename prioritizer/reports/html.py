"""HTML renderer: the same document as the PDF, one self-contained file.

Jinja2 autoescaping is on for every value, so names such as ``<script>`` come out as text.
Charts are the same SVG the PDF embeds (drawn from the chart specs; its strings are
XML-escaped by :mod:`prioritizer.charts.svg`).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from prioritizer.charts.svg import to_svg
from prioritizer.reports.document import Bullets, Document, Figure, Heading, KeyValues, Para, Table

_TEMPLATE = """<!doctype html>
<html lang="{{ doc.lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ doc.title }}</title>
<style>
body{font-family:"IPAexGothic","Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1b1b;line-height:1.6;padding:0 1rem}
header.run{color:#555;font-size:.8rem;border-bottom:1px solid #ccc}
h1{color:#1f4e79}h2{color:#1f4e79;border-left:6px solid #1f4e79;padding-left:.5rem;margin-top:2.2rem}h3{color:#1f4e79}
table{border-collapse:collapse;font-size:.82rem;margin:.4rem 0 1rem}th,td{border:1px solid #ccd;padding:.2rem .4rem;text-align:left;vertical-align:top}
th{background:#dde6f0;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}td.id{white-space:nowrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#555}
p{white-space:pre-line}.lead{background:#eef2f7;padding:.6rem;font-size:1.05rem}.note{color:#1f4e79;margin-bottom:.2rem}
.annex{border-top:3px double #1f4e79;margin-top:3rem}svg{max-width:100%;height:auto}
</style></head><body>
<header class="run">{{ doc.header }}</header>
<h1>{{ doc.title }}</h1><p>{{ doc.subtitle }}</p>
<dl>{% for k, v in doc.cover %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
<nav><h2>{{ doc.toc_title }}</h2><ol>{% for s in sections %}<li><a href="#s{{ loop.index }}">{{ s.title }}</a></li>{% endfor %}</ol></nav>
{% for s in sections %}<section id="s{{ loop.index }}"{% if s.part == "annex" %} class="annex"{% endif %}><h2>{{ s.title }}</h2>
{% for kind, b in s.blocks %}
{% if kind == "para" %}<p class="{{ b.style }}">{{ b.text }}</p>
{% elif kind == "bullets" %}<ul>{% for x in b.items %}<li>{{ x }}</li>{% endfor %}</ul>
{% elif kind == "kv" %}<dl>{% for k, v in b.items %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
{% elif kind == "heading" %}<h3>{{ b.text }}</h3>
{% elif kind == "table" %}{% if b.title %}<h4>{{ b.title }}</h4>{% endif %}<table><thead><tr>{% for c in b.headers %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in b.rows %}<tr>{% for v, cls in row %}<td class="{{ cls }}">{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% elif kind == "figure" %}<figure><figcaption>{{ b.title }}</figcaption>{{ b.svg }}</figure>
{% endif %}{% endfor %}</section>{% endfor %}
</body></html>
"""


def render_html(doc: Document, out: Path) -> None:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    sections = []
    for s in doc.sections:
        blocks: list[tuple[str, object]] = []
        for b in s.blocks:
            if isinstance(b, Para):
                blocks.append(("para", b))
            elif isinstance(b, Bullets):
                blocks.append(("bullets", b))
            elif isinstance(b, KeyValues):
                blocks.append(("kv", b))
            elif isinstance(b, Heading):
                blocks.append(("heading", b))
            elif isinstance(b, Table):
                classes = [
                    "num" if n else ("id" if c.fmt == "id" else "")
                    for c, n in zip(b.columns, b.numeric, strict=True)
                ]
                rows = [list(zip(r, classes, strict=True)) for r in b.rows_text(doc.lang)]
                blocks.append(
                    ("table", {"title": b.title, "headers": [c.label for c in b.columns], "rows": rows})
                )
            elif isinstance(b, Figure) and not b.spec.empty:
                # the SVG is built here from escaped strings, so it is safe to insert as markup
                blocks.append(
                    ("figure", {"title": b.title, "svg": Markup(to_svg(b.spec, compact=b.compact))})
                )
        sections.append({"title": s.title, "part": s.part, "blocks": blocks})
    html = env.from_string(_TEMPLATE).render(doc=doc, sections=sections)
    out.write_text(html, encoding="utf-8")
