"""Chart widgets the reports share: bars, nested funnel bars and lines, on textual-plotext.

A chart keeps what it draws as plain data (``categories`` and ``series``), so that a test
can compare it with the report's figures without reading plotext's canvas. Labels that
come from users (survey answers, store codes) go through ``printable`` and are cut short:
plotext's output is read back with ``Text.from_ansi``, so an escape sequence in a label
would otherwise drive the terminal, and a long one would squeeze the plot away.

``chart`` gives a quiet "no data" line instead of a plot when every value is zero, and
``LazyChart`` draws a series that has to be read from the database first (in a worker).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import plotext._utility
from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal
from rich.cells import get_character_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from shoptui.errors import ShopError
from shoptui.i18n import _, babel_locale
from shoptui.money import to_decimal

from ..db_work import run_db
from ..text import printable

# plotext removes duplicate ticks through a set, so where labels land depended on the
# process's string hash seed (a chart drew differently from one run to the next). Its
# own comment names the order-keeping alternative; the result is the same list otherwise.
# The one library internal the app still replaces: plotext has no public way to keep the
# order of ticks and points (set_xticks and the plot data go through _utility.brush,
# which calls this); pyproject bounds plotext below 6 for it, and the chart snapshots
# would show a release that stops calling it.
plotext._utility.no_duplicates = lambda data: list(dict.fromkeys(data))

KINDS = ("bars", "funnel", "hbars", "lines")
# A category label longer than this is cut with an ellipsis (cells on the axis).
LABEL_CELLS = 20
# Wide enough to tell the three nested funnel bars apart on an 80-column screen.
FUNNEL_WIDTHS = (0.9, 0.6, 0.3)
TICKS = 5
# Narrow enough that neighbouring bars never run into one block.
BAR_WIDTH = 0.6
# A horizontal bar chart's height: title, frame and tick labels take FRAME_ROWS rows, and
# a category two (with one, plotext rounds some bars onto their neighbour's row).
FRAME_ROWS = 4
MIN_HEIGHT = 10
MAX_HEIGHT = 48
# More bars than this get a label on every few only (a month of days).
CROWDED = 12
# The value axis of a chart with a legend reaches this far past its highest value.
LEGEND_ROOM = 1.4

Series = Sequence[tuple[str, Sequence[int]]]


def one_cell_each(value: object) -> str:
    """User text with every character one terminal cell wide, as plotext counts them.

    plotext lays a chart out by ``len()``: a wide character (CJK, emoji) would push the
    rest of its line one cell further and a zero-width one (a combining mark, a joiner)
    pull it back, and the chart's frame would break. Marks are composed into their
    letters first (NFC), so that Vietnamese keeps its accents; what still takes no cell
    is left out and a wide character becomes "?" (the table shows the text in full).
    """
    kept = []
    for char in unicodedata.normalize("NFC", printable(value)):
        width = get_character_cell_size(char)
        if width == 1:
            kept.append(char)
        elif width > 1:
            kept.append("?")
    return "".join(kept)


def short_label(value: object, cells: int = LABEL_CELLS) -> str:
    text = one_cell_each(value).strip() or "-"
    return text if len(text) <= cells else text[: cells - 1] + "…"


def compact_number(value: float) -> str:
    return format_compact_decimal(value, locale=babel_locale(), fraction_digits=1)


def nice_ticks(low: float, high: float, count: int = TICKS) -> list[int]:
    """Whole-number ticks from ``low`` (at most 0) past ``high`` on a 1-2-5 step, so that
    counts never read 26.7 and a negative bar (returns over sales) has its axis too."""
    low, high = min(low, 0), max(high, 0)
    span = high - low
    if span <= 0:
        return [0, 1]
    raw = span / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)), 1)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    return list(range(first, last + 1, step))


def day_labels(days: list[dt.date]) -> list[str]:
    """Short dates for an axis ("Mar 1"); with the year when the days span more than one."""
    if not days:
        return []
    skeleton = "MMMd" if days[0].year == days[-1].year else "yMMMd"
    return [format_skeleton(skeleton, day, locale=babel_locale()) for day in days]


def money_ticks(currency: str) -> Callable[[float], str]:
    """Axis ticks of an amount in minor units, compact in the major unit (1.5M, 200K)."""

    def tick(minor: float) -> str:
        return compact_number(float(to_decimal(int(minor), currency)))

    return tick


def percent_tick(value: float) -> str:
    return f"{int(value)}%"


class SeriesChart(PlotextPlot):
    """One plotext chart of named integer series over labelled categories."""

    DEFAULT_CSS = """
    SeriesChart {
        height: 14;
        min-height: 10;
        width: 1fr;
    }
    """

    def __init__(
        self,
        title: str,
        categories: Sequence[object],
        series: Series,
        *,
        kind: str = "bars",
        tick_format: Callable[[float], str] = compact_number,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        if kind not in KINDS:
            raise ValueError(kind)
        self.title = one_cell_each(title)
        self.kind = kind
        self.categories = [short_label(category) for category in categories]
        self.series = [(one_cell_each(name), [int(value) for value in values]) for name, values in series]
        self.tick_format = tick_format
        if kind == "hbars":
            self.styles.height = self.bars_height()

    def bars_height(self) -> int:
        """Rows a horizontal bar chart needs so that no category loses its row (and its
        label): a row per series and a gap per category, one slot more for the legend."""
        several = len(self.series) > 1
        count = len(self.categories)
        per_category = len(self.series) + 1 if several else 2
        canvas = (count + (1 if several else 0)) * per_category
        return max(MIN_HEIGHT, min(MAX_HEIGHT, canvas + FRAME_ROWS))

    def render(self):
        # Drawn again at every render: the date labels an axis has room for depend on its width.
        self.draw()
        chart = super().render()
        # A line longer than the widget (a title wider than a narrow screen) is cut, not
        # wrapped onto the next line, where it would shift the rest of the chart down.
        chart.no_wrap = True
        chart.overflow = "crop"
        return chart

    def draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(self.title)
        positions = list(range(len(self.categories)))
        names = [name for name, _values in self.series]
        several = len(self.series) > 1
        horizontal = self.kind == "hbars"
        # plotext puts the first horizontal bar at the bottom; a list reads from the top.
        categories = self.categories[::-1] if horizontal else self.categories
        columns = [values[::-1] if horizontal else list(values) for _name, values in self.series]
        # Below a cell and a half per bar, bars run into each other (a year of days): the
        # same series reads as a line.
        # A single day is a bar: a line of one point is a dot nobody sees.
        as_lines = (self.kind == "lines" and len(positions) > 1) or (
            self.kind in ("bars", "lines") and len(positions) * 3 > self.size.width * 2 > 0
        )
        if as_lines:
            for name, values in zip(names, columns):
                plt.plot(positions, values, label=name if several else None, marker="braille")
            plt.xticks(*self._sparse_ticks(positions))
        elif self.kind == "funnel":
            # Later bars are drawn over earlier ones: each narrower step sits inside the one before.
            for name, values, width in zip(names, columns, FUNNEL_WIDTHS):
                plt.bar(positions, values, label=name, width=width)
            plt.xticks(*self._sparse_ticks(positions))
        else:
            # Bars at numbered places with their labels set here: plotext's own category
            # labels land a cell apart from one run to the next.
            orientation = "horizontal" if horizontal else "vertical"
            if several:
                plt.multiple_bar(positions, columns, labels=names, orientation=orientation)
            else:
                plt.bar(positions, columns[0], orientation=orientation, width=BAR_WIDTH)
            if horizontal:  # as tall as its categories need (bars_height)
                plt.yticks(positions, categories)
            elif len(positions) > CROWDED:
                plt.xticks(*self._sparse_ticks(positions))
            else:
                plt.xticks(positions, categories)
        values = [value for column in columns for value in column]
        top, bottom = max(values, default=0), min(values, default=0)
        ticks = nice_ticks(bottom, top)
        labels = [self.tick_format(tick) for tick in ticks]
        if horizontal:
            plt.xticks(ticks, labels)
            plt.xlim(ticks[0], ticks[-1])
            if several:  # an empty slot on top, where plotext writes the legend
                plt.ylim(-0.5, len(positions) + 0.5)
        else:
            plt.yticks(ticks, labels)
            if not as_lines:  # a lone bar (one day) keeps a bar's width, not the whole chart's
                plt.xlim(-0.75, len(positions) - 0.25)
            # Room above the bars for the legend plotext writes in the top left corner.
            plt.ylim(ticks[0], max(ticks[-1], top * LEGEND_ROOM) if several else ticks[-1])

    def _sparse_ticks(self, positions: list[int]) -> tuple[list[int], list[str]]:
        """As many labels as fit with three cells between them, so that dates do not run together."""
        if not positions:
            return [], []
        widest = max(len(label) for label in self.categories)
        room = max(2, self.size.width // (widest + 3))
        step = max(1, math.ceil(len(positions) / room))
        shown = positions[::step]
        return shown, [self.categories[n] for n in shown]


class NoData(Static):
    """What a chart says when there is nothing to draw."""

    DEFAULT_CSS = """
    NoData {
        color: $text-muted;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text(_("{chart}: no data to draw.").format(chart=printable(title))), id=id, classes=classes)
        self.title = printable(title)


