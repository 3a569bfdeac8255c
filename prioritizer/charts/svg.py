"""Draw a :class:`ChartSpec` as a self-contained SVG (vector graphics for the PDF and HTML).

No browser and no plotting library: the chart is a few rectangles, lines and text
elements laid out here, so the PDF stays vector, small and identical on every machine.
Every string from the data is XML-escaped, so a name like ``<script>`` is drawn as text.
"""

from __future__ import annotations

import math
import unicodedata
from xml.sax.saxutils import escape, quoteattr

from prioritizer.charts.spec import ChartSpec, axis_title

PALETTE = (
    "#1f4e79", "#e07b39", "#4a9b5e", "#b03a48", "#7d5ba6",
    "#8c6d46", "#d46fa8", "#6f7f8f", "#b5a82f", "#2aa1b3",
)  # fmt: skip
WIDTH = 720
FONT = 11


def text_width(s: str, size: float = FONT) -> float:
    """Approximate advance width: full-width (CJK) glyphs take one em, others about 0.58 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.58 * size for c in s)


def _clip(s: str, width: float, size: float = FONT) -> str:
    if text_width(s, size) <= width:
        return s
    out = ""
    for c in s:
        if text_width(out + c + "…", size) > width:
            break
        out += c
    return out + "…"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (Heckbert, "Nice numbers for graph labels", 1990)."""
    if not math.isfinite(lo) or not math.isfinite(hi) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 12))
        v += step
    if ticks[-1] < hi:
        ticks.append(ticks[-1] + step)
    return ticks


def _fmt(v: float) -> str:
    a = abs(v)
    if a >= 100 or v == int(v):
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.1f}"
    return f"{v:.2g}"


class _Canvas:
    def __init__(self, height: float) -> None:
        self.h = height
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None) -> None:
        s = f' stroke="{stroke}" stroke-width="0.5"' if stroke else ""
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{fill}"{s}/>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#999", width: float = 0.6
    ) -> None:
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" stroke-width="{width}"/>'
        )

    def text(
        self, x: float, y: float, s: str, *, anchor: str = "start", size: float = FONT, rotate: float = 0,
        fill: str = "#222",
    ) -> None:  # fmt: skip
        tr = f' transform="rotate({rotate:.0f} {x:.1f} {y:.1f})"' if rotate else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{tr}>'
            f"{escape(s)}</text>"
        )

    def poly(
        self, pts: list[tuple[float, float]], stroke: str, fill: str = "none", width: float = 1.6
    ) -> None:
        d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        self.parts.append(
            f'<polyline points="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
            if fill == "none"
            else f'<polygon points="{d}" fill="{fill}" fill-opacity="0.75" stroke="{stroke}" stroke-width="0.6"/>'
        )

    def svg(self, title: str) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{self.h:.0f}" '
            f'viewBox="0 0 {WIDTH} {self.h:.0f}" font-family="IPAexGothic, sans-serif" role="img" '
            f"aria-label={quoteattr(title)}>"
            f'<rect width="{WIDTH}" height="{self.h:.0f}" fill="#ffffff"/>' + "".join(self.parts) + "</svg>"
        )


def _legend(c: _Canvas, names: list[str], y: float, markers: set[int] | None = None) -> float:
    """Legend rows under the plot; returns the y below them."""
    x = 10.0
    for i, n in enumerate(names):
        w = 18 + text_width(n, FONT - 1) + 14
        if x + w > WIDTH - 10:
            x, y = 10.0, y + 16
        col = "crimson" if markers and i in markers else PALETTE[i % len(PALETTE)]
        c.rect(x, y - 9, 12, 10, col)
        c.text(x + 16, y, n, size=FONT - 1)
        x += w
    return y + 10


def to_svg(spec: ChartSpec, *, compact: bool = False) -> str:
    """The chart as SVG; ``compact`` halves the plot height (small inline trend charts)."""
    if spec.kind == "heatmap":
        return _heatmap(spec)
    if spec.kind == "barh":
        return _barh(spec)
    return _columns(spec, plot_h=110.0 if compact else 220.0)


