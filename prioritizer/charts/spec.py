"""The chart description: plain, JSON-able data with no drawing library behind it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: bar = vertical bars per category; barh = horizontal bars (stacked, signed: contributions,
#: tornado ranges); line = lines over categories or numbers; area = stacked areas;
#: heatmap = a matrix of values with row and column labels
Kind = Literal["bar", "barh", "line", "area", "heatmap"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    #: how this series is drawn inside the chart: bars, a line, or target marks (a short tick)
    style: Literal["bar", "line", "marker"] = "bar"
    #: where each bar starts (tornado ranges); None = from zero / stacked
    base: list[float] | None = None


def axis_title(label: str, unit: str | None) -> str:
    """``label`` with its unit in brackets: full-width for a Japanese label, ASCII for an English one.

    The spec carries labels already in the reader's language, not the language itself, so the
    label's script decides (an English axis once read "Days of cover（days）").
    """
    if not unit or not label or f"（{unit}）" in label or f"({unit})" in label:
        return label
    japanese = any("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" for ch in label)
    return f"{label}（{unit}）" if japanese else f"{label} ({unit})"


@dataclass(frozen=True)
class ChartSpec:
    kind: Kind
    title: str
    #: category labels: x for bar/line/area, y (top to bottom) for barh, columns for heatmap
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""
    #: unit printed with values (億円, 日, %…); part of the axis label when it has one
    unit: str = ""
    #: heatmap only: row labels (top to bottom), matrix rows × categories and optional cell text
    rows: list[str] = field(default_factory=list)
    z: list[list[float | None]] = field(default_factory=list)
    cell_text: list[list[str]] | None = None
    #: heatmap colour range
    z_range: tuple[float, float] | None = None
    #: a suggested height in pixels for interactive display
    height: int = 360
    #: x values are numbers (frontier: budget) rather than labels
    numeric_x: list[float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def empty(self) -> bool:
        if self.kind == "heatmap":
            return not self.z
        return not self.categories or not self.series
