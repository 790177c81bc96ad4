"""Bar chart geometry: values map onto the plot, out-of-range values are clamped, long labels shortened."""

from reports.charts import BAR_FILL, HIGHLIGHT_FILLS, LABEL_CHARS, LABEL_WIDTH, PLOT_WIDTH, ROW_HEIGHT, Bar, bar_chart


def chart(*bars, **kwargs):
    return bar_chart(chart_id="test", title="Test", description="Numbers.", bars=bars, **kwargs)


def test_bar_width_is_proportional_to_the_value():
    """50 fills half the plot, 100 all of it, and rows stack one row height apart."""
    half, full = chart(Bar("a", 50, "50%"), Bar("b", 100, "100%")).rows
    assert half.width == PLOT_WIDTH / 2
    assert full.width == PLOT_WIDTH
    assert full.bar_y - half.bar_y == ROW_HEIGHT
    assert full.value_x == LABEL_WIDTH + PLOT_WIDTH + 6


def test_values_outside_the_scale_are_clamped():
    """A negative or above-100 value never draws outside the plot."""
    low, high = chart(Bar("a", -5, "-5"), Bar("b", 140, "140")).rows
    assert (low.width, high.width) == (0, PLOT_WIDTH)


def test_long_labels_are_shortened_and_highlights_coloured():
    """Labels fit the label column; highlighted bars take the chosen highlight fill."""
    (row,) = chart(Bar("x" * 80, 10, "10%", highlighted=True), highlight="flagged").rows
    assert len(row.label) == LABEL_CHARS
    assert row.label.endswith("…")
    assert row.fill == HIGHLIGHT_FILLS["flagged"]
    (plain,) = chart(Bar("short", 10, "10%")).rows
    assert (plain.label, plain.fill) == ("short", BAR_FILL)


def test_thresholds_and_grid_sit_on_the_scale():
    """Dashed thresholds at 20 and 90 and a grid every 25 points; the chart grows with its rows."""
    drawn = chart(Bar("a", 1, "1"), Bar("b", 2, "2"), Bar("c", 3, "3"), thresholds=[20, 90])
    assert [line.x for line in drawn.thresholds] == [LABEL_WIDTH + PLOT_WIDTH * 0.2, LABEL_WIDTH + PLOT_WIDTH * 0.9]
    assert [line.label for line in drawn.grid] == ["0%", "25%", "50%", "75%", "100%"]
    assert drawn.height > chart(Bar("a", 1, "1")).height