def _barh(spec: ChartSpec) -> str:
    n = len(spec.categories)
    row = 18.0
    label_w = min(max((text_width(s) for s in spec.categories), default=40) + 10, 260)
    top, legend_h = 12.0, (22.0 if len(spec.series) > 1 else 0.0)
    plot_h = row * max(n, 1)
    height = top + plot_h + 34 + legend_h + (16 * (len(spec.series) // 6))
    c = _Canvas(height)
    pos = [0.0] * n
    neg = [0.0] * n
    spans: list[list[tuple[float, float]]] = []
    marks = [s for s in spec.series if s.style == "marker"]
    for s in spec.series:
        sp: list[tuple[float, float]] = []
        if s.style == "marker":
            spans.append(sp)
            continue
        for i, v in enumerate(s.values):
            v = float(v or 0.0)
            if s.base is not None:
                a = float(s.base[i])
                sp.append((a, a + v))
            elif v >= 0:
                sp.append((pos[i], pos[i] + v))
                pos[i] += v
            else:
                sp.append((neg[i] + v, neg[i]))
                neg[i] += v
        spans.append(sp)
    mvals = [float(v) for m in marks for v in m.values if v is not None]
    lo = min([0.0] + [a for sp in spans for a, _ in sp] + mvals)
    hi = max([0.0] + [b for sp in spans for _, b in sp] + mvals)
    ticks = nice_ticks(lo, hi)
    x0, x1 = label_w, WIDTH - 16
    lo, hi = ticks[0], ticks[-1]

    def X(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    for tv in ticks:
        c.line(X(tv), top, X(tv), top + plot_h, "#ddd")
        c.text(X(tv), top + plot_h + 13, _fmt(tv), anchor="middle", size=FONT - 2)
    for i, lab in enumerate(spec.categories):
        c.text(label_w - 6, top + row * i + row * 0.68, _clip(lab, label_w - 10), anchor="end", size=FONT - 1)
    for k, sp in enumerate(spans):
        for i, (a, b) in enumerate(sp):
            c.rect(X(a), top + row * i + 3, X(b) - X(a), row - 6, PALETTE[k % len(PALETTE)])
    c.line(X(0.0), top, X(0.0), top + plot_h, "#444", 0.8)
    for m in marks:
        for i, v in enumerate(m.values):
            if v is not None:
                c.line(X(float(v)), top + row * i + 1, X(float(v)), top + row * (i + 1) - 1, "#000", 2.0)
    y = top + plot_h + 28
    if spec.x_label:
        c.text(
            (x0 + x1) / 2,
            y,
            axis_title(spec.x_label, spec.unit),
            anchor="middle",
            size=FONT - 1,
        )
    if len(spec.series) > 1:
        _legend(
            c,
            [s.name for s in spec.series],
            y + 18,
            {k for k, s in enumerate(spec.series) if s.style == "marker"},
        )
    return c.svg(spec.title)


def _columns(spec: ChartSpec, plot_h: float = 220.0) -> str:
    n = len(spec.categories)
    bars = [s for s in spec.series if s.style == "bar" and spec.kind == "bar"]
    lines = [s for s in spec.series if s not in bars]
    rotate = n > 6 or max((text_width(s) for s in spec.categories), default=0) > (WIDTH - 80) / max(n, 1)
    label_h = (
        min(max((text_width(s, FONT - 1) for s in spec.categories), default=20), 150) * 0.7 + 10
        if rotate
        else 18
    )
    top, left, right = 12.0, 64.0, WIDTH - 12
    legend_h = 24.0 if len(spec.series) > 1 else 0.0
    c = _Canvas(top + plot_h + label_h + 24 + legend_h)
    if spec.kind == "area":
        stacked = [0.0] * n
        cum = []
        for s in spec.series:
            stacked = [a + float(v or 0.0) for a, v in zip(stacked, s.values, strict=False)]
            cum.append(list(stacked))
        vals = [v for row in cum for v in row]
    else:
        vals = [float(v) for s in spec.series for v in s.values if v is not None]
    lo = min([0.0, *vals]) if spec.kind != "line" else min(vals or [0.0])
    hi = max([0.0, *vals]) if vals else 1.0
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]

    def Y(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    for tv in ticks:
        c.line(left, Y(tv), right, Y(tv), "#e2e2e2")
        c.text(left - 5, Y(tv) + 3, _fmt(tv), anchor="end", size=FONT - 2)
    if spec.numeric_x is not None and n > 1:
        xa, xb = min(spec.numeric_x), max(spec.numeric_x)
        xs = [left + 10 + (x - xa) / ((xb - xa) or 1) * (right - left - 20) for x in spec.numeric_x]
    else:
        slot = (right - left) / max(n, 1)
        xs = [left + slot * (i + 0.5) for i in range(n)]
    slot = (right - left) / max(n, 1)
    step = max(1, math.ceil(n / 40))  # long period axes: label every k-th category
    for i, lab in enumerate(spec.categories):
        if i % step:
            continue
        if rotate:
            c.text(
                xs[i] + 3,
                top + plot_h + 10,
                _clip(lab, 150, FONT - 1),
                anchor="end",
                size=FONT - 1,
                rotate=-40,
            )
        else:
            c.text(xs[i], top + plot_h + 14, _clip(lab, slot - 4, FONT - 1), anchor="middle", size=FONT - 1)
    if bars:
        bw = slot * 0.75 / len(bars)
        for k, s in enumerate(bars):
            for i, v in enumerate(s.values):
                if v is None:
                    continue
                y0, y1 = Y(max(float(v), 0.0)), Y(min(float(v), 0.0))
                c.rect(xs[i] - slot * 0.375 + k * bw, y0, bw - 1, y1 - y0, PALETTE[k % len(PALETTE)])
    markers: set[int] = set()
    for k, s in enumerate(spec.series):
        if s not in lines:
            continue
        col = PALETTE[k % len(PALETTE)]
        if s.style == "marker":
            markers.add(k)
            for i, v in enumerate(s.values):
                if v is not None:
                    c.line(xs[i] - slot * 0.42, Y(float(v)), xs[i] + slot * 0.42, Y(float(v)), "crimson", 2.2)
        elif spec.kind == "area":
            below = cum[k - 1] if k else [0.0] * n
            pts = [(xs[i], Y(cum[k][i])) for i in range(n)] + [
                (xs[i], Y(below[i])) for i in reversed(range(n))
            ]
            c.poly(pts, col, fill=col)
        else:
            seg = [(xs[i], Y(float(v))) for i, v in enumerate(s.values) if v is not None]
            if seg:
                c.poly(seg, col)
    c.line(left, Y(max(lo, 0.0)), right, Y(max(lo, 0.0)), "#444", 0.8)
    if spec.y_label:
        ylab = axis_title(spec.y_label, spec.unit)
        c.text(14, top + plot_h / 2, _clip(ylab, plot_h), anchor="middle", size=FONT - 1, rotate=-90)
    y = top + plot_h + label_h + 14
    if spec.x_label:
        c.text((left + right) / 2, y, spec.x_label, anchor="middle", size=FONT - 1)
    if len(spec.series) > 1:
        _legend(c, [s.name for s in spec.series], y + 16, markers)
    return c.svg(spec.title)


def _colour(v: float, lo: float, hi: float) -> str:
    f = 0.0 if hi <= lo else min(max((v - lo) / (hi - lo), 0.0), 1.0)
    a, b = (247, 251, 255), (8, 48, 107)
    r, g, bl = (round(a[j] + (b[j] - a[j]) * f) for j in range(3))
    return f"#{r:02x}{g:02x}{bl:02x}"


def _heatmap(spec: ChartSpec) -> str:
    nr, nc = len(spec.rows), len(spec.categories)
    label_w = min(max((text_width(s) for s in spec.rows), default=40) + 10, 240)
    top = 24.0
    cell_h = 20.0 if not spec.cell_text or all(len(x) < 12 for r in spec.cell_text for x in r) else 44.0
    c = _Canvas(top + cell_h * nr + 28)
    vals = [float(v) for r in spec.z for v in r if v is not None]
    lo, hi = spec.z_range or (min(vals or [0.0]), max(vals or [1.0]))
    cw = (WIDTH - label_w - 12) / max(nc, 1)
    for j, lab in enumerate(spec.categories):
        c.text(
            label_w + cw * (j + 0.5), top - 8, _clip(lab, cw - 2, FONT - 1), anchor="middle", size=FONT - 1
        )
    for i, lab in enumerate(spec.rows):
        c.text(
            label_w - 6,
            top + cell_h * i + cell_h / 2 + 4,
            _clip(lab, label_w - 10),
            anchor="end",
            size=FONT - 1,
        )
        for j in range(nc):
            v = spec.z[i][j] if j < len(spec.z[i]) else None
            fill = "#f2f2f2" if v is None else _colour(float(v), lo, hi)
            c.rect(label_w + cw * j, top + cell_h * i, cw, cell_h, fill, "#ffffff")
            txt = (spec.cell_text[i][j] if spec.cell_text else "") or ""
            dark = v is not None and hi > lo and (float(v) - lo) / (hi - lo) > 0.55
            for k, part in enumerate(txt.split("<br>")[: int(cell_h // 11)]):
                c.text(
                    label_w + cw * (j + 0.5),
                    top + cell_h * i + 13 + 10 * k,
                    _clip(part, cw - 4, FONT - 3),
                    anchor="middle",
                    size=FONT - 3,
                    fill="#ffffff" if dark else "#222",
                )
    if spec.x_label:
        c.text(
            label_w + (WIDTH - label_w) / 2,
            top + cell_h * nr + 18,
            spec.x_label,
            anchor="middle",
            size=FONT - 1,
        )
    return c.svg(spec.title)
