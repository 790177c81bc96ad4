"""Geometry of the reports' horizontal bar charts; `reports/includes/bar_chart.html` draws them as inline SVG.

Plain dataclasses and one function, no drawing library: the page stays one HTML response, and the numbers
stay in the markup where a screen reader (through the chart's title and description) and a test can read them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import Truncator

LABEL_WIDTH = 250
PLOT_WIDTH = 360
VALUE_WIDTH = 100
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 8
AXIS_HEIGHT = 20
LABEL_CHARS = 36
GRID_STEPS = (0, 25, 50, 75, 100)
BAR_FILL = "#0d6efd"
# Both fills keep a 3:1 contrast with the white page, as WCAG asks of graphics.
HIGHLIGHT_FILLS = {"right": "#198754", "flagged": "#b02a37"}


@dataclass(frozen=True)
class Bar:
    """One value to draw: `value` on a 0-100 scale, `text` the number as the page prints it."""

    label: str
    value: float
    text: str
    highlighted: bool = False


@dataclass(frozen=True)
class ChartRow:
    label: str
    text: str
    fill: str
    bar_y: float
    text_y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class ChartLine:
    """A vertical line across the plot: a grid step (labelled on the axis) or a threshold."""

    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    description: str
    rows: list[ChartRow]
    grid: list[ChartLine]
    thresholds: list[ChartLine]
    plot_bottom: float
    axis_y: float
    height: float
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    plot_x: int = LABEL_WIDTH
    plot_top: int = TOP
    label_x: int = LABEL_WIDTH - 8
    bar_height: int = BAR_HEIGHT


def _x(value: float) -> float:
    return round(LABEL_WIDTH + PLOT_WIDTH * min(100, max(0, value)) / 100, 1)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    highlight: str = "right",
    thresholds: Sequence[float] = (),
) -> BarChart:
    """A 0-100 horizontal bar chart, one row per bar; highlighted bars take the `highlight` fill
    ("right" or "flagged") and `thresholds` draw dashed reference lines."""
    rows = []
    for index, bar in enumerate(bars):
        bar_y = TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        width = round(_x(bar.value) - LABEL_WIDTH, 1)
        rows.append(
            ChartRow(
                label=Truncator(bar.label).chars(LABEL_CHARS),
                text=bar.text,
                fill=HIGHLIGHT_FILLS[highlight] if bar.highlighted else BAR_FILL,
                bar_y=bar_y,
                text_y=bar_y + BAR_HEIGHT - 4,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    plot_bottom = TOP + len(rows) * ROW_HEIGHT
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        rows=rows,
        grid=[ChartLine(x=_x(step), label=f"{step}%") for step in GRID_STEPS],
        thresholds=[ChartLine(x=_x(value), label=f"{value:g}%") for value in thresholds],
        plot_bottom=plot_bottom,
        axis_y=plot_bottom + AXIS_HEIGHT - 6,
        height=plot_bottom + AXIS_HEIGHT,
    )