def chart(title: str, categories: Sequence[object], series: Series, **options: Any) -> Widget:
    """A ``SeriesChart``, or ``NoData`` when there is no category or every value is 0."""
    if not categories or not any(any(values) for _name, values in series):
        return NoData(title, id=options.get("id"), classes=options.get("classes"))
    return SeriesChart(title, categories, series, **options)


class LazyChart(Vertical):
    """A chart whose figures come from a core function run in a worker when it is mounted.

    ``build(result)`` turns the function's answer into the widget to show (a chart or
    ``NoData``); until then a "reading" line holds its place.
    """

    DEFAULT_CSS = """
    LazyChart {
        height: auto;
        min-height: 1;
    }
    """

    def __init__(
        self,
        title: str,
        job: Callable[..., Any],
        args: tuple,
        build: Callable[[Any], Widget],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = printable(title)
        self.job = job
        self.args = args
        self.build = build
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Text(_("{chart}: reading…").format(chart=self.title)), classes="chart-loading")

    def on_mount(self) -> None:
        run_db(self, self.job, *self.args, on_done=self._show, on_error=self._failed, group="chart", title=self.title)

    async def _show(self, result: Any) -> None:
        await self.query(".chart-loading").remove()
        await self.mount(self.build(result))
        self.loaded = True

    async def _failed(self, error: ShopError) -> None:
        """The reason in place of the chart: the table beside it is still right."""
        await self.query(".chart-loading").remove()
        message = _("{chart}: {reason}").format(chart=self.title, reason=printable(str(error)))
        await self.mount(Static(Text(message), classes="chart-failed"))
        self.loaded = True
