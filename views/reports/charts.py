"""Bar charts drawn on the server as SVG: readable without JavaScript, beside a table of the same figures."""

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = 12, 28, 44
GRID_LINES = 4


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Label:
    x: float
    text: str


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    legend: list[tuple[int, str]]
    base: float
    left: float
    right: float
    rtl: bool


def _nice_top(highest: int) -> int:
    """A round number at or above the highest bar, for the scale's last line."""
    if highest <= GRID_LINES:
        return GRID_LINES
    step = 1
    while step * 10 <= highest:
        step *= 10
    for multiple in (1, 2, 2.5, 5, 10):
        top = int(step * multiple)
        if top >= highest and top % GRID_LINES == 0:
            return top
    return highest + (-highest % GRID_LINES)


def bar_chart(
    groups: list[tuple[str, list[int]]], series_names: list[str], rtl: bool, label_every: int = 1
) -> BarChart:
    """Bars of one or more series per group (a day, a week…), first group at the reading start.

    ``groups`` is [(group label, [value per series])].
    """
    top = _nice_top(max((value for _, values in groups for value in values), default=0))
    plot_width = WIDTH - 2 * MARGIN_SIDE
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base = MARGIN_TOP + plot_height
    slot = plot_width / max(len(groups), 1)
    bar_width = max(slot * 0.8 / max(len(series_names), 1), 1)
    bars, labels = [], []
    for index, (label, values) in enumerate(groups):
        start = MARGIN_SIDE + index * slot + slot * 0.1
        for series, value in enumerate(values):
            height = plot_height * value / top if top else 0
            x = start + series * bar_width
            if rtl:
                x = WIDTH - x - bar_width
            bars.append(
                Bar(
                    round(x, 1),
                    round(base - height, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    series,
                )
            )
        if index % label_every == 0:
            middle = start + slot * 0.4
            labels.append(Label(round(WIDTH - middle if rtl else middle, 1), label))
    ticks = [
        Tick(round(base - plot_height * step / GRID_LINES, 1), str(top * step // GRID_LINES))
        for step in range(GRID_LINES + 1)
    ]
    return BarChart(
        WIDTH, HEIGHT, bars, ticks, labels, list(enumerate(series_names)), base, MARGIN_SIDE, WIDTH - MARGIN_SIDE, rtl
    )
